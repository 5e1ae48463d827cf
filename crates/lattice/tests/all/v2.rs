//! Issue 13: a real wasmCloud 2.x host (`wash host`) in the model. It appears with its
//! first heartbeat and, killed (2.x hosts say no goodbye), leaves the model once
//! [`trellis_v2::STALE_AFTER`] passes without one: 3–4 of the heartbeats wash sends.

use std::time::{Duration, Instant};

use tokio::sync::broadcast::Receiver;
use trellis_lattice::{Client, Context, ModelChange, ModelOptions, ModelWatcher};
use trellis_testkit::{NatsServer, WashHost};

/// Waits up to `within` for a change `want` accepts; returns when it came.
async fn change(
    rx: &mut Receiver<ModelChange>,
    within: Duration,
    want: impl Fn(&ModelChange) -> bool,
) -> Instant {
    tokio::time::timeout(within, async {
        loop {
            if want(&rx.recv().await.unwrap()) {
                return Instant::now();
            }
        }
    })
    .await
    .unwrap_or_else(|_| panic!("no such model change within {within:?}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn issue_13_a_killed_2x_host_leaves_the_model_after_its_heartbeat_window() {
    let nats = NatsServer::start().unwrap();
    let client = Client::connect(&Context::new(nats.url())).await.unwrap();
    let watcher = ModelWatcher::start(&client, ModelOptions::default())
        .await
        .unwrap();
    let mut changes = watcher.subscribe();
    let mut host = WashHost::start(&nats.url(), "edge-gone").unwrap();
    let id = host.id().to_owned();
    let seen = |c: &ModelChange| matches!(c, ModelChange::V2HostSeen { host } if host.id == id);

    let first = change(&mut changes, Duration::from_secs(20), seen).await;
    let listed = watcher.snapshot().v2_hosts;
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0].hostname, "edge-gone");

    // The interval wash really heartbeats at, against the window Trellis allows.
    let second = change(&mut changes, Duration::from_secs(30), seen).await;
    let interval = second - first;
    assert!(
        interval.abs_diff(trellis_v2::HEARTBEAT_INTERVAL) < Duration::from_secs(2),
        "wash heartbeats every {interval:?}"
    );
    let missed = trellis_v2::STALE_AFTER.as_secs_f64() / interval.as_secs_f64();
    assert!(
        (3.0..=4.2).contains(&missed),
        "gone after {missed:.1} missed heartbeats"
    );

    host.kill();
    let gone = change(
        &mut changes,
        trellis_v2::STALE_AFTER + Duration::from_secs(10),
        |c| matches!(c, ModelChange::V2HostRemoved { host_id } if *host_id == id),
    )
    .await;
    // The window counts from the last heartbeat (the second, just before the kill).
    let silent = gone - second;
    assert!(
        silent >= trellis_v2::STALE_AFTER
            && silent < trellis_v2::STALE_AFTER + Duration::from_secs(3),
        "removed {silent:?} after its last heartbeat"
    );
    assert!(watcher.snapshot().v2_hosts.is_empty());
}
