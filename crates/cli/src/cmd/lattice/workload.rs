//! `start`, `scale`, `stop` and `update`: arguments for the shared workflows in
//! `trellis_lattice::ops`, which send the command and wait for the outcome event; this
//! module only prints the outcomes.

use std::process::ExitCode;
use std::time::Duration;

use trellis_lattice::ops::{self, Outcome, PathRule, Placement};
use trellis_lattice::Client;

use super::output;
use crate::cmd::GlobalOpts;

/// Flags shared by commands that wait for an outcome.
#[derive(Debug, Clone, clap::Args)]
pub struct WaitArgs {
    /// Seconds to wait for the outcome event (0: do not wait; a bare --wait waits the
    /// default).
    #[arg(
        long = "wait",
        value_name = "SECONDS",
        default_value_t = 60,
        num_args = 0..=1,
        default_missing_value = "60"
    )]
    wait: u64,
}

impl WaitArgs {
    fn duration(&self) -> ops::Wait {
        (self.wait > 0).then(|| Duration::from_secs(self.wait))
    }
}

/// `start component | provider`.
#[derive(Debug, clap::Subcommand)]
pub enum StartCommand {
    /// Start a component from a file path (sent as an absolute file:// URL).
    Component {
        /// A .wasm file path or a URL (file://…).
        reference: String,
        /// Component id.
        #[arg(long)]
        id: String,
        /// Maximum concurrent instances.
        #[arg(long, default_value_t = 1)]
        count: u32,
        /// Host id, prefix or friendly name (default: an auction, else the first host).
        #[arg(long)]
        host: Option<String>,
        /// Named config to apply (repeatable).
        #[arg(long = "config", value_name = "NAME")]
        config: Vec<String>,
        #[command(flatten)]
        wait: WaitArgs,
    },
    /// Start a provider (a built-in is sent as wasmcloud+builtin://NAME).
    Provider {
        /// A built-in (NAME, builtin://NAME, wasmcloud+builtin://NAME), a provider binary
        /// or archive (.par, .par.gz) file, or a provider archive in an OCI registry
        /// (REGISTRY/REPOSITORY:TAG).
        reference: String,
        /// Provider id.
        #[arg(long)]
        id: String,
        /// Host id, prefix or friendly name (default: an auction, else the first host).
        #[arg(long)]
        host: Option<String>,
        /// Named config to apply (repeatable).
        #[arg(long = "config", value_name = "NAME")]
        config: Vec<String>,
        #[command(flatten)]
        wait: WaitArgs,
    },
}

/// `scale component`.
#[derive(Debug, clap::Subcommand)]
pub enum ScaleCommand {
    /// Set a running component's maximum instances (0 stops it).
    Component {
        /// Component id.
        id: String,
        /// New maximum instances.
        #[arg(long)]
        count: u32,
        /// Only on this host (default: every host running it).
        #[arg(long)]
        host: Option<String>,
        #[command(flatten)]
        wait: WaitArgs,
    },
}

/// `stop component | provider | host`.
#[derive(Debug, clap::Subcommand)]
pub enum StopCommand {
    /// Stop a component (a scale to 0) on every host running it.
    Component {
        /// Component id.
        id: String,
        /// Only on this host.
        #[arg(long)]
        host: Option<String>,
        #[command(flatten)]
        wait: WaitArgs,
    },
    /// Stop a provider on every host running it.
    Provider {
        /// Provider id.
        id: String,
        /// Only on this host.
        #[arg(long)]
        host: Option<String>,
        #[command(flatten)]
        wait: WaitArgs,
    },
    /// Stop a host.
    Host {
        /// Host id, prefix or friendly name.
        id: String,
        /// Graceful shutdown deadline in milliseconds.
        #[arg(long, value_name = "MS")]
        timeout: Option<u64>,
        #[command(flatten)]
        wait: WaitArgs,
    },
}

/// `update component`.
#[derive(Debug, clap::Subcommand)]
pub enum UpdateCommand {
    /// Replace a running component's code, keeping its id and links.
    Component {
        /// Component id.
        id: String,
        /// New .wasm file path or URL.
        reference: String,
        /// Only on this host.
        #[arg(long)]
        host: Option<String>,
        /// Keep running and update the component again each time the file changes,
        /// printing one line per reload, until Ctrl-C.
        #[arg(long, conflicts_with = "host")]
        watch: bool,
        #[command(flatten)]
        wait: WaitArgs,
    },
}

/// Runs `start`.
pub async fn start(
    cmd: StartCommand,
    client: &Client,
    global: &GlobalOpts,
) -> anyhow::Result<ExitCode> {
    let outcome = match cmd {
        StartCommand::Component {
            reference,
            id,
            count,
            host,
            config,
            wait,
        } => {
            let request = ops::StartComponent {
                reference: ops::component_ref(&reference, PathRule::RelativeToCurrentDir)?,
                id,
                count,
                placement: placement(host),
                config,
                allow_update: false,
            };
            ops::start_component(client, &request, wait.duration()).await?
        }
        StartCommand::Provider {
            reference,
            id,
            host,
            config,
            wait,
        } => {
            let request = ops::StartProvider {
                reference: ops::provider_ref(&reference)?,
                id,
                placement: placement(host),
                config,
            };
            ops::start_provider(client, &request, wait.duration()).await?
        }
    };
    report(global, &[outcome])
}

/// Runs `scale`.
pub async fn scale(
    cmd: ScaleCommand,
    client: &Client,
    global: &GlobalOpts,
) -> anyhow::Result<ExitCode> {
    let ScaleCommand::Component {
        id,
        count,
        host,
        wait,
    } = cmd;
    let outcomes =
        ops::scale_component(client, &id, count, host.as_deref(), wait.duration()).await?;
    report(global, &outcomes)
}

/// Runs `stop`.
pub async fn stop(
    cmd: StopCommand,
    client: &Client,
    global: &GlobalOpts,
) -> anyhow::Result<ExitCode> {
    let outcomes = match cmd {
        StopCommand::Component { id, host, wait } => {
            ops::scale_component(client, &id, 0, host.as_deref(), wait.duration()).await?
        }
        StopCommand::Provider { id, host, wait } => {
            ops::stop_provider(client, &id, host.as_deref(), wait.duration()).await?
        }
        StopCommand::Host { id, timeout, wait } => {
            let deadline = timeout.map(Duration::from_millis);
            vec![ops::stop_host(client, &id, deadline, wait.duration()).await?]
        }
    };
    report(global, &outcomes)
}

/// Runs `update`.
pub async fn update(
    cmd: UpdateCommand,
    client: &Client,
    global: &GlobalOpts,
) -> anyhow::Result<ExitCode> {
    let UpdateCommand::Component {
        id,
        reference,
        host,
        watch,
        wait,
    } = cmd;
    let reference = ops::component_ref(&reference, PathRule::RelativeToCurrentDir)?;
    if watch {
        return watch_file(client, global, id, reference).await;
    }
    let outcomes =
        ops::update_component(client, &id, &reference, host.as_deref(), wait.duration()).await?;
    report(global, &outcomes)
}

/// `update --watch`: updates the component now, then on every change of the file, one
/// line per reload (JSON with `--json`), until Ctrl-C. Exits 1 if the last reload failed.
async fn watch_file(
    client: &Client,
    global: &GlobalOpts,
    id: String,
    reference: String,
) -> anyhow::Result<ExitCode> {
    let Some(path) = reference.strip_prefix("file://") else {
        anyhow::bail!("--watch needs a local file, not {reference}");
    };
    let watch = ops::watch_component(client.clone(), id.clone(), path.into())?;
    let mut outcomes = watch.subscribe();
    // The file may have changed since the component started: load it now.
    let first =
        ops::update_component(client, &id, &reference, None, Some(ops::RELOAD_TIMEOUT)).await?;
    let mut code = report(global, &first)?;
    if !global.json {
        eprintln!(
            "watching {} for component {id}; Ctrl-C to stop",
            watch.path().display()
        );
    }
    loop {
        tokio::select! {
            outcome = outcomes.recv() => match outcome {
                Ok(outcome) => {
                    code = if outcome.ok { ExitCode::SUCCESS } else { ExitCode::from(1) };
                    print_reload(global, &id, &outcome)?;
                }
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
            },
            _ = tokio::signal::ctrl_c() => break,
        }
    }
    Ok(code)
}

/// One reload: `reloaded ID: SENTENCE` on stdout, or `reload of ID failed: REASON` on
/// stderr; with `--json`, one object per line.
fn print_reload(global: &GlobalOpts, id: &str, outcome: &ops::ReloadOutcome) -> anyhow::Result<()> {
    if global.json {
        let at_ms = outcome
            .at
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or_default();
        return output::json_line(&serde_json::json!({
            "component_id": id,
            "at_ms": at_ms,
            "ok": outcome.ok,
            "message": outcome.message,
            "revision": outcome.revision,
        }));
    }
    if outcome.ok {
        output::write_line(&reload_line(id, outcome))
    } else {
        eprintln!("{}", reload_line(id, outcome));
        Ok(())
    }
}

/// The line printed for one reload.
fn reload_line(id: &str, outcome: &ops::ReloadOutcome) -> String {
    if outcome.ok {
        format!("reloaded {id}: {}", outcome.message)
    } else {
        format!("reload of {id} failed: {}", outcome.message)
    }
}

fn placement(host: Option<String>) -> Placement {
    host.map_or(Placement::Auction, Placement::Host)
}

/// Prints each outcome (its event's JSON with `--json`, else its sentence; failures on
/// stderr) and returns 1 if any failed.
fn report(global: &GlobalOpts, outcomes: &[Outcome]) -> anyhow::Result<ExitCode> {
    let mut code = ExitCode::SUCCESS;
    for outcome in outcomes {
        if global.json {
            match &outcome.event {
                Some(event) => output::json(event)?,
                None => output::json(&serde_json::json!({
                    "success": outcome.succeeded,
                    "message": outcome.message,
                }))?,
            }
        }
        if outcome.succeeded {
            if !global.json {
                output::write_line(&outcome.message)?;
            }
        } else {
            eprintln!("error: {}", outcome.message);
            code = ExitCode::from(1);
        }
    }
    Ok(code)
}

#[cfg(test)]
mod tests {
    use clap::Parser as _;

    #[derive(clap::Parser)]
    struct Probe {
        #[command(flatten)]
        wait: super::WaitArgs,
    }

    #[test]
    fn reload_lines_name_the_component() {
        let outcome = |ok, message: &str| trellis_lattice::ops::ReloadOutcome {
            at: std::time::SystemTime::now(),
            ok,
            message: message.into(),
            revision: None,
        };
        assert_eq!(
            super::reload_line("hello", &outcome(true, "component hello running")),
            "reloaded hello: component hello running"
        );
        assert_eq!(
            super::reload_line("hello", &outcome(false, "not a component")),
            "reload of hello failed: not a component"
        );
    }

    #[test]
    fn a_bare_wait_waits_the_default() {
        let parse = |args: &[&str]| Probe::try_parse_from(args).map(|p| p.wait.wait);
        assert_eq!(parse(&["probe", "--wait"]).unwrap(), 60);
        assert_eq!(parse(&["probe", "--wait", "5"]).unwrap(), 5);
        assert_eq!(parse(&["probe"]).unwrap(), 60);
        assert!(parse(&["probe", "--wait", "soon"]).is_err());
    }
}
