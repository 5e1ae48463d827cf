//! `trellis up`: run a host on a lattice until Ctrl-C, SIGTERM or a ctl `host.stop`.
//!
//! With `--nats-url` the host joins that server, with the credentials of `--context`
//! when one is named (or the URL's own `user:password@`, never shown). Without it, the host goes on the
//! user's local lattice (`trellis-local`): the one the app or another `trellis up`
//! already runs, else a new `nats-server` child on 127.0.0.1 with JetStream and
//! generated credentials, its store in the user's data directory (`$TRELLIS_DATA_DIR`
//! overrides it) so links and config survive restarts, saved as context `local`.
//!
//! Grants are the host's to give, not the lattice's: a `component.scale` asking for
//! `trellis.dev/dirs`, `/env` or `/network`, a blobstore `root` outside the host's data
//! dir and an http-server address off loopback are refused (`component_scale_failed` /
//! `provider_start_failed` naming the grant) unless `--allow-dir`, `--allow-env`,
//! `--allow-network`, `--allow-blobstore-root` or `--allow-public-http` allow them.
//! Provider binaries from files run on the local lattice; with `--nats-url`, only with
//! `--allow-provider-files`.
//!
//! When this process starts the local lattice's server it also runs wasmCloud's wadm
//! (`trellis-wadm`) on it, so `trellis app deploy` works at once; `--no-wadm` skips it.
//! A process that joins a running local lattice leaves wadm to the one that started it.
//!
//! Ctrl-C or SIGTERM stops the host within seconds whatever the state of its server
//! (`host_stopped` is announced only when the server takes it); a second one ends the
//! process at once.

use std::collections::BTreeMap;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context as _;
use trellis_host::{GrantPolicy, HostConfig, LatticeHost, RuntimeConfig};
use trellis_lattice::Context;
use trellis_local::{LocalLattice, LocalOptions, Role};

/// How long connecting to a given `--nats-url` may take before we give up.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// Request timeout of the host's connection: async-nats' default, which guests' and
/// providers' requests on it have always had.
const HOST_REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// Arguments of `trellis up` (`--nats-url` and `--lattice` are the global flags).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A host label `key=value` (repeatable); `hostcore.*` keys are reserved.
    #[arg(long = "label", value_name = "KEY=VALUE", value_parser = parse_label)]
    labels: Vec<(String, String)>,
    /// Friendly name of the host (default: a random adjective-noun-NNNN).
    #[arg(long)]
    friendly_name: Option<String>,
    /// Client port of the embedded local lattice's nats-server (default: the one it had last
    /// time when free, else a free port).
    #[arg(long, value_name = "PORT")]
    nats_port: Option<u16>,
    /// Also serve NATS over websocket on this loopback port (for browser tools such as
    /// Washboard), embedded local lattice only.
    #[arg(long, value_name = "PORT")]
    nats_websocket_port: Option<u16>,
    /// Seconds between host heartbeats.
    #[arg(long, value_name = "SECONDS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..))]
    heartbeat_interval: u64,
    /// Let control requests preopen this host directory or any directory under it for a
    /// component (`trellis.dev/dirs`; repeatable). Default: no directory.
    #[arg(long = "allow-dir", value_name = "PATH")]
    allow_dirs: Vec<std::path::PathBuf>,
    /// Let control requests grant a component this environment variable of the host
    /// (`trellis.dev/env`; repeatable; `*` allows every variable, `trellis.dev/env=true`
    /// included). Default: none.
    #[arg(long = "allow-env", value_name = "NAME")]
    allow_env: Vec<String>,
    /// Let control requests grant a component sockets and name lookup
    /// (`trellis.dev/network=true`). Default: refused.
    #[arg(long)]
    allow_network: bool,
    /// Let a blobstore provider keep its data under this directory (its `root` config;
    /// repeatable). Default: only the host's data dir.
    #[arg(long = "allow-blobstore-root", value_name = "PATH")]
    allow_blobstore_roots: Vec<std::path::PathBuf>,
    /// Let an http-server listen on addresses other than loopback (e.g. `0.0.0.0:8080`),
    /// reachable from other machines. Default: loopback only.
    #[arg(long)]
    allow_public_http: bool,
    /// Let control requests start capability provider binaries from files on this
    /// machine (`trellis start provider ./my-provider`). Always allowed on the local
    /// lattice, which only this user can reach; refused by default with --nats-url.
    #[arg(long)]
    allow_provider_files: bool,
    /// Let control requests start capability providers from provider archives in OCI
    /// registries (`trellis start provider ghcr.io/org/provider:1.0`): their binary for
    /// this machine is native code, run as this user. Always allowed on the local
    /// lattice; refused by default with --nats-url.
    #[arg(long)]
    allow_provider_images: bool,
    /// Do not run wadm (wasmCloud's application deployment manager) on the local
    /// lattice this process starts.
    #[arg(long)]
    no_wadm: bool,
}

impl Args {
    /// The host's grant policy: exactly what the `--allow-*` flags allow.
    fn grant_policy(&self) -> anyhow::Result<GrantPolicy> {
        for dir in &self.allow_dirs {
            anyhow::ensure!(
                dir.is_dir(),
                "--allow-dir {}: not a directory",
                dir.display()
            );
        }
        for name in &self.allow_env {
            anyhow::ensure!(
                !name.is_empty() && !name.contains(['=', ',']),
                "--allow-env {name:?}: expected a variable name (or `*`)"
            );
        }
        Ok(GrantPolicy {
            dir_roots: self.allow_dirs.clone(),
            env_names: self
                .allow_env
                .iter()
                .filter(|n| *n != "*")
                .cloned()
                .collect(),
            any_env: self.allow_env.iter().any(|n| n == "*"),
            network: self.allow_network,
            blobstore_roots: self.allow_blobstore_roots.clone(),
            public_http: self.allow_public_http,
            provider_files: self.allow_provider_files,
            provider_images: self.allow_provider_images,
        })
    }
}

/// Runs `trellis up`.
pub async fn run(args: Args, global: &super::GlobalOpts) -> anyhow::Result<ExitCode> {
    init_tracing();
    let lattice = global
        .lattice
        .clone()
        .unwrap_or_else(|| trellis_proto::DEFAULT_LATTICE.to_owned());
    trellis_proto::validate_lattice_name(&lattice)?;

    if global.nats_url.is_some() && (args.nats_port.is_some() || args.nats_websocket_port.is_some())
    {
        anyhow::bail!(
            "--nats-port and --nats-websocket-port configure the embedded local lattice; \
             they cannot be combined with --nats-url"
        );
    }

    let grants = args.grant_policy()?;
    let config = HostConfig {
        lattice: lattice.clone(),
        friendly_name: args.friendly_name,
        labels: args.labels.into_iter().collect::<BTreeMap<_, _>>(),
        heartbeat_interval: Duration::from_secs(args.heartbeat_interval),
        runtime: RuntimeConfig {
            grants,
            ..RuntimeConfig::default()
        },
        ..HostConfig::default()
    };
    match &global.nats_url {
        Some(_) => run_on_server(global, config).await,
        None => {
            run_local(
                config,
                args.nats_port,
                args.nats_websocket_port,
                !args.no_wadm,
            )
            .await
        }
    }
}

/// A host on the user's local lattice: started here, or joined when the app or another
/// `trellis up` already runs it.
async fn run_local(
    host: HostConfig,
    nats_port: Option<u16>,
    websocket_port: Option<u16>,
    with_wadm: bool,
) -> anyhow::Result<ExitCode> {
    let mut options = LocalOptions::new(trellis_local::data_dir()?);
    options.nats_port = nats_port;
    options.websocket_port = websocket_port;
    options.host = host;
    options.connection_name = "trellis-host".to_owned();
    let local = LocalLattice::start(options, |step| tracing::info!("{step}")).await?;
    let note = match local.role() {
        Role::Started => None,
        Role::Joined { owner_pid } => Some(format!(
            "joined the local lattice that Trellis process {owner_pid} runs; \
             it stops when that process does"
        )),
    };
    let wadm = match (local.role(), with_wadm) {
        (Role::Started, true) => start_wadm(&local).await,
        _ => None,
    };
    let wadm_line = wadm
        .as_ref()
        .map(|_| "wadm running (applications: `trellis app`)".to_owned());
    let reason =
        announce_and_wait(local.host(), local.lattice(), local.url(), note, wadm_line).await;
    tracing::info!(%reason, "stopping");
    if let Some(wadm) = wadm {
        wadm.shutdown().await;
    }
    stop_unless_signalled(local.shutdown()).await;
    Ok(ExitCode::SUCCESS)
}

/// Starts wadm on the local lattice this process started. A failure costs only
/// applications, not the host: it is printed and `None` returned.
async fn start_wadm(local: &LocalLattice) -> Option<trellis_wadm::WadmHandle> {
    match trellis_wadm::start_local(local).await {
        Ok(wadm) => wadm,
        Err(err) => {
            eprintln!("warning: {err}; `trellis app` will not work on this lattice");
            None
        }
    }
}

/// A host on a NATS server the user named. `--context` lends its credentials, TLS
/// settings and lattice to `--nats-url` (the URL may also carry `user:password@`);
/// the URL is shown and reported to the lattice without its user info.
async fn run_on_server(global: &super::GlobalOpts, config: HostConfig) -> anyhow::Result<ExitCode> {
    let ctx = super::lattice::resolve_context(global)?;
    let shown = ctx.url();
    let client = connect_context(ctx.clone()).await?;
    // Components' calls to and from other hosts (wRPC) go over a second connection, on
    // the async-nats that wRPC's transport is built on.
    let wrpc = trellis_lattice::connect_wrpc_nats(&ctx, "trellis-host wrpc")
        .await
        .context("cannot open the connection for calls between hosts (wRPC)")?;
    let mut config = HostConfig {
        lattice: ctx.lattice.clone(),
        nats_url: Some(shown.clone()),
        js_domain: config.js_domain.or_else(|| ctx.js_domain.clone()),
        ..config
    };
    config.runtime.wrpc = Some(wrpc);
    let host = LatticeHost::start(client.nats().clone(), config)
        .await
        .context("cannot start the host")?;
    let reason = announce_and_wait(&host, &ctx.lattice, &shown, None, None).await;
    tracing::info!(%reason, "stopping");
    stop_unless_signalled(host.shutdown()).await;
    drop(client);
    Ok(ExitCode::SUCCESS)
}

/// Runs a clean stop, unless a second Ctrl-C or SIGTERM asks to end at once. The stop
/// itself is bounded (the host gives up announcing `host_stopped` after a few seconds),
/// so this is for a user who will not wait even that long.
async fn stop_unless_signalled(stop: impl std::future::Future<Output = ()>) {
    tokio::select! {
        () = stop => {}
        reason = signalled() => {
            eprintln!("{reason} again: stopping without waiting for the host");
        }
    }
}

/// Prints the "is up" line (then `more`, if any, and a note on stderr) and waits for a
/// reason to stop.
///
/// Polls once before announcing readiness: that installs the signal handlers, so a
/// Ctrl-C sent right after the "is up" line stops the host cleanly instead of killing
/// the process without host_stopped.
async fn announce_and_wait(
    host: &LatticeHost,
    lattice: &str,
    url: &str,
    note: Option<String>,
    more: Option<String>,
) -> &'static str {
    let stop = wait_for_stop(host);
    tokio::pin!(stop);
    let early = futures::poll!(stop.as_mut());
    println!(
        "host {} ({}) is up on lattice {lattice} at {url}",
        host.id(),
        host.friendly_name()
    );
    if let Some(more) = more {
        println!("{more}");
    }
    if let Some(note) = note {
        eprintln!("note: {note}");
    }
    match early {
        std::task::Poll::Ready(reason) => reason,
        std::task::Poll::Pending => stop.await,
    }
}

/// Connects with a bounded timeout and no retries, so a wrong URL fails at once. The
/// URL's own `user:password@` authenticates unless `credentials` are given.
pub(super) async fn connect(
    url: &str,
    credentials: Option<(&str, &str)>,
) -> anyhow::Result<async_nats::Client> {
    let mut ctx = Context::new(url).with_connect_timeout(CONNECT_TIMEOUT);
    if let Some((user, password)) = credentials {
        ctx = ctx.with_user_password(user, password);
    }
    Ok(connect_context(ctx).await?.nats().clone())
}

/// Connects the way `ctx` says (auth, TLS), giving the connection the request timeout
/// of a plain NATS client rather than the context's ctl one: guests' and providers'
/// requests travel on it too. Errors name the URL without its user info.
async fn connect_context(ctx: Context) -> anyhow::Result<trellis_lattice::Client> {
    let ctx = ctx.with_timeout(HOST_REQUEST_TIMEOUT);
    let shown = ctx.url();
    let bound = ctx.connect_timeout() + Duration::from_secs(1);
    match tokio::time::timeout(bound, trellis_lattice::Client::connect(&ctx)).await {
        Ok(connected) => Ok(connected?),
        Err(_) => anyhow::bail!(
            "cannot reach NATS at {shown}: no answer within {} s",
            ctx.connect_timeout().as_secs()
        ),
    }
}

/// Resolves on Ctrl-C, SIGTERM or a ctl `host.stop`, saying which.
async fn wait_for_stop(host: &LatticeHost) -> &'static str {
    tokio::select! {
        reason = signalled() => reason,
        _ = host.wait_stop_requested() => "host.stop received",
    }
}

/// Resolves on the next Ctrl-C or SIGTERM, saying which.
async fn signalled() -> &'static str {
    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                term.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = tokio::signal::ctrl_c() => "interrupted",
        _ = terminate => "terminated",
    }
}

/// `key=value` → `(key, value)`.
fn parse_label(text: &str) -> Result<(String, String), String> {
    let (key, value) = text
        .split_once('=')
        .ok_or_else(|| format!("label {text:?} is not KEY=VALUE"))?;
    let key = key.trim();
    if key.is_empty() {
        return Err(format!("label {text:?} has an empty key"));
    }
    if key.to_ascii_lowercase().starts_with("hostcore.") {
        return Err(format!(
            "label {key:?} is reserved: hostcore.* labels are set by the host"
        ));
    }
    Ok((key.to_owned(), value.to_owned()))
}

/// Host logs on stderr, filtered by `RUST_LOG` (default: warnings only, so the one
/// status line stays readable).
fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

#[cfg(test)]
mod tests {
    use super::parse_label;

    #[test]
    fn labels_parse_and_refuse_reserved_keys() {
        assert_eq!(parse_label("zone=a").unwrap(), ("zone".into(), "a".into()));
        assert_eq!(parse_label("k=a=b").unwrap(), ("k".into(), "a=b".into()));
        assert!(parse_label("novalue").is_err());
        assert!(parse_label("=x").is_err());
        assert!(parse_label("hostcore.os=mac")
            .unwrap_err()
            .contains("reserved"));
    }
}
