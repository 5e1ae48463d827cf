//! Reliability suite (issue 11): nats-server killed with SIGKILL and restarted under
//! traffic. A host serves an HTTP component through an http-server link set over ctl
//! (config and link in the lattice's JetStream KV buckets); HTTP requests and lattice
//! pings keep going while the server is killed and started again on the same port with
//! the same store. The host and a lattice client (`trellis_lattice::Client`) must
//! reconnect within 5 s, the link, the config and the workloads must be intact, and
//! every request after the reconnect must succeed.
//!
//! CI runs this with 200 requests after the reconnect; `scripts/reliability.sh` sets
//! `TRELLIS_RELIABILITY_NATS_REQUESTS` for the full form. The figures are printed on a
//! `reliability nats:` line.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::StreamExt as _;
use serde_json::json;
use trellis_lattice::{Client, ConnectionState, Context};
use trellis_proto::Link;
use trellis_testkit::NatsServer;

use crate::ctl_support::*;

/// How soon after the restart the host and the client must be back.
const RECONNECT_LIMIT: Duration = Duration::from_secs(5);

fn http_link() -> Link {
    Link {
        source_id: "http-id".into(),
        target: "comp-id".into(),
        name: "default".into(),
        wit_namespace: "wasi".into(),
        wit_package: "http".into(),
        interfaces: vec!["incoming-handler".into()],
        source_config: vec!["web".into()],
        target_config: vec![],
    }
}

/// GETs `/` on `port` until it answers 200 or [`WAIT`] passes.
async fn until_served(port: u16) {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        if let Ok((200, _)) = crate::get(port, "/").await {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "port {port} never served"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Sends SIGKILL to `pid` (no chance to flush or say goodbye).
fn kill_9(pid: u32) {
    let status = std::process::Command::new("kill")
        .args(["-9", &pid.to_string()])
        .status()
        .expect("running kill");
    assert!(status.success(), "kill -9 {pid} failed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn nats_killed_and_restarted_under_traffic_host_and_client_reconnect() -> anyhow::Result<()> {
    let after: usize = std::env::var("TRELLIS_RELIABILITY_NATS_REQUESTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let mut nats = NatsServer::start()?;
    let host = start_host(&nats).await;
    let id = host.id().to_owned();
    let ctl = nats.client().await?;
    let lattice = Client::connect(&Context::new(nats.url())).await?;
    let mut events = events(&ctl).await;

    // An HTTP component linked over ctl: the config and the link live in JetStream KV.
    let port = crate::free_port();
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("hello.wasm");
    std::fs::write(&path, trellis_testkit::fixtures::http_hello()?)?;
    let scale = json!({"component_ref": path.to_str().unwrap(), "component_id": "comp-id",
        "count": 4, "host_id": id});
    request_json(&ctl, &format!("{CTL}.component.scale.{id}"), scale).await;
    next_event(&mut events, "component_scaled").await;
    let web = format!(r#"{{"address":"127.0.0.1:{port}"}}"#);
    let reply = request(&ctl, &format!("{CTL}.config.put.web"), web.clone()).await;
    assert_eq!(reply["success"], true, "{reply}");
    let reply = request_json(
        &ctl,
        &format!("{CTL}.link.put"),
        serde_json::to_value(http_link())?,
    )
    .await;
    assert_eq!(reply["success"], true, "{reply}");
    let start =
        json!({"provider_id": "http-id", "provider_ref": "builtin://http-server", "host_id": id});
    request_json(&ctl, &format!("{CTL}.provider.start.{id}"), start).await;
    next_event(&mut events, "provider_started").await;
    until_served(port).await;
    let links_before = lattice.links().await?;
    assert!(links_before.contains(&http_link()), "{links_before:?}");

    // Traffic: HTTP requests (served without NATS) and lattice pings (through it).
    let stop = Arc::new(AtomicBool::new(false));
    let http_ok = Arc::new(AtomicU64::new(0));
    let http_failed = Arc::new(AtomicU64::new(0));
    let pings_ok = Arc::new(AtomicU64::new(0));
    let pings_failed = Arc::new(AtomicU64::new(0));
    let mut traffic = Vec::new();
    for _ in 0..4 {
        let (stop, ok, failed) = (stop.clone(), http_ok.clone(), http_failed.clone());
        traffic.push(tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                match crate::get(port, "/ok").await {
                    Ok((200, _)) => ok.fetch_add(1, Ordering::Relaxed),
                    other => {
                        if failed.fetch_add(1, Ordering::Relaxed) == 0 {
                            eprintln!("first failed HTTP request: {other:?}");
                        }
                        0
                    }
                };
            }
        }));
    }
    {
        let (stop, ok, failed) = (stop.clone(), pings_ok.clone(), pings_failed.clone());
        let lattice = lattice.clone();
        traffic.push(tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                match lattice.ping_hosts_within(Duration::from_millis(200)).await {
                    Ok(hosts) if !hosts.is_empty() => ok.fetch_add(1, Ordering::Relaxed),
                    _ => failed.fetch_add(1, Ordering::Relaxed),
                };
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(500)).await;

    // Kill -9, stay down a moment under traffic, restart on the same port and store.
    let pid = nats.inner().pid().expect("nats-server runs");
    let port_before = nats.port();
    kill_9(pid);
    let killed_at = Instant::now();
    let mut state = lattice.connection_state();
    tokio::time::timeout(WAIT, state.wait_for(|s| *s != ConnectionState::Connected))
        .await
        .expect("the lattice client notices the server is gone")?;
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let http_during_outage = http_ok.load(Ordering::Relaxed);
    tokio::task::block_in_place(|| nats.restart())?;
    let restarted_at = Instant::now();
    assert_eq!(nats.port(), port_before, "the restart keeps the port");

    // The client is back when its state says so; the host when it answers a ctl
    // request sent by the (reconnected) client.
    tokio::time::timeout(
        RECONNECT_LIMIT,
        state.wait_for(|s| *s == ConnectionState::Connected),
    )
    .await
    .expect("the lattice client reconnects within 5 s")?;
    let client_back = restarted_at.elapsed();
    let host_back = loop {
        let answered = lattice
            .ping_hosts_within(Duration::from_millis(200))
            .await
            .is_ok_and(|hosts| hosts.iter().any(|h| h.id == id));
        if answered {
            break restarted_at.elapsed();
        }
        assert!(
            restarted_at.elapsed() < RECONNECT_LIMIT,
            "the host did not answer host.ping within {RECONNECT_LIMIT:?} of the restart"
        );
    };

    // Links, config and workloads intact, in the KV buckets and in the host.
    let links_after = lattice.links().await?;
    assert_eq!(
        links_after, links_before,
        "links changed across the restart"
    );
    let config = lattice
        .config_get("web")
        .await?
        .expect("config web survives");
    assert_eq!(
        config.get("address").map(String::as_str),
        Some(format!("127.0.0.1:{port}").as_str())
    );
    let inventory = lattice.host_inventory(&id).await?;
    assert!(
        inventory.components.iter().any(|c| c.id == "comp-id"),
        "{inventory:?}"
    );
    assert!(
        inventory.providers.iter().any(|p| p.id == "http-id"),
        "{inventory:?}"
    );
    assert!(host.runtime().links().contains(&http_link()));

    // Every request after the reconnect succeeds: HTTP and ctl.
    stop.store(true, Ordering::Relaxed);
    for task in traffic {
        task.await?;
    }
    let started = Instant::now();
    let outcomes: Vec<_> = futures::stream::iter(0..after)
        .map(|_| crate::get(port, "/ok"))
        .buffer_unordered(8)
        .collect()
        .await;
    let http_after_ok = outcomes
        .iter()
        .filter(|o| matches!(o, Ok((200, _))))
        .count();
    let http_took = started.elapsed();
    let mut ctl_after_ok = 0;
    for i in 0..20 {
        let name = format!("after-{i}");
        let reply = request(&ctl, &format!("{CTL}.config.put.{name}"), r#"{"k":"v"}"#).await;
        assert_eq!(reply["success"], true, "{reply}");
        assert!(lattice.config_get(&name).await?.is_some());
        ctl_after_ok += 1;
    }
    println!(
        "reliability nats: killed -9, down {:.1} s; client back {:.2} s and host back {:.2} s \
         after the restart; during the run {} HTTP ok / {} failed ({} ok before the restart), \
         {} pings ok / {} failed; after: {http_after_ok}/{after} HTTP ok in {:.1} s, \
         {ctl_after_ok}/20 config puts ok",
        restarted_at.duration_since(killed_at).as_secs_f64(),
        client_back.as_secs_f64(),
        host_back.as_secs_f64(),
        http_ok.load(Ordering::Relaxed),
        http_failed.load(Ordering::Relaxed),
        http_during_outage,
        pings_ok.load(Ordering::Relaxed),
        pings_failed.load(Ordering::Relaxed),
        http_took.as_secs_f64(),
    );
    assert!(client_back < RECONNECT_LIMIT && host_back < RECONNECT_LIMIT);
    assert_eq!(http_after_ok, after, "requests after the reconnect failed");
    // HTTP never goes through NATS: it kept answering while the server was down.
    assert_eq!(
        http_failed.load(Ordering::Relaxed),
        0,
        "HTTP requests failed during the outage"
    );
    host.shutdown().await;
    Ok(())
}
