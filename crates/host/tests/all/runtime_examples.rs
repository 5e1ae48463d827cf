//! Real-toolchain components from `examples/`: what `trellis run` users run.
//!
//! `py-counter.wasm` is made by componentize-py (CPython inside, 18 MB, WASI 0.2.9
//! imports). It must answer over HTTP through the http-server built-in, count in the
//! keyvalue built-in across requests, read its greeting from config, and log through
//! wasi:logging with its component id.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use trellis_host::ComponentSource;
use trellis_proto::Link;

use crate::{free_port, get, link_http, runtime};

fn example(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(path)
}

#[tokio::test]
async fn componentize_py_counter_counts_greets_and_logs() -> anyhow::Result<()> {
    // Compiling CPython's component takes a while in a debug build on two cores.
    let rt = runtime(Duration::from_secs(30));
    let mut logs = rt.logs().subscribe();
    let config = BTreeMap::from([("greeting".to_string(), "Howdy".to_string())]);
    rt.start_component(
        "py-counter",
        ComponentSource::File(example("py-counter/py-counter.wasm")),
        4,
        config,
        BTreeMap::new(),
    )
    .await?;
    rt.start_provider("kv", "builtin://keyvalue", BTreeMap::new(), BTreeMap::new())
        .await?;
    let kv_link = Link {
        source_id: "py-counter".into(),
        target: "kv".into(),
        name: "default".into(),
        wit_namespace: "wasi".into(),
        wit_package: "keyvalue".into(),
        interfaces: vec!["store".into(), "atomics".into()],
        source_config: vec![],
        target_config: vec![],
    };
    rt.set_link(&kv_link, BTreeMap::new(), BTreeMap::new())
        .await?;
    let port = free_port();
    link_http(&rt, "py-counter", port).await?;

    let (status, first) = get(port, "/a?x=1").await?;
    assert_eq!(status, 200, "{first}");
    assert_eq!(first.trim(), "Howdy path=/a?x=1 hits=1");
    let (_, second) = get(port, "/b").await?;
    assert_eq!(second.trim(), "Howdy path=/b hits=2", "the count persists");

    let record = loop {
        let record = tokio::time::timeout(Duration::from_secs(5), logs.recv()).await??;
        if record.message.contains("request /b") {
            break record;
        }
    };
    assert_eq!(record.component.as_deref(), Some("py-counter"));
    assert_eq!(record.context.as_deref(), Some("py-counter"));
    Ok(())
}
