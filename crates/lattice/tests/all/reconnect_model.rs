//! A `ModelWatcher` re-reads the lattice after its connection comes back, so changes it
//! had no event for are in the model again. Config written straight into
//! `CONFIGDATA_default` (no `config_set`/`config_deleted` event) stands for what
//! happened while the watcher was away.

use std::time::Duration;

use trellis_host::{HostConfig, LatticeHost};
use trellis_lattice::{Client, Context, ModelOptions, ModelWatcher};
use trellis_proto::ConfigMap;
use trellis_testkit::NatsServer;

const HEARTBEAT: Duration = Duration::from_millis(300);

/// Polls the watcher's snapshot until `check` holds (10 s at most).
async fn until(watcher: &ModelWatcher, what: &str, check: impl Fn(&[String], usize) -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let snapshot = watcher.snapshot();
        if check(&snapshot.configs, snapshot.hosts.len()) {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}: {snapshot:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn model_is_read_again_after_a_reconnect() {
    let mut nats = NatsServer::start().unwrap();
    let config = HostConfig {
        heartbeat_interval: HEARTBEAT,
        ..HostConfig::default()
    };
    let _host = LatticeHost::start(nats.client().await.unwrap(), config)
        .await
        .unwrap();
    let ctx = Context::new(nats.url()).with_scatter_window(Duration::from_millis(300));
    let client = Client::connect(&ctx).await.unwrap();
    let options = ModelOptions {
        heartbeat_interval: HEARTBEAT,
        // Generous, so the host is not expired while the server restarts.
        missed_heartbeats: 30.0,
    };
    let watcher = ModelWatcher::start(&client, options).await.unwrap();

    // A config set over ctl reaches the model through its event.
    let values = ConfigMap::from([("k".to_owned(), "v".to_owned())]);
    client.config_put("known", &values).await.unwrap();
    until(&watcher, "the config_set event", |configs, hosts| {
        configs == ["known"] && hosts == 1
    })
    .await;

    // Behind the watcher's back: one config removed, another added, no events.
    let js = async_nats::jetstream::new(nats.client().await.unwrap());
    let kv = js.get_key_value("CONFIGDATA_default").await.unwrap();
    kv.delete("known").await.unwrap();
    kv.put("sneaky", r#"{"a":"b"}"#.into()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        watcher.snapshot().configs,
        ["known"],
        "no event, no change before the reconnect"
    );

    nats.restart().unwrap();
    until(
        &watcher,
        "the model re-read after the reconnect",
        |configs, hosts| configs == ["sneaky"] && hosts == 1,
    )
    .await;
}
