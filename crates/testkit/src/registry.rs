//! A real OCI registry for tests: Debian's `docker-registry` (the CNCF distribution
//! registry) on a free 127.0.0.1 port with a temporary store.

use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context as _};
use tempfile::TempDir;

/// The user a registry started with [`Registry::start_with_user`] knows.
pub const REGISTRY_USER: &str = "trellis";
/// That user's password.
pub const REGISTRY_PASSWORD: &str = "registry-secret";
/// bcrypt of [`REGISTRY_PASSWORD`] (the only hash the registry's htpasswd accepts),
/// computed once so tests need no bcrypt implementation.
const REGISTRY_PASSWORD_BCRYPT: &str =
    "$2b$10$AV3CqlPPNwO9/EYG1/R5UOCHURlPSjvWyVuUiK8eGE/AnO/UL1Ah.";

/// A running registry. Dropping it stops the registry and deletes its store.
pub struct Registry {
    child: Option<Child>,
    port: u16,
    dir: TempDir,
}

impl Registry {
    /// Starts a registry anyone may push to and pull from.
    pub fn start() -> anyhow::Result<Registry> {
        Self::launch(false)
    }

    /// Starts a registry that requires [`REGISTRY_USER`] / [`REGISTRY_PASSWORD`].
    pub fn start_with_user() -> anyhow::Result<Registry> {
        Self::launch(true)
    }

    fn launch(with_user: bool) -> anyhow::Result<Registry> {
        let dir = tempfile::Builder::new()
            .prefix("trellis-registry-")
            .tempdir()
            .context("creating a temporary directory for the registry")?;
        let port = free_port()?;
        let mut config = format!(
            "version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\n\
             storage:\n  filesystem:\n    rootdirectory: {store}\n  delete:\n    enabled: true\n\
             http:\n  addr: 127.0.0.1:{port}\n",
            store = dir.path().join("store").display()
        );
        if with_user {
            let htpasswd = dir.path().join("htpasswd");
            std::fs::write(
                &htpasswd,
                format!("{REGISTRY_USER}:{REGISTRY_PASSWORD_BCRYPT}\n"),
            )?;
            config.push_str(&format!(
                "auth:\n  htpasswd:\n    realm: trellis-test\n    path: {}\n",
                htpasswd.display()
            ));
        }
        std::fs::write(dir.path().join("config.yml"), config)?;
        let mut registry = Registry {
            child: None,
            port,
            dir,
        };
        registry.spawn()?;
        Ok(registry)
    }

    fn spawn(&mut self) -> anyhow::Result<()> {
        let log = std::fs::File::create(self.dir.path().join("registry.log"))?;
        let child = Command::new("docker-registry")
            .arg("serve")
            .arg(self.dir.path().join("config.yml"))
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()
            .context(
                "starting docker-registry (Debian's docker-registry package; \
                 scripts/install.sh installs it)",
            )?;
        self.child = Some(child);
        wait_for_port(self.port, &self.dir.path().join("registry.log"))
    }

    /// `127.0.0.1:<port>`, the registry part of a reference.
    pub fn address(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// The registry's storage root (for tests that alter what it serves).
    pub fn store(&self) -> std::path::PathBuf {
        self.dir.path().join("store")
    }

    /// Stops the registry, keeping its store (to see what works without it).
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts it again on the same port with the same store.
    pub fn restart(&mut self) -> anyhow::Result<()> {
        self.stop();
        self.spawn()
    }
}

impl Drop for Registry {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A free TCP port on 127.0.0.1 (shared by the test peers this crate starts).
pub(crate) fn free_port() -> anyhow::Result<u16> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).context("finding a free port")?;
    Ok(listener.local_addr()?.port())
}

fn wait_for_port(port: u16, log: &Path) -> anyhow::Result<()> {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_ok() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let text = std::fs::read_to_string(log).unwrap_or_default();
    bail!("docker-registry did not listen on 127.0.0.1:{port} within 20 s; its log:\n{text}")
}
