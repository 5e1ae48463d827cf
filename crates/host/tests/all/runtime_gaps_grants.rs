//! Grants: environment, preopened directories and network name lookup exist for a
//! component only when its annotations grant them.

use std::collections::BTreeMap;
use std::time::Duration;

use trellis_host::{
    ComponentSource, GrantPolicy, Runtime, RuntimeConfig, ARGS_ANNOTATION, GRANT_DIRS, GRANT_ENV,
    GRANT_NETWORK,
};
use trellis_testkit::fixtures::{self, WitSource};
use wasmtime::component::Val;

use crate::runtime;

const PROBE_WIT: &str = r#"
package trellis:gaps-grants;

world probe {
  import wasi:cli/environment@0.2.12;
  import wasi:filesystem/preopens@0.2.12;
  import wasi:sockets/instance-network@0.2.12;
  import wasi:sockets/ip-name-lookup@0.2.12;
  export env: func() -> list<tuple<string, string>>;
  export preopens: func() -> list<string>;
  export can-resolve: func() -> bool;
}
"#;

const PROBE_WAT: &str = r#"
(module
  (import "wasi:cli/environment@0.2.12" "get-environment" (func $get_env (param i32)))
  (import "wasi:filesystem/preopens@0.2.12" "get-directories" (func $get_dirs (param i32)))
  (import "wasi:sockets/instance-network@0.2.12" "instance-network" (func $network (result i32)))
  (import "wasi:sockets/ip-name-lookup@0.2.12" "resolve-addresses"
    (func $resolve (param i32 i32 i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 200) "127.0.0.1")
  (global $heap (mut i32) (i32.const 4096))
  (func $realloc (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
    (local $ret i32)
    (local.set $ret (i32.and (i32.add (global.get $heap) (i32.const 7)) (i32.const -8)))
    (global.set $heap (i32.add (local.get $ret) (local.get 3)))
    (local.get $ret))
  ;; list<tuple<string, string>> has the same layout both ways: hand it back.
  (func (export "env") (result i32)
    (call $get_env (i32.const 16))
    (i32.const 16))
  ;; list<tuple<descriptor, string>> (12-byte elements) to list<string> (8-byte ones).
  (func (export "preopens") (result i32)
    (local $i i32) (local $n i32) (local $src i32) (local $dst i32)
    (call $get_dirs (i32.const 16))
    (local.set $src (i32.load (i32.const 16)))
    (local.set $n (i32.load (i32.const 20)))
    (local.set $dst (call $realloc (i32.const 0) (i32.const 0) (i32.const 4)
      (i32.mul (local.get $n) (i32.const 8))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (i64.store (i32.add (local.get $dst) (i32.mul (local.get $i) (i32.const 8)))
          (i64.load (i32.add (local.get $src) (i32.add (i32.mul (local.get $i) (i32.const 12)) (i32.const 4)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (i32.store (i32.const 32) (local.get $dst))
    (i32.store (i32.const 36) (local.get $n))
    (i32.const 32))
  ;; resolve-addresses(instance-network(), "127.0.0.1") is ok (no DNS for a literal).
  (func (export "can-resolve") (result i32)
    (call $resolve (call $network) (i32.const 200) (i32.const 9) (i32.const 48))
    (i32.eqz (i32.load8_u (i32.const 48))))
)
"#;

async fn call(rt: &Runtime, id: &str, func: &str) -> anyhow::Result<Val> {
    let mut out = rt.call_function(id, func, vec![]).await?;
    anyhow::ensure!(out.len() == 1, "{func} returned {out:?}");
    Ok(out.remove(0))
}

#[tokio::test]
async fn env_dirs_and_network_only_when_granted() -> anyhow::Result<()> {
    // This runtime's owner allows every grant; `grant_policy.rs` covers refusals.
    let rt = Runtime::new(RuntimeConfig {
        grants: GrantPolicy::allow_all(),
        ..runtime(Duration::from_secs(5)).config().clone()
    })?;
    let bytes = fixtures::component(WitSource::WithWasi(PROBE_WIT), "probe", PROBE_WAT)?;
    let dir = tempfile::tempdir()?;
    let granted = BTreeMap::from([
        (GRANT_ENV.to_string(), "GREETING=hi".to_string()),
        (
            GRANT_DIRS.to_string(),
            format!("{}:/data", dir.path().display()),
        ),
        (GRANT_NETWORK.to_string(), "true".to_string()),
    ]);
    for (id, annotations) in [("bare", BTreeMap::new()), ("granted", granted)] {
        rt.start_component(
            id,
            ComponentSource::Bytes(bytes.clone().into()),
            1,
            BTreeMap::new(),
            annotations,
        )
        .await?;
    }

    assert_eq!(call(&rt, "bare", "env").await?, Val::List(vec![]));
    assert_eq!(call(&rt, "bare", "preopens").await?, Val::List(vec![]));
    assert_eq!(call(&rt, "bare", "can-resolve").await?, Val::Bool(false));

    let pair = Val::Tuple(vec![
        Val::String("GREETING".into()),
        Val::String("hi".into()),
    ]);
    assert_eq!(call(&rt, "granted", "env").await?, Val::List(vec![pair]));
    assert_eq!(
        call(&rt, "granted", "preopens").await?,
        Val::List(vec![Val::String("/data".into())])
    );
    assert_eq!(call(&rt, "granted", "can-resolve").await?, Val::Bool(true));

    // A malformed grant is refused at start, naming the annotation.
    let bad = BTreeMap::from([(GRANT_DIRS.to_string(), "/definitely/not/here".to_string())]);
    let err = rt
        .start_component(
            "bad",
            ComponentSource::Bytes(bytes.clone().into()),
            1,
            BTreeMap::new(),
            bad,
        )
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains(GRANT_DIRS) && err.contains("/definitely/not/here"),
        "{err}"
    );
    let bad_args = BTreeMap::from([(ARGS_ANNOTATION.to_string(), "one two".to_string())]);
    let err = rt
        .start_component(
            "bad-args",
            ComponentSource::Bytes(bytes.into()),
            1,
            BTreeMap::new(),
            bad_args,
        )
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains(ARGS_ANNOTATION) && err.contains("JSON array of strings"),
        "{err}"
    );
    Ok(())
}
