//! Custom interfaces between components on one host: forwarded along links; an
//! unlinked import fails at call time naming the import.

use std::collections::BTreeMap;
use std::time::Duration;

use trellis_host::ComponentSource;
use trellis_proto::Link;
use trellis_testkit::fixtures::{self, WitSource};
use wasmtime::component::Val;

use crate::runtime;

pub(crate) const FWD_WIT: &str = r#"
package trellis:fwd;

interface greeter {
  greet: func(name: string) -> string;
}

world greeter-provider {
  export greeter;
}

world greeter-consumer {
  import greeter;
  export run: func(name: string) -> string;
}
"#;

pub(crate) const ALLOCATOR: &str = r#"
  (global $heap (mut i32) (i32.const 1024))
  (func $realloc (export "cabi_realloc")
        (param $old i32) (param $old_size i32) (param $align i32) (param $new_size i32)
        (result i32)
    (local $ret i32)
    (local.set $ret
      (i32.and
        (i32.add (global.get $heap) (i32.sub (local.get $align) (i32.const 1)))
        (i32.sub (i32.const 0) (local.get $align))))
    (global.set $heap (i32.add (local.get $ret) (local.get $new_size)))
    (if (local.get $old)
      (then (memory.copy (local.get $ret) (local.get $old) (local.get $old_size))))
    (local.get $ret))
"#;

/// Exports greeter.greet(name) = "Hi, NAME!".
pub(crate) fn provider() -> anyhow::Result<Vec<u8>> {
    let wat = format!(
        r#"(module
  (memory (export "memory") 1)
  (data (i32.const 16) "Hi, ")
  {ALLOCATOR}
  (func (export "trellis:fwd/greeter#greet") (param $ptr i32) (param $len i32) (result i32)
    (local $out i32) (local $total i32) (local $ret i32)
    (local.set $total (i32.add (local.get $len) (i32.const 5)))
    (local.set $out (call $realloc (i32.const 0) (i32.const 0) (i32.const 1) (local.get $total)))
    (memory.copy (local.get $out) (i32.const 16) (i32.const 4))
    (memory.copy (i32.add (local.get $out) (i32.const 4)) (local.get $ptr) (local.get $len))
    (i32.store8 (i32.add (local.get $out) (i32.add (local.get $len) (i32.const 4))) (i32.const 33))
    (local.set $ret (call $realloc (i32.const 0) (i32.const 0) (i32.const 4) (i32.const 8)))
    (i32.store (local.get $ret) (local.get $out))
    (i32.store offset=4 (local.get $ret) (local.get $total))
    (local.get $ret))
  (func (export "cabi_post_trellis:fwd/greeter#greet") (param i32))
)"#
    );
    fixtures::component(WitSource::Text(FWD_WIT), "greeter-provider", &wat)
}

/// Exports run(name) = greeter.greet(name) through its import.
pub(crate) fn consumer() -> anyhow::Result<Vec<u8>> {
    let wat = format!(
        r#"(module
  (import "trellis:fwd/greeter" "greet" (func $greet (param i32 i32 i32)))
  (memory (export "memory") 1)
  {ALLOCATOR}
  (func (export "run") (param $ptr i32) (param $len i32) (result i32)
    (call $greet (local.get $ptr) (local.get $len) (i32.const 8))
    (i32.const 8))
  (func (export "cabi_post_run") (param i32))
)"#
    );
    fixtures::component(WitSource::Text(FWD_WIT), "greeter-consumer", &wat)
}

pub(crate) fn greeter_link(target: &str) -> Link {
    Link {
        source_id: "consumer".into(),
        target: target.into(),
        name: "default".into(),
        wit_namespace: "trellis".into(),
        wit_package: "fwd".into(),
        interfaces: vec!["greeter".into()],
        source_config: vec![],
        target_config: vec![],
    }
}

#[tokio::test]
async fn custom_interface_calls_follow_the_link() -> anyhow::Result<()> {
    let rt = runtime(Duration::from_secs(5));
    for (id, bytes) in [("consumer", consumer()?), ("provider", provider()?)] {
        rt.start_component(
            id,
            ComponentSource::Bytes(bytes.into()),
            2,
            BTreeMap::new(),
            BTreeMap::new(),
        )
        .await?;
    }

    // No link yet: the call fails and says which import lacks a link.
    let err = rt
        .call_function("consumer", "run", vec![Val::String("Ada".into())])
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("trellis:fwd/greeter") && err.contains("no link"),
        "{err}"
    );

    rt.set_link(&greeter_link("provider"), BTreeMap::new(), BTreeMap::new())
        .await?;
    let out = rt
        .call_function("consumer", "run", vec![Val::String("Ada".into())])
        .await?;
    assert_eq!(out, vec![Val::String("Hi, Ada!".into())]);

    // The provider cannot be replaced by something that drops the linked export.
    let err = rt
        .update_component("provider", ComponentSource::Bytes(fixtures::demo()?.into()))
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("trellis:fwd/greeter") && err.contains("consumer"),
        "{err}"
    );

    rt.remove_link("consumer", "trellis", "fwd", "default")
        .await?;
    let err = rt
        .call_function("consumer", "run", vec![Val::String("Ada".into())])
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("no link"), "{err}");
    Ok(())
}

#[tokio::test]
async fn a_world_level_import_fails_when_called_not_at_start() -> anyhow::Result<()> {
    let rt = runtime(Duration::from_secs(5));
    rt.start_component(
        "demo",
        ComponentSource::Bytes(fixtures::demo()?.into()),
        1,
        BTreeMap::new(),
        BTreeMap::new(),
    )
    .await?;
    let sum = rt
        .call_function("demo", "add", vec![Val::U32(40), Val::U32(2)])
        .await?;
    assert_eq!(sum, vec![Val::U32(42)]);
    let err = rt
        .call_function("demo", "greet", vec![Val::String("x".into())])
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("`log`") && err.contains("no link"), "{err}");
    Ok(())
}
