//! The embedded wadm: [`start`] runs `wadm::start_wadm` and keeps its tasks in a
//! [`WadmHandle`] that stops them when dropped.

use tokio::task::{JoinHandle, JoinSet};
use wadm::{config::WadmConfig, StreamPersistence};

use crate::{Error, Result};

/// How to run the embedded wadm.
///
/// Written by hand for `Debug`: the password never reaches a log.
#[derive(Clone)]
pub struct WadmOptions {
    /// The NATS server, without user info (`nats://127.0.0.1:4222`).
    pub nats_url: String,
    /// User and password the server requires, if any. wadm only takes them as the URL's
    /// user info, so they must be URL-safe (letters, digits, `-._~`), as the local
    /// lattice's generated ones are.
    pub user_password: Option<(String, String)>,
    /// JetStream domain, if the server has one.
    pub js_domain: Option<String>,
    /// Keep wadm's streams and buckets (manifests, lattice state) on disk (default) or in
    /// memory. On disk, deployed applications survive a restart of the server.
    pub persistent: bool,
    /// Seconds without a heartbeat after which wadm forgets a host (wadm's default 70).
    pub cleanup_interval_secs: u64,
    /// An id for this wadm in its logs (default: random).
    pub id: Option<String>,
}

impl std::fmt::Debug for WadmOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WadmOptions")
            .field("nats_url", &self.nats_url)
            .field(
                "user",
                &self.user_password.as_ref().map(|(user, _)| user.as_str()),
            )
            .field("js_domain", &self.js_domain)
            .field("persistent", &self.persistent)
            .field("cleanup_interval_secs", &self.cleanup_interval_secs)
            .field("id", &self.id)
            .finish()
    }
}

impl WadmOptions {
    /// wadm on `nats_url` (no user info in it), no credentials, on-disk streams.
    pub fn new(nats_url: impl Into<String>) -> Self {
        WadmOptions {
            nats_url: nats_url.into(),
            user_password: None,
            js_domain: None,
            persistent: true,
            cleanup_interval_secs: 70,
            id: None,
        }
    }

    /// Authenticates with `user` and `password`.
    pub fn with_user_password(
        mut self,
        user: impl Into<String>,
        password: impl Into<String>,
    ) -> Self {
        self.user_password = Some((user.into(), password.into()));
        self
    }

    /// The URL wadm is given: user info added when there are credentials.
    fn url_with_credentials(&self) -> Result<String> {
        let Some((user, password)) = &self.user_password else {
            return Ok(self.nats_url.clone());
        };
        let url_safe = |s: &str| {
            s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b))
        };
        if !url_safe(user) || !url_safe(password) || user.is_empty() {
            return Err(Error::Credentials(
                "wadm takes credentials only in its URL: the user name and password must be \
                 letters, digits, `-`, `.`, `_` or `~`"
                    .into(),
            ));
        }
        let (scheme, rest) = match self.nats_url.split_once("://") {
            Some((scheme, rest)) => (scheme, rest),
            None => ("nats", self.nats_url.as_str()),
        };
        Ok(format!("{scheme}://{user}:{password}@{rest}"))
    }
}

/// The running embedded wadm. Dropping it (or [`shutdown`](Self::shutdown)) stops every
/// wadm task; the streams and buckets it made stay on the server.
pub struct WadmHandle {
    /// Owns wadm's `JoinSet`: aborting it drops the set, which aborts every task.
    /// `None` only after `shutdown` took it.
    supervisor: Option<JoinHandle<()>>,
    url: String,
}

impl std::fmt::Debug for WadmHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WadmHandle")
            .field("url", &self.url)
            .field("running", &self.is_running())
            .finish()
    }
}

impl WadmHandle {
    /// The NATS server wadm is connected to (no user info).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Whether all of wadm's tasks still run (one that ended is logged as an error).
    pub fn is_running(&self) -> bool {
        self.supervisor.as_ref().is_some_and(|s| !s.is_finished())
    }

    /// Stops wadm's tasks and waits until they are gone.
    pub async fn shutdown(mut self) {
        if let Some(supervisor) = self.supervisor.take() {
            supervisor.abort();
            let _ = supervisor.await;
        }
    }
}

impl Drop for WadmHandle {
    fn drop(&mut self) {
        if let Some(supervisor) = &self.supervisor {
            supervisor.abort();
        }
    }
}

/// Starts wadm in this process: connects to NATS, makes sure its JetStream streams and
/// buckets exist (`wadm_state`, `wadm_manifests`, `wadm_events`, …), subscribes to
/// `wadm.api.*.>` and to every lattice's events. Returns once the API answers.
///
/// Errors never contain the password. A wadm task that ends later (it should not) is
/// logged with `tracing::error!`, and wadm's other tasks are stopped with it.
pub async fn start(options: WadmOptions) -> Result<WadmHandle> {
    let url = options.url_with_credentials()?;
    let password = options.user_password.as_ref().map(|(_, p)| p.clone());
    let config = WadmConfig {
        host_id: options.id.clone(),
        nats_server: url,
        domain: options.js_domain.clone(),
        cleanup_interval: options.cleanup_interval_secs,
        stream_persistence: if options.persistent {
            StreamPersistence::File
        } else {
            StreamPersistence::Memory
        },
        ..WadmConfig::default()
    };
    // WadmConfig derives Debug with the URL in it: it is never logged here.
    let tasks = wadm::start_wadm(config)
        .await
        .map_err(|err| Error::Start(redact(&format!("{err:#}"), password.as_deref())))?;
    tracing::info!(url = %options.nats_url, "wadm started");
    let supervisor = tokio::spawn(supervise(tasks, password));
    Ok(WadmHandle {
        supervisor: Some(supervisor),
        url: options.nats_url,
    })
}

/// Time given to wadm's event observer to subscribe before the host announces itself
/// again (see [`start_local`]).
const SUBSCRIBE_GRACE: std::time::Duration = std::time::Duration::from_millis(500);

/// Runs wadm on the user's local lattice when this process started its server (`None`
/// when it joined one: the process that started it runs wadm), with the server's
/// credentials, then has this process's host announce itself.
///
/// The host started before wadm, whose event streams missed its `host_started`, and
/// wadm follows a lattice only once it sees a heartbeat from it: without one now,
/// deploys would wait up to a heartbeat interval (30 s). wadm subscribes in a task of
/// its own just after [`start`] returns, hence a second heartbeat half a second later.
pub async fn start_local(local: &trellis_local::LocalLattice) -> Result<Option<WadmHandle>> {
    if local.role() != trellis_local::Role::Started {
        return Ok(None);
    }
    let mut options = WadmOptions::new(local.url());
    if let trellis_lattice::Auth::UserPassword { user, password } = &local.context().auth {
        options = options.with_user_password(user, password);
    }
    let wadm = start(options).await?;
    local.host().announce().await;
    tokio::time::sleep(SUBSCRIBE_GRACE).await;
    local.host().announce().await;
    Ok(Some(wadm))
}

/// Waits for the first wadm task to end, logs how, and stops the others (dropping the
/// set aborts them): wadm does not work with a part missing.
async fn supervise(mut tasks: JoinSet<anyhow::Result<()>>, password: Option<String>) {
    if let Some(ended) = tasks.join_next().await {
        match ended {
            Ok(Ok(())) => tracing::error!("a wadm task ended; wadm stopped"),
            Ok(Err(err)) => tracing::error!(
                error = %redact(&format!("{err:#}"), password.as_deref()),
                "a wadm task failed; wadm stopped"
            ),
            Err(err) if err.is_cancelled() => {}
            Err(err) => tracing::error!(error = %err, "a wadm task panicked; wadm stopped"),
        }
    }
}

/// `text` with every occurrence of the password replaced.
fn redact(text: &str, password: Option<&str>) -> String {
    match password {
        Some(password) if !password.is_empty() => text.replace(password, "***"),
        _ => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_go_into_the_url_and_nowhere_else() {
        let options =
            WadmOptions::new("nats://127.0.0.1:4222").with_user_password("trellis", "s3cret");
        assert_eq!(
            options.url_with_credentials().unwrap(),
            "nats://trellis:s3cret@127.0.0.1:4222"
        );
        assert!(!format!("{options:?}").contains("s3cret"));
        let bad = WadmOptions::new("nats://h:1").with_user_password("u", "p@ss");
        assert!(matches!(
            bad.url_with_credentials(),
            Err(Error::Credentials(_))
        ));
        assert_eq!(
            redact("auth s3cret failed", Some("s3cret")),
            "auth *** failed"
        );
    }
}
