//! Starting or joining the local lattice, and the embedded host on it.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use trellis_host::{HostConfig, LatticeHost};
use trellis_lattice::{Context, ContextStore};
use trellis_nats_server::{
    saved_credentials, saved_guest_credentials, LocalNats, LocalNatsOptions, GUEST_INBOX_PREFIX,
};

use crate::dir::{read_endpoint, Endpoint, OwnerLock};
use crate::LocalError;

/// Name of the saved context of the local lattice.
pub const LOCAL_CONTEXT: &str = "local";

/// How long a joining process waits for the owner to publish where its server listens
/// (the owner may be starting it right now).
const JOIN_WAIT: Duration = Duration::from_secs(20);

/// How long connecting may take before we give up.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// How long the host gets to publish `host_stopped` on shutdown.
const HOST_STOP_DEADLINE: Duration = Duration::from_secs(5);

/// The owner host's workload journal, in the data directory (see
/// [`HostConfig::workload_file`]).
pub const WORKLOAD_FILE: &str = "workload.json";

/// How to start the local lattice.
#[derive(Debug, Clone)]
pub struct LocalOptions {
    /// The data directory (see [`data_dir`](crate::data_dir)); the server's files go in
    /// its `nats/` folder.
    pub data_dir: PathBuf,
    /// Client port of the server, when this process starts it (default: the one it had
    /// last time when free, else a free port).
    pub nats_port: Option<u16>,
    /// Also serve NATS over websocket on this loopback port, when this process starts it.
    pub websocket_port: Option<u16>,
    /// Serve the server's HTTP monitoring (`/connz`, ...) on this loopback port, when this
    /// process starts it.
    pub monitor_port: Option<u16>,
    /// The embedded host's settings; `nats_url` is set to the local server's, and
    /// `runtime.guest_nats` (when unset) to a connection as the server's guest user, so
    /// components' messaging traffic is kept off the lattice's subjects by the server too.
    pub host: HostConfig,
    /// The NATS connection name of the host (shown by the server's monitoring).
    pub connection_name: String,
    /// Save the `local` context (and make it current when none is) after starting the
    /// server. Default `true`.
    pub save_context: bool,
}

impl LocalOptions {
    /// Defaults: free ports, no websocket, a default host on lattice `default`, the
    /// context saved.
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        LocalOptions {
            data_dir: data_dir.into(),
            nats_port: None,
            websocket_port: None,
            monitor_port: None,
            host: HostConfig::default(),
            connection_name: "trellis host".to_owned(),
            save_context: true,
        }
    }
}

/// Whether this process started the local lattice's server or joined it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// This process started the server and stops it on shutdown.
    Started,
    /// Another Trellis process runs the server; this one added a host to it.
    Joined {
        /// The process that runs the server.
        owner_pid: u32,
    },
}

/// The local lattice as this process sees it: the server (owned or joined) and this
/// process's embedded host on it.
pub struct LocalLattice {
    owner: Option<(LocalNats, OwnerLock)>,
    role: Role,
    url: String,
    credentials: Option<(String, String)>,
    lattice: String,
    host: Option<LatticeHost>,
    host_nats: async_nats::Client,
    /// The connection components' messaging goes through, as the guest user.
    guest_nats: Option<async_nats::Client>,
    /// Where the saved grants (and the server's files) live.
    data_dir: std::path::PathBuf,
}

impl std::fmt::Debug for LocalLattice {
    // By hand: the password stays out of logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalLattice")
            .field("role", &self.role)
            .field("url", &self.url)
            .field("lattice", &self.lattice)
            .finish_non_exhaustive()
    }
}

impl LocalLattice {
    /// Starts the local lattice's server, or joins the one another Trellis process runs
    /// on the same data directory, then starts this process's host on it. `progress`
    /// hears each step as a short sentence.
    pub async fn start(
        options: LocalOptions,
        progress: impl Fn(&str),
    ) -> Result<LocalLattice, LocalError> {
        let nats_dir = options.data_dir.join("nats");
        let lock_dir = nats_dir.clone();
        let lock = tokio::task::spawn_blocking(move || OwnerLock::try_take(&lock_dir))
            .await
            .expect("the lock task does not panic")?;
        let (owner, role, url) = match lock {
            Some(lock) => {
                progress("starting nats-server");
                let mut nats_options = LocalNatsOptions::new(&nats_dir);
                nats_options.port = options.nats_port;
                nats_options.websocket_port = options.websocket_port;
                nats_options.monitor_port = options.monitor_port;
                let nats = tokio::task::spawn_blocking(move || LocalNats::start(nats_options))
                    .await
                    .expect("the nats-server start task does not panic")?;
                lock.publish(&Endpoint {
                    url: nats.url(),
                    websocket_url: nats.websocket_url(),
                    pid: std::process::id(),
                })?;
                let url = nats.url();
                (Some((nats, lock)), Role::Started, url)
            }
            None => {
                progress("joining the running local lattice");
                let endpoint = wait_for_endpoint(&nats_dir).await?;
                if options.nats_port.is_some() || options.websocket_port.is_some() {
                    return Err(LocalError::PortsOfRunningLattice { url: endpoint.url });
                }
                let role = Role::Joined {
                    owner_pid: endpoint.pid,
                };
                (None, role, endpoint.url)
            }
        };
        let credentials = saved_credentials(&nats_dir);
        let lattice = options.host.lattice.clone();

        progress("starting the host");
        let host_nats =
            match connect(&url, credentials.as_ref(), &options.connection_name, None).await {
                Ok(client) => client,
                Err(err) => {
                    stop_owned(owner).await;
                    return Err(err);
                }
            };
        // Components' traffic goes through the guest user when the server has one (a
        // server started by an older Trellis has none: then the host's connection).
        let guest_nats = match (
            &options.host.runtime.guest_nats,
            saved_guest_credentials(&nats_dir),
        ) {
            (None, Some(guest)) => {
                let name = format!("{} (guests)", options.connection_name);
                match connect(&url, Some(&guest), &name, Some(GUEST_INBOX_PREFIX)).await {
                    Ok(client) => Some(client),
                    Err(err) => {
                        stop_owned(owner).await;
                        return Err(err);
                    }
                }
            }
            _ => None,
        };
        let mut host_config = HostConfig {
            nats_url: Some(url.clone()),
            ..options.host
        };
        // The owner's host runs again what it ran when the local lattice last stopped
        // (or was killed); a joining host is a guest of that lattice and starts empty.
        if owner.is_some() && host_config.workload_file.is_none() {
            host_config.workload_file = Some(options.data_dir.join(WORKLOAD_FILE));
        }
        // What the user allowed before (the app's "Allow" on a refused grant).
        host_config
            .runtime
            .grants
            .extend(&crate::grants::load(&options.data_dir));
        // Only this user can reach the local lattice, so its hosts start provider
        // binaries from files, as they load components from files, and from registries,
        // as they pull components.
        host_config.runtime.grants.provider_files = true;
        host_config.runtime.grants.provider_images = true;
        // Provider binaries connect themselves, with the host's credentials.
        if host_config.runtime.providers.nats_url.is_none() {
            host_config.runtime.providers.nats_url = Some(match &credentials {
                Some((user, password)) => with_user_info(&url, user, password),
                None => url.clone(),
            });
        }
        if let Some(guest) = &guest_nats {
            host_config.runtime.guest_nats = Some(guest.clone());
        }
        // Calls between hosts (wRPC) go over a connection of their own, on the
        // async-nats that wRPC's transport is built on, as the host.
        let wrpc_name = format!("{} (wrpc)", options.connection_name);
        match connect_wrpc(&url, credentials.as_ref(), &wrpc_name).await {
            Ok(client) => host_config.runtime.wrpc = Some(client),
            Err(err) => {
                stop_owned(owner).await;
                return Err(err);
            }
        }
        let host = match LatticeHost::start(host_nats.clone(), host_config).await {
            Ok(host) => host,
            Err(err) => {
                stop_owned(owner).await;
                return Err(err.into());
            }
        };
        let local = LocalLattice {
            owner,
            role,
            url,
            credentials,
            lattice,
            host: Some(host),
            host_nats,
            guest_nats,
            data_dir: options.data_dir.clone(),
        };
        if options.save_context && local.role == Role::Started {
            local.save_context();
        }
        Ok(local)
    }

    /// Whether this process started the server or joined it.
    pub fn role(&self) -> Role {
        self.role
    }

    /// The server's client URL (no credentials in it).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The lattice name.
    pub fn lattice(&self) -> &str {
        &self.lattice
    }

    /// Allows this process's host, and every host started on this data directory from
    /// now on, what `extra` allows (component grants: directories, variables, the
    /// network). Saved in [`GRANTS_FILE`](crate::GRANTS_FILE) first, so a failed save
    /// allows nothing.
    pub fn allow_grants(&self, extra: &trellis_host::GrantPolicy) -> Result<(), LocalError> {
        crate::grants::save_extended(&self.data_dir, extra)?;
        self.host().runtime().extend_grant_policy(extra);
        Ok(())
    }

    /// This process's embedded host.
    pub fn host(&self) -> &LatticeHost {
        self.host.as_ref().expect("the host runs until shutdown")
    }

    /// How to reach the local lattice, credentials included: what the `local` context
    /// holds.
    pub fn context(&self) -> Context {
        let mut context = Context::new(&self.url).with_lattice(&self.lattice);
        if let Some((user, password)) = &self.credentials {
            context = context.with_user_password(user, password);
        }
        context
    }

    /// Saves the `local` context, making it current when none is, so other `trellis`
    /// commands reach this lattice with no flags. A failure only costs that
    /// convenience: it is logged.
    fn save_context(&self) {
        let saved = ContextStore::open_default().and_then(|mut store| {
            store.insert(LOCAL_CONTEXT, self.context())?;
            if store.current_name().is_none() {
                store.set_current(LOCAL_CONTEXT)?;
            }
            store.save()
        });
        if let Err(err) = saved {
            tracing::warn!("cannot save context {LOCAL_CONTEXT:?}: {err}");
        }
    }

    /// Stops the host (it publishes `host_stopped`), then, if this process started it,
    /// the server (gracefully, so JetStream flushes its store).
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
        // The server must have read the host's last events (`host_stopped`) and the
        // guests' last messages before it stops: a flush only leaves them in its socket.
        if self.owner.is_some() {
            let mut connections = vec![&self.host_nats];
            connections.extend(&self.guest_nats);
            for nats in connections {
                if let Err(err) = trellis_lattice::round_trip(nats).await {
                    tracing::warn!("last messages may be lost: {err}");
                }
            }
        } else {
            let _ = self.host_nats.flush().await;
            if let Some(guest) = &self.guest_nats {
                let _ = guest.flush().await;
            }
        }
        stop_owned(self.owner.take()).await;
    }
}

/// Stops an owned server and releases the lock.
async fn stop_owned(owner: Option<(LocalNats, OwnerLock)>) {
    if let Some((nats, lock)) = owner {
        // Waits up to the server's grace period: keep it off the async threads.
        let _ = tokio::task::spawn_blocking(move || {
            nats.stop();
            lock.release();
        })
        .await;
    }
}

/// `url` with `user:password@` after its scheme (both percent-encoded where a URL
/// needs it), for a client that takes credentials only from its URL.
fn with_user_info(url: &str, user: &str, password: &str) -> String {
    fn encode(part: &str) -> String {
        part.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect()
    }
    match url.split_once("://") {
        Some((scheme, rest)) => format!("{scheme}://{}:{}@{rest}", encode(user), encode(password)),
        None => format!("{}:{}@{url}", encode(user), encode(password)),
    }
}

/// The host's connection for wRPC (async-nats 0.49), made as a context with these
/// credentials would make it.
async fn connect_wrpc(
    url: &str,
    credentials: Option<&(String, String)>,
    name: &str,
) -> Result<async_nats_wrpc::Client, LocalError> {
    let mut ctx = trellis_lattice::Context::new(url);
    if let Some((user, password)) = credentials {
        ctx.auth = trellis_lattice::Auth::UserPassword {
            user: user.clone(),
            password: password.clone(),
        };
    }
    trellis_lattice::connect_wrpc_nats(&ctx, name)
        .await
        .map_err(|err| LocalError::Connect {
            url: url.to_owned(),
            reason: err.to_string(),
        })
}

/// Waits for the owner to publish its endpoint and for the server to accept connections.
async fn wait_for_endpoint(nats_dir: &std::path::Path) -> Result<Endpoint, LocalError> {
    let deadline = Instant::now() + JOIN_WAIT;
    loop {
        if let Some(endpoint) = read_endpoint(nats_dir) {
            let addr = endpoint.url.trim_start_matches("nats://").to_owned();
            if tokio::net::TcpStream::connect(&addr).await.is_ok() {
                return Ok(endpoint);
            }
        }
        if Instant::now() > deadline {
            let pid = read_endpoint(nats_dir).map_or(0, |e| e.pid);
            return Err(LocalError::CannotJoin {
                pid,
                dir: nats_dir.to_path_buf(),
                reason: format!(
                    "its nats-server did not accept connections within {} s",
                    JOIN_WAIT.as_secs()
                ),
            });
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Connects with a bounded timeout, so a dead server fails at once.
async fn connect(
    url: &str,
    credentials: Option<&(String, String)>,
    name: &str,
    inbox_prefix: Option<&str>,
) -> Result<async_nats::Client, LocalError> {
    let mut options = async_nats::ConnectOptions::new()
        .name(name)
        .connection_timeout(CONNECT_TIMEOUT);
    if let Some((user, password)) = credentials {
        options = options.user_and_password(user.clone(), password.clone());
    }
    if let Some(prefix) = inbox_prefix {
        options = options.custom_inbox_prefix(prefix);
    }
    let failed = |reason: String| LocalError::Connect {
        url: url.to_owned(),
        reason,
    };
    match tokio::time::timeout(CONNECT_TIMEOUT, options.connect(url)).await {
        Ok(Ok(client)) => Ok(client),
        Ok(Err(err)) => Err(failed(err.to_string())),
        Err(_) => Err(failed(format!(
            "no answer within {} s",
            CONNECT_TIMEOUT.as_secs()
        ))),
    }
}
