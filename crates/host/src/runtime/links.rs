//! Links on this runtime: applying them (an http-server source binds its address,
//! messaging subscribes), removing them, and the routes each source component's
//! imports take.

use std::net::SocketAddr;
use std::sync::Arc;

use trellis_proto::{ConfigMap, Link, LinkKey};

use super::component::split_interface;
use super::core::{Inner, Runtime};
use super::http::{parse_address, HttpLimits, DEFAULT_HTTP_ADDRESS};
use crate::providers::{BuiltinKind, LinkRoutes};
use crate::HostError;

/// A stored link with its resolved configs.
#[derive(Clone, Debug)]
pub(crate) struct LinkEntry {
    pub(crate) link: Link,
    pub(crate) source_config: ConfigMap,
    pub(crate) target_config: ConfigMap,
}

impl Runtime {
    /// Applies a link with its resolved config maps (replacing one with the same key).
    ///
    /// A link from an http-server provider binds its `address` source config (default
    /// 127.0.0.1:8000) and routes it (optionally by `path`) to the target component.
    /// The listener's limits (header-read and idle timeouts, connection and body caps)
    /// come from the same source config; see [`HttpLimits`](crate::HttpLimits) for the
    /// keys and defaults.
    ///
    /// A link whose source provider is not running yet is kept and applied when that
    /// provider starts ([`Runtime::start_provider`]).
    pub async fn set_link(
        &self,
        link: &Link,
        source_config: ConfigMap,
        target_config: ConfigMap,
    ) -> Result<(), HostError> {
        link.validate()
            .map_err(|e| HostError::InvalidLink(e.to_string()))?;
        let _changes = self.inner.link_changes.lock().await;
        self.apply_link(LinkEntry {
            link: link.clone(),
            source_config,
            target_config,
        })
        .await
    }

    /// Hands `entry` to its source provider, if that runs here (an http-server binds,
    /// messaging subscribes), then keeps it and refreshes the source's routes. The
    /// caller holds `link_changes`.
    pub(super) async fn apply_link(&self, entry: LinkEntry) -> Result<(), HostError> {
        let link = &entry.link;
        let source_kind = self.inner.registry.get(&link.source_id).map(|p| p.kind());
        if source_kind == Some(BuiltinKind::HttpServer) {
            self.bind_http_link(link, &entry.source_config).await?;
        }
        self.inner
            .registry
            .put_link(link, &entry.source_config, &entry.target_config)
            .await?;
        let source_id = link.source_id.clone();
        let external = &self.inner.external;
        let pushed =
            (external.contains(&link.source_id) || external.contains(&link.target)).then(|| {
                trellis_proto::LinkDefinition::from_link(
                    link,
                    entry.source_config.clone(),
                    entry.target_config.clone(),
                )
            });
        self.inner
            .links
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .insert(link.key(), entry);
        self.inner.refresh_routes(&source_id);
        if let Some(definition) = pushed {
            external.put_link(&definition).await;
        }
        Ok(())
    }

    async fn bind_http_link(
        &self,
        link: &Link,
        source_config: &ConfigMap,
    ) -> Result<SocketAddr, HostError> {
        let is_handler = link.wit_namespace == "wasi"
            && link.wit_package == "http"
            && (link.interfaces.is_empty()
                || link.interfaces.iter().any(|i| i == "incoming-handler"));
        if !is_handler {
            return Err(HostError::InvalidLink(format!(
                "an http-server link must be wasi:http/incoming-handler, not {}:{}/{}",
                link.wit_namespace,
                link.wit_package,
                link.interfaces.join(",")
            )));
        }
        let address = source_config
            .get("address")
            .map(String::as_str)
            .unwrap_or(DEFAULT_HTTP_ADDRESS);
        let address = parse_address(address)?;
        self.inner.grant_policy().check_http_address(address)?;
        let path = source_config.get("path").cloned();
        let limits = HttpLimits::from_config(source_config)?;
        let mut http = self.inner.http.lock().await;
        http.add_route(
            Arc::downgrade(&self.inner),
            address,
            path,
            link.key(),
            &link.target,
            limits,
        )
        .await
    }

    /// Removes the link keyed by (source, namespace, package, name); removing a link
    /// that does not exist succeeds.
    pub async fn remove_link(
        &self,
        source_id: &str,
        wit_namespace: &str,
        wit_package: &str,
        name: &str,
    ) -> Result<(), HostError> {
        let key = LinkKey {
            source_id: source_id.into(),
            wit_namespace: wit_namespace.into(),
            wit_package: wit_package.into(),
            name: name.into(),
        };
        let _changes = self.inner.link_changes.lock().await;
        let removed = self
            .inner
            .links
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&key);
        if let Some(entry) = removed {
            self.inner
                .registry
                .delete_link(source_id, &entry.link.target, name);
            self.inner
                .external
                .forget_link(source_id, &entry.link.target, &key);
        }
        self.inner.http.lock().await.remove_route(&key);
        self.inner.refresh_routes(source_id);
        Ok(())
    }

    /// The links this runtime holds, with their resolved configs.
    pub fn links(&self) -> Vec<Link> {
        let links = self.inner.links.read().unwrap_or_else(|p| p.into_inner());
        links.values().map(|e| e.link.clone()).collect()
    }
}

impl Inner {
    /// The link routes of component `id`, from the links whose source it is.
    pub(super) fn routes_of(&self, id: &str) -> LinkRoutes {
        let links = self.links.read().unwrap_or_else(|p| p.into_inner());
        let mut routes = LinkRoutes::new();
        for entry in links.values().filter(|e| e.link.source_id == id) {
            routes.add_link(
                &entry.link,
                entry.source_config.clone(),
                entry.target_config.clone(),
            );
        }
        routes
    }

    /// Rebuilds the cached routes of component `id` after its links changed.
    pub(super) fn refresh_routes(&self, id: &str) {
        if let Some(entry) = self.component(id) {
            let routes = self.routes_of(id);
            *entry.routes.write().unwrap_or_else(|p| p.into_inner()) = routes;
        }
    }

    /// The target of the link named `link_name` that satisfies `source`'s import `iface`.
    pub(crate) fn link_target(&self, source: &str, iface: &str, link_name: &str) -> Option<String> {
        let (ns, pkg, name) = split_interface(iface)?;
        let links = self.links.read().unwrap_or_else(|p| p.into_inner());
        let key = LinkKey {
            source_id: source.into(),
            wit_namespace: ns.into(),
            wit_package: pkg.into(),
            name: link_name.into(),
        };
        let entry = links.get(&key)?;
        let covers =
            entry.link.interfaces.is_empty() || entry.link.interfaces.iter().any(|i| i == name);
        covers.then(|| entry.link.target.clone())
    }
}
