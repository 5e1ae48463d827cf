//! Links between hosts over wRPC: two Trellis hosts on one nats-server, a component on
//! host A whose import is linked to a component on host B.

use std::collections::BTreeMap;
use std::time::Duration;

use futures::StreamExt as _;
use serde_json::json;
use trellis_host::{ComponentSource, LatticeHost};
use trellis_testkit::fixtures::{catalog_client, catalog_server};
use trellis_testkit::NatsServer;
use wasmtime::component::Val;

use crate::ctl_support::{request_json, start_host_with, CTL};

/// The subject wasmCloud 1.x callers publish `describe` calls of component `catalog` to.
const DESCRIBE: &str = "default.catalog.wrpc.0.0.1.trellis:xhost/catalog@0.1.0.describe";

pub(crate) async fn wrpc_host(nats: &NatsServer) -> LatticeHost {
    let wrpc = nats.wrpc_client().await.expect("wRPC client");
    start_host_with(nats, |config| config.runtime.wrpc = Some(wrpc)).await
}

pub(crate) async fn start(host: &LatticeHost, id: &str, bytes: Vec<u8>) {
    host.runtime()
        .start_component(
            id,
            ComponentSource::Bytes(bytes.into()),
            2,
            BTreeMap::new(),
            BTreeMap::new(),
        )
        .await
        .unwrap_or_else(|e| panic!("starting {id}: {e}"));
}

fn item(name: &str, tags: &[&str], size: u32) -> Val {
    Val::Record(vec![
        ("name".into(), Val::String(name.into())),
        (
            "tags".into(),
            Val::List(tags.iter().map(|t| Val::String((*t).into())).collect()),
        ),
        ("size".into(), Val::U32(size)),
    ])
}

fn summary(name: &str, tags: &[&str], weight: u32) -> Val {
    Val::Record(vec![
        ("name".into(), Val::String(name.into())),
        (
            "tags".into(),
            Val::List(tags.iter().map(|t| Val::String((*t).into())).collect()),
        ),
        ("weight".into(), Val::U32(weight)),
    ])
}

/// Calls `run(item)` of `shop` on `host` until the link has reached it (hosts apply
/// links from the lattice's KV as they arrive).
async fn run_when_linked(host: &LatticeHost, value: Val) -> Result<Vec<Val>, String> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let outcome = host
            .runtime()
            .call_function("shop", "run", vec![value.clone()])
            .await
            .map_err(|e| e.to_string());
        match outcome {
            Err(err) if err.contains("no link") && tokio::time::Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            other => return other,
        }
    }
}

async fn link_shop_to_catalog(nats: &NatsServer) {
    link_catalog(nats, "shop", "catalog").await;
}

/// Puts the link `source` → `target` for trellis:xhost/catalog through ctl.
pub(crate) async fn link_catalog(nats: &NatsServer, source: &str, target: &str) {
    let client = nats.client().await.unwrap();
    let reply = request_json(
        &client,
        &format!("{CTL}.link.put"),
        json!({
            "source_id": source, "target": target, "name": "default",
            "wit_namespace": "trellis", "wit_package": "xhost", "interfaces": ["catalog"],
        }),
    )
    .await;
    assert_eq!(reply["success"], true, "{reply}");
}

#[tokio::test]
async fn a_linked_call_crosses_to_another_host_and_back() {
    let nats = NatsServer::start().unwrap();
    let host_a = wrpc_host(&nats).await;
    let host_b = wrpc_host(&nats).await;
    start(&host_a, "shop", catalog_client().unwrap()).await;
    start(&host_b, "catalog", catalog_server().unwrap()).await;

    // An independent listener sees the call on wasmCloud's subject, with its headers.
    let watcher = nats.client().await.unwrap();
    let mut seen = watcher.subscribe(DESCRIBE).await.unwrap();
    watcher.flush().await.unwrap();

    link_shop_to_catalog(&nats).await;
    let out = run_when_linked(&host_a, item("kite", &["red", "big", "łódź"], 3))
        .await
        .expect("the call crosses hosts");
    assert_eq!(out, vec![summary("kite", &["red", "big", "łódź"], 6)]);

    let call = tokio::time::timeout(Duration::from_secs(5), seen.next())
        .await
        .expect("the call was published on wasmCloud's subject")
        .unwrap();
    let headers = call.headers.expect("wRPC headers");
    assert_eq!(headers.get("source-id").unwrap().as_str(), "shop");
    assert_eq!(headers.get("link-name").unwrap().as_str(), "default");
    // A listener is a responder too: gone, so that only the hosts answer below.
    seen.unsubscribe().await.unwrap();
    watcher.flush().await.unwrap();

    // Many calls, some at once: replies go to the right callers.
    let calls = (0..20u32).map(|i| {
        let host = &host_a;
        async move {
            let name = format!("item-{i}");
            let out = run_when_linked(host, item(&name, &["x"; 3], i))
                .await
                .unwrap();
            assert_eq!(out, vec![summary(&name, &["x"; 3], i + 3)]);
        }
    });
    futures::future::join_all(calls).await;

    // Host B goes: A's caller gets a clear "no responder", and A keeps serving.
    host_b.shutdown().await;
    let err = run_when_linked(&host_a, item("kite", &[], 1))
        .await
        .unwrap_err();
    assert!(
        err.contains("no responder for catalog") && err.contains("describe"),
        "{err}"
    );
    start(&host_a, "catalog", catalog_server().unwrap()).await;
    let out = run_when_linked(&host_a, item("kite", &[], 1))
        .await
        .unwrap();
    assert_eq!(out, vec![summary("kite", &[], 1)]);
}

#[tokio::test]
async fn bad_wrpc_calls_are_refused_and_the_host_keeps_serving() {
    let nats = NatsServer::start().unwrap();
    let host = wrpc_host(&nats).await;
    start(&host, "catalog", catalog_server().unwrap()).await;
    let mut logs = host.runtime().logs().subscribe();
    let invoker = trellis_wrpc::Invoker::new(nats.wrpc_client().await.unwrap(), "default");
    let string = wasmtime::component::Type::String;

    // A frame that is not the function's arguments.
    let call = trellis_wrpc::Call {
        source: "prober",
        target: "catalog",
        link_name: "default",
        instance: "trellis:xhost/catalog@0.1.0",
        func: "describe",
        params: &[Val::String("not an item".into())],
        param_types: std::slice::from_ref(&string),
        result_types: std::slice::from_ref(&string),
        timeout: Duration::from_secs(5),
        spied: false,
    };
    let err = invoker.call(call).await.unwrap_err().to_string();
    assert!(
        err.contains("catalog ended") && err.contains("without a result"),
        "{err}"
    );
    let refused = loop {
        let record = tokio::time::timeout(Duration::from_secs(5), logs.recv())
            .await
            .expect("the host logs the refusal")
            .unwrap();
        if record.message.contains("was refused") {
            break record;
        }
    };
    assert_eq!(refused.component.as_deref(), Some("catalog"));
    assert!(
        refused.message.contains("from prober") && refused.message.contains("do not match"),
        "{}",
        refused.message
    );

    // A function the target does not export: nobody serves it.
    let call = trellis_wrpc::Call {
        source: "prober",
        target: "catalog",
        link_name: "default",
        instance: "trellis:xhost/catalog@0.1.0",
        func: "nope",
        params: &[],
        param_types: &[],
        result_types: &[],
        timeout: Duration::from_secs(5),
        spied: false,
    };
    let err = invoker.call(call).await.unwrap_err().to_string();
    assert!(
        err.contains("no responder for catalog") && err.contains("nope"),
        "{err}"
    );

    // Raw garbage with a reply subject, as a broken peer might send.
    let raw = nats.client().await.unwrap();
    raw.publish_with_reply(DESCRIBE, raw.new_inbox(), vec![0xff; 7].into())
        .await
        .unwrap();
    raw.flush().await.unwrap();

    // Still serving: a well-formed call answers.
    let shop = wrpc_host(&nats).await;
    start(&shop, "shop", catalog_client().unwrap()).await;
    link_shop_to_catalog(&nats).await;
    let out = run_when_linked(&shop, item("ok", &["a"], 1)).await.unwrap();
    assert_eq!(out, vec![summary("ok", &["a"], 2)]);
}

/// `bump()` of the probe on `host` (open "counts", increment "hits"), once linked.
pub(crate) async fn bump(host: &LatticeHost) -> Val {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let out = host
            .runtime()
            .call_function("probe", "bump", vec![])
            .await
            .unwrap();
        let waiting = matches!(&out[0], Val::Result(Err(Some(e)))
            if matches!(&**e, Val::String(s) if s.contains("no link")));
        if !waiting || tokio::time::Instant::now() > deadline {
            return out.into_iter().next().unwrap();
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Puts the link probe → kv for wasi:keyvalue store and atomics through ctl.
pub(crate) async fn link_probe_to_kv(nats: &NatsServer) {
    let client = nats.client().await.unwrap();
    let reply = request_json(
        &client,
        &format!("{CTL}.link.put"),
        json!({
            "source_id": "probe", "target": "kv", "name": "default",
            "wit_namespace": "wasi", "wit_package": "keyvalue",
            "interfaces": ["store", "atomics"],
        }),
    )
    .await;
    assert_eq!(reply["success"], true, "{reply}");
}

#[tokio::test]
async fn a_component_counts_in_a_keyvalue_provider_on_another_host() {
    let nats = NatsServer::start().unwrap();
    let host_a = wrpc_host(&nats).await;
    let host_b = wrpc_host(&nats).await;
    start(
        &host_a,
        "probe",
        crate::providers_support::probe_bytes().unwrap(),
    )
    .await;
    host_b
        .runtime()
        .start_provider(
            "kv",
            "builtin://keyvalue",
            BTreeMap::from([("backend".to_owned(), "memory".to_owned())]),
            BTreeMap::new(),
        )
        .await
        .unwrap();

    link_probe_to_kv(&nats).await;

    for expected in 1..=5u64 {
        assert_eq!(
            bump(&host_a).await,
            Val::Result(Ok(Some(Box::new(Val::U64(expected)))))
        );
    }
    // The count lives on host B: its own bucket shows it.
    let kv = host_b
        .runtime()
        .call_function("probe", "bump", vec![])
        .await;
    assert!(kv.is_err(), "the probe does not run on host B");

    // A caller with no link to the provider is refused, as wasmCloud's providers do.
    let types = trellis_wrpc::keyvalue::KeyvalueTypes::load(&wasmtime::Engine::default()).unwrap();
    let sig = types.signature("increment");
    let invoker = trellis_wrpc::Invoker::new(nats.wrpc_client().await.unwrap(), "default");
    let params = [
        Val::String("counts".into()),
        Val::String("hits".into()),
        Val::U64(1),
    ];
    let out = invoker
        .call(trellis_wrpc::Call {
            source: "stranger",
            target: "kv",
            link_name: "default",
            instance: sig.instance,
            func: sig.func,
            params: &params,
            param_types: &sig.params,
            result_types: &sig.results,
            timeout: Duration::from_secs(5),
            spied: false,
        })
        .await
        .unwrap();
    assert_eq!(
        out,
        vec![trellis_wrpc::keyvalue::err_access_denied()],
        "an unlinked caller is let in"
    );

    // The provider stops: the component's next count says nobody answers.
    host_b.runtime().stop_provider("kv").await.unwrap();
    let Val::Result(Err(Some(error))) = bump(&host_a).await else {
        panic!("counting without the provider succeeded");
    };
    assert!(
        matches!(&*error, Val::String(s) if s.contains("no responder for kv")),
        "{error:?}"
    );
}
