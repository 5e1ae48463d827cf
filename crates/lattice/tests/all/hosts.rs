//! Two real Trellis hosts and a client on one nats-server: discovery, events, and a
//! model that follows heartbeats and drops a silent host.

use std::time::Duration;

use trellis_host::{HostConfig, LatticeHost};
use trellis_lattice::{Client, Context, ModelChange, ModelOptions, ModelWatcher, RemovalReason};
use trellis_proto::{ConfigMap, LatticeEvent};
use trellis_testkit::NatsServer;

const HEARTBEAT: Duration = Duration::from_millis(300);

async fn host(nats: &NatsServer, name: &str) -> LatticeHost {
    let config = HostConfig {
        friendly_name: Some(name.to_owned()),
        heartbeat_interval: HEARTBEAT,
        ..HostConfig::default()
    };
    LatticeHost::start(nats.client().await.unwrap(), config)
        .await
        .unwrap()
}

async fn next_change(
    rx: &mut tokio::sync::broadcast::Receiver<ModelChange>,
    mut want: impl FnMut(&ModelChange) -> bool,
) -> ModelChange {
    tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            let change = rx.recv().await.unwrap();
            if want(&change) {
                return change;
            }
        }
    })
    .await
    .expect("expected model change did not arrive")
}

#[tokio::test]
async fn two_hosts_events_and_a_model_that_drops_silent_hosts() {
    let nats = NatsServer::start().unwrap();
    let a = host(&nats, "host-a").await;
    let b = host(&nats, "host-b").await;
    let ctx = Context::new(nats.url()).with_scatter_window(Duration::from_millis(500));
    let client = Client::connect(&ctx).await.unwrap();

    let mut ids: Vec<String> = client
        .ping_hosts()
        .await
        .unwrap()
        .into_iter()
        .map(|h| h.id)
        .collect();
    ids.sort();
    let mut expected = vec![a.id().to_owned(), b.id().to_owned()];
    expected.sort();
    assert_eq!(ids, expected);
    assert_eq!(
        client.host_inventory(a.id()).await.unwrap().friendly_name,
        "host-a"
    );

    // Events: a label change on host a is observed with its source.
    let mut events = client.events().await.unwrap();
    client.label_put(a.id(), "zone", "east").await.unwrap();
    let labels = events
        .wait_for("labels_changed", Duration::from_secs(5), |m| {
            match &m.event {
                LatticeEvent::LabelsChanged(e) if m.source() == a.id() => Some(e.labels.clone()),
                _ => None,
            }
        })
        .await
        .unwrap();
    assert_eq!(labels.get("zone").map(String::as_str), Some("east"));

    // The model: both hosts, kept alive by heartbeats, config changes as diffs.
    let options = ModelOptions {
        heartbeat_interval: HEARTBEAT,
        missed_heartbeats: 2.5,
    };
    let watcher = ModelWatcher::start(&client, options).await.unwrap();
    let mut changes = watcher.subscribe();
    assert_eq!(watcher.snapshot().hosts.len(), 2);
    let zone = watcher
        .snapshot()
        .hosts
        .iter()
        .find(|h| h.host.id == a.id())
        .and_then(|h| h.host.labels.get("zone").cloned());
    assert_eq!(zone.as_deref(), Some("east"));

    let values: ConfigMap = [("k".to_owned(), "v".to_owned())].into();
    client.config_put("settings", &values).await.unwrap();
    next_change(
        &mut changes,
        |c| matches!(c, ModelChange::ConfigSet { name } if name == "settings"),
    )
    .await;

    // Heartbeats keep both hosts well past the 750 ms timeout.
    tokio::time::sleep(HEARTBEAT * 5).await;
    assert_eq!(
        watcher.snapshot().hosts.len(),
        2,
        "heartbeats keep hosts alive"
    );

    // Host b goes silent (dropped without host_stopped): removed for missed heartbeats.
    let b_id = b.id().to_owned();
    drop(b);
    let change = next_change(&mut changes, |c| {
        matches!(c, ModelChange::HostRemoved { .. })
    })
    .await;
    assert_eq!(
        change,
        ModelChange::HostRemoved {
            host_id: b_id,
            reason: RemovalReason::MissedHeartbeats
        }
    );

    // Host a shuts down cleanly: removed because it stopped.
    let a_id = a.id().to_owned();
    a.shutdown().await;
    let change = next_change(&mut changes, |c| {
        matches!(c, ModelChange::HostRemoved { .. })
    })
    .await;
    assert_eq!(
        change,
        ModelChange::HostRemoved {
            host_id: a_id,
            reason: RemovalReason::Stopped
        }
    );
    assert!(watcher.snapshot().hosts.is_empty());
}

#[tokio::test]
async fn a_host_sends_the_wit_of_a_running_component_whose_file_is_gone() {
    let nats = NatsServer::start().unwrap();
    let a = host(&nats, "host-a").await;
    let bytes = trellis_testkit::fixtures::http_hello().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("hello.wasm");
    std::fs::write(&file, &bytes).unwrap();
    a.runtime()
        .start_component(
            "hello",
            trellis_host::ComponentSource::File(file.clone()),
            1,
            ConfigMap::new(),
            Default::default(),
        )
        .await
        .unwrap();
    // What an inspector on another machine faces: the file is not there.
    std::fs::remove_file(&file).unwrap();

    let client = Client::connect(&Context::new(nats.url())).await.unwrap();
    let wit = client.component_wit(a.id(), "hello").await.unwrap();
    assert_eq!(wit, trellis_wit::decode_component(&bytes).unwrap());
    assert!(
        wit.exported_interfaces()
            .any(|i| i.name == "wasi:http/incoming-handler@0.2.12"),
        "{:?}",
        wit.exports
    );

    let err = client.component_wit(a.id(), "nope").await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "component WIT failed: component \"nope\" is not running on this host"
    );
    // A host that is not there (or a wasmCloud host, which has no such subject).
    let absent = "NCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC";
    let err = client.component_wit(absent, "hello").await.unwrap_err();
    assert!(
        err.to_string().contains("does not serve component WIT"),
        "{err}"
    );
    a.shutdown().await;
}
