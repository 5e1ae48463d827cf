//! Shared set-up: a real nats-server, Trellis hosts on it, and the official wasmCloud
//! 1.x control client connected the way `wash` connects it.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context as _;
use serde_json::Value;
use trellis_host::{HostConfig, LatticeHost, RuntimeConfig};
use trellis_testkit::NatsServer;
use wasmcloud_control_interface::{Client, ClientBuilder};

/// How long a test waits for an event or a condition before failing.
pub const WAIT: Duration = Duration::from_secs(10);

/// The scatter-gather window of the control client (`wash` uses 2 s; 1 s is plenty on
/// loopback and keeps the suite fast).
pub const WINDOW: Duration = Duration::from_secs(1);

/// One lattice under test: the server, the hosts on it and an official client.
pub struct Lattice {
    /// The official wasmCloud 1.x control client.
    pub ctl: Client,
    /// The Trellis hosts, in start order.
    pub hosts: Vec<LatticeHost>,
    /// Kept last so the hosts are dropped before the server stops.
    pub nats: NatsServer,
}

impl Lattice {
    /// A nats-server with `count` Trellis hosts on the `default` lattice.
    pub async fn start(count: usize) -> anyhow::Result<Lattice> {
        Self::start_with(count, |_| {}).await
    }

    /// As [`Lattice::start`], each host's config changed by `configure` first.
    pub async fn start_with(
        count: usize,
        configure: impl Fn(&mut HostConfig),
    ) -> anyhow::Result<Lattice> {
        let nats = NatsServer::start()?;
        let mut hosts = Vec::new();
        for _ in 0..count {
            hosts.push(start_host_with(&nats, &configure).await?);
        }
        // The official client brings its own async-nats (0.39), so it gets its own
        // connection, exactly like a separate `wash` process would.
        let connection = async_nats_wasmcloud::connect(nats.url())
            .await
            .context("connecting the control client")?;
        let ctl = ClientBuilder::new(connection)
            .lattice("default")
            .timeout(Duration::from_secs(2))
            .auction_timeout(WINDOW)
            .build();
        Ok(Lattice { ctl, hosts, nats })
    }

    /// The first host's id.
    pub fn host_id(&self) -> String {
        self.hosts[0].id().to_owned()
    }

    /// A receiver of the CloudEvents of the given types, as JSON.
    pub async fn events(&self, types: &[&str]) -> anyhow::Result<Events> {
        let mut decoded = self
            .ctl
            .events_receiver(types.iter().map(|t| t.to_string()).collect())
            .await
            .map_err(|e| anyhow::anyhow!("subscribing to events: {e}"))?;
        // The client hands out cloudevents-sdk `Event`s; their JSON form is what the
        // assertions look at, so forward that (no cloudevents dependency needed here).
        let (sender, receiver) = tokio::sync::mpsc::channel(1024);
        tokio::spawn(async move {
            while let Some(event) = decoded.recv().await {
                let json = serde_json::to_value(&event).expect("a CloudEvent serialises");
                if sender.send(json).await.is_err() {
                    break;
                }
            }
        });
        // The receiver subscribes before returning; a flush makes sure the server has
        // registered the subscriptions before the test triggers anything.
        self.ctl
            .nats_client()
            .flush()
            .await
            .context("flushing the event subscriptions")?;
        Ok(Events { receiver })
    }
}

/// Starts a Trellis host on `nats` with a private compile cache, its config changed by
/// `configure` first.
async fn start_host_with(
    nats: &NatsServer,
    configure: impl Fn(&mut HostConfig),
) -> anyhow::Result<LatticeHost> {
    let client = nats.client().await?;
    let mut config = HostConfig {
        nats_url: Some(nats.url()),
        runtime: RuntimeConfig {
            cache_dir: Some(std::env::temp_dir().join("trellis-compat-tests-cache")),
            ..RuntimeConfig::default()
        },
        ..HostConfig::default()
    };
    configure(&mut config);
    Ok(LatticeHost::start(client, config).await?)
}

/// Lattice events as the official client decodes them, in their JSON form.
pub struct Events {
    receiver: tokio::sync::mpsc::Receiver<Value>,
}

impl Events {
    /// The next event of `event_type` whose `data` satisfies `matches`; others are skipped.
    pub async fn next(&mut self, event_type: &str, matches: impl Fn(&Value) -> bool) -> Value {
        let wanted = format!("com.wasmcloud.lattice.{event_type}");
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let event = tokio::time::timeout_at(deadline, self.receiver.recv())
                .await
                .unwrap_or_else(|_| panic!("no {event_type} event within {WAIT:?}"))
                .expect("the event stream ended");
            if event["type"] == wanted && matches(&event["data"]) {
                return event;
            }
        }
    }
}

/// Polls `check` every 100 ms until it returns `Some` or [`WAIT`] passes.
pub async fn eventually<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out after {WAIT:?} waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The http-hello fixture written to a temporary file, with its `file://` reference.
pub fn http_hello_file() -> anyhow::Result<(tempfile::TempDir, String)> {
    let dir = tempfile::tempdir()?;
    let path: PathBuf = dir.path().join("http-hello.wasm");
    std::fs::write(&path, trellis_testkit::fixtures::http_hello()?)?;
    Ok((dir, format!("file://{}", path.display())))
}

/// A loopback port that was free a moment ago.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .expect("binding a free loopback port")
}

/// A config map from pairs.
pub fn map(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// `GET path` on 127.0.0.1:`port` over HTTP/1.1: the status and the (de-chunked) body.
pub async fn http_get(port: u16, path: &str) -> anyhow::Result<(u16, String)> {
    trellis_testkit::http_get(port, "127.0.0.1", path).await
}
