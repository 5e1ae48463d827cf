//! `trellis`: the command line of the Trellis workbench.
//!
//! A thin layer: every command parses its arguments, makes one or two calls into
//! `trellis-host`, `trellis-lattice` or `trellis-wit`, and prints the result as a
//! readable table or, with `--json`, as the protocol's JSON.
//!
//! Exit codes: 0 success, 1 the operation failed (the error is printed), 2 bad usage.

mod cmd;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Trellis: a workbench for WebAssembly component lattices.
#[derive(Debug, Parser)]
#[command(name = "trellis", version, propagate_version = true)]
struct Cli {
    #[command(flatten)]
    global: cmd::GlobalOpts,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Start a host on a lattice (the embedded local lattice unless --nats-url is given).
    Up(cmd::up::Args),
    /// Run one component with automatically linked built-in providers (NATS only for messaging).
    Run(cmd::run::Args),
    /// Show the WIT of a component: imports, exports, functions and types.
    Inspect(cmd::inspect::Args),
    /// Push a component file to an OCI registry (as the wasm artifact wash uses).
    Push(cmd::oci::PushArgs),
    /// Pull a component from an OCI registry into the cache (and optionally a file).
    Pull(cmd::oci::PullArgs),
    /// Applications (wadm manifests): put, deploy, undeploy, delete, list, status, get, history.
    #[command(subcommand)]
    App(cmd::app::Command),
    /// Example applications (hello-http, counter, pair): list, or deploy one through wadm.
    Examples {
        #[command(subcommand)]
        command: Option<cmd::examples::Command>,
    },
    #[command(flatten)]
    Lattice(cmd::lattice::Command),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(err) => {
            eprintln!("error: cannot start the async runtime: {err}");
            return ExitCode::from(1);
        }
    };
    let result = runtime.block_on(async move {
        match cli.command {
            Command::Up(args) => cmd::up::run(args, &cli.global).await,
            Command::Run(args) => cmd::run::run(args, &cli.global).await,
            Command::Inspect(args) => cmd::inspect::run(args, &cli.global).await,
            Command::Push(args) => cmd::oci::push(args, &cli.global).await,
            Command::Pull(args) => cmd::oci::pull(args, &cli.global).await,
            Command::App(command) => cmd::app::run(command, &cli.global).await,
            Command::Examples { command } => cmd::examples::run(command, &cli.global).await,
            Command::Lattice(command) => cmd::lattice::run(command, &cli.global).await,
        }
    });
    // Work still running now (a blocking task stuck on a dead server) must not keep the
    // process alive after its command is done: give it a moment, then leave.
    runtime.shutdown_timeout(std::time::Duration::from_secs(2));
    match result {
        Ok(code) => code,
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            eprintln!("error: {err:#}");
            ExitCode::from(1)
        }
    }
}

/// A closed stdout (for example `trellis logs | head`) is not a failure.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
