//! `start`, `scale`, `stop` and `update`: send the command, then wait for the outcome event.
//!
//! Hosts only acknowledge these requests; the result arrives as an event
//! (`component_scaled` / `component_scale_failed`, `provider_started` /
//! `provider_start_failed`, …). We subscribe before sending so it cannot be missed.

use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context as _;
use trellis_lattice::{Client, EventStream};
use trellis_proto::{
    ComponentAuctionRequest, LatticeEvent, ProviderAuctionRequest, ScaleComponentCommand,
    StartProviderCommand, StopProviderCommand, UpdateComponentCommand,
};

use super::output;
use crate::cmd::GlobalOpts;

/// Flags shared by commands that wait for an outcome.
#[derive(Debug, Clone, clap::Args)]
pub struct WaitArgs {
    /// Seconds to wait for the outcome event (0: do not wait).
    #[arg(long = "wait", value_name = "SECONDS", default_value_t = 60)]
    wait: u64,
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
    /// Start a provider (builtin://NAME is sent as wasmcloud+builtin://NAME).
    Provider {
        /// builtin://NAME, wasmcloud+builtin://NAME, or a reference the host understands.
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
    match cmd {
        StartCommand::Component {
            reference,
            id,
            count,
            host,
            config,
            wait,
        } => {
            let reference = component_ref(&reference)?;
            let host_id = match host {
                Some(h) => super::resolve_host(client, &h).await?.id,
                None => {
                    let request = ComponentAuctionRequest {
                        component_ref: reference.clone(),
                        component_id: id.clone(),
                        constraints: Default::default(),
                    };
                    let acks = client.auction_component(&request).await?;
                    match acks.first() {
                        Some(ack) => ack.host_id.clone(),
                        None => first_host(client).await?,
                    }
                }
            };
            let cmd = ScaleComponentCommand {
                component_ref: reference,
                component_id: id,
                count,
                host_id,
                config,
                allow_update: false,
                annotations: None,
                component_limits: None,
            };
            scale_and_wait(client, global, cmd, wait.wait).await
        }
        StartCommand::Provider {
            reference,
            id,
            host,
            config,
            wait,
        } => {
            let reference = provider_ref(&reference);
            let host_id = match host {
                Some(h) => super::resolve_host(client, &h).await?.id,
                None => {
                    let request = ProviderAuctionRequest {
                        provider_ref: reference.clone(),
                        provider_id: id.clone(),
                        constraints: Default::default(),
                    };
                    let acks = client.auction_provider(&request).await?;
                    match acks.first() {
                        Some(ack) => ack.host_id.clone(),
                        None => first_host(client).await?,
                    }
                }
            };
            let mut events = client.events().await?;
            let cmd = StartProviderCommand {
                provider_id: id.clone(),
                provider_ref: reference,
                host_id: host_id.clone(),
                config,
                annotations: None,
            };
            client.start_provider(&cmd).await?;
            if wait.wait == 0 {
                return report(
                    global,
                    &format!("provider {id} start sent to host {host_id}"),
                );
            }
            let outcome = events
                .wait_for(
                    "provider_started or provider_start_failed",
                    secs(wait.wait),
                    |m| match &m.event {
                        LatticeEvent::ProviderStarted(e)
                            if e.provider_id == id && e.host_id == host_id =>
                        {
                            Some((
                                Ok(format!("provider {id} started on host {host_id}")),
                                m.cloud_event.clone(),
                            ))
                        }
                        LatticeEvent::ProviderStartFailed(e)
                            if e.provider_id == id && e.host_id == host_id =>
                        {
                            Some((
                                Err(format!("provider {id} failed to start: {}", e.error)),
                                m.cloud_event.clone(),
                            ))
                        }
                        _ => None,
                    },
                )
                .await?;
            outcome_exit(global, outcome)
        }
    }
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
    scale_existing(client, global, &id, count, host.as_deref(), wait.wait).await
}

/// Runs `stop`.
pub async fn stop(
    cmd: StopCommand,
    client: &Client,
    global: &GlobalOpts,
) -> anyhow::Result<ExitCode> {
    match cmd {
        StopCommand::Component { id, host, wait } => {
            scale_existing(client, global, &id, 0, host.as_deref(), wait.wait).await
        }
        StopCommand::Provider { id, host, wait } => {
            let hosts = hosts_running(client, &id, host.as_deref(), Kind::Provider).await?;
            let mut events = client.events().await?;
            let mut code = ExitCode::SUCCESS;
            for (host_id, _) in hosts {
                let cmd = StopProviderCommand {
                    provider_id: id.clone(),
                    host_id: host_id.clone(),
                };
                client.stop_provider(&cmd).await?;
                if wait.wait == 0 {
                    report(
                        global,
                        &format!("provider {id} stop sent to host {host_id}"),
                    )?;
                    continue;
                }
                let outcome = events
                    .wait_for("provider_stopped", secs(wait.wait), |m| match &m.event {
                        LatticeEvent::ProviderStopped(e)
                            if e.provider_id == id && e.host_id == host_id =>
                        {
                            Some((
                                Ok(format!("provider {id} stopped on host {host_id}")),
                                m.cloud_event.clone(),
                            ))
                        }
                        _ => None,
                    })
                    .await?;
                if outcome_exit(global, outcome)? != ExitCode::SUCCESS {
                    code = ExitCode::from(1);
                }
            }
            Ok(code)
        }
        StopCommand::Host { id, timeout, wait } => {
            let host = super::resolve_host(client, &id).await?;
            let mut events = client.events().await?;
            client
                .stop_host(&host.id, timeout.map(Duration::from_millis))
                .await?;
            if wait.wait == 0 {
                return report(global, &format!("host {} asked to stop", host.id));
            }
            let outcome = events
                .wait_for("host_stopped", secs(wait.wait), |m| match &m.event {
                    LatticeEvent::HostStopped(_) if m.source() == host.id => Some((
                        Ok(format!("host {} ({}) stopped", host.id, host.friendly_name)),
                        m.cloud_event.clone(),
                    )),
                    _ => None,
                })
                .await?;
            outcome_exit(global, outcome)
        }
    }
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
        wait,
    } = cmd;
    let reference = component_ref(&reference)?;
    let hosts = hosts_running(client, &id, host.as_deref(), Kind::Component).await?;
    let mut events = client.events().await?;
    let mut code = ExitCode::SUCCESS;
    for (host_id, _) in hosts {
        let cmd = UpdateComponentCommand {
            component_id: id.clone(),
            new_component_ref: reference.clone(),
            host_id: host_id.clone(),
            annotations: None,
        };
        client.update_component(&cmd).await?;
        if wait.wait == 0 {
            report(
                global,
                &format!("component {id} update sent to host {host_id}"),
            )?;
            continue;
        }
        let outcome = events
            .wait_for(
                "component_scaled or component_scale_failed",
                secs(wait.wait),
                |m| scale_outcome(m, &id, &host_id, Some(&reference)),
            )
            .await?;
        if outcome_exit(global, outcome)? != ExitCode::SUCCESS {
            code = ExitCode::from(1);
        }
    }
    Ok(code)
}

/// Scales a component that already runs, reusing its reference.
async fn scale_existing(
    client: &Client,
    global: &GlobalOpts,
    id: &str,
    count: u32,
    host: Option<&str>,
    wait: u64,
) -> anyhow::Result<ExitCode> {
    let hosts = hosts_running(client, id, host, Kind::Component).await?;
    let mut code = ExitCode::SUCCESS;
    for (host_id, image_ref) in hosts {
        let cmd = ScaleComponentCommand {
            component_ref: image_ref,
            component_id: id.to_owned(),
            count,
            host_id,
            config: Vec::new(),
            allow_update: false,
            annotations: None,
            component_limits: None,
        };
        if scale_and_wait(client, global, cmd, wait).await? != ExitCode::SUCCESS {
            code = ExitCode::from(1);
        }
    }
    Ok(code)
}

async fn scale_and_wait(
    client: &Client,
    global: &GlobalOpts,
    cmd: ScaleComponentCommand,
    wait: u64,
) -> anyhow::Result<ExitCode> {
    let mut events: EventStream = client.events().await?;
    client.scale_component(&cmd).await?;
    let (id, host_id) = (cmd.component_id.clone(), cmd.host_id.clone());
    if wait == 0 {
        return report(
            global,
            &format!(
                "component {id} scale to {} sent to host {host_id}",
                cmd.count
            ),
        );
    }
    let outcome = events
        .wait_for(
            "component_scaled or component_scale_failed",
            secs(wait),
            |m| scale_outcome(m, &id, &host_id, None),
        )
        .await?;
    outcome_exit(global, outcome)
}

type Outcome = (Result<String, String>, trellis_proto::CloudEvent);

fn scale_outcome(
    m: &trellis_lattice::EventMessage,
    id: &str,
    host_id: &str,
    new_ref: Option<&str>,
) -> Option<Outcome> {
    match &m.event {
        LatticeEvent::ComponentScaled(e)
            if e.component_id == id
                && e.host_id == host_id
                && new_ref.is_none_or(|r| e.image_ref == r) =>
        {
            let text = if e.max_instances == 0 {
                format!("component {id} stopped on host {host_id}")
            } else {
                format!(
                    "component {id} running on host {host_id} with up to {} instance(s) ({})",
                    e.max_instances, e.image_ref
                )
            };
            Some((Ok(text), m.cloud_event.clone()))
        }
        LatticeEvent::ComponentScaleFailed(e)
            if e.scale.component_id == id && e.scale.host_id == host_id =>
        {
            Some((
                Err(format!(
                    "component {id} failed on host {host_id}: {}",
                    e.error
                )),
                m.cloud_event.clone(),
            ))
        }
        _ => None,
    }
}

/// Prints the outcome (the event's JSON with `--json`) and returns the exit code.
fn outcome_exit(global: &GlobalOpts, (result, event): Outcome) -> anyhow::Result<ExitCode> {
    if global.json {
        output::json(&event)?;
    }
    match result {
        Ok(text) => {
            if !global.json {
                output::write_line(&text)?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(text) => {
            eprintln!("error: {text}");
            Ok(ExitCode::from(1))
        }
    }
}

fn report(global: &GlobalOpts, text: &str) -> anyhow::Result<ExitCode> {
    if global.json {
        output::json(&serde_json::json!({ "success": true, "message": text }))?;
    } else {
        output::write_line(text)?;
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Component,
    Provider,
}

/// `(host_id, image_ref)` of every host running `id` (only `host` when given).
async fn hosts_running(
    client: &Client,
    id: &str,
    host: Option<&str>,
    kind: Kind,
) -> anyhow::Result<Vec<(String, String)>> {
    let inventories = match host {
        Some(h) => {
            let host = super::resolve_host(client, h).await?;
            vec![client.host_inventory(&host.id).await?]
        }
        None => client.host_inventories().await?,
    };
    let found: Vec<(String, String)> = inventories
        .iter()
        .filter_map(|inv| {
            let image_ref = match kind {
                Kind::Component => inv
                    .components
                    .iter()
                    .find(|c| c.id == id)
                    .map(|c| c.image_ref.clone()),
                Kind::Provider => inv
                    .providers
                    .iter()
                    .find(|p| p.id == id)
                    .map(|p| p.image_ref.clone().unwrap_or_default()),
            }?;
            Some((inv.host_id.clone(), image_ref))
        })
        .collect();
    if found.is_empty() {
        let what = if kind == Kind::Component {
            "component"
        } else {
            "provider"
        };
        anyhow::bail!(
            "{what} {id:?} is not running on {} of lattice {:?}",
            host.map(|h| format!("host {h}"))
                .unwrap_or_else(|| "any host".into()),
            client.lattice()
        );
    }
    Ok(found)
}

async fn first_host(client: &Client) -> anyhow::Result<String> {
    let mut hosts = client.ping_hosts().await.context("discovering hosts")?;
    hosts.sort_by(|a, b| a.id.cmp(&b.id));
    hosts.into_iter().next().map(|h| h.id).ok_or_else(|| {
        anyhow::anyhow!(
            "no hosts on lattice {:?}: start one with `trellis up`",
            client.lattice()
        )
    })
}

/// A file path becomes an absolute `file://` URL; URLs pass through.
fn component_ref(reference: &str) -> anyhow::Result<String> {
    if reference.contains("://") {
        return Ok(reference.to_owned());
    }
    let path = Path::new(reference);
    let absolute = path
        .canonicalize()
        .with_context(|| format!("component file {reference}"))?;
    if !absolute.is_file() {
        anyhow::bail!("component file {reference} is not a file");
    }
    Ok(format!("file://{}", absolute.display()))
}

/// wasmCloud hosts only accept `wasmcloud+builtin://` for builtins; Trellis hosts take both.
fn provider_ref(reference: &str) -> String {
    match reference.strip_prefix("builtin://") {
        Some(name) => format!("wasmcloud+builtin://{name}"),
        None => reference.to_owned(),
    }
}

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references() {
        assert_eq!(
            provider_ref("builtin://http-server"),
            "wasmcloud+builtin://http-server"
        );
        assert_eq!(
            provider_ref("wasmcloud+builtin://x"),
            "wasmcloud+builtin://x"
        );
        assert_eq!(component_ref("file:///a.wasm").unwrap(), "file:///a.wasm");
        let file = tempfile::NamedTempFile::new().unwrap();
        let url = component_ref(file.path().to_str().unwrap()).unwrap();
        assert!(url.starts_with("file:///"), "{url}");
        let err = component_ref("/no/such/file.wasm").unwrap_err();
        assert!(format!("{err:#}").contains("/no/such/file.wasm"), "{err:#}");
    }
}
