//! [`Runtime`]: the components, providers and links of one host, and their lifecycle.

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use futures::future::BoxFuture;
use tokio::sync::Semaphore;
use trellis_proto::{
    ComponentDescription, ConfigMap, Link, LinkKey, LogLevel, ProviderDescription,
};
use wasmtime::component::{Linker, Val};

use super::component::{
    interface_names, split_interface, strip_version, Active, ComponentEntry, Grants, Loaded,
};
use super::engine::{self, SharedEngine};
use super::http::{parse_address, HttpServers, DEFAULT_HTTP_ADDRESS};
use super::linker::{base_linker, component_linker, has_resource};
use super::state::{new_store, HostState, StoreParams};
use super::{ComponentSource, LogBus};
use crate::providers::{
    call_handle_message, BrokerMessage, BuiltinKind, BuiltinProviders, BuiltinProvidersConfig,
    ComponentInvoker, InvokeFuture, LinkRoutes, ProviderCtxInit,
};
use crate::HostError;

/// Settings of a [`Runtime`].
#[derive(Clone, Debug)]
pub struct RuntimeConfig {
    /// This host's id (stamped on log records).
    pub host_id: String,
    /// The lattice this host belongs to.
    pub lattice: String,
    /// Where compiled components are cached; `None`: `<user cache dir>/trellis/compiled`.
    pub cache_dir: Option<PathBuf>,
    /// Whether to use the on-disk compile cache at all (default true).
    pub compile_cache: bool,
    /// Deadline of one invocation (default 10 s).
    pub invocation_timeout: Duration,
    /// Linear memory cap of one instance (default 512 MiB).
    pub max_memory_bytes: usize,
    /// The lattice's NATS connection: enables JetStream keyvalue and messaging.
    pub nats: Option<async_nats::Client>,
    /// Whether that NATS server has JetStream (default true). Without it the keyvalue
    /// provider defaults to memory.
    pub jetstream: bool,
}

impl Default for RuntimeConfig {
    fn default() -> Self {
        RuntimeConfig {
            host_id: "trellis-host".into(),
            lattice: trellis_proto::DEFAULT_LATTICE.into(),
            cache_dir: None,
            compile_cache: true,
            invocation_timeout: Duration::from_secs(10),
            max_memory_bytes: 512 << 20,
            nats: None,
            jetstream: true,
        }
    }
}

/// A stored link with its resolved configs.
#[derive(Clone, Debug)]
pub(crate) struct LinkEntry {
    pub(crate) link: Link,
    pub(crate) source_config: ConfigMap,
    pub(crate) target_config: ConfigMap,
}

/// The shared state behind [`Runtime`].
pub(crate) struct Inner {
    pub(crate) config: RuntimeConfig,
    /// `config.host_id`, shared with every store.
    host_id: Arc<str>,
    pub(crate) shared: Arc<SharedEngine>,
    base_linker: Linker<HostState>,
    pub(crate) logs: LogBus,
    components: RwLock<HashMap<String, Arc<ComponentEntry>>>,
    /// The built-in providers (keyvalue, blobstore, messaging state lives there).
    pub(crate) registry: BuiltinProviders,
    links: RwLock<BTreeMap<LinkKey, LinkEntry>>,
    /// Held across binds, hence async.
    http: tokio::sync::Mutex<HttpServers>,
    /// Serialises link changes with provider starts and stops, so a link set while its
    /// provider starts is applied once, whichever comes first.
    link_changes: tokio::sync::Mutex<()>,
    /// Serialises lifecycle changes of one component id (start/update/stop).
    lifecycle: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

/// The component runtime of one host. Cheap to clone.
#[derive(Clone)]
pub struct Runtime {
    pub(crate) inner: Arc<Inner>,
}

impl std::fmt::Debug for Runtime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runtime")
            .field("host_id", &self.inner.config.host_id)
            .finish_non_exhaustive()
    }
}

/// The name of the built-in provider `reference` names (`builtin://NAME`,
/// `wasmcloud+builtin://NAME` or a bare `NAME`), by
/// [`trellis_wit::parse_builtin_reference`].
pub fn builtin_name(reference: &str) -> Option<&'static str> {
    trellis_wit::parse_builtin_reference(reference).map(trellis_wit::BuiltinSpec::name)
}

impl Runtime {
    /// Creates a runtime (the process-wide engine is created on first use).
    pub fn new(config: RuntimeConfig) -> Result<Runtime, HostError> {
        let shared = engine::shared()?;
        let base_linker = base_linker(&shared.engine)?;
        let logs = LogBus::new(&config.host_id);
        let registry = BuiltinProviders::new(BuiltinProvidersConfig {
            nats: config.nats.clone(),
            jetstream: config.jetstream,
            data_dir: None,
        });
        let runtime = Runtime {
            inner: Arc::new(Inner {
                host_id: config.host_id.as_str().into(),
                config,
                shared,
                base_linker,
                logs,
                components: RwLock::default(),
                registry,
                links: RwLock::default(),
                http: tokio::sync::Mutex::default(),
                link_changes: tokio::sync::Mutex::default(),
                lifecycle: Mutex::default(),
            }),
        };
        let invoker = Invoker(Arc::downgrade(&runtime.inner));
        runtime.inner.registry.set_invoker(Arc::new(invoker));
        Ok(runtime)
    }

    /// The runtime's settings.
    pub fn config(&self) -> &RuntimeConfig {
        &self.inner.config
    }

    /// The host's log bus.
    pub fn logs(&self) -> LogBus {
        self.inner.logs.clone()
    }

    /// Compiles, links and starts component `id` with at most `max_instances`
    /// concurrent instances (0 is refused: nothing would run).
    pub async fn start_component(
        &self,
        id: &str,
        source: ComponentSource,
        max_instances: u32,
        config: ConfigMap,
        annotations: BTreeMap<String, String>,
    ) -> Result<(), HostError> {
        if id.trim().is_empty() {
            return Err(HostError::InvalidConfig("the component id is empty".into()));
        }
        if max_instances == 0 {
            return Err(HostError::InvalidConfig(format!(
                "cannot start component {id} with max_instances 0"
            )));
        }
        let lock = self.inner.lifecycle_lock(id);
        let _guard = lock.lock().await;
        if self.inner.component(id).is_some() {
            return Err(HostError::ComponentExists(id.into()));
        }
        let grants = Grants::from_annotations(&annotations)?;
        let bytes = source.load().await?;
        let loaded = self.inner.load(id, &source, bytes).await?;
        let entry = Arc::new(ComponentEntry {
            id: id.into(),
            config: Arc::new(config),
            annotations,
            grants,
            routes: RwLock::new(self.inner.routes_of(id)),
            active: RwLock::new(Active {
                loaded: Arc::new(loaded),
                permits: Arc::new(Semaphore::new(max_instances as usize)),
                max_instances,
                revision: 0,
                source,
            }),
        });
        self.inner
            .components
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .insert(id.into(), entry);
        self.inner.logs.emit(
            LogLevel::Info,
            Some(id),
            Some("runtime"),
            format!("component started (max_instances {max_instances})"),
        );
        Ok(())
    }

    /// Changes the instance limit; 0 stops the component.
    pub async fn scale_component(&self, id: &str, max_instances: u32) -> Result<(), HostError> {
        if max_instances == 0 {
            return self.stop_component(id).await;
        }
        let entry = self
            .inner
            .component(id)
            .ok_or_else(|| HostError::ComponentNotFound(id.into()))?;
        let mut active = entry.active.write().unwrap_or_else(|p| p.into_inner());
        if active.max_instances != max_instances {
            // A new semaphore: in-flight instances finish on the old one.
            active.permits = Arc::new(Semaphore::new(max_instances as usize));
            active.max_instances = max_instances;
        }
        Ok(())
    }

    /// Replaces the code of a running component, keeping its id, config and links.
    ///
    /// Refused (the old version keeps serving) when the new one cannot be loaded or
    /// no longer provides an interface a live link needs.
    pub async fn update_component(
        &self,
        id: &str,
        source: ComponentSource,
    ) -> Result<(), HostError> {
        self.update_with(id, source, None).await
    }

    /// [`Runtime::update_component`] with the bytes already read from `source`.
    pub(crate) async fn update_component_bytes(
        &self,
        id: &str,
        source: ComponentSource,
        bytes: Arc<[u8]>,
    ) -> Result<(), HostError> {
        self.update_with(id, source, Some(bytes)).await
    }

    async fn update_with(
        &self,
        id: &str,
        source: ComponentSource,
        bytes: Option<Arc<[u8]>>,
    ) -> Result<(), HostError> {
        let lock = self.inner.lifecycle_lock(id);
        let _guard = lock.lock().await;
        let entry = self
            .inner
            .component(id)
            .ok_or_else(|| HostError::ComponentNotFound(id.into()))?;
        let bytes = match bytes {
            Some(bytes) => bytes,
            None => source.load().await?,
        };
        let loaded = Arc::new(self.inner.load(id, &source, bytes).await?);
        let (inner, id_owned, candidate) = (self.inner.clone(), id.to_owned(), loaded.clone());
        tokio::task::spawn_blocking(move || inner.check_links_still_hold(&id_owned, &candidate))
            .await
            .map_err(|e| HostError::Engine(format!("link check task failed: {e}")))??;
        let mut active = entry.active.write().unwrap_or_else(|p| p.into_inner());
        active.loaded = loaded;
        active.revision += 1;
        active.source = source;
        drop(active);
        self.inner.logs.emit(
            LogLevel::Info,
            Some(id),
            Some("runtime"),
            "component updated",
        );
        Ok(())
    }

    /// Stops a component; its links stay (as in wasmCloud) but lead nowhere.
    pub async fn stop_component(&self, id: &str) -> Result<(), HostError> {
        let lock = self.inner.lifecycle_lock(id);
        let _guard = lock.lock().await;
        let removed = self
            .inner
            .components
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .remove(id);
        let Some(entry) = removed else {
            return Err(HostError::ComponentNotFound(id.into()));
        };
        // Waiting requests see a closed semaphore and fail fast.
        entry.current().1.close();
        self.inner.logs.emit(
            LogLevel::Info,
            Some(id),
            Some("runtime"),
            "component stopped",
        );
        Ok(())
    }

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

    /// Applies a link with its resolved config maps (replacing one with the same key).
    ///
    /// A link from an http-server provider binds its `address` source config (default
    /// 127.0.0.1:8000) and routes it (optionally by `path`) to the target component.
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
    async fn apply_link(&self, entry: LinkEntry) -> Result<(), HostError> {
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
        self.inner
            .links
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .insert(link.key(), entry);
        self.inner.refresh_routes(&source_id);
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
        let path = source_config.get("path").cloned();
        let mut http = self.inner.http.lock().await;
        http.add_route(
            Arc::downgrade(&self.inner),
            address,
            path,
            link.key(),
            &link.target,
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

    /// Providers running here.
    pub fn providers(&self) -> Vec<ProviderDescription> {
        self.inner.registry.list()
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

    /// Calls exported function `function` (`name` or `ns:pkg/iface#name`) of component
    /// `id` with dynamic values in a fresh instance.
    pub async fn call_function(
        &self,
        id: &str,
        function: &str,
        params: Vec<Val>,
    ) -> Result<Vec<Val>, HostError> {
        let (iface, func) = match function.split_once('#') {
            Some((iface, func)) => (Some(iface), func),
            None => (None, function),
        };
        self.inner
            .call_export(id, iface, func, params)
            .await
            .map_err(|err| HostError::Invocation {
                component: id.into(),
                reason: super::http::describe_failure(&err),
            })
    }

    /// Stops every listener; components stay loaded until the runtime is dropped.
    pub async fn shutdown(&self) {
        self.inner.http.lock().await.shutdown();
    }
}

impl Inner {
    pub(crate) fn component(&self, id: &str) -> Option<Arc<ComponentEntry>> {
        let components = self.components.read().unwrap_or_else(|p| p.into_inner());
        components.get(id).cloned()
    }

    /// The link routes of component `id`, from the links whose source it is.
    fn routes_of(&self, id: &str) -> LinkRoutes {
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
    fn refresh_routes(&self, id: &str) {
        if let Some(entry) = self.component(id) {
            let routes = self.routes_of(id);
            *entry.routes.write().unwrap_or_else(|p| p.into_inner()) = routes;
        }
    }

    fn lifecycle_lock(&self, id: &str) -> Arc<tokio::sync::Mutex<()>> {
        let mut locks = self.lifecycle.lock().unwrap_or_else(|p| p.into_inner());
        locks.entry(id.into()).or_default().clone()
    }

    pub(crate) fn store_params<'a>(
        self: &'a Arc<Self>,
        entry: &'a ComponentEntry,
    ) -> StoreParams<'a> {
        StoreParams {
            engine: &self.shared.engine,
            runtime: Arc::downgrade(self),
            component_id: entry.id.clone(),
            grants: &entry.grants,
            logs: &self.logs,
            timeout: self.config.invocation_timeout,
            max_memory_bytes: self.config.max_memory_bytes,
            providers: ProviderCtxInit {
                component_id: entry.id.clone(),
                host_id: self.host_id.clone(),
                config: entry.config.clone(),
                routes: entry.routes(),
                logs: self.logs.clone(),
                registry: self.registry.clone(),
            },
        }
    }

    fn cache_dir(&self) -> Option<PathBuf> {
        if !self.config.compile_cache {
            return None;
        }
        self.config
            .cache_dir
            .clone()
            .or_else(engine::default_cache_dir)
    }

    /// Reads, compiles and links a component (compilation off the async threads).
    async fn load(
        self: &Arc<Self>,
        id: &str,
        source: &ComponentSource,
        bytes: Arc<[u8]>,
    ) -> Result<Loaded, HostError> {
        let what = source.describe();
        let inner = self.clone();
        let id = id.to_owned();
        tokio::task::spawn_blocking(move || inner.compile_and_link(&id, &what, bytes))
            .await
            .map_err(|e| HostError::Engine(format!("compile task failed: {e}")))?
    }

    fn compile_and_link(
        &self,
        id: &str,
        what: &str,
        bytes: Arc<[u8]>,
    ) -> Result<Loaded, HostError> {
        let engine = &self.shared.engine;
        let component = self
            .shared
            .compile(what, &bytes, self.cache_dir().as_deref())?;
        let linker = component_linker(&self.base_linker, engine, &component)?;
        let pre = linker
            .instantiate_pre(&component)
            .map_err(|err| unsatisfied_import(id, engine, &component, &err))?;
        let (imports, exports) = interface_names(engine, &component);
        let exports_http = exports
            .iter()
            .any(|e| strip_version(e) == "wasi:http/incoming-handler");
        let proxy = if exports_http {
            Some(
                wasmtime_wasi_http::p2::bindings::ProxyPre::new(pre.clone()).map_err(|err| {
                    HostError::InvalidComponent {
                        what: what.into(),
                        reason: format!("its wasi:http/incoming-handler export: {err:#}"),
                    }
                })?,
            )
        } else {
            None
        };
        Ok(Loaded {
            bytes,
            pre,
            proxy,
            imports,
            exports,
            wit: std::sync::OnceLock::new(),
        })
    }

    /// Refuses a new version that would break a live link of component `id`.
    ///
    /// A link into `id` needs the new version to export the linked interface, and, when
    /// the link's source is a component here, to export it with the functions and types
    /// that source imports. A link out of `id` to a component here needs the new
    /// version's import of the interface to still fit that target's export. Decoding
    /// WIT is CPU-bound: call this off the async threads.
    fn check_links_still_hold(&self, id: &str, new: &Loaded) -> Result<(), HostError> {
        let links = self.links.read().unwrap_or_else(|p| p.into_inner());
        let refuse = |link: &Link, reason: String| HostError::IncompatibleUpdate {
            component: id.into(),
            reason: format!(
                "link {} -> {} (name {:?}) would break: {reason}",
                link.source_id, link.target, link.name
            ),
        };
        let mut new_exports = None;
        for entry in links.values().filter(|e| e.link.target == id) {
            let link = &entry.link;
            let source = (link.source_id != id)
                .then(|| self.component(&link.source_id))
                .flatten()
                .map(|c| c.current().0);
            for iface in &link.interfaces {
                let name = format!("{}:{}/{}", link.wit_namespace, link.wit_package, iface);
                if !new.exports_interface(&name) {
                    return Err(refuse(
                        link,
                        format!("the new version no longer exports {name}"),
                    ));
                }
                let Some(import) = source.as_ref().and_then(|s| s.imported_def(&name)) else {
                    continue;
                };
                let exports = new_exports.get_or_insert_with(|| new.exported_defs());
                let Some(exports) = exports else { continue };
                let verdict = trellis_wit::check_link(import, exports);
                if !verdict.is_compatible() {
                    return Err(refuse(link, format!("{name}: {verdict}")));
                }
            }
        }
        for entry in links.values().filter(|e| e.link.source_id == id) {
            let link = &entry.link;
            if link.target == id {
                continue;
            }
            let Some(target) = self.component(&link.target).map(|c| c.current().0) else {
                continue;
            };
            let mut target_exports = None;
            for iface in &link.interfaces {
                let name = format!("{}:{}/{}", link.wit_namespace, link.wit_package, iface);
                let Some(import) = new.imported_def(&name) else {
                    continue;
                };
                let exports = target_exports.get_or_insert_with(|| target.exported_defs());
                let Some(exports) = exports else { continue };
                let verdict = trellis_wit::check_link(import, exports);
                if !verdict.is_compatible() {
                    return Err(refuse(link, format!("{name}: {verdict}")));
                }
            }
        }
        Ok(())
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

    /// Forwards a custom-interface call of `source` to `target`, the component its
    /// link for `iface` names (`None`: no link).
    pub(crate) fn forward_call<'a>(
        self: &'a Arc<Self>,
        source: &'a str,
        target: Option<String>,
        iface: &'a str,
        func: &'a str,
        params: Vec<Val>,
    ) -> BoxFuture<'a, wasmtime::Result<Vec<Val>>> {
        Box::pin(async move {
            let Some(target) = target else {
                wasmtime::bail!(
                    "component {source} called `{iface}#{func}`, but no link satisfies this \
                     import (link {source} to a component exporting {})",
                    strip_version(iface)
                );
            };
            if params.iter().any(has_resource) {
                wasmtime::bail!(
                    "`{iface}#{func}`: resource handles cannot be passed between components"
                );
            }
            if self.component(&target).is_none() {
                wasmtime::bail!(
                    "component {source} called `{iface}#{func}`, linked to {target}, \
                     which is not a component running on this host"
                );
            }
            self.call_export(&target, Some(iface), func, params).await
        })
    }

    /// Calls an export of component `id` in a fresh instance.
    pub(crate) fn call_export<'a>(
        self: &'a Arc<Self>,
        id: &'a str,
        iface: Option<&'a str>,
        func: &'a str,
        params: Vec<Val>,
    ) -> BoxFuture<'a, wasmtime::Result<Vec<Val>>> {
        Box::pin(async move {
            let Some(entry) = self.component(id) else {
                wasmtime::bail!("component {id} is not running on this host");
            };
            let (loaded, permits) = entry.current();
            let timeout = self.config.invocation_timeout;
            let _permit = match tokio::time::timeout(timeout, permits.acquire_owned()).await {
                Ok(Ok(permit)) => permit,
                Ok(Err(_)) => wasmtime::bail!("component {id} is stopped"),
                Err(_) => wasmtime::bail!("component {id} is busy (all instances in use)"),
            };
            let mut store = new_store(self.store_params(&entry));
            let instance = loaded.pre.instantiate_async(&mut store).await?;
            let parent = match iface {
                Some(iface) => {
                    let Some(name) = loaded.export_named(iface) else {
                        wasmtime::bail!("component {id} does not export {iface}");
                    };
                    let index = instance.get_export_index(&mut store, None, name);
                    Some(index.ok_or_else(|| {
                        wasmtime::format_err!("component {id} does not export {iface}")
                    })?)
                }
                None => None,
            };
            let index = instance
                .get_export_index(&mut store, parent.as_ref(), func)
                .ok_or_else(|| wasmtime::format_err!("component {id} does not export `{func}`"))?;
            let function = instance.get_func(&mut store, index).ok_or_else(|| {
                wasmtime::format_err!("export `{func}` of {id} is not a function")
            })?;
            let result_count = function.ty(&store).results().len();
            let mut results = vec![Val::Bool(false); result_count];
            let call = function.call_async(&mut store, &params, &mut results);
            let slack = Duration::from_millis(200);
            match tokio::time::timeout(timeout + slack, call).await {
                Ok(result) => result?,
                Err(_) => return Err(super::state::DeadlineExceeded(timeout).into()),
            }
            Ok(results)
        })
    }
}

/// Names the import that `instantiate_pre` could not satisfy, and says why no link helps.
fn unsatisfied_import(
    id: &str,
    engine: &wasmtime::Engine,
    component: &wasmtime::component::Component,
    err: &wasmtime::Error,
) -> HostError {
    let detail = format!("{err:#}");
    let ty = component.component_type();
    let culprit = ty
        .imports(engine)
        .map(|(name, _)| name)
        .find(|name| detail.contains(&format!("`{name}`")));
    let reason = match culprit {
        Some(name) => format!(
            "its import {name} is not provided by this host, and no link can satisfy it \
             (links reach packaged interfaces of other components, with matching types): \
             {detail}"
        ),
        None => detail,
    };
    HostError::UnsatisfiedImport {
        component: id.into(),
        reason,
    }
}

/// Lets providers (messaging) call into components without keeping the runtime alive.
struct Invoker(std::sync::Weak<Inner>);

impl ComponentInvoker for Invoker {
    fn handle_message(&self, component_id: &str, msg: BrokerMessage) -> InvokeFuture {
        let inner = self.0.clone();
        let id = component_id.to_owned();
        Box::pin(async move {
            let Some(inner) = inner.upgrade() else {
                return Err("the host is shutting down".to_owned());
            };
            inner.deliver_message(&id, msg).await
        })
    }
}

impl Inner {
    /// Runs `wasmcloud:messaging/handler.handle-message` of component `id` in a fresh
    /// instance; a failure is logged with the component id and returned as text.
    async fn deliver_message(self: &Arc<Self>, id: &str, msg: BrokerMessage) -> Result<(), String> {
        let Some(entry) = self.component(id) else {
            return Err(format!("component {id} is not running on this host"));
        };
        let (loaded, permits) = entry.current();
        let timeout = self.config.invocation_timeout;
        let _permit = match tokio::time::timeout(timeout, permits.acquire_owned()).await {
            Ok(Ok(permit)) => permit,
            Ok(Err(_)) => return Err(format!("component {id} is stopped")),
            Err(_) => return Err(format!("component {id} is busy (all instances in use)")),
        };
        let mut store = new_store(self.store_params(&entry));
        let run = async {
            let instance = loaded.pre.instantiate_async(&mut store).await?;
            call_handle_message(&mut store, &instance, &msg).await
        };
        let slack = Duration::from_millis(200);
        let outcome = match tokio::time::timeout(timeout + slack, run).await {
            Ok(Ok(guest)) => guest,
            Ok(Err(err)) => Err(super::http::describe_failure(&err)),
            Err(_) => Err(super::state::DeadlineExceeded(timeout).to_string()),
        };
        if let Err(reason) = &outcome {
            self.logs.emit(
                LogLevel::Error,
                Some(id),
                Some("messaging"),
                format!("message on {} failed: {reason}", msg.subject),
            );
        }
        outcome
    }
}
