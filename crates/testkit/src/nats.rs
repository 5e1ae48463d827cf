//! A real nats-server for tests, built on the same launcher the app uses.

use anyhow::Context as _;
use tempfile::TempDir;
use trellis_nats_server::{LocalNats, LocalNatsOptions};

/// A running nats-server on a free loopback port with JetStream and a temporary store.
/// Dropping it stops the server and deletes the store.
pub struct NatsServer {
    // Field order matters: the server stops before its directory is removed.
    server: LocalNats,
    dir: TempDir,
}

impl NatsServer {
    /// Starts a server without authentication.
    pub fn start() -> anyhow::Result<NatsServer> {
        Self::start_with(|_| {})
    }

    /// Starts a server with extra config text appended (auth blocks, TLS, accounts, ...).
    pub fn start_with_config(extra: &str) -> anyhow::Result<NatsServer> {
        let extra = extra.to_owned();
        Self::start_with(move |options| options.extra_config = Some(extra))
    }

    /// Starts a server after `adjust` has changed the options (e.g. a websocket port).
    pub fn start_with(adjust: impl FnOnce(&mut LocalNatsOptions)) -> anyhow::Result<NatsServer> {
        let dir = tempfile::Builder::new()
            .prefix("trellis-nats-")
            .tempdir()
            .context("creating a temporary directory for nats-server")?;
        let mut options = LocalNatsOptions::new(dir.path());
        options.credentials = false;
        adjust(&mut options);
        let server = LocalNats::start(options).context("starting nats-server for a test")?;
        Ok(NatsServer { server, dir })
    }

    /// `nats://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        self.server.url()
    }

    /// The client port.
    pub fn port(&self) -> u16 {
        self.server.port()
    }

    /// The websocket URL, when started with a websocket port.
    pub fn websocket_url(&self) -> Option<String> {
        self.server.websocket_url()
    }

    /// The directory holding the config, log and JetStream store.
    pub fn dir(&self) -> &std::path::Path {
        self.dir.path()
    }

    /// A plain async-nats client connected to the server (no auth).
    pub async fn client(&self) -> anyhow::Result<async_nats::Client> {
        async_nats::connect(self.url())
            .await
            .with_context(|| format!("connecting to the test nats-server at {}", self.url()))
    }

    /// A client on async-nats 0.49, the version wRPC's NATS transport takes (a host's
    /// `RuntimeConfig::wrpc`).
    pub async fn wrpc_client(&self) -> anyhow::Result<async_nats_wrpc::Client> {
        async_nats_wrpc::connect(self.url())
            .await
            .with_context(|| format!("connecting to the test nats-server at {}", self.url()))
    }

    /// Stops and starts the server on the same port with the same store.
    pub fn restart(&mut self) -> anyhow::Result<()> {
        self.server
            .restart()
            .context("restarting the test nats-server")
    }

    /// The launcher underneath, for tests of the launcher itself.
    pub fn inner(&self) -> &LocalNats {
        &self.server
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::StreamExt as _;

    #[tokio::test]
    async fn messages_flow_and_the_server_survives_a_restart() {
        let mut nats = NatsServer::start().unwrap();
        let client = nats.client().await.unwrap();
        let mut sub = client.subscribe("t.hello").await.unwrap();
        client.publish("t.hello", "one".into()).await.unwrap();
        assert_eq!(&sub.next().await.unwrap().payload[..], b"one");

        let port = nats.port();
        nats.restart().unwrap();
        assert_eq!(nats.port(), port, "a restart keeps the port");
        // The client reconnects by itself and its subscription is restored.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            client.publish("t.hello", "two".into()).await.unwrap();
            let next = tokio::time::timeout(std::time::Duration::from_millis(300), sub.next());
            if let Ok(Some(msg)) = next.await {
                assert_eq!(&msg.payload[..], b"two");
                break;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "no message after restart"
            );
        }
    }

    #[test]
    fn dropping_stops_the_process() {
        let nats = NatsServer::start().unwrap();
        let pid = nats.inner().pid().unwrap();
        drop(nats);
        assert!(
            !std::path::Path::new(&format!("/proc/{pid}")).exists()
                || std::fs::read_to_string(format!("/proc/{pid}/status"))
                    .map(|s| s.contains("State:\tZ"))
                    .unwrap_or(true),
            "nats-server {pid} still running after drop"
        );
    }
}
