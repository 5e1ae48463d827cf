//! A starting provider gets the links that already name it, as in wasmCloud: a link put
//! before its http-server source started is served once the provider starts (and again
//! after a restart), over ctl v1 as well as on a bare runtime.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::json;
use trellis_host::ComponentSource;
use trellis_proto::Link;
use trellis_testkit::NatsServer;

use crate::ctl_support::*;

/// GETs `path` on `port` until it answers or [`WAIT`] passes.
async fn get_eventually(port: u16, path: &str) -> (u16, String) {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        match crate::get(port, path).await {
            Ok(answer) => return answer,
            Err(_) if tokio::time::Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(err) => panic!("no HTTP answer on {port}: {err}"),
        }
    }
}

/// `http-id` → `comp-id`, wasi:http/incoming-handler.
fn http_link(source_config: Vec<String>) -> Link {
    Link {
        source_id: "http-id".into(),
        target: "comp-id".into(),
        name: "default".into(),
        wit_namespace: "wasi".into(),
        wit_package: "http".into(),
        interfaces: vec!["incoming-handler".into()],
        source_config,
        target_config: vec![],
    }
}

#[tokio::test]
async fn a_link_put_over_ctl_before_its_http_server_starts_is_served_once_it_starts() {
    let nats = NatsServer::start().unwrap();
    let client = nats.client().await.unwrap();
    let host = start_host(&nats).await;
    let id = host.id().to_owned();
    let mut events = events(&client).await;
    let port = crate::free_port();

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hello.wasm");
    std::fs::write(&path, trellis_testkit::fixtures::http_hello().unwrap()).unwrap();
    let scale = json!({"component_ref": path.to_str().unwrap(), "component_id": "comp-id",
        "count": 1, "host_id": id});
    request_json(&client, &format!("{CTL}.component.scale.{id}"), scale).await;
    next_event(&mut events, "component_scaled").await;

    // Config and link first, while no provider http-id runs anywhere.
    let cfg = request(
        &client,
        &format!("{CTL}.config.put.web"),
        format!(r#"{{"address":"127.0.0.1:{port}"}}"#),
    )
    .await;
    assert_eq!(cfg["success"], true, "{cfg}");
    let link = serde_json::to_value(http_link(vec!["web".into()])).unwrap();
    let reply = request_json(&client, &format!("{CTL}.link.put"), link).await;
    assert_eq!(reply["success"], true, "{reply}");
    eventually("the runtime holds the link", || {
        host.runtime()
            .links()
            .iter()
            .any(|l| l.source_id == "http-id")
    })
    .await;
    assert!(
        crate::get(port, "/").await.is_err(),
        "nothing listens before the provider starts"
    );

    let start =
        json!({"provider_id": "http-id", "provider_ref": "builtin://http-server", "host_id": id});
    request_json(&client, &format!("{CTL}.provider.start.{id}"), start).await;
    next_event(&mut events, "provider_started").await;

    let (status, body) = get_eventually(port, "/hi?x=1").await;
    assert_eq!(status, 200);
    assert!(body.contains("path=/hi?x=1"), "{body}");
}

#[tokio::test]
async fn a_link_set_before_its_http_server_starts_binds_on_start_and_after_a_restart(
) -> anyhow::Result<()> {
    let rt = crate::runtime(Duration::from_secs(5));
    rt.start_component(
        "comp-id",
        ComponentSource::Bytes(trellis_testkit::fixtures::http_hello()?.into()),
        2,
        BTreeMap::new(),
        BTreeMap::new(),
    )
    .await?;
    let port = crate::free_port();
    let address = BTreeMap::from([("address".to_string(), format!("127.0.0.1:{port}"))]);
    rt.set_link(&http_link(vec![]), address, BTreeMap::new())
        .await?;
    assert!(crate::get(port, "/").await.is_err(), "bound too early");

    let start = || {
        rt.start_provider(
            "http-id",
            "builtin://http-server",
            BTreeMap::new(),
            BTreeMap::new(),
        )
    };
    start().await?;
    let (status, body) = crate::get(port, "/first").await?;
    assert_eq!(
        (status, body.contains("path=/first")),
        (200, true),
        "{body}"
    );

    rt.stop_provider("http-id").await?;
    let deadline = tokio::time::Instant::now() + WAIT;
    while crate::get(port, "/").await.is_ok() {
        assert!(tokio::time::Instant::now() < deadline, "still listening");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    start().await?;
    let (status, body) = crate::get(port, "/again").await?;
    assert_eq!(
        (status, body.contains("path=/again")),
        (200, true),
        "{body}"
    );
    Ok(())
}

/// The app's inspector judges a link to a provider by the provider's `image_ref` in the
/// lattice model, which comes from `provider_started` and then from heartbeats. For a
/// link put before its keyvalue target started, both spellings must resolve to the
/// keyvalue built-in, so the import shows as served by the link that serves its calls.
#[tokio::test]
async fn a_keyvalue_target_started_after_its_link_is_reported_as_the_builtin_that_serves_it() {
    let nats = NatsServer::start().unwrap();
    let client = nats.client().await.unwrap();
    let host = start_host(&nats).await;
    let id = host.id().to_owned();
    let mut events = events(&client).await;

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("probe.wasm");
    std::fs::write(&path, crate::providers_support::probe_bytes().unwrap()).unwrap();
    let scale = json!({"component_ref": path.to_str().unwrap(), "component_id": "probe",
        "count": 1, "host_id": id});
    request_json(&client, &format!("{CTL}.component.scale.{id}"), scale).await;
    next_event(&mut events, "component_scaled").await;

    let link = Link {
        source_id: "probe".into(),
        target: "kv".into(),
        name: "default".into(),
        wit_namespace: "wasi".into(),
        wit_package: "keyvalue".into(),
        interfaces: vec!["store".into(), "atomics".into()],
        source_config: vec![],
        target_config: vec![],
    };
    let body = serde_json::to_value(&link).unwrap();
    let reply = request_json(&client, &format!("{CTL}.link.put"), body).await;
    assert_eq!(reply["success"], true, "{reply}");
    eventually("the runtime holds the link", || {
        host.runtime().links().iter().any(|l| l.target == "kv")
    })
    .await;

    let start = json!({"provider_id": "kv", "provider_ref": "wasmcloud+builtin://keyvalue",
        "host_id": id});
    request_json(&client, &format!("{CTL}.provider.start.{id}"), start).await;
    let started = next_event(&mut events, "provider_started").await;
    let from_event = started["data"]["image_ref"].as_str().unwrap().to_owned();
    let from_inventory = host.runtime().providers()[0].image_ref.clone().unwrap();

    let caps = trellis_wit::HostCapabilities::trellis_default();
    let wit = host.runtime().component_wit("probe").await.unwrap();
    for image_ref in [from_event, from_inventory] {
        let builtin = caps
            .provider(&image_ref)
            .unwrap_or_else(|| panic!("{image_ref:?} names no built-in"));
        assert_eq!(builtin.name, "keyvalue", "{image_ref:?}");
        let target = trellis_wit::LinkTarget::provider(link.clone(), builtin);
        let imports = trellis_wit::analyze_satisfaction(&wit, &caps, &[target]);
        for wanted in ["wasi:keyvalue/store", "wasi:keyvalue/atomics"] {
            let status = imports
                .iter()
                .find(|s| s.import.starts_with(wanted))
                .unwrap_or_else(|| panic!("no {wanted} import in {imports:?}"));
            assert_eq!(
                status.satisfied_by,
                trellis_wit::SatisfiedBy::Provider {
                    link: "default".into(),
                    target: "kv".into()
                },
                "{wanted} via {image_ref:?}"
            );
        }
    }

    // And the link serves calls.
    let out = host
        .runtime()
        .call_function("probe", "bump", vec![])
        .await
        .unwrap();
    assert!(
        matches!(out.as_slice(), [wasmtime::component::Val::Result(Ok(_))]),
        "{out:?}"
    );
}

#[tokio::test]
async fn messaging_links_set_before_the_provider_starts_subscribe_when_it_starts(
) -> anyhow::Result<()> {
    let nats = NatsServer::start()?;
    let rt = trellis_host::Runtime::new(trellis_host::RuntimeConfig {
        host_id: "messaging-host".into(),
        cache_dir: Some(std::env::temp_dir().join("trellis-host-tests-cache")),
        nats: Some(nats.client().await?),
        ..trellis_host::RuntimeConfig::default()
    })?;
    rt.start_component(
        "echo",
        ComponentSource::Bytes(trellis_testkit::fixtures::messaging_echo()?.into()),
        2,
        BTreeMap::new(),
        BTreeMap::new(),
    )
    .await?;
    let handler = Link {
        source_id: "nats".into(),
        target: "echo".into(),
        name: "default".into(),
        wit_namespace: "wasmcloud".into(),
        wit_package: "messaging".into(),
        interfaces: vec!["handler".into()],
        source_config: vec![],
        target_config: vec![],
    };
    let consumer = Link {
        source_id: "echo".into(),
        target: "nats".into(),
        interfaces: vec!["consumer".into()],
        ..handler.clone()
    };
    // Both links first: the provider they name does not run yet.
    let subscriptions = BTreeMap::from([("subscriptions".to_string(), "echo.in".to_string())]);
    rt.set_link(&handler, subscriptions, BTreeMap::new())
        .await?;
    rt.set_link(&consumer, BTreeMap::new(), BTreeMap::new())
        .await?;

    rt.start_provider(
        "nats",
        "builtin://messaging",
        BTreeMap::new(),
        BTreeMap::new(),
    )
    .await?;
    let client = nats.client().await?;
    let reply = tokio::time::timeout(
        Duration::from_secs(10),
        client.request("echo.in", "ping".as_bytes().to_vec().into()),
    )
    .await??;
    assert_eq!(String::from_utf8_lossy(&reply.payload), "ping");
    rt.shutdown().await;
    Ok(())
}
