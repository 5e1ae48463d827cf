//! Connecting, scatter-gather and typed requests against a real nats-server, with a
//! small stand-in host answering on raw NATS subscriptions.

use std::time::{Duration, Instant};

use futures::StreamExt as _;
use trellis_lattice::{Client, ConnectionState, Context, LatticeError};
use trellis_proto::{CtlResponse, Host, HostInventory};
use trellis_testkit::NatsServer;

const HOST_A: &str = "NAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
const HOST_B: &str = "NBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB";

fn host(id: &str) -> Host {
    serde_json::from_value(serde_json::json!({
        "id": id, "friendly_name": format!("host-{}", &id[..2]), "labels": {},
        "lattice": "default", "version": "1.9.2", "uptime_seconds": 1, "uptime_human": "1s",
        "ctl_host": "nats://127.0.0.1", "rpc_host": "nats://127.0.0.1"
    }))
    .unwrap()
}

/// Answers `host.ping` and `host.get.<id>` like a wasmCloud host would, until dropped.
async fn stand_in_host(nats: &async_nats::Client, id: &'static str) -> tokio::task::JoinHandle<()> {
    let mut ping = nats
        .subscribe("wasmbus.ctl.v1.default.host.ping")
        .await
        .unwrap();
    let mut get = nats
        .subscribe(format!("wasmbus.ctl.v1.default.host.get.{id}"))
        .await
        .unwrap();
    nats.flush().await.unwrap();
    let nats = nats.clone();
    tokio::spawn(async move {
        loop {
            tokio::select! {
                Some(msg) = ping.next() => {
                    let body = serde_json::to_vec(&CtlResponse::ok(host(id))).unwrap();
                    nats.publish(msg.reply.unwrap(), body.into()).await.unwrap();
                }
                Some(msg) = get.next() => {
                    let inv: HostInventory = serde_json::from_value(serde_json::json!({
                        "host_id": id, "friendly_name": "x", "labels": {}, "version": "1.9.2",
                        "uptime_seconds": 1, "uptime_human": "1s", "components": [], "providers": []
                    })).unwrap();
                    let body = serde_json::to_vec(&CtlResponse::ok(inv)).unwrap();
                    nats.publish(msg.reply.unwrap(), body.into()).await.unwrap();
                }
                else => break,
            }
        }
    })
}

#[tokio::test]
async fn ping_collects_every_host_within_the_window() {
    let nats = NatsServer::start().unwrap();
    let raw = nats.client().await.unwrap();
    let a = stand_in_host(&raw, HOST_A).await;
    let b = stand_in_host(&raw, HOST_B).await;

    let client = Client::connect(&Context::new(nats.url())).await.unwrap();
    assert_eq!(
        *client.connection_state().borrow(),
        ConnectionState::Connected
    );
    let started = Instant::now();
    let mut ids: Vec<String> = client
        .ping_hosts_within(Duration::from_millis(500))
        .await
        .unwrap()
        .into_iter()
        .map(|h| h.id)
        .collect();
    ids.sort();
    assert_eq!(ids, [HOST_A, HOST_B]);
    assert!(
        started.elapsed() >= Duration::from_millis(450),
        "collected for the window"
    );

    let inv = client.host_inventory(HOST_B).await.unwrap();
    assert_eq!(inv.host_id, HOST_B);
    a.abort();
    b.abort();
}

#[tokio::test]
async fn ping_without_hosts_ends_early_on_no_responders() {
    let nats = NatsServer::start().unwrap();
    let client = Client::connect(&Context::new(nats.url())).await.unwrap();
    let started = Instant::now();
    let hosts = client
        .ping_hosts_within(Duration::from_secs(5))
        .await
        .unwrap();
    assert!(hosts.is_empty());
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "no-responders should end the window early, took {:?}",
        started.elapsed()
    );

    let err = client.host_inventory(HOST_A).await.unwrap_err();
    assert!(matches!(err, LatticeError::NoResponders { .. }), "{err}");
    assert!(err.to_string().contains(HOST_A), "{err}");
}

#[tokio::test]
async fn unreachable_server_is_one_clear_line() {
    // A port nothing listens on: bind, note it, close.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("nats://127.0.0.1:{port}");
    let err = Client::connect(&Context::new(&url)).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("cannot reach NATS at {url}: connection refused")
    );
}

#[tokio::test]
async fn bad_ids_are_refused_before_sending() {
    let nats = NatsServer::start().unwrap();
    let client = Client::connect(&Context::new(nats.url())).await.unwrap();
    let err = client.host_inventory("a.b").await.unwrap_err();
    assert!(err.to_string().contains("\"a.b\""), "{err}");
    let err = client.config_get("x y").await.unwrap_err();
    assert!(err.to_string().contains("x y"), "{err}");
}
