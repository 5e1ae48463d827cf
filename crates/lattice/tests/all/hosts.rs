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

/// The app's first model holds the hosts that answer the ping at once; a host that answers
/// late (a stand-in replaying host a's answers under another id after 800 ms) arrives as a
/// change once the whole scatter window has been read.
#[tokio::test]
async fn a_first_look_model_adds_hosts_that_answer_late() {
    use futures::StreamExt as _;

    let nats = NatsServer::start().unwrap();
    let a = host(&nats, "host-a").await;
    let ctx = Context::new(nats.url()).with_scatter_window(Duration::from_millis(1500));
    let client = Client::connect(&ctx).await.unwrap();
    let raw = nats.client().await.unwrap();
    let root = trellis_proto::subject::ctl_root(&ctx.ctl_prefix, &ctx.lattice);
    let late_id = format!("N{}", "L".repeat(a.id().len() - 1));
    let swap = |payload: &[u8]| String::from_utf8_lossy(payload).replace(a.id(), &late_id);
    let ping = raw
        .request(format!("{root}.host.ping"), Default::default())
        .await
        .unwrap();
    let ping = swap(&ping.payload);
    let inventory = raw
        .request(format!("{root}.host.get.{}", a.id()), Default::default())
        .await
        .unwrap();
    let inventory = swap(&inventory.payload);
    let mut pings = raw.subscribe(format!("{root}.host.ping")).await.unwrap();
    let mut gets = raw
        .subscribe(format!("{root}.host.get.{late_id}"))
        .await
        .unwrap();
    raw.flush().await.unwrap();
    let responder = raw.clone();
    tokio::spawn(async move {
        loop {
            tokio::select! {
                Some(m) = pings.next() => {
                    let (r, body) = (responder.clone(), ping.clone());
                    tokio::spawn(async move {
                        tokio::time::sleep(Duration::from_millis(800)).await;
                        if let Some(reply) = m.reply {
                            let _ = r.publish(reply, body.into()).await;
                        }
                    });
                }
                Some(m) = gets.next() => {
                    if let Some(reply) = m.reply {
                        let _ = responder.publish(reply, inventory.clone().into()).await;
                    }
                }
                else => break,
            }
        }
    });

    let started = std::time::Instant::now();
    let watcher = ModelWatcher::start_with_first_look(
        &client,
        ModelOptions::default(),
        Duration::from_millis(300),
    )
    .await
    .unwrap();
    let mut changes = watcher.subscribe();
    assert!(
        started.elapsed() < Duration::from_millis(1400),
        "the first look waited {:?}, not 300 ms",
        started.elapsed()
    );
    let ids: Vec<String> = watcher
        .snapshot()
        .hosts
        .iter()
        .map(|h| h.host.id.clone())
        .collect();
    assert_eq!(ids, vec![a.id().to_owned()]);
    let added = next_change(&mut changes, |c| matches!(c, ModelChange::HostAdded { .. })).await;
    assert!(
        matches!(&added, ModelChange::HostAdded { host } if host.id == late_id),
        "{added:?}"
    );
    assert_eq!(watcher.snapshot().hosts.len(), 2);
}
