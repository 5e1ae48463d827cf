//! Component lifecycle: start, scale, update (refused when it would break a live
//! link) and stop, and the compile-and-link step behind start and update.

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

use tokio::sync::Semaphore;
use trellis_proto::{ConfigMap, Link, LogLevel};

use super::component::{interface_names, strip_version, Active, ComponentEntry, Grants, Loaded};
use super::core::{Inner, Runtime};
use super::limits::{ComponentLimits, ComponentLoad, Load};
use super::linker::component_linker;
use super::ComponentSource;
use crate::HostError;

impl Runtime {
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
        let limits = ComponentLimits::default();
        self.start_component_bytes(id, source, None, max_instances, config, annotations, limits)
            .await
    }

    /// [`Runtime::start_component`] with the bytes already read from `source`
    /// (by [`Runtime::read_source`]), or `None` to read them here, and `limits`
    /// in effect from the first invocation.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn start_component_bytes(
        &self,
        id: &str,
        source: ComponentSource,
        bytes: Option<Arc<[u8]>>,
        max_instances: u32,
        config: ConfigMap,
        annotations: BTreeMap<String, String>,
        limits: ComponentLimits,
    ) -> Result<(), HostError> {
        if id.trim().is_empty() {
            return Err(HostError::InvalidConfig("the component id is empty".into()));
        }
        if max_instances == 0 {
            return Err(HostError::InvalidConfig(format!(
                "cannot start component {id} with max_instances 0"
            )));
        }
        // Read before taking the lifecycle lock: a slow file must not hold up others.
        let bytes = match bytes {
            Some(bytes) => bytes,
            None => self.read_source_of(id, &source).await?,
        };
        let lock = self.inner.lifecycle_lock(id);
        let _guard = lock.lock().await;
        if self.inner.component(id).is_some() {
            return Err(HostError::ComponentExists(id.into()));
        }
        let grants = Grants::from_annotations(&annotations, &self.inner.grant_policy())?;
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
                limits,
            }),
            load: Load::default(),
            serving: std::sync::Mutex::default(),
        });
        self.inner
            .components
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .insert(id.into(), entry);
        self.inner.serve_over_wrpc(id).await;
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

    /// Sets the limits of running component `id` (`component_limits` of a scale); its
    /// next invocations run under them. Each is lowered to the host's cap
    /// ([`RuntimeConfig::max_memory_bytes`](super::RuntimeConfig::max_memory_bytes),
    /// [`RuntimeConfig::invocation_timeout`](super::RuntimeConfig::invocation_timeout)).
    pub fn set_component_limits(&self, id: &str, limits: ComponentLimits) -> Result<(), HostError> {
        let entry = self
            .inner
            .component(id)
            .ok_or_else(|| HostError::ComponentNotFound(id.into()))?;
        let mut active = entry.active.write().unwrap_or_else(|p| p.into_inner());
        active.limits = limits;
        Ok(())
    }

    /// How busy component `id` is: instances running, invocations waiting.
    pub fn component_load(&self, id: &str) -> Option<ComponentLoad> {
        let entry = self.inner.component(id)?;
        let max = entry
            .active
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .max_instances;
        Some(entry.load.snapshot(max))
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
        // Read before taking the lifecycle lock: a slow file must not hold up others.
        let bytes = match bytes {
            Some(bytes) => bytes,
            None => self.read_source_of(id, &source).await?,
        };
        let lock = self.inner.lifecycle_lock(id);
        let _guard = lock.lock().await;
        let entry = self
            .inner
            .component(id)
            .ok_or_else(|| HostError::ComponentNotFound(id.into()))?;
        let loaded = Arc::new(self.inner.load(id, &source, bytes).await?);
        let (inner, id_owned, candidate) = (self.inner.clone(), id.to_owned(), loaded.clone());
        tokio::task::spawn_blocking(move || inner.check_links_still_hold(&id_owned, &candidate))
            .await
            .map_err(|e| HostError::Engine(format!("link check task failed: {e}")))??;
        {
            let mut active = entry.active.write().unwrap_or_else(|p| p.into_inner());
            active.loaded = loaded;
            active.revision += 1;
            active.source = source;
        }
        // The new version may export other functions.
        self.inner.serve_over_wrpc(id).await;
        self.inner.logs.emit(
            LogLevel::Info,
            Some(id),
            Some("runtime"),
            "component updated",
        );
        Ok(())
    }

    /// Reads the bytes of `source` for component `id` (refusing what is not a regular
    /// file or is over [`RuntimeConfig::max_component_bytes`](super::RuntimeConfig::max_component_bytes);
    /// taking no lock, so callers can read before they queue behind other changes), saying so in its log (the first of
    /// the steps a start shows: fetching, compiling, linking); a pull says how far it
    /// has got.
    pub(crate) async fn read_source_of(
        &self,
        id: &str,
        source: &ComponentSource,
    ) -> Result<Arc<[u8]>, HostError> {
        let inner = &self.inner;
        let what = source.describe();
        inner.phase(id, format!("fetching {what}"));
        let mut progress = |step: trellis_oci::Progress| {
            // The opening "fetching" line already says it is being resolved.
            if step != trellis_oci::Progress::Resolving {
                inner.phase(id, format!("fetching {what}: {step}"));
            }
        };
        source
            .load(
                inner.config.max_component_bytes,
                &inner.config.oci,
                &mut progress,
            )
            .await
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
        // Waiting requests see a closed semaphore and fail fast; other hosts' calls
        // find no responder.
        entry.current().1.close();
        let serving = entry
            .serving
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        if let Some(serving) = serving {
            serving.stop().await;
        }
        self.inner.logs.emit(
            LogLevel::Info,
            Some(id),
            Some("runtime"),
            "component stopped",
        );
        Ok(())
    }
}

impl Inner {
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
        let cache = self.cache_dir();
        self.phase(
            id,
            format!(
                "compiling {:.1} MB{}",
                bytes.len() as f64 / 1e6,
                if cache.is_some() {
                    " (compile cache on)"
                } else {
                    ""
                }
            ),
        );
        let began = std::time::Instant::now();
        let component = self.shared.compile(what, &bytes, cache.as_deref())?;
        self.phase(
            id,
            format!(
                "compiled in {:.1} s; linking its imports",
                began.elapsed().as_secs_f64()
            ),
        );
        let linker = component_linker(&self.base_linker, engine, &component)?;
        let pre = linker
            .instantiate_pre(&component)
            .map_err(|err| unsatisfied_import(id, engine, &component, &err))?;
        let (imports, exports) = interface_names(engine, &component);
        let served = super::wrpc::served_exports(engine, &component);
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
            served,
        })
    }

    /// One step of a start or update, as an info line of component `id`'s log (context
    /// `runtime`), which is where the app shows a start's progress.
    pub(crate) fn phase(&self, id: &str, step: String) {
        self.logs
            .emit(LogLevel::Info, Some(id), Some("runtime"), step);
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
