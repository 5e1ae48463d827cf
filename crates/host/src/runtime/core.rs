//! [`Runtime`]: the handle on one host's components, providers and links, its
//! settings ([`RuntimeConfig`]) and the shared state behind it.
//!
//! What the runtime does is spread over sibling modules, each adding an `impl Runtime`
//! (and `impl Inner`) block: `lifecycle` (start, scale, update, stop components),
//! `providers` (start and stop built-in providers), `links` (apply and remove links,
//! routes), `invoke` (calls into components) and `inventory` (what runs here). This
//! module holds the state they share, construction and shutdown.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use trellis_proto::LinkKey;
use wasmtime::component::Linker;

use super::component::ComponentEntry;
use super::engine::{self, SharedEngine};
use super::http::HttpServers;
use super::invoke::Invoker;
use super::limits::DEFAULT_INSTANCE_MEMORY_BYTES;
use super::linker::base_linker;
use super::links::LinkEntry;
use super::state::{HostState, StoreParams};
use super::LogBus;
use crate::providers::external::ExternalProviders;
use crate::providers::{
    BuiltinProviders, BuiltinProvidersConfig, ProviderCtxInit, ProviderProcessConfig,
};
use crate::{GrantPolicy, HostError};

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
    /// Deadline of one invocation (default 10 s). A component's
    /// [`max_execution_time`](crate::ComponentLimits::max_execution_time) can lower it, not raise it.
    pub invocation_timeout: Duration,
    /// Memory cap of one instance: all its linear memories and tables together
    /// (default [`DEFAULT_INSTANCE_MEMORY_BYTES`], 256 MiB). A guest growing past it
    /// traps with an error naming the cap; other instances keep running. A component's
    /// [`max_memory_bytes`](crate::ComponentLimits::max_memory_bytes) can lower it, not raise it.
    pub max_memory_bytes: usize,
    /// The lattice's NATS connection: enables JetStream keyvalue and messaging.
    pub nats: Option<async_nats::Client>,
    /// The NATS connection components' messaging (publish, request, link subscriptions)
    /// goes through. Default `None`: `nats`. The local lattice passes one authenticated
    /// as its guest user, which the server keeps off the lattice's subjects.
    pub guest_nats: Option<async_nats::Client>,
    /// The connection the host calls and serves components over wRPC on (wasmCloud 1.x's
    /// data plane; async-nats 0.49, the version wRPC's NATS transport is built on). With
    /// it, each component's custom-interface exports are served on the lattice and an
    /// import linked to a target on another host is called there. Default `None`: links
    /// stop at this host's edge.
    pub wrpc: Option<async_nats_wrpc::Client>,
    /// Whether that NATS server has JetStream (default true). Without it the keyvalue
    /// provider defaults to memory.
    pub jetstream: bool,
    /// What control requests may grant components (`trellis.dev/{dirs,env,network}`)
    /// and providers (a blobstore root, a public http address). Default
    /// [`GrantPolicy::default`]: nothing beyond the host's data dir and loopback.
    pub grants: GrantPolicy,
    /// Size cap of a component file (default 50 MiB, as wasmCloud). Larger files, and
    /// anything that is not a regular file, are refused before compilation.
    pub max_component_bytes: u64,
    /// How OCI references are pulled: the cache directory and registry credentials
    /// (default: `<user cache dir>/trellis/oci`, docker's `config.json`). Its size cap
    /// is replaced by `max_component_bytes`.
    pub oci: trellis_oci::OciOptions,
    /// How provider binaries are run: the NATS URL they get, health-check cadence,
    /// restart and shutdown delays (default: a wasmCloud 1.x host's).
    pub providers: ProviderProcessConfig,
}

impl Default for RuntimeConfig {
    fn default() -> Self {
        RuntimeConfig {
            host_id: "trellis-host".into(),
            lattice: trellis_proto::DEFAULT_LATTICE.into(),
            cache_dir: None,
            compile_cache: true,
            invocation_timeout: Duration::from_secs(10),
            max_memory_bytes: DEFAULT_INSTANCE_MEMORY_BYTES,
            nats: None,
            guest_nats: None,
            wrpc: None,
            jetstream: true,
            grants: GrantPolicy::default(),
            max_component_bytes: 50 << 20,
            oci: trellis_oci::OciOptions::default(),
            providers: ProviderProcessConfig::default(),
        }
    }
}

/// The shared state behind [`Runtime`].
pub(crate) struct Inner {
    pub(crate) config: RuntimeConfig,
    /// `config.host_id`, shared with every store.
    pub(super) host_id: Arc<str>,
    pub(crate) shared: Arc<SharedEngine>,
    pub(super) base_linker: Linker<HostState>,
    pub(crate) logs: LogBus,
    pub(super) components: RwLock<HashMap<String, Arc<ComponentEntry>>>,
    /// The built-in providers (keyvalue, blobstore, messaging state lives there).
    pub(crate) registry: BuiltinProviders,
    /// Provider binaries running as child processes.
    pub(crate) external: ExternalProviders,
    pub(super) links: RwLock<BTreeMap<LinkKey, LinkEntry>>,
    /// Held across binds, hence async.
    pub(super) http: tokio::sync::Mutex<HttpServers>,
    /// Serialises link changes with provider starts and stops, so a link set while its
    /// provider starts is applied once, whichever comes first.
    pub(super) link_changes: tokio::sync::Mutex<()>,
    /// Serialises lifecycle changes of one component id (start/update/stop).
    pub(super) lifecycle: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    /// The grant policy components and links are checked against: `config.grants`,
    /// plus what the embedder allowed since ([`Runtime::extend_grant_policy`]).
    pub(crate) grants: RwLock<GrantPolicy>,
    /// Message-spy leases and the queue of call records.
    pub(super) spy: Arc<super::spy::SpyTap>,
    /// Calls to targets on other hosts (present with [`RuntimeConfig::wrpc`]).
    pub(super) wrpc: Option<trellis_wrpc::Invoker>,
    /// Built-in providers served to other hosts over wRPC, by provider id.
    pub(super) provider_serving: Mutex<HashMap<String, trellis_wrpc::Serving>>,
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

impl Runtime {
    /// Creates a runtime (the process-wide engine is created on first use).
    pub fn new(config: RuntimeConfig) -> Result<Runtime, HostError> {
        let shared = engine::shared()?;
        let base_linker = base_linker(&shared.engine)?;
        let logs = LogBus::new(&config.host_id);
        let config_grants = config.grants.clone();
        let registry = BuiltinProviders::new(BuiltinProvidersConfig {
            nats: config.nats.clone(),
            guest_nats: config.guest_nats.clone(),
            jetstream: config.jetstream,
            data_dir: None,
            lattice: Some(config.lattice.clone()),
            policy: config.grants.clone(),
        });
        let wrpc_invoker = config
            .wrpc
            .clone()
            .map(|nats| trellis_wrpc::Invoker::new(nats, &config.lattice));
        let external = ExternalProviders::new(
            config.providers.clone(),
            config.nats.clone(),
            &config.lattice,
            &config.host_id,
            logs.clone(),
        );
        let runtime = Runtime {
            inner: Arc::new(Inner {
                host_id: config.host_id.as_str().into(),
                config,
                shared,
                base_linker,
                logs,
                components: RwLock::default(),
                registry,
                external,
                links: RwLock::default(),
                http: tokio::sync::Mutex::default(),
                link_changes: tokio::sync::Mutex::default(),
                lifecycle: Mutex::default(),
                grants: RwLock::new(config_grants),
                spy: Default::default(),
                wrpc: wrpc_invoker,
                provider_serving: Mutex::default(),
            }),
        };
        if let Some(wrpc) = &runtime.inner.wrpc {
            runtime.inner.registry.set_wrpc(wrpc.clone());
        }
        runtime
            .inner
            .registry
            .set_spy(Arc::clone(&runtime.inner.spy));
        let invoker = Invoker::new(&runtime.inner);
        runtime.inner.registry.set_invoker(Arc::new(invoker));
        Ok(runtime)
    }

    /// The runtime's settings.
    pub fn config(&self) -> &RuntimeConfig {
        &self.inner.config
    }

    /// The grant policy in effect now.
    pub fn grant_policy(&self) -> GrantPolicy {
        self.inner.grant_policy()
    }

    /// Allows, from now on, what `extra` allows for component grants and http-server
    /// addresses (an embedder whose user said yes). Blobstore roots keep the policy the
    /// runtime started with.
    pub fn extend_grant_policy(&self, extra: &GrantPolicy) {
        let mut grants = self.inner.grants.write().unwrap_or_else(|p| p.into_inner());
        grants.extend(extra);
    }

    /// The host's log bus.
    pub fn logs(&self) -> LogBus {
        self.inner.logs.clone()
    }

    /// Stops every listener and provider process, and stops serving other hosts over
    /// wRPC; components stay loaded until the runtime is dropped.
    pub async fn shutdown(&self) {
        self.inner.http.lock().await.shutdown();
        self.inner.external.stop_all().await;
        self.inner.stop_all_serving().await;
    }
}

impl Inner {
    /// A snapshot of the grant policy in effect.
    pub(crate) fn grant_policy(&self) -> GrantPolicy {
        self.grants
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    pub(crate) fn component(&self, id: &str) -> Option<Arc<ComponentEntry>> {
        let components = self.components.read().unwrap_or_else(|p| p.into_inner());
        components.get(id).cloned()
    }

    pub(super) fn lifecycle_lock(&self, id: &str) -> Arc<tokio::sync::Mutex<()>> {
        let mut locks = self.lifecycle.lock().unwrap_or_else(|p| p.into_inner());
        locks.entry(id.into()).or_default().clone()
    }

    pub(crate) fn store_params<'a>(
        self: &'a Arc<Self>,
        entry: &'a ComponentEntry,
    ) -> StoreParams<'a> {
        let limits = self.limits_of(entry);
        StoreParams {
            engine: &self.shared.engine,
            runtime: Arc::downgrade(self),
            component_id: entry.id.clone(),
            grants: &entry.grants,
            logs: &self.logs,
            timeout: limits.timeout,
            max_memory_bytes: limits.memory_bytes,
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

    /// The limits component `entry`'s invocations run under.
    pub(crate) fn limits_of(&self, entry: &ComponentEntry) -> super::limits::Effective {
        let active = entry.active.read().unwrap_or_else(|p| p.into_inner());
        active
            .limits
            .effective(self.config.max_memory_bytes, self.config.invocation_timeout)
    }

    pub(super) fn cache_dir(&self) -> Option<PathBuf> {
        if !self.config.compile_cache {
            return None;
        }
        self.config
            .cache_dir
            .clone()
            .or_else(engine::default_cache_dir)
    }
}
