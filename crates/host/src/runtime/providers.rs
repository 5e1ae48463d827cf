//! Providers on this runtime: starting one (and applying the links that already name
//! it, as a wasmCloud host hands a starting provider its links) and stopping one.
//! Built-in providers run in-process; a provider binary — named by path, or taken out
//! of a provider archive file or OCI artifact — runs as a child process
//! (`crate::providers::external`).

use std::collections::BTreeMap;

use trellis_proto::{ConfigMap, LinkDefinition, LinkKey, LogLevel};

use super::core::Runtime;
use super::links::LinkEntry;
use crate::providers::external::archive::{self, Binary};
use crate::providers::external::{file_reference_path, is_file_reference};
use crate::{HostError, ProviderHealth};

/// The name of the built-in provider `reference` names (`builtin://NAME`,
/// `wasmcloud+builtin://NAME` or a bare `NAME`), by
/// [`trellis_wit::parse_builtin_reference`].
pub fn builtin_name(reference: &str) -> Option<&'static str> {
    trellis_wit::parse_builtin_reference(reference).map(trellis_wit::BuiltinSpec::name)
}

impl Runtime {
    /// Starts provider `reference` under `id`: a built-in one (`builtin://NAME`,
    /// `wasmcloud+builtin://NAME` or `NAME`), a provider binary or provider archive
    /// (`.par`, `.par.gz`) named by an absolute path or a `file:///` URL (when the grant
    /// policy allows provider files), or a provider archive in an OCI registry
    /// (`127.0.0.1:5000/counter:0.1`, when it allows provider images). From an archive,
    /// the binary for this machine's target is kept in the OCI cache and run.
    ///
    /// As a wasmCloud host hands a starting provider the links that already name it,
    /// every link held here whose source or target is `id` is then applied with its
    /// resolved config: an http-server binds the addresses of links set before it
    /// started, a messaging provider subscribes, a provider binary finds them in its
    /// `HostData`. A link that cannot be applied is logged as a warning and the provider
    /// keeps running. A provider binary's start returns once it answered its first
    /// health check (see [`Runtime::provider_health`]).
    pub async fn start_provider(
        &self,
        id: &str,
        reference: &str,
        config: ConfigMap,
        annotations: BTreeMap<String, String>,
    ) -> Result<(), HostError> {
        if is_file_reference(reference) {
            return self
                .start_provider_binary(id, reference, config, annotations)
                .await;
        }
        if archive::is_image_reference(reference) {
            return self
                .start_provider_image(id, reference, config, annotations)
                .await;
        }
        let _changes = self.inner.link_changes.lock().await;
        if self.inner.external.contains(id) {
            return Err(HostError::ProviderExists(id.to_owned()));
        }
        self.inner
            .registry
            .start_with_annotations(id, reference, config, annotations)?;
        self.inner.serve_provider_over_wrpc(id).await;
        for entry in self.links_naming(id) {
            let link = entry.link.clone();
            if let Err(err) = self.apply_link(entry).await {
                self.inner.logs.emit(
                    LogLevel::Warn,
                    Some(id),
                    Some("runtime"),
                    format!(
                        "provider started, but its link {} -> {} (name {:?}) was not applied: {err}",
                        link.source_id, link.target, link.name
                    ),
                );
            }
        }
        Ok(())
    }

    /// The links held here whose source or target is `id`.
    fn links_naming(&self, id: &str) -> Vec<LinkEntry> {
        self.inner
            .links
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .values()
            .filter(|e| e.link.source_id == id || e.link.target == id)
            .cloned()
            .collect()
    }

    /// Starts a provider binary or archive file (the grant for provider files).
    async fn start_provider_binary(
        &self,
        id: &str,
        reference: &str,
        config: ConfigMap,
        annotations: BTreeMap<String, String>,
    ) -> Result<(), HostError> {
        let path = file_reference_path(reference)?;
        self.inner.grant_policy().check_provider_file(&path)?;
        self.check_new_external(id)?;
        let binary = if archive::is_archive_file(&path) {
            self.inner
                .phase(id, format!("reading provider archive {}", path.display()));
            archive::from_file(id, &path, &self.inner.config.oci).await?
        } else {
            Binary::plain(path)
        };
        self.run_external(id, binary, config, annotations).await
    }

    /// Starts the provider archive `reference` names in a registry: pulled (through the
    /// cache), its binary for this machine kept in the cache and run.
    async fn start_provider_image(
        &self,
        id: &str,
        reference: &str,
        config: ConfigMap,
        annotations: BTreeMap<String, String>,
    ) -> Result<(), HostError> {
        self.inner
            .grant_policy()
            .check_provider_image(reference.trim())?;
        self.check_new_external(id)?;
        let inner = &self.inner;
        inner.phase(
            id,
            format!("fetching provider archive {}", reference.trim()),
        );
        let mut progress = |step: trellis_oci::Progress| {
            if step != trellis_oci::Progress::Resolving {
                inner.phase(id, format!("fetching {}: {step}", reference.trim()));
            }
        };
        let binary = archive::from_image(id, reference, &inner.config.oci, &mut progress).await?;
        self.run_external(id, binary, config, annotations).await
    }

    /// Refuses an empty id or one a provider already runs under (checked again, under
    /// the lock, when the binary is registered).
    fn check_new_external(&self, id: &str) -> Result<(), HostError> {
        if id.trim().is_empty() {
            return Err(HostError::InvalidConfig(
                "a provider id must not be empty".into(),
            ));
        }
        if self.inner.registry.get(id).is_some() || self.inner.external.contains(id) {
            return Err(HostError::ProviderExists(id.to_owned()));
        }
        Ok(())
    }

    /// Registers and launches provider binary `binary` under `id`.
    async fn run_external(
        &self,
        id: &str,
        binary: Binary,
        config: ConfigMap,
        annotations: BTreeMap<String, String>,
    ) -> Result<(), HostError> {
        // The links of this moment go to its HostData; registered before the lock is
        // released, it is handed every link put after. The lock is not held while it
        // starts: that may take until the ready timeout, and other links must not wait.
        let provider = {
            let _changes = self.inner.link_changes.lock().await;
            let links = self
                .links_naming(id)
                .into_iter()
                .map(|e| LinkDefinition::from_link(&e.link, e.source_config, e.target_config))
                .collect();
            self.inner
                .external
                .register(id, binary, config, annotations, links)?
        };
        self.inner.external.launch(&provider).await?;
        Ok(())
    }

    /// Stops a provider: an http-server closes its listeners; a provider binary gets
    /// its shutdown request, and is killed if it still runs after the grace delay.
    pub async fn stop_provider(&self, id: &str) -> Result<(), HostError> {
        if self.inner.external.contains(id) {
            self.inner.external.stop(id).await?;
            return Ok(());
        }
        let _changes = self.inner.link_changes.lock().await;
        self.inner.registry.stop(id)?;
        self.inner.stop_serving_provider(id).await;
        let keys: Vec<LinkKey> = self
            .inner
            .links
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .keys()
            .filter(|k| k.source_id == id)
            .cloned()
            .collect();
        let mut http = self.inner.http.lock().await;
        for key in keys {
            http.remove_route(&key);
        }
        Ok(())
    }

    /// For a provider binary or archive file: whether this host's policy allows provider
    /// files and the file exists here as a runnable binary or an archive; for a provider
    /// archive in a registry: whether the policy allows provider images (an auction is
    /// answered only then). Other references: `true`.
    pub fn could_run_provider_binary(&self, reference: &str) -> bool {
        if archive::is_image_reference(reference) {
            return self
                .inner
                .grant_policy()
                .check_provider_image(reference.trim())
                .is_ok();
        }
        if !is_file_reference(reference) {
            return true;
        }
        let Ok(path) = file_reference_path(reference) else {
            return false;
        };
        self.inner.grant_policy().check_provider_file(&path).is_ok()
            && crate::providers::external::runnable(&path)
    }

    /// Whether provider `id` is a built-in one running here (a provider binary is not).
    pub fn is_builtin_provider(&self, id: &str) -> bool {
        self.inner.registry.get(id).is_some()
    }

    /// The process id of provider binary `id`, while its process runs (between a crash
    /// and its restart there is none).
    pub fn provider_pid(&self, id: &str) -> Option<u32> {
        self.inner.external.pid(id)
    }

    /// The signed claims of provider `id`, when it was taken out of a provider archive
    /// (wasmCloud reports them in `provider_started`).
    pub fn provider_claims(&self, id: &str) -> Option<trellis_oci::par::ArchiveClaims> {
        self.inner.external.claims(id)
    }

    /// The last health check outcome of provider binary `id`.
    pub fn provider_health(&self, id: &str) -> Option<ProviderHealth> {
        self.inner.external.health(id)
    }

    /// Every health check outcome of the provider binaries from now on (the lattice
    /// host turns them into `health_check_*` events).
    pub fn provider_health_changes(&self) -> tokio::sync::broadcast::Receiver<ProviderHealth> {
        self.inner.external.subscribe()
    }

    /// Sends provider binary `id` its new merged config (`<id>.config.update`); a
    /// restart gets it too.
    pub async fn update_provider_config(
        &self,
        id: &str,
        config: ConfigMap,
    ) -> Result<(), HostError> {
        self.inner.external.update_config(id, config).await
    }
}
