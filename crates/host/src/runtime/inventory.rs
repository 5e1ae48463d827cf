//! What runs on this runtime: descriptions of its components and providers for
//! inventories, and the bytes, WIT, file and interfaces of a running component.

use std::path::PathBuf;
use std::sync::Arc;

use trellis_proto::{ComponentDescription, ProviderDescription};

use super::core::Runtime;
use crate::HostError;

impl Runtime {
    /// Whether component `id` runs on this host.
    pub fn is_running(&self, id: &str) -> bool {
        self.inner.component(id).is_some()
    }

    /// Components running here.
    pub fn components(&self) -> Vec<ComponentDescription> {
        let components = self
            .inner
            .components
            .read()
            .unwrap_or_else(|p| p.into_inner());
        let mut list: Vec<_> = components.values().map(|c| c.describe()).collect();
        list.sort_by(|a, b| a.id.cmp(&b.id));
        list
    }

    /// Providers running here: built-in ones and provider binaries.
    pub fn providers(&self) -> Vec<ProviderDescription> {
        let mut list = self.inner.registry.list();
        list.extend(self.inner.external.list());
        list.sort_by(|a, b| a.id.cmp(&b.id));
        list
    }

    /// The bytes of a running component's current version.
    pub fn component_bytes(&self, id: &str) -> Option<Arc<[u8]>> {
        self.inner
            .component(id)
            .map(|c| c.current().0.bytes.clone())
    }

    /// The WIT of a running component's current version, decoded once per version on a
    /// blocking thread (a large component takes a noticeable time).
    pub async fn component_wit(
        &self,
        id: &str,
    ) -> Result<Arc<trellis_wit::ComponentWit>, HostError> {
        let loaded = self
            .inner
            .component(id)
            .ok_or_else(|| HostError::ComponentNotFound(id.to_owned()))?
            .current()
            .0;
        let what = format!("component {id}");
        tokio::task::spawn_blocking(move || loaded.shared_wit().cloned().map_err(String::clone))
            .await
            .map_err(|e| HostError::Unsupported(format!("decoding the WIT of {what}: {e}")))?
            .map_err(|reason| HostError::InvalidComponent { what, reason })
    }

    /// The file a running component was loaded from, if any.
    pub fn component_path(&self, id: &str) -> Option<PathBuf> {
        let entry = self.inner.component(id)?;
        let active = entry.active.read().unwrap_or_else(|p| p.into_inner());
        active.source.path().map(PathBuf::from)
    }

    /// Imported and exported interface names of a running component.
    pub fn component_interfaces(&self, id: &str) -> Option<(Vec<String>, Vec<String>)> {
        let loaded = self.inner.component(id)?.current().0;
        Some((loaded.imports.clone(), loaded.exports.clone()))
    }
}
