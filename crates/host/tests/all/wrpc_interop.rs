//! Trellis hosts against wasmCloud 1.9's own wRPC: its transport (`wrpc-transport-nats`
//! 0.29 on async-nats 0.39) and its typed value encoding (`wrpc-transport` 0.28), the
//! versions a wasmCloud 1.9 host and wasmcloud-provider-sdk 0.17 are built with. A record
//! travels as the tuple of its fields.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt as _;
use trellis_host::ComponentSource;
use trellis_testkit::fixtures::{catalog_client, catalog_server};
use trellis_testkit::NatsServer;
use wasmtime::component::Val;
use wrpc_transport_wasmcloud::{InvokeExt as _, ServeExt as _};

use crate::spy::{call_of, next_record, no_second_record, spy_on};
use crate::wrpc_links::{link_catalog, wrpc_host};

const CATALOG: &str = "trellis:xhost/catalog@0.1.0";

/// `item` and `summary` as wasmCloud's typed encoding sees them.
type Item = (String, Vec<String>, u32);

async fn wasmcloud_client(
    nats: &NatsServer,
    target: &str,
) -> wrpc_transport_nats_wasmcloud::Client {
    let connection = async_nats_wasmcloud::connect(nats.url()).await.unwrap();
    wrpc_transport_nats_wasmcloud::Client::new(connection, format!("default.{target}"), None)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_wasmcloud_caller_calls_a_component_on_a_trellis_host() {
    let nats = NatsServer::start().unwrap();
    let host = wrpc_host(&nats).await;
    host.runtime()
        .start_component(
            "catalog",
            ComponentSource::Bytes(catalog_server().unwrap().into()),
            1,
            BTreeMap::new(),
            BTreeMap::new(),
        )
        .await
        .unwrap();
    // A spy on the component: a wasmCloud caller records nothing, so its host does.
    let mut spy = spy_on(&nats, "catalog").await;
    // The spy looks for a host without a spy running the target (a ping window): it is a
    // Trellis host here, so the traffic is not read besides, and the call shows once.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let client = wasmcloud_client(&nats, "catalog").await;
    let mut headers = async_nats_wasmcloud::HeaderMap::new();
    headers.insert("source-id", "wasmcloud-caller");
    headers.insert("link-name", "default");
    let item: Item = ("kite".into(), vec!["red".into(), "big".into()], 3);
    let no_paths: [&[Option<usize>]; 0] = [];
    let (summary,): (Item,) = tokio::time::timeout(
        Duration::from_secs(10),
        client.invoke_values_blocking(Some(headers), CATALOG, "describe", (item,), no_paths),
    )
    .await
    .expect("the Trellis host answers in time")
    .expect("the call succeeds");
    assert_eq!(
        summary,
        ("kite".into(), vec!["red".into(), "big".into()], 5)
    );
    let record = next_record(&mut spy).await;
    assert_eq!(
        (record.host_id.as_str(), record.source_id.as_str()),
        (host.id(), "wasmcloud-caller")
    );
    assert_eq!(
        record.results,
        [r#"{name: "kite", tags: ["red", "big"], weight: 5}"#]
    );
    no_second_record(&mut spy, "the call was recorded twice").await;
    spy.stop().await;
}

/// Serves `describe` at `default.legacy` as wasmCloud 1.9 serves a component: its
/// transport, its queue group, typed values. It answers `"<name> (legacy)"` with the size
/// plus the tag count as the weight, and sends each caller's `source-id` on the channel.
async fn serve_legacy(nats: &NatsServer) -> tokio::sync::mpsc::UnboundedReceiver<String> {
    let connection = async_nats_wasmcloud::connect(nats.url()).await.unwrap();
    let prefix: Arc<str> = "default.legacy".into();
    let server = wrpc_transport_nats_wasmcloud::Client::new(
        connection.clone(),
        prefix.clone(),
        Some(prefix),
    )
    .await
    .unwrap();
    let no_paths: [Box<[Option<usize>]>; 0] = [];
    let invocations = server
        .serve_values::<(Item,), (Item,)>(CATALOG, "describe", no_paths)
        .await
        .unwrap();
    connection.flush().await.unwrap();
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        let mut invocations = std::pin::pin!(invocations);
        while let Some(Ok((headers, ((name, tags, size),), _rx, reply))) = invocations.next().await
        {
            let source = headers
                .and_then(|h| h.get("source-id").map(|v| v.as_str().to_owned()))
                .unwrap_or_default();
            let _ = tx.send(source);
            let weight = size + u32::try_from(tags.len()).unwrap();
            reply(((format!("{name} (legacy)"), tags, weight),))
                .await
                .unwrap();
        }
    });
    rx
}

#[tokio::test]
async fn a_trellis_component_calls_a_wasmcloud_server() {
    let nats = NatsServer::start().unwrap();
    let mut sources = serve_legacy(&nats).await;

    let host = wrpc_host(&nats).await;
    host.runtime()
        .start_component(
            "shop",
            ComponentSource::Bytes(catalog_client().unwrap().into()),
            1,
            BTreeMap::new(),
            BTreeMap::new(),
        )
        .await
        .unwrap();
    link_catalog(&nats, "shop", "legacy").await;

    let item = |name: &str| {
        Val::Record(vec![
            ("name".into(), Val::String(name.into())),
            ("tags".into(), Val::List(vec![Val::String("x".into())])),
            ("size".into(), Val::U32(1)),
        ])
    };
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    let out = loop {
        match host
            .runtime()
            .call_function("shop", "run", vec![item("kite")])
            .await
        {
            Err(err)
                if err.to_string().contains("no link")
                    && tokio::time::Instant::now() < deadline =>
            {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            other => break other.unwrap(),
        }
    };
    assert_eq!(
        out,
        vec![Val::Record(vec![
            ("name".into(), Val::String("kite (legacy)".into())),
            ("tags".into(), Val::List(vec![Val::String("x".into())])),
            ("weight".into(), Val::U32(2)),
        ])]
    );
    // A spy on the wasmCloud-served target sees the call: its host records nothing, so
    // the calling Trellis host does, with the values as WAVE.
    let mut spy = spy_on(&nats, "legacy").await;
    host.runtime()
        .call_function("shop", "run", vec![item("again")])
        .await
        .unwrap();
    let record = next_record(&mut spy).await;
    assert_eq!(call_of(&record), ("shop", "legacy", CATALOG, "describe"));
    assert_eq!(record.host_id, host.id());
    assert_eq!(record.args, [r#"{name: "again", tags: ["x"], size: 1}"#]);
    assert_eq!(
        record.results,
        [r#"{name: "again (legacy)", tags: ["x"], weight: 2}"#]
    );
    spy.stop().await;
    for _ in 0..2 {
        let source = tokio::time::timeout(Duration::from_secs(5), sources.recv()).await;
        assert_eq!(source.unwrap().as_deref(), Some("shop"));
    }
}

/// On a lattice with no Trellis host, the spy reads a wasmCloud caller's calls into a
/// wasmCloud server off the wRPC traffic: who called which function, how long it took,
/// the values by size (their WIT is not on this machine).
#[tokio::test]
async fn with_no_trellis_host_the_spy_reads_calls_off_the_wire() {
    let nats = NatsServer::start().unwrap();
    let _sources = serve_legacy(&nats).await;

    let mut spy = spy_on(&nats, "legacy").await;
    assert!(
        spy.reads_wire(),
        "no Trellis host answers: the spy reads the wire"
    );
    let client = wasmcloud_client(&nats, "legacy").await;
    let mut headers = async_nats_wasmcloud::HeaderMap::new();
    headers.insert("source-id", "wasmcloud-caller");
    headers.insert("link-name", "default");
    let no_paths: [&[Option<usize>]; 0] = [];
    let item: Item = ("kite".into(), vec!["red".into()], 3);
    let (answer,): (Item,) = client
        .invoke_values_blocking(Some(headers), CATALOG, "describe", (item,), no_paths)
        .await
        .unwrap();
    assert_eq!(answer.0, "kite (legacy)");

    let record = next_record(&mut spy).await;
    assert_eq!(
        call_of(&record),
        ("wasmcloud-caller", "legacy", CATALOG, "describe")
    );
    assert_eq!(record.link_name, "default");
    // "kite" (1 + 4 bytes), one tag (1 + 1 + 3), the size (1); the answer's name is 9 longer.
    assert_eq!(record.args, ["(11 bytes; no WIT for this function)"]);
    assert_eq!(record.results, ["(20 bytes; no WIT for this function)"]);
    assert!(record.error.is_none() && record.duration_us > 0);
    spy.stop().await;
}
