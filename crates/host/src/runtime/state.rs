//! Per-invocation store state ([`HostState`]) and store construction with limits.
//!
//! Every invocation gets a fresh `Store<HostState>`: WASI context (deny by default,
//! widened only by the component's grants), the wasi:http context, the memory cap
//! over all the instance's memories and tables (see `limits.rs`) and a wall-clock
//! deadline enforced through epochs.

use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use wasmtime::component::ResourceTable;
use wasmtime::{Engine, Store, UpdateDeadline};
use wasmtime_wasi::{WasiCtx, WasiCtxBuilder, WasiCtxView, WasiView};
use wasmtime_wasi_http::{WasiHttpCtx, WasiHttpCtxView, WasiHttpView};

use super::component::Grants;
use super::limits::InstanceLimiter;
use super::Inner;
use crate::providers::{ProviderCtx, ProviderCtxInit, ProvidersCtxView, ProvidersView};

/// The data of every store this host creates.
pub struct HostState {
    wasi: WasiCtx,
    table: ResourceTable,
    http: WasiHttpCtx,
    limits: InstanceLimiter,
    providers: ProviderCtx,
    /// The component this store runs.
    pub(crate) component_id: Arc<str>,
    /// The runtime, for forwarding custom-interface calls to linked components.
    pub(crate) runtime: Weak<Inner>,
    /// When the invocation must be finished.
    pub(crate) deadline: Instant,
    /// The timeout the deadline was computed from (for messages).
    pub(crate) timeout: Duration,
}

impl WasiView for HostState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

impl ProvidersView for HostState {
    fn providers(&mut self) -> ProvidersCtxView<'_> {
        ProvidersCtxView {
            ctx: &mut self.providers,
            table: &mut self.table,
        }
    }
}

impl WasiHttpView for HostState {
    fn http(&mut self) -> WasiHttpCtxView<'_> {
        WasiHttpCtxView {
            ctx: &mut self.http,
            table: &mut self.table,
            // Outgoing requests need an http-client link (see providers::http_client).
            hooks: &mut self.providers,
        }
    }
}

/// The trap raised when an invocation outlives its deadline.
#[derive(Debug, thiserror::Error)]
#[error("the invocation exceeded its deadline of {}", humantime::format_duration(*.0))]
pub(crate) struct DeadlineExceeded(pub(crate) Duration);

/// What a store needs to know about its invocation.
pub(crate) struct StoreParams<'a> {
    pub(crate) engine: &'a Engine,
    pub(crate) runtime: Weak<Inner>,
    pub(crate) component_id: Arc<str>,
    pub(crate) grants: &'a Grants,
    pub(crate) logs: &'a super::LogBus,
    pub(crate) timeout: Duration,
    /// Cap of all the instance's memories and tables together.
    pub(crate) max_memory_bytes: usize,
    /// Config, link routes and registry for the provider interfaces.
    pub(crate) providers: ProviderCtxInit,
}

/// Builds a store for one invocation.
pub(crate) fn new_store(params: StoreParams<'_>) -> Store<HostState> {
    let mut wasi = WasiCtxBuilder::new();
    wasi.stdout(params.logs.guest_output(&params.component_id, "stdout"))
        .stderr(params.logs.guest_output(&params.component_id, "stderr"));
    params.grants.apply(&mut wasi);
    let limits = InstanceLimiter::new(params.max_memory_bytes);
    let deadline = Instant::now() + params.timeout;
    let state = HostState {
        wasi: wasi.build(),
        table: ResourceTable::new(),
        http: WasiHttpCtx::new(),
        limits,
        providers: ProviderCtx::new(params.providers),
        component_id: params.component_id,
        runtime: params.runtime,
        deadline,
        timeout: params.timeout,
    };
    let mut store = Store::new(params.engine, state);
    store.limiter(|state| &mut state.limits);
    store.set_epoch_deadline(1);
    store.epoch_deadline_callback(|ctx| {
        let state = ctx.data();
        if Instant::now() >= state.deadline {
            return Err(DeadlineExceeded(state.timeout).into());
        }
        // Yield at every tick so one busy guest cannot starve the executor.
        Ok(UpdateDeadline::Yield(1))
    });
    store
}

impl HostState {
    /// The target of this component's link for `iface` (`ns:pkg/iface`, any version)
    /// under the store's link name (`default` unless the guest chose another).
    pub(crate) fn link_target(&self, iface: &str) -> Option<&str> {
        let bare = super::component::strip_version(iface);
        let name = self.providers.link_name_for(bare);
        self.providers
            .routes
            .get(bare, name)
            .map(|t| t.target.as_str())
    }

    /// The link name this store resolves `iface` under.
    pub(crate) fn link_name(&self, iface: &str) -> &str {
        let bare = super::component::strip_version(iface);
        self.providers.link_name_for(bare)
    }

    /// The runtime this store belongs to, if it is still running.
    pub(crate) fn runtime(&self) -> Option<Arc<Inner>> {
        self.runtime.upgrade()
    }
}
