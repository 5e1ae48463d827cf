//! Running the real `trellis` binary: one-shot commands and `trellis up` in the
//! background, each in its own config and data directories so a developer's saved
//! contexts are never read or written.

use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::time::Duration;

use anyhow::Context as _;
use tokio::io::{AsyncBufReadExt as _, BufReader};
use tokio::process::{Child, ChildStdout, Command};

/// How long a test waits for a command, a line or an event before failing.
pub const WAIT: Duration = Duration::from_secs(30);

/// Private `TRELLIS_CONFIG_DIR` and `TRELLIS_DATA_DIR` for one test.
pub struct Dirs {
    root: tempfile::TempDir,
}

impl Dirs {
    /// Fresh, empty directories.
    pub fn new() -> Dirs {
        let root = tempfile::Builder::new()
            .prefix("trellis-cli-test-")
            .tempdir()
            .expect("creating a temporary directory");
        Dirs { root }
    }

    /// The config directory (contexts file).
    pub fn config(&self) -> PathBuf {
        self.root.path().join("config")
    }

    /// The data directory (the local lattice's nats-server store).
    pub fn data(&self) -> PathBuf {
        self.root.path().join("data")
    }

    /// The cache directory (pulled and compiled components).
    pub fn cache(&self) -> PathBuf {
        self.root.path().join("cache")
    }

    /// A `trellis` command with these directories and no inherited Trellis settings
    /// (nor the developer's docker registry logins).
    pub fn trellis<I, S>(&self, args: I) -> Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        let mut command = Command::new(env!("CARGO_BIN_EXE_trellis"));
        command
            .args(args)
            .env("TRELLIS_CONFIG_DIR", self.config())
            .env("TRELLIS_DATA_DIR", self.data())
            .env("TRELLIS_CACHE_DIR", self.cache())
            .env("DOCKER_CONFIG", self.root.path().join("docker"))
            .env_remove("TRELLIS_REGISTRY_USER")
            .env_remove("TRELLIS_REGISTRY_PASSWORD")
            .env_remove("TRELLIS_CONTEXT")
            .env_remove("TRELLIS_NATS_URL")
            .env_remove("TRELLIS_LATTICE")
            .env_remove("RUST_LOG")
            .stdin(Stdio::null())
            .kill_on_drop(true);
        command
    }

    /// Runs `trellis args…` to completion (within [`WAIT`]).
    pub async fn run<I, S>(&self, args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        self.run_within(args, WAIT).await
    }

    /// Runs `trellis args…` to completion within `limit` (for a command that waits on
    /// something slow, such as a first compile of a large component).
    pub async fn run_within<I, S>(&self, args: I, limit: Duration) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        let mut command = self.trellis(args);
        let shown = format!("{:?}", command.as_std());
        let output = tokio::time::timeout(limit, command.output())
            .await
            .unwrap_or_else(|_| panic!("{shown} did not finish within {limit:?}"))
            .unwrap_or_else(|e| panic!("cannot run {shown}: {e}"));
        Run { shown, output }
    }
}

/// A finished `trellis` run.
pub struct Run {
    shown: String,
    output: Output,
}

impl Run {
    /// The exit code (`None` when killed by a signal).
    pub fn code(&self) -> Option<i32> {
        self.output.status.code()
    }

    /// Standard output as text.
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }

    /// Standard error as text.
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }

    /// Asserts exit code 0 and returns stdout.
    pub fn success(&self) -> String {
        assert_eq!(
            self.code(),
            Some(0),
            "{} failed\nstdout: {}\nstderr: {}",
            self.shown,
            self.stdout(),
            self.stderr()
        );
        self.stdout()
    }

    /// Asserts success and parses stdout as JSON.
    pub fn json(&self) -> serde_json::Value {
        let stdout = self.success();
        serde_json::from_str(&stdout)
            .unwrap_or_else(|e| panic!("{} printed no JSON ({e}): {stdout}", self.shown))
    }
}

/// A `trellis up` running in the background; killed when dropped.
pub struct Up {
    /// The child process.
    pub child: Child,
    /// The host id it announced.
    pub host_id: String,
    /// The NATS URL it announced.
    pub url: String,
    /// Held so the child's stdout stays open (a closed pipe would fail its writes).
    _stdout: BufReader<ChildStdout>,
}

impl Up {
    /// Starts `trellis up args…` and waits for its "host … is up" line.
    pub async fn start(dirs: &Dirs, args: &[&str]) -> anyhow::Result<Up> {
        let mut command = dirs.trellis(["up"].iter().chain(args));
        command.stdout(Stdio::piped()).stderr(Stdio::inherit());
        let mut child = command.spawn().context("spawning trellis up")?;
        let mut stdout = BufReader::new(child.stdout.take().context("no stdout pipe")?);
        let mut line = String::new();
        tokio::time::timeout(WAIT, stdout.read_line(&mut line))
            .await
            .context("trellis up printed nothing")??;
        // "host <ID> (<name>) is up on lattice <lattice> at <url>"
        let words: Vec<&str> = line.split_whitespace().collect();
        let (Some(&"host"), Some(id), Some(url)) = (words.first(), words.get(1), words.last())
        else {
            anyhow::bail!("unexpected first line from trellis up: {line:?}");
        };
        anyhow::ensure!(
            line.contains(" is up on lattice "),
            "unexpected first line from trellis up: {line:?}"
        );
        Ok(Up {
            host_id: id.to_string(),
            url: url.to_string(),
            child,
            _stdout: stdout,
        })
    }

    /// Sends SIGINT (what Ctrl-C in a terminal sends) to the process.
    pub async fn interrupt(&self) {
        let pid = self.child.id().expect("trellis up is still running");
        let status = Command::new("kill")
            .args(["-INT", &pid.to_string()])
            .status()
            .await
            .expect("running kill");
        assert!(status.success(), "kill -INT {pid} failed");
    }

    /// Waits for the process to exit and returns its exit code.
    pub async fn wait(&mut self) -> Option<i32> {
        tokio::time::timeout(WAIT, self.child.wait())
            .await
            .expect("trellis up did not exit in time")
            .expect("waiting for trellis up")
            .code()
    }
}

/// Ids of running processes whose command line mentions `needle` (zombies excluded).
pub fn processes_mentioning(needle: &Path) -> Vec<u32> {
    let needle = needle.to_string_lossy().into_owned();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
            let zombie = std::fs::read_to_string(format!("/proc/{pid}/status"))
                .map(|s| s.contains("State:\tZ"))
                .unwrap_or(true);
            !zombie && String::from_utf8_lossy(&cmdline).contains(&needle)
        })
        .collect()
}

/// A loopback port that was free a moment ago.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .expect("binding a free loopback port")
}

/// `GET path` on 127.0.0.1:`port` (the shared client of trellis-testkit).
pub async fn http_get(port: u16, path: &str) -> anyhow::Result<(u16, String)> {
    trellis_testkit::http_get(port, "127.0.0.1", path).await
}

/// Polls `check` every 100 ms until it returns `Some` or [`WAIT`] passes.
pub async fn eventually<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out after {WAIT:?} waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Serves `reference` as component `hello` over HTTP on 127.0.0.1:`port`: named config
/// `web` with the address, the built-in http-server `http`, and the link between them,
/// each through `trellis` with the `global` flags first.
pub async fn serve_hello_over_http(dirs: &Dirs, global: &[&str], reference: &str, port: u16) {
    let address = format!("address=127.0.0.1:{port}");
    for args in [
        &["config", "put", "web", &address][..],
        &["start", "provider", "http-server", "--id", "http"],
        &["start", "component", reference, "--id", "hello"],
        &LINK_HTTP_TO_HELLO,
    ] {
        dirs.run(global.iter().chain(args)).await.success();
    }
}

/// `link put` arguments serving component `hello` from http-server `http` with the
/// named config `web` as source config (its address).
pub const LINK_HTTP_TO_HELLO: [&str; 9] = [
    "link",
    "put",
    "http",
    "hello",
    "wasi:http",
    "--interface",
    "incoming-handler",
    "--source-config",
    "web",
];
