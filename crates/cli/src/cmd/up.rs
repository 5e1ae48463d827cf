//! `trellis up`: run a host on a lattice until Ctrl-C, SIGTERM or a ctl `host.stop`.
//!
//! With `--nats-url` the host joins that server. Without it, Trellis starts its
//! embedded local lattice: a `nats-server` child on 127.0.0.1 with JetStream and
//! generated credentials, its store in the user's data directory (`$TRELLIS_DATA_DIR`
//! overrides it) so links and config survive restarts.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context as _;
use trellis_host::{HostConfig, LatticeHost};
use trellis_lattice::local::{LocalNats, LocalNatsOptions};
use trellis_lattice::{Context, ContextStore};

/// Environment variable overriding the data directory of the local lattice.
const DATA_DIR_ENV: &str = "TRELLIS_DATA_DIR";

/// Name of the saved context of the embedded local lattice.
const LOCAL_CONTEXT: &str = "local";

/// How long connecting to a given `--nats-url` may take before we give up.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// Arguments of `trellis up` (`--nats-url` and `--lattice` are the global flags).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A host label `key=value` (repeatable); `hostcore.*` keys are reserved.
    #[arg(long = "label", value_name = "KEY=VALUE", value_parser = parse_label)]
    labels: Vec<(String, String)>,
    /// Friendly name of the host (default: a random adjective-noun-NNNN).
    #[arg(long)]
    friendly_name: Option<String>,
    /// Client port of the embedded local lattice's nats-server (default: a free port).
    #[arg(long, value_name = "PORT")]
    nats_port: Option<u16>,
    /// Also serve NATS over websocket on this loopback port (for browser tools such as
    /// Washboard), embedded local lattice only.
    #[arg(long, value_name = "PORT")]
    nats_websocket_port: Option<u16>,
    /// Seconds between host heartbeats.
    #[arg(long, value_name = "SECONDS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..))]
    heartbeat_interval: u64,
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

    // Start (or reach) NATS first: nothing else runs yet if this fails.
    let (nats, url, local) = match &global.nats_url {
        Some(url) => (connect(url, None).await?, url.clone(), None),
        None => {
            let local = start_local_lattice(args.nats_port, args.nats_websocket_port).await?;
            let credentials = local.user().zip(local.password());
            let url = local.url();
            match connect(&url, credentials).await {
                Ok(client) => {
                    save_local_context(&local, &lattice);
                    (client, url, Some(local))
                }
                Err(err) => {
                    stop_local_lattice(local).await;
                    return Err(err);
                }
            }
        }
    };

    let config = HostConfig {
        lattice: lattice.clone(),
        friendly_name: args.friendly_name,
        labels: args.labels.into_iter().collect::<BTreeMap<_, _>>(),
        heartbeat_interval: Duration::from_secs(args.heartbeat_interval),
        nats_url: Some(url.clone()),
        ..HostConfig::default()
    };
    let host = match LatticeHost::start(nats.clone(), config).await {
        Ok(host) => host,
        Err(err) => {
            if let Some(local) = local {
                stop_local_lattice(local).await;
            }
            return Err(err).context("cannot start the host");
        }
    };
    // Poll once before announcing readiness: that installs the signal handlers, so a
    // Ctrl-C sent right after the "is up" line stops the host cleanly instead of
    // killing the process without host_stopped.
    let reason = {
        let stop = wait_for_stop(&host);
        tokio::pin!(stop);
        let early = futures::poll!(stop.as_mut());
        println!(
            "host {} ({}) is up on lattice {lattice} at {url}",
            host.id(),
            host.friendly_name()
        );
        match early {
            std::task::Poll::Ready(reason) => reason,
            std::task::Poll::Pending => stop.await,
        }
    };
    tracing::info!(%reason, "stopping");
    host.shutdown().await;
    drop(nats);
    if let Some(local) = local {
        stop_local_lattice(local).await;
    }
    Ok(ExitCode::SUCCESS)
}

/// Connects with a bounded timeout and no retries, so a wrong URL fails at once.
pub(super) async fn connect(
    url: &str,
    credentials: Option<(&str, &str)>,
) -> anyhow::Result<async_nats::Client> {
    let mut options = async_nats::ConnectOptions::new()
        .name("trellis-host")
        .connection_timeout(CONNECT_TIMEOUT);
    if let Some((user, password)) = credentials {
        options = options.user_and_password(user.to_owned(), password.to_owned());
    }
    match tokio::time::timeout(CONNECT_TIMEOUT, options.connect(url)).await {
        Ok(Ok(client)) => Ok(client),
        Ok(Err(err)) => anyhow::bail!("cannot reach NATS at {url}: {err}"),
        Err(_) => anyhow::bail!(
            "cannot reach NATS at {url}: no answer within {} s",
            CONNECT_TIMEOUT.as_secs()
        ),
    }
}

/// Starts the local nats-server (a blocking wait for it to accept connections).
async fn start_local_lattice(
    port: Option<u16>,
    websocket_port: Option<u16>,
) -> anyhow::Result<LocalNats> {
    let mut options = LocalNatsOptions::new(data_dir()?.join("nats"));
    options.port = port;
    options.websocket_port = websocket_port;
    tokio::task::spawn_blocking(move || LocalNats::start(options))
        .await
        .context("starting the local lattice")?
        .map_err(anyhow::Error::from)
}

/// Saves the local lattice as context `local` (and makes it current when none is), so
/// other `trellis` commands reach it. A failure only costs that convenience: warn.
fn save_local_context(local: &LocalNats, lattice: &str) {
    let mut context = Context::new(local.url()).with_lattice(lattice);
    if let (Some(user), Some(password)) = (local.user(), local.password()) {
        context = context.with_user_password(user, password);
    }
    let saved = ContextStore::open_default().and_then(|mut store| {
        store.insert(LOCAL_CONTEXT, context)?;
        if store.current_name().is_none() {
            store.set_current(LOCAL_CONTEXT)?;
        }
        store.save()
    });
    if let Err(err) = saved {
        eprintln!("warning: cannot save context {LOCAL_CONTEXT:?}: {err}");
    }
}

/// Stops the local nats-server gracefully (JetStream flushes its store).
async fn stop_local_lattice(local: LocalNats) {
    let _ = tokio::task::spawn_blocking(move || local.stop()).await;
}

/// `$TRELLIS_DATA_DIR`, else the platform's data directory for Trellis.
fn data_dir() -> anyhow::Result<PathBuf> {
    if let Some(dir) = std::env::var_os(DATA_DIR_ENV).filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("dev", "trellis", "Trellis")
        .map(|dirs| dirs.data_dir().to_path_buf())
        .with_context(|| format!("cannot find a data directory for Trellis; set {DATA_DIR_ENV}"))
}

/// Resolves on Ctrl-C, SIGTERM or a ctl `host.stop`, saying which.
async fn wait_for_stop(host: &LatticeHost) -> &'static str {
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
        _ = host.wait_stop_requested() => "host.stop received",
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
