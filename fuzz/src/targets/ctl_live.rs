//! `ctl-live`: ctl requests sent to a real host, so they go through the host's own
//! subject parsing (`Command::parse`), body decoding and handlers.
//!
//! The target starts a nats-server (trellis-testkit) and a `LatticeHost` with the
//! default, deny-all grant policy, then sends each input as a request on
//! `wasmbus.ctl.v1.default.<tail>` (`NFUZZHOST` in the tail becomes the host's id). A
//! crash is a panic anywhere in the process (a panic in a host task is caught by tokio
//! but seen by the panic hook), a request that gets no reply within 5 s, or a host
//! that stops answering `host.ping`. Panics in spawned host tasks may land an input or
//! two after the one that caused them.
//!
//! What is not sent: `host.stop` (it becomes `host.get`, or the host would be gone),
//! and tails that are no valid NATS subject (whitespace, wildcards, empty tokens, over
//! 1 KiB): the server never delivers those, so they count as refused here. A subject
//! no host subscription matches gets "no responders" from the server: an outcome, not
//! a crash. Operations that reply
//! only sometimes (auctions, `registry.put`) are published, not requested.

use std::time::Duration;

use trellis_host::{HostConfig, LatticeHost, RuntimeConfig};
use trellis_testkit::NatsServer;

use super::ctl::{mutate_request, seed_requests, split_input, HOST_ID, KEYS, STRINGS};
use crate::engine::{signature, Rng, Target};

const REPLY_TIMEOUT: Duration = Duration::from_secs(5);

/// The live ctl target.
pub struct CtlLive {
    tokio: tokio::runtime::Runtime,
    // Field order: the host stops before the server does.
    host: Option<LatticeHost>,
    client: async_nats::Client,
    _nats: NatsServer,
    host_id: String,
    execs: u64,
}

impl CtlLive {
    /// Starts a nats-server and a host on it.
    pub fn new() -> anyhow::Result<CtlLive> {
        let tokio = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()?;
        let nats = NatsServer::start()?;
        let (host, client) = tokio.block_on(async {
            let host_client = nats.client().await?;
            let cache = std::env::temp_dir().join("trellis-fuzz-cache");
            let config = HostConfig {
                nats_url: Some(nats.url()),
                runtime: RuntimeConfig {
                    cache_dir: Some(cache),
                    ..RuntimeConfig::default()
                },
                ..HostConfig::default()
            };
            let host = LatticeHost::start(host_client, config).await?;
            let client = nats.client().await?;
            anyhow::Ok((host, client))
        })?;
        Ok(CtlLive {
            tokio,
            host_id: host.id().to_owned(),
            host: Some(host),
            client,
            _nats: nats,
            execs: 0,
        })
    }

    async fn send(&self, tail: &str, body: Vec<u8>) -> String {
        let subject = format!("wasmbus.ctl.v1.default.{tail}");
        let silent = tail.ends_with("auction") || tail == "registry.put";
        if silent {
            self.client
                .publish(subject, body.into())
                .await
                .expect("publish on a live connection");
            self.client.flush().await.expect("flush");
            return "published".into();
        }
        let reply = tokio::time::timeout(REPLY_TIMEOUT, self.client.request(subject, body.into()))
            .await
            .unwrap_or_else(|_| panic!("no reply to {tail} within {REPLY_TIMEOUT:?}"));
        let reply = match reply {
            Ok(reply) => reply,
            // No subscription of the host matches: the subject never reaches it.
            Err(err) if err.kind() == async_nats::RequestErrorKind::NoResponders => {
                return "unrouted".into()
            }
            Err(err) => panic!("request on {tail} failed: {err}"),
        };
        let value: serde_json::Value = serde_json::from_slice(&reply.payload)
            .unwrap_or_else(|err| panic!("reply to {tail} is not JSON ({err})"));
        let message = value["message"].as_str().unwrap_or_default();
        let words: Vec<&str> = message.split(' ').take(3).collect();
        format!("{} {}", value["success"], words.join(" "))
    }
}

impl Drop for CtlLive {
    fn drop(&mut self) {
        if let Some(host) = self.host.take() {
            self.tokio.block_on(host.shutdown());
        }
    }
}

/// Longest tail sent: nats-server refuses (and drops the connection of) a protocol
/// line over its `max_control_line` (4 KiB), which subject and reply inbox share.
const MAX_TAIL: usize = 1024;

/// A NATS subject token list the server would deliver.
fn deliverable(tail: &str) -> bool {
    !tail.is_empty()
        && tail.len() <= MAX_TAIL
        && tail.split('.').all(|token| {
            !token.is_empty()
                && !token.contains(|c: char| c.is_whitespace() || c == '*' || c == '>')
        })
}

impl Target for CtlLive {
    fn name(&self) -> &'static str {
        "ctl-live"
    }

    fn seeds(&mut self) -> Vec<Vec<u8>> {
        seed_requests()
            .into_iter()
            .map(|(tail, body)| super::ctl::join_input(&tail, body.as_bytes()))
            .collect()
    }

    fn dictionary(&self) -> Vec<Vec<u8>> {
        KEYS.iter()
            .chain(STRINGS)
            .map(|s| format!("\"{s}\"").into_bytes())
            .collect()
    }

    fn mutate(&self, input: &[u8], rng: &mut Rng) -> Option<Vec<u8>> {
        mutate_request(input, rng)
    }

    fn run(&mut self, input: &[u8]) -> u64 {
        let (tail, body) = split_input(input);
        let mut tail = tail.replace(HOST_ID, &self.host_id);
        if tail.starts_with("host.stop") {
            tail = format!("host.get.{}", self.host_id);
        }
        if !deliverable(&tail) {
            return signature("undeliverable", "");
        }
        let body = body.to_vec();
        let outcome = self.tokio.block_on(self.send(&tail, body));
        self.execs += 1;
        if self.execs.is_multiple_of(100) {
            let ping = self.tokio.block_on(self.send("host.ping", Vec::new()));
            assert!(ping.starts_with("true"), "host.ping failed: {ping}");
        }
        if outcome == "unrouted" {
            return signature("unrouted", "");
        }
        let op: Vec<&str> = tail.split('.').take(2).collect();
        signature(&format!("{} {outcome}", op.join(".")), "")
    }
}
