//! Commands that drive a lattice through the control interface: get, start, scale, stop,
//! update, link, config, label, events, logs, spy, and context management.
//!
//! The connection comes from `--context`, else the current context, else
//! `nats://127.0.0.1:4222`; `--nats-url` and `--lattice` override it (a `--nats-url`
//! without `--context` starts from a fresh context, so saved credentials never leak to
//! another server).

mod call;
mod context;
mod get;
mod http;
mod output;
mod spy;
mod state;
mod telemetry;
mod v2;
mod watch;
mod workload;

use std::process::ExitCode;

use trellis_lattice::{Client, Context, ContextStore};

/// Lattice commands: get, start, scale, stop, update, link, config, label, events, logs, context.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// List hosts, inventories, links or config.
    #[command(subcommand)]
    Get(get::GetCommand),
    /// Start a component or a provider.
    #[command(subcommand)]
    Start(workload::StartCommand),
    /// Change the number of instances of a running component.
    #[command(subcommand)]
    Scale(workload::ScaleCommand),
    /// Stop a component, a provider or a host.
    #[command(subcommand)]
    Stop(workload::StopCommand),
    /// Replace a running component's code with a new reference.
    #[command(subcommand)]
    Update(workload::UpdateCommand),
    /// Put or delete links.
    #[command(subcommand)]
    Link(state::LinkCommand),
    /// Put, get or delete named config.
    #[command(subcommand)]
    Config(state::ConfigCommand),
    /// Put or delete host labels.
    #[command(subcommand)]
    Label(state::LabelCommand),
    /// Call one exported function of a running component, with arguments and result in
    /// WAVE (`{x: 1, y: 2}`, `[1, 2]`, `some("a")`, `ok(3)`, …), checked against its WIT.
    Call(call::CallArgs),
    /// Send one HTTP request to a component through its http-server link and print the
    /// status, headers, body and time.
    Http(http::HttpArgs),
    /// Print lattice events.
    Events(watch::EventsArgs),
    /// Print host and component logs.
    Logs(watch::LogsArgs),
    /// Print the calls made through links into a component or provider, as they happen:
    /// source, function, arguments and results in WAVE, duration, errors.
    Spy(spy::SpyArgs),
    /// wasmCloud 2.x hosts on the context's NATS server: list them, start, query and stop
    /// workloads.
    #[command(subcommand)]
    V2(v2::V2Command),
    /// Receive wasmCloud 2.x hosts' OpenTelemetry (OTLP/gRPC on loopback) and print their
    /// logs, tagged by workload, and the subjects and buckets their workloads touch.
    Telemetry(telemetry::TelemetryArgs),
    /// Manage saved contexts (how to reach a lattice).
    #[command(subcommand)]
    Context(context::ContextCommand),
}

/// Runs a lattice command.
pub async fn run(command: Command, global: &super::GlobalOpts) -> anyhow::Result<ExitCode> {
    let command = match command {
        Command::Context(cmd) => return context::run(cmd, global),
        // Needs no lattice: hosts connect to it.
        Command::Telemetry(args) => return telemetry::run(args, global).await,
        other => other,
    };
    let client = connect(global).await?;
    match command {
        Command::Get(cmd) => get::run(cmd, &client, global).await,
        Command::Start(cmd) => workload::start(cmd, &client, global).await,
        Command::Scale(cmd) => workload::scale(cmd, &client, global).await,
        Command::Stop(cmd) => workload::stop(cmd, &client, global).await,
        Command::Update(cmd) => workload::update(cmd, &client, global).await,
        Command::Link(cmd) => state::link(cmd, &client, global).await,
        Command::Config(cmd) => state::config(cmd, &client, global).await,
        Command::Label(cmd) => state::label(cmd, &client, global).await,
        Command::Call(args) => call::run(args, &client, global).await,
        Command::Http(args) => http::run(args, &client, global).await,
        Command::Events(args) => watch::events(args, &client, global).await,
        Command::Logs(args) => watch::logs(args, &client, global).await,
        Command::Spy(args) => spy::run(args, &client, global).await,
        Command::V2(cmd) => v2::run(cmd, &client, global).await,
        Command::Context(_) | Command::Telemetry(_) => unreachable!("handled above"),
    }
}

/// The context the global flags select: `--context`, else `--nats-url`, else the
/// current saved context; `--nats-url` and `--lattice` override what it holds.
pub(super) fn resolve_context(global: &super::GlobalOpts) -> anyhow::Result<Context> {
    let mut ctx = match (&global.context, &global.nats_url) {
        (Some(name), _) => {
            let store = ContextStore::open_default()?;
            store
                .get(name)
                .cloned()
                .ok_or_else(|| trellis_lattice::LatticeError::UnknownContext(name.clone()))?
        }
        (None, Some(url)) => Context::new(url),
        (None, None) => {
            let store = ContextStore::open_default()?;
            store
                .current()
                .map(|(_, ctx)| ctx.clone())
                .unwrap_or_default()
        }
    };
    if let Some(url) = &global.nats_url {
        ctx.urls = Context::new(url).urls;
    }
    if let Some(lattice) = &global.lattice {
        ctx.lattice = lattice.clone();
    }
    Ok(ctx)
}

async fn connect(global: &super::GlobalOpts) -> anyhow::Result<Client> {
    let ctx = resolve_context(global)?;
    // The error is already one clear line naming the URL.
    Client::connect(&ctx).await.map_err(anyhow::Error::from)
}

/// Finds a host by full id or friendly name, else by a unique prefix of either.
async fn resolve_host(client: &Client, wanted: &str) -> anyhow::Result<trellis_proto::Host> {
    Ok(trellis_lattice::ops::resolve_host(client, wanted).await?)
}
