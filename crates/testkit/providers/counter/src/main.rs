//! A capability provider for tests, built on wasmCloud's official provider SDK
//! (`wasmcloud-provider-sdk` 0.17, the 1.x line), so the host's supervisor is tested
//! against the real protocol rather than an imitation of it.
//!
//! It exports `trellis:counter/counter@0.1.0` over wRPC (named counters in memory) and
//! says on stdout what the host told it — links put and deleted, config updates,
//! shutdown — one line each, so tests can read the host's logs for them:
//!
//! - `counter provider <id> started (config: k=v, …)`
//! - `link received from <source> (name <name>, config: …)` and `link to <target> …`
//! - `link deleted from <source> (name <name>)`
//! - `config updated (k=v, …)`
//! - `shutting down`
//!
//! Its SDK's own `tracing` events go to stderr as wasmCloud's providers write them
//! (`tracing-subscriber`'s default format, no colours, info and above).
//!
//! Config `fail_health=true` makes its health checks answer unhealthy. A received link
//! with config `cluster_uri` makes it connect there on its own, with no credentials, as
//! wasmCloud's keyvalue-nats provider does, and say `cluster_uri <url>: connected` or
//! `cluster_uri <url>: <error>`.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use anyhow::Context as _;
use wasmcloud_provider_sdk::{
    get_connection, run_provider, serve_provider_exports, Context, HealthCheckRequest,
    HealthCheckResponse, LinkConfig, LinkDeleteInfo, Provider, ProviderConfigUpdate,
    ProviderInitConfig,
};

wit_bindgen_wrpc::generate!({ world: "provider", path: "wit" });

use exports::trellis::counter::counter::Handler;

/// The provider: its counters and whether health checks should fail.
#[derive(Clone, Default)]
struct Counter {
    counts: Arc<Mutex<HashMap<String, u64>>>,
    unhealthy: Arc<AtomicBool>,
}

/// `k=v` pairs sorted by key, for stable log lines.
fn pairs(config: &HashMap<String, String>) -> String {
    let mut pairs: Vec<String> = config.iter().map(|(k, v)| format!("{k}={v}")).collect();
    pairs.sort();
    pairs.join(", ")
}

impl Counter {
    fn configure(&self, config: &HashMap<String, String>) {
        let fail = config.get("fail_health").is_some_and(|v| v == "true");
        self.unhealthy.store(fail, Ordering::Relaxed);
    }
}

impl Provider for Counter {
    async fn init(&self, init: impl ProviderInitConfig) -> anyhow::Result<()> {
        self.configure(init.get_config());
        println!(
            "counter provider {} started (config: {})",
            init.get_provider_id(),
            pairs(init.get_config())
        );
        Ok(())
    }

    async fn on_config_update(&self, update: impl ProviderConfigUpdate) -> anyhow::Result<()> {
        self.configure(update.get_values());
        println!("config updated ({})", pairs(update.get_values()));
        Ok(())
    }

    async fn receive_link_config_as_target(&self, link: LinkConfig<'_>) -> anyhow::Result<()> {
        println!(
            "link received from {} (name {}, config: {})",
            link.source_id,
            link.link_name,
            pairs(link.config)
        );
        if let Some(url) = link.config.get("cluster_uri") {
            let connect = async_nats_wasmcloud::ConnectOptions::new()
                .connection_timeout(std::time::Duration::from_secs(5))
                .connect(url.as_str());
            match connect.await {
                Ok(client) => {
                    let flushed = client.flush().await;
                    match flushed {
                        Ok(()) => println!("cluster_uri {url}: connected"),
                        Err(e) => println!("cluster_uri {url}: {e}"),
                    }
                }
                Err(e) => println!("cluster_uri {url}: {e}"),
            }
        }
        Ok(())
    }

    async fn receive_link_config_as_source(&self, link: LinkConfig<'_>) -> anyhow::Result<()> {
        println!(
            "link to {} (name {}, config: {})",
            link.target_id,
            link.link_name,
            pairs(link.config)
        );
        Ok(())
    }

    async fn delete_link_as_target(&self, info: impl LinkDeleteInfo) -> anyhow::Result<()> {
        println!(
            "link deleted from {} (name {})",
            info.get_source_id(),
            info.get_link_name()
        );
        Ok(())
    }

    async fn health_request(&self, _: &HealthCheckRequest) -> anyhow::Result<HealthCheckResponse> {
        let healthy = !self.unhealthy.load(Ordering::Relaxed);
        Ok(HealthCheckResponse {
            healthy,
            message: (!healthy).then(|| "fail_health is set".to_owned()),
        })
    }

    async fn shutdown(&self) -> anyhow::Result<()> {
        println!("shutting down");
        Ok(())
    }
}

impl Handler<Option<Context>> for Counter {
    async fn increment(&self, _: Option<Context>, key: String, by: u32) -> anyhow::Result<u64> {
        let mut counts = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        let count = counts.entry(key).or_default();
        *count += u64::from(by);
        Ok(*count)
    }

    async fn get(&self, _: Option<Context>, key: String) -> anyhow::Result<Option<u64>> {
        let counts = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        Ok(counts.get(&key).copied())
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .init();
    let provider = Counter::default();
    let shutdown = run_provider(provider.clone(), "trellis-counter-provider")
        .await
        .context("starting the provider")?;
    let connection = get_connection();
    let wrpc = connection
        .get_wrpc_client(connection.provider_key())
        .await
        .context("connecting wRPC")?;
    serve_provider_exports(&wrpc, provider, shutdown, serve)
        .await
        .context("serving trellis:counter/counter")?;
    println!("stopped");
    Ok(())
}
