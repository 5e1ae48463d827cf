//! Built-in providers on this runtime: starting one (and applying the links that
//! already name it, as a wasmCloud host hands a starting provider its links) and
//! stopping one.

use std::collections::BTreeMap;

use trellis_proto::{ConfigMap, LinkKey, LogLevel};

use super::core::Runtime;
use super::links::LinkEntry;
use crate::HostError;

/// The name of the built-in provider `reference` names (`builtin://NAME`,
/// `wasmcloud+builtin://NAME` or a bare `NAME`), by
/// [`trellis_wit::parse_builtin_reference`].
pub fn builtin_name(reference: &str) -> Option<&'static str> {
    trellis_wit::parse_builtin_reference(reference).map(trellis_wit::BuiltinSpec::name)
}

impl Runtime {
    /// Starts built-in provider `reference` (`builtin://NAME`,
    /// `wasmcloud+builtin://NAME` or `NAME`) under `id`.
    ///
    /// As a wasmCloud host hands a starting provider the links that already name it,
    /// every link held here whose source or target is `id` is then applied with its
    /// resolved config: an http-server binds the addresses of links set before it
    /// started, a messaging provider subscribes. A link that cannot be applied is
    /// logged as a warning and the provider keeps running.
    pub async fn start_provider(
        &self,
        id: &str,
        reference: &str,
        config: ConfigMap,
        annotations: BTreeMap<String, String>,
    ) -> Result<(), HostError> {
        let _changes = self.inner.link_changes.lock().await;
        self.inner
            .registry
            .start_with_annotations(id, reference, config, annotations)?;
        let naming: Vec<LinkEntry> = self
            .inner
            .links
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .values()
            .filter(|e| e.link.source_id == id || e.link.target == id)
            .cloned()
            .collect();
        for entry in naming {
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

    /// Stops a provider; an http-server closes its listeners.
    pub async fn stop_provider(&self, id: &str) -> Result<(), HostError> {
        let _changes = self.inner.link_changes.lock().await;
        self.inner.registry.stop(id)?;
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
}
