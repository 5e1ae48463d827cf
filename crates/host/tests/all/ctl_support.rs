//! Helpers for the ctl tests: a real nats-server, hosts on it, and plain `async_nats`
//! requests as an independent client would send them.

use std::time::Duration;

use futures::StreamExt as _;
use serde_json::Value;
use trellis_host::{HostConfig, LatticeHost, RuntimeConfig};
use trellis_testkit::NatsServer;

/// Ctl subject root of the default lattice.
pub const CTL: &str = "wasmbus.ctl.v1.default";

/// How long a test waits for a reply or an event before failing.
pub const WAIT: Duration = Duration::from_secs(5);

/// A host on `nats` with a short heartbeat so no test waits 30 s by accident.
pub async fn start_host(nats: &NatsServer) -> LatticeHost {
    start_host_with(nats, |_| {}).await
}

/// A host on `nats` after `adjust` changed its config.
pub async fn start_host_with(
    nats: &NatsServer,
    adjust: impl FnOnce(&mut HostConfig),
) -> LatticeHost {
    let client = nats.client().await.expect("client");
    start_host_on(client, &nats.url(), adjust).await
}

/// A host on the server at `url`, reached through `client` (which may carry
/// credentials), after `adjust` changed its config.
pub async fn start_host_on(
    client: async_nats::Client,
    url: &str,
    adjust: impl FnOnce(&mut HostConfig),
) -> LatticeHost {
    let mut config = HostConfig {
        nats_url: Some(url.to_owned()),
        runtime: RuntimeConfig {
            cache_dir: Some(std::env::temp_dir().join("trellis-host-tests-cache")),
            ..RuntimeConfig::default()
        },
        ..HostConfig::default()
    };
    adjust(&mut config);
    LatticeHost::start(client, config)
        .await
        .expect("host starts")
}

/// Sends `body` to `subject` and returns the decoded reply envelope.
pub async fn request(
    client: &async_nats::Client,
    subject: &str,
    body: impl Into<Vec<u8>>,
) -> Value {
    let body: Vec<u8> = body.into();
    let reply = tokio::time::timeout(WAIT, client.request(subject.to_owned(), body.into()))
        .await
        .unwrap_or_else(|_| panic!("no reply on {subject} within {WAIT:?}"))
        .unwrap_or_else(|e| panic!("request on {subject} failed: {e}"));
    serde_json::from_slice(&reply.payload)
        .unwrap_or_else(|e| panic!("reply on {subject} is not JSON ({e}): {:?}", reply.payload))
}

/// Like [`request`] for a JSON body.
pub async fn request_json(client: &async_nats::Client, subject: &str, body: Value) -> Value {
    request(client, subject, serde_json::to_vec(&body).unwrap()).await
}

/// Scatter-gather: publishes with a fresh inbox and collects replies for `window`.
pub async fn gather(
    client: &async_nats::Client,
    subject: &str,
    body: &[u8],
    window: Duration,
) -> Vec<Value> {
    let inbox = client.new_inbox();
    let mut replies = client.subscribe(inbox.clone()).await.unwrap();
    client
        .publish_with_reply(subject.to_owned(), inbox, body.to_vec().into())
        .await
        .unwrap();
    let mut out = Vec::new();
    let deadline = tokio::time::Instant::now() + window;
    while let Ok(Some(message)) = tokio::time::timeout_at(deadline, replies.next()).await {
        // An empty message is the server's "no responders" status, not a reply.
        if message.payload.is_empty() {
            continue;
        }
        out.push(serde_json::from_slice(&message.payload).expect("reply is JSON"));
    }
    out
}

/// A subscription to every lattice event of the default lattice.
pub async fn events(client: &async_nats::Client) -> async_nats::Subscriber {
    let sub = client.subscribe("wasmbus.evt.default.>").await.unwrap();
    client.flush().await.unwrap();
    sub
}

/// The next CloudEvent of `event_type` (others are skipped), as JSON.
pub async fn next_event(events: &mut async_nats::Subscriber, event_type: &str) -> Value {
    let wanted = format!("com.wasmcloud.lattice.{event_type}");
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let message = tokio::time::timeout_at(deadline, events.next())
            .await
            .unwrap_or_else(|_| panic!("no {event_type} event within {WAIT:?}"))
            .expect("event stream ended");
        let event: Value = serde_json::from_slice(&message.payload).expect("event is JSON");
        if event["type"] == wanted {
            assert_eq!(
                message.subject.as_str(),
                format!("wasmbus.evt.default.{event_type}")
            );
            return event;
        }
    }
}

/// Polls `check` every 50 ms until it holds or [`WAIT`] passes.
pub async fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + WAIT;
    while !check() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The keys of a JSON object, sorted.
pub fn keys(value: &Value) -> Vec<String> {
    let mut keys: Vec<String> = value
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {value}"))
        .keys()
        .cloned()
        .collect();
    keys.sort();
    keys
}
