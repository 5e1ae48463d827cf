//! `wrpc-bench`: what a link between hosts costs over a link inside one host.
//!
//! One real nats-server on 127.0.0.1 (trellis-testkit) and three Trellis hosts in this
//! process, in one run:
//!
//! - inside one host: `shop-local` calls `catalog-local` through a link on host C;
//! - between hosts: `shop` on host A calls `catalog` on host B through a link, over wRPC.
//!
//! The call is `run(item)` → `catalog.describe(item)` with a record holding a string and
//! a list of strings both ways (trellis-testkit's catalog fixtures). Printed: sequential
//! latency (p50, p99) and throughput with calls in flight, each as a ratio between hosts
//! ÷ inside one host.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use clap::Parser;
use serde_json::json;
use trellis_host::{ComponentSource, HostConfig, LatticeHost, RuntimeConfig};
use trellis_testkit::fixtures::{catalog_client, catalog_server};
use trellis_testkit::NatsServer;
use wasmtime::component::Val;

mod stats;
use stats::{print_row, ratio, summarize};

/// Measure calls through a link inside one host and between two hosts.
#[derive(Debug, Parser)]
struct Args {
    /// Sequential calls per series.
    #[arg(long, default_value_t = 2000)]
    calls: usize,
    /// Calls in flight at once in the throughput series.
    #[arg(long, default_value_t = 16)]
    in_flight: usize,
    /// Calls made in the throughput series.
    #[arg(long, default_value_t = 4000)]
    throughput_calls: usize,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    anyhow::ensure!(
        args.calls > 0 && args.in_flight > 0 && args.throughput_calls > 0,
        "--calls, --in-flight and --throughput-calls must be at least 1"
    );
    let nats = NatsServer::start()?;
    println!(
        "wrpc-bench: nats-server {} ({} build of the bench)",
        nats.url(),
        if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        }
    );
    let host_a = start_host(&nats).await?;
    let host_b = start_host(&nats).await?;
    let host_c = start_host(&nats).await?;
    let instances = u32::try_from(args.in_flight)?;
    start(&host_a, "shop", catalog_client()?, instances).await?;
    start(&host_b, "catalog", catalog_server()?, instances).await?;
    start(&host_c, "shop-local", catalog_client()?, instances).await?;
    start(&host_c, "catalog-local", catalog_server()?, instances).await?;
    link(&nats, "shop", "catalog").await?;
    link(&nats, "shop-local", "catalog-local").await?;

    let local = Caller {
        host: &host_c,
        id: "shop-local",
    };
    let remote = Caller {
        host: &host_a,
        id: "shop",
    };
    local.wait_linked().await?;
    remote.wait_linked().await?;

    let inside = local.sequential(args.calls).await?;
    let between = remote.sequential(args.calls).await?;
    println!(
        "\nlinked call run(item) -> describe(item), {} sequential calls:",
        args.calls
    );
    print_row("one host", &inside);
    print_row("two hosts", &between);
    println!(
        "  ratio two hosts / one host: p50 {:.2}x, p99 {:.2}x",
        ratio(between.p50, inside.p50),
        ratio(between.p99, inside.p99)
    );

    let inside = local
        .throughput(args.throughput_calls, args.in_flight)
        .await?;
    let between = remote
        .throughput(args.throughput_calls, args.in_flight)
        .await?;
    println!(
        "\nthroughput, {} calls with {} in flight:",
        args.throughput_calls, args.in_flight
    );
    println!("  one host    {inside:>10.0} calls/s");
    println!("  two hosts   {between:>10.0} calls/s");
    println!("  ratio two hosts / one host: {:.2}x", between / inside);

    for host in [host_a, host_b, host_c] {
        host.shutdown().await;
    }
    Ok(())
}

/// A host with a wRPC connection and a private compile cache.
async fn start_host(nats: &NatsServer) -> anyhow::Result<LatticeHost> {
    let config = HostConfig {
        nats_url: Some(nats.url()),
        runtime: RuntimeConfig {
            cache_dir: Some(std::env::temp_dir().join("trellis-bench-cache")),
            wrpc: Some(nats.wrpc_client().await?),
            ..RuntimeConfig::default()
        },
        ..HostConfig::default()
    };
    LatticeHost::start(nats.client().await?, config)
        .await
        .context("starting a Trellis host")
}

async fn start(host: &LatticeHost, id: &str, bytes: Vec<u8>, instances: u32) -> anyhow::Result<()> {
    host.runtime()
        .start_component(
            id,
            ComponentSource::Bytes(bytes.into()),
            instances,
            BTreeMap::new(),
            BTreeMap::new(),
        )
        .await
        .with_context(|| format!("starting {id}"))
}

/// Puts the link `source` → `target` for trellis:xhost/catalog through the control
/// interface, as any client would.
async fn link(nats: &NatsServer, source: &str, target: &str) -> anyhow::Result<()> {
    let client = nats.client().await?;
    let body = json!({
        "source_id": source, "target": target, "name": "default",
        "wit_namespace": "trellis", "wit_package": "xhost", "interfaces": ["catalog"],
    });
    let reply = client
        .request(
            "wasmbus.ctl.v1.default.link.put",
            serde_json::to_vec(&body)?.into(),
        )
        .await?;
    let reply: serde_json::Value = serde_json::from_slice(&reply.payload)?;
    anyhow::ensure!(reply["success"] == true, "link.put refused: {reply}");
    Ok(())
}

fn item(n: usize) -> Val {
    Val::Record(vec![
        ("name".into(), Val::String(format!("item-{n}"))),
        (
            "tags".into(),
            Val::List(vec![Val::String("red".into()), Val::String("big".into())]),
        ),
        ("size".into(), Val::U32(3)),
    ])
}

/// A component whose `run` follows the link.
struct Caller<'a> {
    host: &'a LatticeHost,
    id: &'a str,
}

impl Caller<'_> {
    async fn call(&self, n: usize) -> anyhow::Result<()> {
        let out = self
            .host
            .runtime()
            .call_function(self.id, "run", vec![item(n)])
            .await?;
        anyhow::ensure!(out.len() == 1, "{} answered {out:?}", self.id);
        Ok(())
    }

    /// Calls until the link has reached the caller's host (links arrive through KV).
    async fn wait_linked(&self) -> anyhow::Result<()> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            match self.call(0).await {
                Ok(()) => return Ok(()),
                Err(err) if Instant::now() < deadline && err.to_string().contains("no link") => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                Err(err) => return Err(err),
            }
        }
    }

    async fn sequential(&self, calls: usize) -> anyhow::Result<stats::Summary> {
        for n in 0..100 {
            self.call(n).await?;
        }
        let mut samples = Vec::with_capacity(calls);
        for n in 0..calls {
            let began = Instant::now();
            self.call(n).await?;
            samples.push(began.elapsed());
        }
        Ok(summarize(samples))
    }

    /// Calls per second with `in_flight` calls at once.
    async fn throughput(&self, calls: usize, in_flight: usize) -> anyhow::Result<f64> {
        use futures::StreamExt as _;
        let began = Instant::now();
        let mut outcomes = futures::stream::iter(0..calls)
            .map(|n| self.call(n))
            .buffer_unordered(in_flight);
        while let Some(outcome) = outcomes.next().await {
            outcome?;
        }
        Ok(calls as f64 / began.elapsed().as_secs_f64())
    }
}
