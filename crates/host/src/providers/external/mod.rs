//! Capability providers as child processes, speaking wasmCloud 1.x's provider protocol.
//!
//! A provider binary (a path or `file://` URL, when the host's
//! [`GrantPolicy`](crate::GrantPolicy) allows provider files; or the binary for this
//! machine out of a provider archive, a `.par`/`.par.gz` file on the same grant or an OCI
//! reference where the policy allows provider images: see `archive`) is started with its
//! environment cleared but for `RUST_LOG` and `OTEL_*`, and reads one line from stdin:
//! base64 of the JSON `HostData` (host id, lattice, NATS URL, its id, config, the links
//! naming it, xkeys). It connects to NATS itself. From then on the host talks to it on
//! `wasmbus.rpc.<lattice>.…`:
//!
//! - `<id>.health`: first [`ProviderProcessConfig::health_first`] after a (re)start,
//!   then every [`ProviderProcessConfig::health_interval`]; each answer becomes a
//!   [`ProviderHealth`] (the lattice side publishes `health_check_passed`/`_failed` on a
//!   change, `health_check_status` otherwise);
//! - `<provider xkey>.linkdefs.put`: each link put whose source or target it is, with
//!   resolved config (`linkdefs.del` and `<id>.linkdefs.put` are published by whichever
//!   host handles the ctl request, for providers on any host);
//! - `<id>.config.update`: its merged named config, when one of those configs changes;
//! - `<id>.default.shutdown` `{"host_id":…}` on stop; after
//!   [`ProviderProcessConfig::shutdown_delay`] a process still running is killed.
//!
//! A start succeeds once the provider answers its first health check; a process that
//! exits before that fails the start with its exit status and last output lines, and
//! one that does not answer within [`ProviderProcessConfig::ready_timeout`] is kept,
//! reported unhealthy. A provider that exits later is started again after
//! [`ProviderProcessConfig::restart_delay`], with the links and config of that moment.
//! Its stdout and stderr lines go to the host's [`LogBus`], tagged with its id.
//!
//! Layout: `archive` (provider archives into binaries), `host_data` (the stdin line),
//! `process` (file checks, spawning, output), `supervisor` (readiness, health, restarts,
//! stop).

pub(crate) mod archive;
mod door;
mod host_data;
mod process;
mod supervisor;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::broadcast;
use trellis_proto::{ConfigMap, LinkDefinition, ProviderDescription};

pub(crate) use self::supervisor::Supervised;
use crate::{HostError, LogBus};

/// How provider processes are run and watched. The defaults are a wasmCloud 1.x host's.
#[derive(Clone)]
pub struct ProviderProcessConfig {
    /// The NATS URL providers connect to, credentials included (they are written to
    /// the provider's stdin, never logged). Default `None`: the lattice host's URL.
    pub nats_url: Option<String>,
    /// Delay before the first health check after a (re)start. Default 5 s.
    pub health_first: Duration,
    /// Time between health checks. Default 30 s.
    pub health_interval: Duration,
    /// How long a health check or a shutdown request waits for its answer. Default 2 s
    /// (wasmCloud's `--rpc-timeout-ms`).
    pub rpc_timeout: Duration,
    /// How long a start waits for the first answer to a health check before it keeps the
    /// provider as unhealthy. Default 30 s.
    pub ready_timeout: Duration,
    /// Pause before a provider that exited is started again. Default 5 s.
    pub restart_delay: Duration,
    /// Grace after the shutdown request before the process is killed. Default 300 ms
    /// (wasmCloud's `--provider-shutdown-delay-ms`).
    pub shutdown_delay: Duration,
}

impl Default for ProviderProcessConfig {
    fn default() -> Self {
        Self {
            nats_url: None,
            health_first: Duration::from_secs(5),
            health_interval: Duration::from_secs(30),
            rpc_timeout: Duration::from_secs(2),
            ready_timeout: Duration::from_secs(30),
            restart_delay: Duration::from_secs(5),
            shutdown_delay: Duration::from_millis(300),
        }
    }
}

impl std::fmt::Debug for ProviderProcessConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // By hand: the URL may carry a password.
        f.debug_struct("ProviderProcessConfig")
            .field(
                "nats_url",
                &self.nats_url.as_deref().map(trellis_proto::redact_url),
            )
            .field("health_first", &self.health_first)
            .field("health_interval", &self.health_interval)
            .field("rpc_timeout", &self.rpc_timeout)
            .field("ready_timeout", &self.ready_timeout)
            .field("restart_delay", &self.restart_delay)
            .field("shutdown_delay", &self.shutdown_delay)
            .finish()
    }
}

/// The outcome of a provider's health check (or of its process exiting).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderHealth {
    /// The provider.
    pub provider_id: String,
    /// Whether it answered healthy.
    pub healthy: bool,
    /// Whether this differs from the previous outcome (the first one counts as a change).
    pub changed: bool,
    /// Its message, or why the check failed (no answer, the process exited).
    pub message: Option<String>,
}

/// Whether `reference` names a provider binary on this machine (`file://…` or an
/// absolute path) rather than a built-in provider or an image.
pub(crate) fn is_file_reference(reference: &str) -> bool {
    let reference = reference.trim();
    reference.starts_with("file://") || Path::new(reference).is_absolute()
}

/// The binary a file reference names: `file:///abs/path` (or `file://localhost/…`) or
/// an absolute path.
pub(crate) fn file_reference_path(reference: &str) -> Result<PathBuf, HostError> {
    let source = crate::ComponentSource::from_reference(reference)?;
    match source.path() {
        Some(path) if path.is_absolute() => Ok(path.to_owned()),
        _ => Err(HostError::UnsupportedReference {
            reference: reference.to_owned(),
            reason: "a provider binary must be named by an absolute path or a file:/// URL".into(),
        }),
    }
}

/// Whether `path` looks like a binary this host could run as a provider, or is a
/// provider archive file.
pub(crate) fn runnable(path: &Path) -> bool {
    if archive::is_archive_file(path) {
        return path.is_file();
    }
    process::check_file(path).is_ok()
}

/// The provider processes of one host. Cheap to clone.
#[derive(Clone)]
pub(crate) struct ExternalProviders {
    inner: Arc<Inner>,
}

struct Inner {
    shared: Arc<Shared>,
    nats: Option<async_nats::Client>,
    running: Mutex<BTreeMap<String, Arc<Supervised>>>,
    /// The signed claims of the providers taken out of provider archives.
    claims: Mutex<BTreeMap<String, trellis_oci::par::ArchiveClaims>>,
    /// Opened at the first start when the server wants a password (see `door`).
    door: tokio::sync::OnceCell<Option<door::Door>>,
}

/// What every supervised provider of a host needs to know about the host.
struct Shared {
    config: ProviderProcessConfig,
    lattice: String,
    host_id: String,
    /// The public half of the host's xkey, given to every provider (secrets would be
    /// sealed with the private half; there are none yet).
    host_xkey_public: String,
    logs: LogBus,
    health: broadcast::Sender<ProviderHealth>,
    /// The door, once open: its URL is what providers get in place of
    /// [`ProviderProcessConfig::nats_url`], and in place of config values naming the server.
    door: std::sync::OnceLock<door::Route>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        // The runtime is gone: end the supervisors, whose processes are killed with them.
        let running = self.running.get_mut().unwrap_or_else(|p| p.into_inner());
        for provider in running.values() {
            provider.cancel();
        }
    }
}

impl ExternalProviders {
    pub(crate) fn new(
        config: ProviderProcessConfig,
        nats: Option<async_nats::Client>,
        lattice: &str,
        host_id: &str,
        logs: LogBus,
    ) -> Self {
        let (health, _) = broadcast::channel(256);
        let shared = Shared {
            config,
            lattice: lattice.to_owned(),
            host_id: host_id.to_owned(),
            host_xkey_public: nkeys::XKey::new().public_key(),
            logs,
            health,
            door: std::sync::OnceLock::new(),
        };
        Self {
            inner: Arc::new(Inner {
                shared: Arc::new(shared),
                nats,
                running: Mutex::default(),
                claims: Mutex::default(),
                door: tokio::sync::OnceCell::new(),
            }),
        }
    }

    fn get(&self, id: &str) -> Option<Arc<Supervised>> {
        let running = self.inner.running.lock().unwrap_or_else(|p| p.into_inner());
        running.get(id).cloned()
    }

    /// Whether provider `id` is a process run here.
    pub(crate) fn contains(&self, id: &str) -> bool {
        self.get(id).is_some()
    }

    /// Inventory entries of the provider processes.
    pub(crate) fn list(&self) -> Vec<ProviderDescription> {
        let running = self.inner.running.lock().unwrap_or_else(|p| p.into_inner());
        running.values().map(|p| p.description.clone()).collect()
    }

    /// The process id of provider `id`, while its process runs.
    pub(crate) fn pid(&self, id: &str) -> Option<u32> {
        self.get(id).and_then(|p| p.pid())
    }

    /// The last health outcome of provider `id`.
    pub(crate) fn health(&self, id: &str) -> Option<ProviderHealth> {
        self.get(id).and_then(|p| p.health())
    }

    /// Every health outcome from now on.
    pub(crate) fn subscribe(&self) -> broadcast::Receiver<ProviderHealth> {
        self.inner.shared.health.subscribe()
    }

    /// Registers `binary` as provider `id` (listed, and given the links put from now on)
    /// without starting it; [`ExternalProviders::launch`] starts it. `links` are the
    /// links naming it, config resolved.
    pub(crate) fn register(
        &self,
        id: &str,
        binary: archive::Binary,
        config: ConfigMap,
        annotations: BTreeMap<String, String>,
        links: Vec<LinkDefinition>,
    ) -> Result<Arc<Supervised>, HostError> {
        let nats = self.inner.nats.clone().ok_or_else(|| {
            HostError::Unsupported(
                "provider binaries need a lattice: this host has no NATS connection".into(),
            )
        })?;
        let archive::Binary {
            path,
            image_ref,
            name,
            claims,
        } = binary;
        process::check_file(&path).map_err(|reason| HostError::ProviderStart {
            id: id.to_owned(),
            path: path.clone(),
            reason,
        })?;
        let description = ProviderDescription {
            id: id.to_owned(),
            image_ref: Some(image_ref),
            name,
            annotations,
            revision: 0,
        };
        let provider = Arc::new(Supervised::new(
            Arc::clone(&self.inner.shared),
            nats,
            description,
            path,
            config,
            links,
        ));
        let mut running = self.inner.running.lock().unwrap_or_else(|p| p.into_inner());
        if running.contains_key(id) {
            return Err(HostError::ProviderExists(id.to_owned()));
        }
        running.insert(id.to_owned(), Arc::clone(&provider));
        let mut known = self.inner.claims.lock().unwrap_or_else(|p| p.into_inner());
        match claims {
            Some(claims) => known.insert(id.to_owned(), claims),
            None => known.remove(id),
        };
        Ok(provider)
    }

    /// Starts a registered provider and waits until it answers a health check (or the
    /// ready timeout passes); a failed start unregisters it.
    pub(crate) async fn launch(
        &self,
        provider: &Arc<Supervised>,
    ) -> Result<ProviderDescription, HostError> {
        self.open_door().await;
        if let Err(reason) = Supervised::launch(provider).await {
            let id = &provider.description.id;
            self.remove(id);
            return Err(HostError::ProviderStart {
                id: id.clone(),
                path: provider.path().to_owned(),
                reason,
            });
        }
        Ok(provider.description.clone())
    }

    /// Opens the door providers connect through when the server wants a user and
    /// password, which wasmCloud's Rust SDK cannot give (once per host; see `door`).
    async fn open_door(&self) {
        let upstream = self.inner.shared.config.nats_url.as_deref();
        let Some(upstream) = upstream.and_then(door::Upstream::from_url) else {
            return;
        };
        let running = Arc::downgrade(&self.inner);
        let allowed: door::Allowed = Arc::new(move || {
            running.upgrade().map_or_else(Vec::new, |inner| {
                let running = inner.running.lock().unwrap_or_else(|p| p.into_inner());
                running.values().filter_map(|p| p.pid()).collect()
            })
        });
        let shared = Arc::clone(&self.inner.shared);
        self.inner
            .door
            .get_or_init(|| async move {
                let opened = door::Door::open(upstream.clone(), allowed, shared.logs.clone());
                match opened.await {
                    Ok(door) => {
                        let _ = shared.door.set(door::Route::new(&door, &upstream));
                        Some(door)
                    }
                    Err(e) => {
                        shared.logs.emit(
                            trellis_proto::LogLevel::Warn,
                            None,
                            Some("providers"),
                            format!("providers get the server's URL: no door for them: {e}"),
                        );
                        None
                    }
                }
            })
            .await;
    }

    /// The signed claims of provider `id`, when it came out of a provider archive.
    pub(crate) fn claims(&self, id: &str) -> Option<trellis_oci::par::ArchiveClaims> {
        let claims = self.inner.claims.lock().unwrap_or_else(|p| p.into_inner());
        claims.get(id).cloned()
    }

    fn remove(&self, id: &str) -> Option<Arc<Supervised>> {
        self.inner
            .claims
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(id);
        let mut running = self.inner.running.lock().unwrap_or_else(|p| p.into_inner());
        running.remove(id)
    }

    /// Stops provider `id`: the shutdown request, the grace delay, then a kill.
    pub(crate) async fn stop(&self, id: &str) -> Result<ProviderDescription, HostError> {
        let provider = self
            .remove(id)
            .ok_or_else(|| HostError::ProviderNotFound(id.to_owned()))?;
        provider.stop().await;
        Ok(provider.description.clone())
    }

    /// Stops every provider process (the host is stopping).
    pub(crate) async fn stop_all(&self) {
        let all: Vec<Arc<Supervised>> = {
            let mut running = self.inner.running.lock().unwrap_or_else(|p| p.into_inner());
            std::mem::take(&mut *running).into_values().collect()
        };
        futures::future::join_all(all.iter().map(|p| p.stop())).await;
    }

    /// Hands a link put to the provider(s) at its ends that run here, and keeps it for
    /// their restarts.
    pub(crate) async fn put_link(&self, link: &LinkDefinition) {
        for id in ends(link) {
            if let Some(provider) = self.get(id) {
                provider.put_link(link.clone()).await;
            }
        }
    }

    /// Forgets a removed link (its `linkdefs.del` comes from the ctl handler).
    pub(crate) fn forget_link(&self, source_id: &str, target: &str, key: &trellis_proto::LinkKey) {
        for id in [source_id, target] {
            if let Some(provider) = self.get(id) {
                provider.forget_link(key);
            }
        }
    }

    /// Sends provider `id` its new merged config on `<id>.config.update`.
    pub(crate) async fn update_config(&self, id: &str, config: ConfigMap) -> Result<(), HostError> {
        let provider = self
            .get(id)
            .ok_or_else(|| HostError::ProviderNotFound(id.to_owned()))?;
        provider.update_config(config).await;
        Ok(())
    }
}

/// The ids at either end of `link`, once each.
fn ends(link: &LinkDefinition) -> Vec<&str> {
    let mut ids = vec![link.source_id.as_str()];
    if link.target != link.source_id {
        ids.push(link.target.as_str());
    }
    ids
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_references_are_absolute_paths_or_file_urls() {
        assert!(is_file_reference("file:///opt/p/provider"));
        assert!(is_file_reference("/opt/p/provider"));
        assert!(!is_file_reference("builtin://keyvalue"));
        assert!(!is_file_reference("keyvalue"));
        assert!(!is_file_reference("ghcr.io/wasmcloud/keyvalue-redis:0.28"));
        assert_eq!(
            file_reference_path("file:///opt/a%20b/p").unwrap(),
            Path::new("/opt/a b/p")
        );
        assert!(file_reference_path("file://relative/p").is_err());
    }

    #[test]
    fn the_debug_form_hides_the_password() {
        let config = ProviderProcessConfig {
            nats_url: Some("nats://u:secret@127.0.0.1:4222".into()),
            ..ProviderProcessConfig::default()
        };
        assert!(!format!("{config:?}").contains("secret"));
    }
}
