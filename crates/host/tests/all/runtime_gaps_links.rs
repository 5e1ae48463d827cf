//! Links between components: an update whose WIT *changes* a linked interface is
//! refused naming the link and the difference; links with different names to
//! different targets coexist.

use std::collections::BTreeMap;
use std::time::Duration;

use trellis_host::{ComponentSource, Runtime};
use trellis_proto::Link;
use trellis_testkit::fixtures::{self, WitSource};
use wasmtime::component::Val;

use crate::runtime;

/// Version 1 of the interface (`greet` takes a string) and version 2 (a u32).
const WIT_V1: &str = r#"
package trellis:gaps;

interface greeter {
  greet: func(name: string) -> string;
}

world provider {
  export greeter;
}

world consumer {
  import greeter;
  export run: func(name: string) -> string;
}
"#;

const WIT_V2: &str = r#"
package trellis:gaps;

interface greeter {
  greet: func(name: u32) -> string;
}

world provider {
  export greeter;
}

world consumer {
  import greeter;
  export run: func(name: u32) -> string;
}
"#;

/// A bump allocator: enough for strings passed into a fixture.
const ALLOC: &str = r#"
  (global $heap (mut i32) (i32.const 4096))
  (func $realloc (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
    (local $ret i32)
    (local.set $ret (global.get $heap))
    (global.set $heap (i32.add (global.get $heap) (i32.add (local.get 3) (i32.const 8))))
    (local.get $ret))
"#;

/// A v1 or v2 provider whose `greet` ignores its argument and returns `reply`.
fn provider(wit: &str, reply: &str) -> anyhow::Result<Vec<u8>> {
    let params = if wit == WIT_V1 {
        "(param i32 i32)"
    } else {
        "(param i32)"
    };
    let len = reply.len();
    let wat = format!(
        r#"(module
  (memory (export "memory") 1)
  (data (i32.const 16) "{reply}")
  (data (i32.const 64) "\10\00\00\00\{len:02x}\00\00\00")
  {ALLOC}
  (func (export "trellis:gaps/greeter#greet") {params} (result i32) (i32.const 64))
  (func (export "cabi_post_trellis:gaps/greeter#greet") (param i32))
)"#
    );
    fixtures::component(WitSource::Text(wit), "provider", &wat)
}

/// A v1 consumer (`run(name)` = `greet(name)`) or a v2 one (`run(n)` = `greet(n)`).
fn consumer(wit: &str) -> anyhow::Result<Vec<u8>> {
    let (import, run) = if wit == WIT_V1 {
        (
            "(param i32 i32 i32)",
            r#"(func (export "run") (param i32 i32) (result i32)
    (call $greet (local.get 0) (local.get 1) (i32.const 8))
    (i32.const 8))"#,
        )
    } else {
        (
            "(param i32 i32)",
            r#"(func (export "run") (param i32) (result i32)
    (call $greet (local.get 0) (i32.const 8))
    (i32.const 8))"#,
        )
    };
    let wat = format!(
        r#"(module
  (import "trellis:gaps/greeter" "greet" (func $greet {import}))
  (memory (export "memory") 1)
  {ALLOC}
  {run}
  (func (export "cabi_post_run") (param i32))
)"#
    );
    fixtures::component(WitSource::Text(wit), "consumer", &wat)
}

fn link(source: &str, target: &str, name: &str) -> Link {
    Link {
        source_id: source.into(),
        target: target.into(),
        name: name.into(),
        wit_namespace: "trellis".into(),
        wit_package: "gaps".into(),
        interfaces: vec!["greeter".into()],
        source_config: vec![],
        target_config: vec![],
    }
}

async fn start(rt: &Runtime, id: &str, bytes: Vec<u8>) -> anyhow::Result<()> {
    rt.start_component(
        id,
        ComponentSource::Bytes(bytes.into()),
        2,
        BTreeMap::new(),
        BTreeMap::new(),
    )
    .await?;
    Ok(())
}

async fn run(rt: &Runtime, id: &str) -> anyhow::Result<String> {
    let out = rt
        .call_function(id, "run", vec![Val::String("Ada".into())])
        .await?;
    match out.as_slice() {
        [Val::String(s)] => Ok(s.clone()),
        other => anyhow::bail!("unexpected result {other:?}"),
    }
}

#[tokio::test]
async fn an_update_that_changes_a_linked_signature_is_refused() -> anyhow::Result<()> {
    let rt = runtime(Duration::from_secs(5));
    start(&rt, "consumer", consumer(WIT_V1)?).await?;
    start(&rt, "provider", provider(WIT_V1, "one")?).await?;
    rt.set_link(
        &link("consumer", "provider", "default"),
        BTreeMap::new(),
        BTreeMap::new(),
    )
    .await?;
    assert_eq!(run(&rt, "consumer").await?, "one");

    // Same interface, compatible: accepted, and the new code answers.
    rt.update_component(
        "provider",
        ComponentSource::Bytes(provider(WIT_V1, "two")?.into()),
    )
    .await?;
    assert_eq!(run(&rt, "consumer").await?, "two");

    // The target changes `greet` (still exported): refused, naming link and reason.
    let err = rt
        .update_component(
            "provider",
            ComponentSource::Bytes(provider(WIT_V2, "bad")?.into()),
        )
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("consumer -> provider"), "{err}");
    assert!(
        err.contains("function greet: parameter name is string here, u32 in the target"),
        "{err}"
    );
    assert_eq!(run(&rt, "consumer").await?, "two", "the old version serves");

    // The source changes its import of `greet`: refused too.
    let err = rt
        .update_component("consumer", ComponentSource::Bytes(consumer(WIT_V2)?.into()))
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("consumer -> provider"), "{err}");
    assert!(
        err.contains("parameter name is u32 here, string in the target"),
        "{err}"
    );
    assert_eq!(run(&rt, "consumer").await?, "two");
    Ok(())
}

const NAMED_WIT: &str = r#"
package trellis:gaps;

interface greeter {
  greet: func(name: string) -> string;
}

world provider {
  export greeter;
}

world named-consumer {
  import wasmcloud:bus/lattice@1.0.0;
  import greeter;
  export run: func(name: string) -> string;
  export run-named: func(link: string, name: string) -> string;
}

package wasmcloud:bus@1.0.0 {
  interface lattice {
    resource call-target-interface {
      constructor(namespace: string, %package: string, %interface: string);
    }
    set-link-name: func(name: string, interfaces: list<call-target-interface>);
  }
}
"#;

/// `run(name)` greets along the default link; `run-named(link, name)` first calls
/// `set-link-name(link, [trellis:gaps/greeter])`.
fn named_consumer() -> anyhow::Result<Vec<u8>> {
    let wat = format!(
        r#"(module
  (import "trellis:gaps/greeter" "greet" (func $greet (param i32 i32 i32)))
  (import "wasmcloud:bus/lattice@1.0.0" "[constructor]call-target-interface"
    (func $target (param i32 i32 i32 i32 i32 i32) (result i32)))
  (import "wasmcloud:bus/lattice@1.0.0" "set-link-name"
    (func $set_link_name (param i32 i32 i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 600) "trellisgapsgreeter")
  {ALLOC}
  (func (export "run") (param i32 i32) (result i32)
    (call $greet (local.get 0) (local.get 1) (i32.const 8))
    (i32.const 8))
  (func (export "run-named") (param i32 i32 i32 i32) (result i32)
    (i32.store (i32.const 512)
      (call $target (i32.const 600) (i32.const 7) (i32.const 607) (i32.const 4)
                    (i32.const 611) (i32.const 7)))
    (call $set_link_name (local.get 0) (local.get 1) (i32.const 512) (i32.const 1))
    (call $greet (local.get 2) (local.get 3) (i32.const 8))
    (i32.const 8))
  (func (export "cabi_post_run") (param i32))
  (func (export "cabi_post_run-named") (param i32))
)"#
    );
    fixtures::component(WitSource::Text(NAMED_WIT), "named-consumer", &wat)
}

async fn run_named(rt: &Runtime, link: &str) -> anyhow::Result<String> {
    let out = rt
        .call_function(
            "consumer",
            "run-named",
            vec![Val::String(link.into()), Val::String("Ada".into())],
        )
        .await?;
    match out.as_slice() {
        [Val::String(s)] => Ok(s.clone()),
        other => anyhow::bail!("unexpected result {other:?}"),
    }
}

#[tokio::test]
async fn links_with_different_names_reach_different_targets() -> anyhow::Result<()> {
    let rt = runtime(Duration::from_secs(5));
    start(&rt, "consumer", named_consumer()?).await?;
    start(&rt, "one", provider(WIT_V1, "one")?).await?;
    start(&rt, "two", provider(WIT_V1, "two")?).await?;
    rt.set_link(
        &link("consumer", "one", "default"),
        BTreeMap::new(),
        BTreeMap::new(),
    )
    .await?;
    rt.set_link(
        &link("consumer", "two", "other"),
        BTreeMap::new(),
        BTreeMap::new(),
    )
    .await?;
    assert_eq!(rt.links().len(), 2, "neither link replaced the other");

    assert_eq!(run(&rt, "consumer").await?, "one");
    assert_eq!(run_named(&rt, "other").await?, "two");
    // The name lasts one invocation: the next one starts at `default` again.
    assert_eq!(run(&rt, "consumer").await?, "one");
    assert_eq!(run_named(&rt, "default").await?, "one");

    // Removing the named link leaves the default one alone.
    rt.remove_link("consumer", "trellis", "gaps", "other")
        .await?;
    let err = run_named(&rt, "other").await.unwrap_err().to_string();
    assert!(err.contains("link name \"other\""), "{err}");
    assert!(
        err.contains("trellis:gaps/greeter") && err.contains("no link"),
        "{err}"
    );
    assert_eq!(run(&rt, "consumer").await?, "one");
    Ok(())
}
