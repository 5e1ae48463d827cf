//! Starting and stopping the local lattice: a `nats-server` child, the embedded host on it,
//! and the lattice client the window uses (the window sees the local host only through the
//! lattice protocol, as it would a remote one).

use std::path::PathBuf;
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

use tokio::sync::oneshot;
use trellis_host::{HostConfig, LatticeHost};
use trellis_lattice::local::{LocalNats, LocalNatsOptions};
use trellis_lattice::{Client, Context};

use crate::error::{CommandError, ErrorCode};

/// How long hosts get to answer a ping. Local hosts answer within milliseconds, and a
/// short window keeps refreshes snappy.
const PING_WINDOW: Duration = Duration::from_millis(1500);

/// How long the host gets to publish `host_stopped` on exit before we stop NATS anyway.
const HOST_STOP_DEADLINE: Duration = Duration::from_secs(5);

/// What the window needs once the local lattice runs.
pub struct Started {
    /// Holds the host and the server, for [`LocalLattice::shutdown`].
    pub local: LocalLattice,
    /// The lattice client connected to the local server.
    pub client: Client,
    /// The embedded host's id.
    pub host_id: String,
    /// The server URL, without credentials.
    pub nats_url: String,
}

/// The running local lattice. Dropping it stops `nats-server` (without a clean host stop).
pub struct LocalLattice {
    host: Option<LatticeHost>,
    nats: NatsThread,
}

impl LocalLattice {
    /// Stops the host (it publishes `host_stopped`), then the server.
    pub async fn shutdown(mut self) {
        if let Some(host) = self.host.take() {
            let id = host.id().to_owned();
            if tokio::time::timeout(HOST_STOP_DEADLINE, host.shutdown())
                .await
                .is_err()
            {
                tracing::warn!(host = %id, "host did not stop in time");
            }
        }
        // Joining waits up to the server's own grace period; keep it off the async threads.
        let nats = self.nats;
        let _ = tokio::task::spawn_blocking(move || nats.stop()).await;
    }
}

/// Starts everything, reporting each step through `progress`.
pub async fn start(
    data_dir: PathBuf,
    lattice: &str,
    progress: impl Fn(&str),
) -> Result<Started, CommandError> {
    progress("starting nats-server");
    let (nats, endpoint) = NatsThread::start(LocalNatsOptions::new(data_dir.join("nats"))).await?;
    let url = endpoint.url.clone();

    progress("starting the host");
    let mut options = async_nats::ConnectOptions::new().name("trellis-app host");
    if let (Some(user), Some(password)) = (&endpoint.user, &endpoint.password) {
        options = options.user_and_password(user.clone(), password.clone());
    }
    let host_nats = options.connect(url.as_str()).await.map_err(|e| {
        CommandError::new(
            ErrorCode::LocalNats,
            format!("cannot connect the host to the local nats-server at {url}: {e}"),
        )
    })?;
    let host = LatticeHost::start(
        host_nats,
        HostConfig {
            lattice: lattice.to_owned(),
            nats_url: Some(url.clone()),
            ..HostConfig::default()
        },
    )
    .await?;
    let host_id = host.id().to_owned();
    let local = LocalLattice {
        host: Some(host),
        nats,
    };

    progress("connecting to the lattice");
    let mut context = Context::new(&url)
        .with_lattice(lattice)
        .with_scatter_window(PING_WINDOW);
    if let (Some(user), Some(password)) = (endpoint.user, endpoint.password) {
        context = context.with_user_password(user, password);
    }
    let client = match Client::connect(&context).await {
        Ok(client) => client,
        Err(err) => {
            local.shutdown().await;
            return Err(err.into());
        }
    };
    Ok(Started {
        local,
        client,
        host_id,
        nats_url: url,
    })
}

/// Where to reach the local server. No `Debug`: it holds the password.
struct Endpoint {
    url: String,
    user: Option<String>,
    password: Option<String>,
}

/// The server runs from a dedicated thread that lives until the server is stopped: the
/// child is tied to the thread that spawned it (Linux parent-death signal), so spawning it
/// from a pooled blocking thread would kill it when the pool retires that thread.
struct NatsThread {
    stop: mpsc::Sender<()>,
    thread: JoinHandle<()>,
}

impl NatsThread {
    async fn start(options: LocalNatsOptions) -> Result<(NatsThread, Endpoint), CommandError> {
        let (ready_tx, ready_rx) = oneshot::channel();
        let (stop_tx, stop_rx) = mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("local-nats".to_owned())
            .spawn(move || match LocalNats::start(options) {
                Ok(nats) => {
                    let endpoint = Endpoint {
                        url: nats.url(),
                        user: nats.user().map(str::to_owned),
                        password: nats.password().map(str::to_owned),
                    };
                    tracing::info!(url = %endpoint.url, pid = ?nats.pid(), "local nats-server started");
                    if ready_tx.send(Ok(endpoint)).is_ok() {
                        // Until stopped, or until the owner is dropped.
                        let _ = stop_rx.recv();
                    }
                    nats.stop();
                    tracing::info!("local nats-server stopped");
                }
                Err(err) => {
                    let _ = ready_tx.send(Err(CommandError::from(err)));
                }
            })
            .map_err(|e| {
                CommandError::new(ErrorCode::Internal, format!("cannot start a thread: {e}"))
            })?;
        let endpoint = ready_rx.await.map_err(|_| {
            CommandError::new(
                ErrorCode::Internal,
                "the nats-server thread ended unexpectedly",
            )
        })??;
        Ok((
            NatsThread {
                stop: stop_tx,
                thread,
            },
            endpoint,
        ))
    }

    /// Stops the server and waits for it to exit.
    fn stop(self) {
        let _ = self.stop.send(());
        let _ = self.thread.join();
    }
}
