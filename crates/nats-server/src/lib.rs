//! trellis-nats-server: a `nats-server` child process on loopback.
//!
//! What it is: the launcher of the NATS server that Trellis's local lattice, `trellis run`
//! and the tests use. What it is not: a NATS client (that is async-nats, wrapped by
//! `trellis-lattice`) or the user's shared local lattice (that is `trellis-local`, which
//! starts one of these and lets other Trellis processes join it).
//!
//! A local lattice needs a NATS server with JetStream (links and config live in
//! JetStream KV). [`LocalNats::start`] finds `nats-server`, writes a config file into the
//! data directory (loopback only, a free port unless one is asked for, JetStream store in
//! the data directory so state survives restarts, generated credentials kept beside it),
//! starts it, and waits until it accepts connections. With credentials on, the server
//! has two users: the main one (full access, for hosts and tools) and a guest user for
//! the traffic of components ([`GUEST_USER`]), which the server itself keeps off the
//! lattice's own subjects ([`GUEST_DENIED_SUBJECTS`]). Dropping the [`LocalNats`] stops
//! the server; on Linux the child is also tied to this process's life, so a crash of
//! Trellis does not leave a server behind.
//!
//! ```no_run
//! use trellis_nats_server::{LocalNats, LocalNatsOptions};
//!
//! let nats = LocalNats::start(LocalNatsOptions::new("/tmp/trellis-data/nats")).unwrap();
//! println!("NATS at {} as {}", nats.url(), nats.user().unwrap_or("anonymous"));
//! ```

#![deny(missing_docs)]

use std::fs;
use std::io::{self, Read, Seek, SeekFrom};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use rand::distr::{Alphanumeric, SampleString};
use serde::{Deserialize, Serialize};

/// Environment variable naming the `nats-server` binary to use instead of the one on `PATH`.
pub const NATS_SERVER_ENV: &str = "TRELLIS_NATS_SERVER";

/// User name of the guest user: the NATS user that components' messaging traffic goes
/// through on the local lattice.
pub const GUEST_USER: &str = "trellis-guest";

/// Subjects the guest user may neither publish nor subscribe to, enforced by the server
/// (issue 11, item 1: defence in depth beside the messaging provider's own check): the
/// control interface and events, wadm, the JetStream, KV and object store APIs, the
/// system account, Trellis's own subjects and every lattice's wRPC data plane
/// (`<lattice>.*.wrpc.>`). Everything else is allowed, publishing replies to `_INBOX.…`
/// included; subscriptions to `_INBOX.>` are denied too (see [`GUEST_INBOX_PREFIX`]).
pub const GUEST_DENIED_SUBJECTS: [&str; 8] = {
    let [wasmbus, wadm, js, kv, object, system, trellis] =
        trellis_proto::subject::LATTICE_OWNED_SUBJECTS;
    [wasmbus, wadm, js, kv, object, system, trellis, "*.*.wrpc.>"]
};

/// Where the guest user's own request replies go. The guest user may not subscribe to
/// the usual `_INBOX.>` (replies to the host's control and JetStream requests land
/// there), so a guest connection must set this inbox prefix
/// (`async_nats::ConnectOptions::custom_inbox_prefix`) for its requests to get replies.
/// Publishing to `_INBOX.…` (answering others' requests) stays allowed.
pub const GUEST_INBOX_PREFIX: &str = "_GUEST_INBOX";

/// What the guest user may not subscribe to beyond [`GUEST_DENIED_SUBJECTS`]: the
/// ordinary reply inboxes (see [`GUEST_INBOX_PREFIX`]).
const GUEST_DENIED_SUBSCRIPTIONS: [&str; 1] = ["_INBOX.>"];

/// How long a starting server may take to accept connections before we give up.
const READY_TIMEOUT: Duration = Duration::from_secs(15);

/// How long a stopping server gets to flush JetStream before it is killed.
const STOP_GRACE: Duration = Duration::from_secs(5);

/// What can go wrong while starting the local lattice's server.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LocalNatsError {
    /// No `nats-server` binary was found.
    #[error(
        "nats-server not found: run scripts/install.sh (it installs nats-server), \
         put nats-server on PATH, or set {NATS_SERVER_ENV} to its path"
    )]
    NotFound,
    /// The port that was asked for is taken.
    #[error(
        "port {port} on 127.0.0.1 is already in use: choose another port or stop what holds it"
    )]
    PortInUse {
        /// The requested port.
        port: u16,
    },
    /// The server process exited while starting.
    #[error("nats-server exited while starting ({status}): {log}")]
    Exited {
        /// The exit status as text.
        status: String,
        /// The last lines the server logged.
        log: String,
    },
    /// The server did not accept connections in time.
    #[error("nats-server did not accept connections on {addr} within {secs} s")]
    NotReady {
        /// Where it should have listened.
        addr: SocketAddr,
        /// How long we waited.
        secs: u64,
    },
    /// A file in the data directory could not be read or written.
    #[error("{action} {path}: {source}")]
    Io {
        /// What was being done.
        action: &'static str,
        /// The file or directory.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
}

/// How to start the local server.
#[derive(Debug, Clone)]
pub struct LocalNatsOptions {
    /// Directory for the config file, the credentials, the log and the JetStream store.
    pub data_dir: PathBuf,
    /// Client port on 127.0.0.1; `None` picks the port the last server on `data_dir`
    /// listened on when it is free (so the URL stays the same across restarts), else a
    /// free one.
    pub port: Option<u16>,
    /// Enable JetStream (default true).
    pub jetstream: bool,
    /// Generate (once) and require a user name and password (default true).
    pub credentials: bool,
    /// Also listen for NATS over websocket on this loopback port (no TLS).
    pub websocket_port: Option<u16>,
    /// Serve the HTTP monitoring endpoints (`/varz`, `/connz`, ...) on this loopback port.
    pub monitor_port: Option<u16>,
    /// Extra text appended to the server config (auth blocks, TLS, accounts, ...).
    pub extra_config: Option<String>,
}

impl LocalNatsOptions {
    /// Defaults: a free port, JetStream on, generated credentials, no websocket, no
    /// monitoring.
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        LocalNatsOptions {
            data_dir: data_dir.into(),
            port: None,
            jetstream: true,
            credentials: true,
            websocket_port: None,
            monitor_port: None,
            extra_config: None,
        }
    }
}

/// Credentials generated for the local server, kept in `credentials.json` (the main
/// user) and `guest-credentials.json` (the [`GUEST_USER`]) in its data dir so that other
/// Trellis processes (the CLI beside the app) can connect too.
#[derive(Clone, Serialize, Deserialize)]
struct Credentials {
    user: String,
    password: String,
}

/// File of the main user's credentials in the data dir.
const CREDENTIALS_FILE: &str = "credentials.json";

/// File of the guest user's credentials in the data dir.
const GUEST_CREDENTIALS_FILE: &str = "guest-credentials.json";

/// A running local `nats-server`; stopped when dropped.
pub struct LocalNats {
    options: LocalNatsOptions,
    binary: PathBuf,
    port: u16,
    credentials: Option<Credentials>,
    guest_credentials: Option<Credentials>,
    child: Option<Child>,
    keeper: Option<Keeper>,
}

impl std::fmt::Debug for LocalNats {
    // Written by hand so the password never reaches a log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalNats")
            .field("url", &self.url())
            .field("data_dir", &self.options.data_dir)
            .field("user", &self.user())
            .field("pid", &self.pid())
            .finish_non_exhaustive()
    }
}

/// Finds the `nats-server` binary: `$TRELLIS_NATS_SERVER`, then `PATH`, then Debian's
/// `/usr/sbin` (not on a normal user's `PATH`).
pub fn find_nats_server() -> Result<PathBuf, LocalNatsError> {
    if let Some(path) = std::env::var_os(NATS_SERVER_ENV) {
        let path = PathBuf::from(path);
        return if path.is_file() {
            Ok(path)
        } else {
            Err(LocalNatsError::NotFound)
        };
    }
    if let Ok(path) = which::which("nats-server") {
        return Ok(path);
    }
    let debian = Path::new("/usr/sbin/nats-server");
    if debian.is_file() {
        return Ok(debian.to_path_buf());
    }
    Err(LocalNatsError::NotFound)
}

impl LocalNats {
    /// Starts the server and waits until it accepts connections.
    pub fn start(options: LocalNatsOptions) -> Result<LocalNats, LocalNatsError> {
        let binary = find_nats_server()?;
        create_dir(&options.data_dir)?;
        let (credentials, guest_credentials) = if options.credentials {
            let dir = &options.data_dir;
            (
                Some(load_or_create_credentials(
                    dir,
                    CREDENTIALS_FILE,
                    "trellis",
                )?),
                Some(load_or_create_credentials(
                    dir,
                    GUEST_CREDENTIALS_FILE,
                    GUEST_USER,
                )?),
            )
        } else {
            (None, None)
        };
        let mut nats = LocalNats {
            options,
            binary,
            port: 0,
            credentials,
            guest_credentials,
            child: None,
            keeper: None,
        };
        nats.launch()?;
        Ok(nats)
    }

    /// The client URL, `nats://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }

    /// The websocket URL, when a websocket port was asked for.
    pub fn websocket_url(&self) -> Option<String> {
        self.options
            .websocket_port
            .map(|port| format!("ws://127.0.0.1:{port}"))
    }

    /// The client port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The generated user name, when credentials are on.
    pub fn user(&self) -> Option<&str> {
        self.credentials.as_ref().map(|c| c.user.as_str())
    }

    /// The generated password, when credentials are on.
    pub fn password(&self) -> Option<&str> {
        self.credentials.as_ref().map(|c| c.password.as_str())
    }

    /// The guest user's name and password ([`GUEST_USER`]), when credentials are on.
    pub fn guest_credentials(&self) -> Option<(&str, &str)> {
        self.guest_credentials
            .as_ref()
            .map(|c| (c.user.as_str(), c.password.as_str()))
    }

    /// The monitoring URL, `http://127.0.0.1:<port>`, when a monitor port was asked for.
    pub fn monitor_url(&self) -> Option<String> {
        self.options
            .monitor_port
            .map(|port| format!("http://127.0.0.1:{port}"))
    }

    /// The data directory (config, credentials, log, JetStream store).
    pub fn data_dir(&self) -> &Path {
        &self.options.data_dir
    }

    /// The server's process id while it runs.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// Stops the server (gracefully, so JetStream flushes) and starts it again on the same
    /// port with the same store. Clients reconnect on their own.
    pub fn restart(&mut self) -> Result<(), LocalNatsError> {
        self.stop_child();
        self.launch()
    }

    /// Stops the server now; dropping does the same.
    pub fn stop(mut self) {
        self.stop_child();
    }

    /// Writes the config and starts the process, retrying on a lost free-port race.
    fn launch(&mut self) -> Result<(), LocalNatsError> {
        const ATTEMPTS: usize = 3;
        let mut last_error = None;
        for attempt in 0..ATTEMPTS {
            let port = match (self.port, self.options.port) {
                (0, None) => {
                    // The last port first, once: a race lost on it falls back to any.
                    let previous = previous_port(&self.options.data_dir)
                        .filter(|_| attempt == 0)
                        .filter(|port| TcpListener::bind(("127.0.0.1", *port)).is_ok());
                    match previous {
                        Some(port) => port,
                        None => free_port()?,
                    }
                }
                (0, Some(port)) => {
                    if TcpListener::bind(("127.0.0.1", port)).is_err() {
                        return Err(LocalNatsError::PortInUse { port });
                    }
                    port
                }
                (port, _) => port,
            };
            match self.spawn_on(port) {
                Ok((child, keeper)) => {
                    self.port = port;
                    self.child = Some(child);
                    self.keeper = Some(keeper);
                    return Ok(());
                }
                // Someone took the free port between our probe and the server's bind.
                Err(err @ LocalNatsError::Exited { .. })
                    if self.options.port.is_none() && self.port == 0 =>
                {
                    last_error = Some(err);
                }
                Err(err) => return Err(err),
            }
        }
        Err(last_error.expect("at least one attempt was made"))
    }

    fn spawn_on(&self, port: u16) -> Result<(Child, Keeper), LocalNatsError> {
        let dir = &self.options.data_dir;
        let config_path = dir.join("nats.conf");
        // The config holds the password.
        write_secret(&config_path, &self.config_text(port))?;
        let log_path = dir.join("nats-server.log");
        let log = fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log_path)
            .map_err(|source| LocalNatsError::Io {
                action: "cannot open",
                path: log_path.clone(),
                source,
            })?;
        let log_start = log.metadata().map(|m| m.len()).unwrap_or(0);
        let log_err = log.try_clone().map_err(|source| LocalNatsError::Io {
            action: "cannot open",
            path: log_path.clone(),
            source,
        })?;

        let mut command = Command::new(&self.binary);
        command
            .arg("-c")
            .arg(&config_path)
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log_err);
        tie_to_parent(&mut command);
        let (mut child, keeper) = Keeper::spawn(command).map_err(|source| LocalNatsError::Io {
            action: "cannot start",
            path: self.binary.clone(),
            source,
        })?;

        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let deadline = Instant::now() + READY_TIMEOUT;
        loop {
            if let Ok(Some(status)) = child.try_wait() {
                return Err(LocalNatsError::Exited {
                    status: status.to_string(),
                    log: log_tail(&log_path, log_start),
                });
            }
            if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
                return Ok((child, keeper));
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                return Err(LocalNatsError::NotReady {
                    addr,
                    secs: READY_TIMEOUT.as_secs(),
                });
            }
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    /// The server config. Everything listens on loopback only.
    fn config_text(&self, port: u16) -> String {
        let dir = &self.options.data_dir;
        let mut text = format!(
            "# Written by Trellis at every start; edits are overwritten.\n\
             listen: \"127.0.0.1:{port}\"\n\
             server_name: \"trellis-local\"\n\
             max_payload: 8MB\n"
        );
        if self.options.jetstream {
            text.push_str(&format!(
                "jetstream {{\n  store_dir: {}\n}}\n",
                quote(&dir.join("jetstream"))
            ));
        }
        if let Some(creds) = &self.credentials {
            text.push_str("authorization {\n  users = [\n");
            text.push_str(&format!(
                "    {{ user: {}, password: {} }}\n",
                quote_str(&creds.user),
                quote_str(&creds.password)
            ));
            if let Some(guest) = &self.guest_credentials {
                let list = |subjects: &mut dyn Iterator<Item = &&str>| {
                    subjects
                        .map(|s| quote_str(s))
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                let publish = list(&mut GUEST_DENIED_SUBJECTS.iter());
                let subscribe = list(
                    &mut GUEST_DENIED_SUBJECTS
                        .iter()
                        .chain(GUEST_DENIED_SUBSCRIPTIONS.iter()),
                );
                text.push_str(&format!(
                    "    {{\n      user: {}, password: {}\n      permissions: {{\n        \
                     publish: {{ deny: [{publish}] }}\n        \
                     subscribe: {{ deny: [{subscribe}] }}\n      }}\n    }}\n",
                    quote_str(&guest.user),
                    quote_str(&guest.password),
                ));
            }
            text.push_str("  ]\n}\n");
        }
        if let Some(ws) = self.options.websocket_port {
            text.push_str(&format!(
                "websocket {{\n  listen: \"127.0.0.1:{ws}\"\n  no_tls: true\n}}\n"
            ));
        }
        if let Some(port) = self.options.monitor_port {
            text.push_str(&format!("http: \"127.0.0.1:{port}\"\n"));
        }
        if let Some(extra) = &self.options.extra_config {
            text.push_str(extra);
            text.push('\n');
        }
        text
    }

    fn stop_child(&mut self) {
        // The keeper thread may only end once the child is gone (see `Keeper`).
        let _keeper = self.keeper.take();
        let Some(mut child) = self.child.take() else {
            return;
        };
        // SIGTERM first: nats-server then shuts JetStream down cleanly.
        #[cfg(unix)]
        {
            // SAFETY: kill(2) with a pid we own and a valid signal number has no memory effects.
            unsafe {
                libc::kill(child.id() as libc::pid_t, libc::SIGTERM);
            }
            let deadline = Instant::now() + STOP_GRACE;
            while Instant::now() < deadline {
                if let Ok(Some(_)) = child.try_wait() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        let _ = child.kill();
        let _ = child.wait();
    }
}

impl Drop for LocalNats {
    fn drop(&mut self) {
        self.stop_child();
    }
}

/// The thread that spawned the server, parked until the server has stopped.
///
/// Linux delivers the parent-death signal when the *thread* that forked the child exits,
/// not the process. Spawning from whatever thread calls [`LocalNats::start`] (a tokio
/// blocking-pool thread, say, which retires after idling) would kill the server early,
/// so a dedicated thread forks it and stays parked until this handle is dropped.
struct Keeper {
    release: Option<std::sync::mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Keeper {
    fn spawn(mut command: Command) -> io::Result<(Child, Keeper)> {
        let (child_tx, child_rx) = std::sync::mpsc::channel();
        let (release, parked) = std::sync::mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("nats-server-keeper".into())
            .spawn(move || {
                let spawned = command.spawn();
                let started = spawned.is_ok();
                let _ = child_tx.send(spawned);
                if started {
                    // Returns when the sender is dropped.
                    let _ = parked.recv();
                }
            })?;
        let child = child_rx
            .recv()
            .map_err(|_| io::Error::other("the nats-server keeper thread ended early"))??;
        Ok((
            child,
            Keeper {
                release: Some(release),
                thread: Some(thread),
            },
        ))
    }
}

impl Drop for Keeper {
    fn drop(&mut self) {
        drop(self.release.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Asks the kernel to kill the child when this process dies, so a crashed or killed
/// Trellis never leaves an orphaned server holding the JetStream store.
fn tie_to_parent(command: &mut Command) {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::process::CommandExt;
        // Own process group: a terminal's Ctrl-C then reaches only Trellis, which can
        // still publish host_stopped before it stops the server itself.
        command.process_group(0);
        // SAFETY: prctl(PR_SET_PDEATHSIG) is async-signal-safe and touches no memory of ours.
        unsafe {
            command.pre_exec(|| {
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM) == -1 {
                    return Err(io::Error::last_os_error());
                }
                Ok(())
            });
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = command;
}

/// The client port in the config the last server on `data_dir` was started with (its
/// top-level `listen` line, as [`LocalNats`] writes it).
fn previous_port(data_dir: &Path) -> Option<u16> {
    let text = fs::read_to_string(data_dir.join("nats.conf")).ok()?;
    text.lines()
        .find_map(|line| line.strip_prefix("listen: \"127.0.0.1:"))
        .and_then(|rest| rest.strip_suffix('"'))
        .and_then(|port| port.parse().ok())
        .filter(|port| *port != 0)
}

fn free_port() -> Result<u16, LocalNatsError> {
    let listener = TcpListener::bind(("127.0.0.1", 0)).map_err(|source| LocalNatsError::Io {
        action: "cannot find a free port on",
        path: PathBuf::from("127.0.0.1"),
        source,
    })?;
    listener
        .local_addr()
        .map(|addr| addr.port())
        .map_err(|source| LocalNatsError::Io {
            action: "cannot find a free port on",
            path: PathBuf::from("127.0.0.1"),
            source,
        })
}

/// The user name and password a server started on `data_dir` requires, as generated by
/// the first start there; `None` before that. Lets another process of the same user
/// connect to a server it did not start.
pub fn saved_credentials(data_dir: &Path) -> Option<(String, String)> {
    read_credentials(&data_dir.join(CREDENTIALS_FILE))
}

/// The guest user's name and password ([`GUEST_USER`]) of a server started on
/// `data_dir`, as generated by the first start there; `None` before that (or when the
/// data dir was last used by a Trellis without a guest user). Lets a host that joins
/// the local lattice send its components' traffic as the guest too.
pub fn saved_guest_credentials(data_dir: &Path) -> Option<(String, String)> {
    read_credentials(&data_dir.join(GUEST_CREDENTIALS_FILE))
}

fn read_credentials(path: &Path) -> Option<(String, String)> {
    let text = fs::read_to_string(path).ok()?;
    let creds: Credentials = serde_json::from_str(&text).ok()?;
    Some((creds.user, creds.password))
}

/// Reads `dir/file`, or creates it (mode 0600) with `user` and a random password.
fn load_or_create_credentials(
    dir: &Path,
    file: &str,
    user: &str,
) -> Result<Credentials, LocalNatsError> {
    let path = dir.join(file);
    if let Ok(text) = fs::read_to_string(&path) {
        if let Ok(creds) = serde_json::from_str::<Credentials>(&text) {
            if creds.user == user {
                return Ok(creds);
            }
        }
    }
    let creds = Credentials {
        user: user.to_owned(),
        password: Alphanumeric.sample_string(&mut rand::rng(), 32),
    };
    let text = serde_json::to_string_pretty(&creds).expect("credentials serialise");
    write_secret(&path, &text)?;
    Ok(creds)
}

/// Creates the data directory, readable by this user only (it holds the password and
/// the JetStream store).
fn create_dir(dir: &Path) -> Result<(), LocalNatsError> {
    let io_error = |source| LocalNatsError::Io {
        action: "cannot create",
        path: dir.to_path_buf(),
        source,
    };
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        builder.mode(0o700);
        builder.create(dir).map_err(io_error)?;
        // An existing directory keeps its mode through `create`: narrow it too.
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700)).map_err(io_error)
    }
    #[cfg(not(unix))]
    builder.create(dir).map_err(io_error)
}

/// Writes a file that holds a secret: created mode 0600 from its first byte (never
/// readable by others, not even briefly), and narrowed to 0600 when it existed.
fn write_secret(path: &Path, text: &str) -> Result<(), LocalNatsError> {
    use std::io::Write as _;
    let io_error = |source| LocalNatsError::Io {
        action: "cannot write",
        path: path.to_path_buf(),
        source,
    };
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        options.mode(0o600);
        let file = options.open(path).map_err(io_error)?;
        file.set_permissions(fs::Permissions::from_mode(0o600))
            .map_err(io_error)?;
        let mut file = file;
        file.write_all(text.as_bytes()).map_err(io_error)
    }
    #[cfg(not(unix))]
    {
        let mut file = options.open(path).map_err(io_error)?;
        file.write_all(text.as_bytes()).map_err(io_error)
    }
}

/// The last few lines the server wrote since `start`, to explain an early exit.
fn log_tail(path: &Path, start: u64) -> String {
    let mut text = String::new();
    if let Ok(mut file) = fs::File::open(path) {
        let _ = file.seek(SeekFrom::Start(start));
        let _ = file.read_to_string(&mut text);
    }
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let tail = lines[lines.len().saturating_sub(3)..].join(" | ");
    if tail.is_empty() {
        "no output".to_owned()
    } else {
        tail
    }
}

fn quote(path: &Path) -> String {
    quote_str(&path.to_string_lossy())
}

/// NATS config strings: double-quoted, with quotes and backslashes escaped.
fn quote_str(value: &str) -> String {
    format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_is_loopback_only_and_quotes_values() {
        let nats = LocalNats {
            options: LocalNatsOptions {
                websocket_port: Some(9001),
                ..LocalNatsOptions::new("/data/with \"quote\"")
            },
            binary: PathBuf::from("nats-server"),
            port: 4333,
            credentials: Some(Credentials {
                user: "trellis".into(),
                password: "p\"w".into(),
            }),
            guest_credentials: Some(Credentials {
                user: GUEST_USER.into(),
                password: "guestpw".into(),
            }),
            child: None,
            keeper: None,
        };
        let text = nats.config_text(4333);
        assert!(text.contains("listen: \"127.0.0.1:4333\""));
        assert!(text.contains("listen: \"127.0.0.1:9001\""));
        assert!(text.contains("store_dir: \"/data/with \\\"quote\\\"/jetstream\""));
        assert!(text.contains("password: \"p\\\"w\""));
        assert!(text.contains("user: \"trellis-guest\", password: \"guestpw\""));
        assert!(text.contains(
            "publish: { deny: [\"wasmbus.>\", \"wadm.>\", \"$JS.>\", \"$KV.>\", \"$O.>\", \
             \"$SYS.>\", \"trellis.>\", \"*.*.wrpc.>\"] }"
        ));
        assert!(text.contains("\"*.*.wrpc.>\", \"_INBOX.>\"] }"), "{text}");
        assert!(!text.contains("0.0.0.0"));
    }

    #[test]
    fn debug_hides_the_password() {
        let nats = LocalNats {
            options: LocalNatsOptions::new("/d"),
            binary: PathBuf::from("nats-server"),
            port: 1,
            credentials: Some(Credentials {
                user: "trellis".into(),
                password: "sekrit".into(),
            }),
            guest_credentials: Some(Credentials {
                user: GUEST_USER.into(),
                password: "guestsekrit".into(),
            }),
            child: None,
            keeper: None,
        };
        assert!(!format!("{nats:?}").contains("sekrit"));
        assert!(!format!("{nats:?}").contains("guestsekrit"));
    }

    #[cfg(unix)]
    #[test]
    fn secrets_are_for_this_user_only() {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        let base = tempfile::tempdir().unwrap();
        let dir = base.path().join("nats");
        create_dir(&dir).unwrap();
        assert_eq!(mode(&dir), 0o700, "data dir");
        for (file, user) in [
            (CREDENTIALS_FILE, "trellis"),
            (GUEST_CREDENTIALS_FILE, GUEST_USER),
        ] {
            let creds = load_or_create_credentials(&dir, file, user).unwrap();
            assert_eq!(mode(&dir.join(file)), 0o600, "{file}");
            assert_eq!(
                load_or_create_credentials(&dir, file, user)
                    .unwrap()
                    .password,
                creds.password,
                "the password is generated once"
            );
        }
        let (main, guest) = (
            saved_credentials(&dir).unwrap(),
            saved_guest_credentials(&dir).unwrap(),
        );
        assert_eq!(guest.0, GUEST_USER);
        assert_ne!(main.1, guest.1, "each user has its own password");
        // A file left readable by an older version is narrowed when rewritten.
        let conf = dir.join("nats.conf");
        fs::write(&conf, "old").unwrap();
        fs::set_permissions(&conf, fs::Permissions::from_mode(0o644)).unwrap();
        write_secret(&conf, "new").unwrap();
        assert_eq!(mode(&conf), 0o600);
        assert_eq!(fs::read_to_string(&conf).unwrap(), "new");
    }

    #[test]
    fn server_outlives_the_thread_that_started_it() {
        if find_nats_server().is_err() {
            eprintln!("skipped: nats-server is not installed");
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let options = LocalNatsOptions::new(dir.path());
        // Start from a thread that then ends, as a tokio blocking-pool thread would.
        let nats = std::thread::spawn(move || LocalNats::start(options).unwrap())
            .join()
            .unwrap();
        std::thread::sleep(Duration::from_millis(300));
        let addr = SocketAddr::from(([127, 0, 0, 1], nats.port()));
        assert!(
            TcpStream::connect_timeout(&addr, Duration::from_secs(1)).is_ok(),
            "nats-server died with the thread that started it"
        );
        let pid = nats.pid().unwrap();
        drop(nats);
        let status = fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        assert!(
            status.is_empty() || status.contains("State:\tZ"),
            "still running: {status}"
        );
    }
}
