//! `lattice-bench`: how fast Trellis hosts answer the wasmCloud 1.x control interface.
//!
//! Everything runs on one real nats-server on 127.0.0.1 (trellis-testkit), in this
//! process, in one run:
//!
//! 1. `host.get` round trip: N sequential requests to one [`LatticeHost`], p50/p99.
//! 2. The reference: the same N requests to a bare async-nats responder that echoes a
//!    reply of the same size, so the ratio Trellis ÷ bare is the host's own cost.
//! 3. `host.ping` discovery: H full `LatticeHost`s on the server, one scatter-gather
//!    ping repeated R times, time until every host has answered, within the window a
//!    client would wait (the CLI's 2 s by default).

use std::time::{Duration, Instant};

use anyhow::Context as _;
use clap::Parser;
use futures::StreamExt as _;
use trellis_host::{HostConfig, LatticeHost, RuntimeConfig};
use trellis_proto::{subject, DEFAULT_CTL_PREFIX, DEFAULT_LATTICE};
use trellis_testkit::NatsServer;

mod stats;
use stats::{print_row, ratio, summarize, Summary};

/// Measure host.get round trips and host.ping discovery against Trellis hosts.
#[derive(Debug, Parser)]
struct Args {
    /// Sequential host.get requests (and as many to the bare responder).
    #[arg(long, default_value_t = 2000)]
    requests: usize,
    /// Hosts answering the discovery ping.
    #[arg(long, default_value_t = 50)]
    hosts: usize,
    /// Discovery pings to send.
    #[arg(long, default_value_t = 20)]
    pings: usize,
    /// Scatter-gather window of one ping, in milliseconds.
    #[arg(long, default_value_t = 2000)]
    window_ms: u64,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    anyhow::ensure!(
        args.requests > 0 && args.hosts > 0 && args.pings > 0,
        "--requests, --hosts and --pings must be at least 1"
    );
    let nats = NatsServer::start()?;
    println!(
        "lattice-bench: nats-server {} ({} build of the bench)",
        nats.url(),
        if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        }
    );

    let host = start_host(&nats).await?;
    let client = nats.client().await?;
    let get_subject = subject::host_get(DEFAULT_CTL_PREFIX, DEFAULT_LATTICE, host.id());
    let reply_size = request(&client, &get_subject).await?.len();
    let trellis = round_trips(&client, &get_subject, args.requests).await?;

    let echo = spawn_echo(&nats, reply_size).await?;
    let bare = round_trips(&client, &echo.subject, args.requests).await?;
    echo.task.abort();

    println!(
        "\nhost.get round trip, {} sequential requests, reply {reply_size} B:",
        args.requests
    );
    print_row("trellis host", &trellis);
    print_row("bare echo", &bare);
    println!(
        "  ratio trellis / bare: p50 {:.2}x, p99 {:.2}x",
        ratio(trellis.p50, bare.p50),
        ratio(trellis.p99, bare.p99)
    );
    host.shutdown().await;

    discovery(&nats, &args).await
}

/// A host on `nats` with a private compile cache (nothing is compiled here anyway).
async fn start_host(nats: &NatsServer) -> anyhow::Result<LatticeHost> {
    let config = HostConfig {
        nats_url: Some(nats.url()),
        runtime: RuntimeConfig {
            cache_dir: Some(std::env::temp_dir().join("trellis-bench-cache")),
            ..RuntimeConfig::default()
        },
        ..HostConfig::default()
    };
    LatticeHost::start(nats.client().await?, config)
        .await
        .context("starting a Trellis host")
}

/// One request; fails on a timeout or a `success:false` envelope.
async fn request(client: &async_nats::Client, subject: &str) -> anyhow::Result<bytes::Bytes> {
    let reply = tokio::time::timeout(
        Duration::from_secs(2),
        client.request(subject.to_owned(), bytes::Bytes::new()),
    )
    .await
    .with_context(|| format!("no reply on {subject} within 2 s"))?
    .with_context(|| format!("request on {subject}"))?;
    Ok(reply.payload)
}

/// `count` sequential requests after a short warm-up, each timed.
async fn round_trips(
    client: &async_nats::Client,
    subject: &str,
    count: usize,
) -> anyhow::Result<Summary> {
    for _ in 0..100 {
        request(client, subject).await?;
    }
    let mut samples = Vec::with_capacity(count);
    for _ in 0..count {
        let start = Instant::now();
        let payload = request(client, subject).await?;
        samples.push(start.elapsed());
        anyhow::ensure!(!payload.is_empty(), "empty reply on {subject}");
    }
    Ok(summarize(samples))
}

/// The reference responder: a plain subscription answering every request with a
/// fixed payload as large as the host's reply, on its own connection like a host.
struct Echo {
    subject: String,
    task: tokio::task::JoinHandle<()>,
}

async fn spawn_echo(nats: &NatsServer, size: usize) -> anyhow::Result<Echo> {
    let connection = nats.client().await?;
    let subject = "bench.echo".to_owned();
    let mut requests = connection.subscribe(subject.clone()).await?;
    connection.flush().await?;
    let payload = bytes::Bytes::from(vec![b'x'; size]);
    let task = tokio::spawn(async move {
        while let Some(message) = requests.next().await {
            if let Some(reply) = message.reply {
                let _ = connection.publish(reply, payload.clone()).await;
            }
        }
    });
    Ok(Echo { subject, task })
}

/// `host.ping` to `args.hosts` full hosts: time to the first and to the last reply.
async fn discovery(nats: &NatsServer, args: &Args) -> anyhow::Result<()> {
    let started = Instant::now();
    let mut hosts = Vec::with_capacity(args.hosts);
    for _ in 0..args.hosts {
        hosts.push(start_host(nats).await?);
    }
    println!(
        "\nhost.ping discovery: {} full LatticeHosts (one NATS connection each) started in {:.2?}",
        hosts.len(),
        started.elapsed()
    );

    let client = nats.client().await?;
    let ping = subject::host_ping(DEFAULT_CTL_PREFIX, DEFAULT_LATTICE);
    let window = Duration::from_millis(args.window_ms);
    let mut first = Vec::new();
    let mut last = Vec::new();
    let mut complete = 0;
    for _ in 0..args.pings {
        let inbox = client.new_inbox();
        let mut replies = client.subscribe(inbox.clone()).await?;
        let sent = Instant::now();
        client
            .publish_with_reply(ping.clone(), inbox, bytes::Bytes::new())
            .await?;
        client.flush().await?;
        let deadline = tokio::time::Instant::now() + window;
        let mut seen = 0;
        // Collect for the whole window, as a client does; note when the last host answered.
        let mut last_at = None;
        while let Ok(Some(message)) = tokio::time::timeout_at(deadline, replies.next()).await {
            if message.payload.is_empty() {
                continue; // no-responders status, not a reply
            }
            let host: trellis_proto::CtlResponse<trellis_proto::Host> =
                serde_json::from_slice(&message.payload).context("a ping reply")?;
            anyhow::ensure!(host.success, "a host refused the ping: {}", host.message);
            seen += 1;
            if seen == 1 {
                first.push(sent.elapsed());
            }
            if seen == hosts.len() {
                last_at = Some(sent.elapsed());
            }
        }
        if let Some(at) = last_at {
            last.push(at);
            complete += 1;
        }
        anyhow::ensure!(
            seen <= hosts.len(),
            "{seen} replies from {} hosts",
            hosts.len()
        );
    }
    println!(
        "  window {window:?} per ping, {} pings; all {} hosts answered in {complete}/{} pings",
        args.pings,
        hosts.len(),
        args.pings
    );
    if !first.is_empty() {
        print_row("first reply", &summarize(first));
    }
    if !last.is_empty() {
        print_row("all replies", &summarize(last));
    }
    for host in hosts {
        host.shutdown().await;
    }
    Ok(())
}
