//! Built-in capability providers and host-internal interfaces.
//!
//! Interfaces implemented here (WIT vendored under `/wit/deps`):
//! - host-internal: `wasi:logging/logging@0.1.0-draft` (to the [`LogBus`]),
//!   `wasi:config/store@0.2.0-draft`, `wasi:config/store@0.2.0-rc.1` and the legacy
//!   `wasi:config/runtime@0.2.0-draft` (the component's merged named config);
//! - keyvalue: `wasi:keyvalue/{store,atomics,batch}@0.2.0-draft`, in memory or JetStream KV;
//! - blobstore: `wasi:blobstore/*@0.2.0-draft`, a directory per provider;
//! - http-client: [`wasmtime_wasi_http::WasiHttpHooks`] on [`ProviderCtx`], so
//!   `wasi:http/outgoing-handler` sends only along a link to an http-client, and only
//!   to public addresses unless the link's `allowed_hosts`/`allowed_cidrs` allow more;
//! - `wasmcloud:bus/lattice@1.0.0`: `set-link-name` picks the link name imports
//!   resolve under (per store);
//! - messaging: `wasmcloud:messaging/consumer@0.2.0` over the lattice's NATS, and the
//!   handler direction (subscriptions delivered through a [`ComponentInvoker`]).
//!
//! Provider binaries (wasmCloud 1.x capability providers, e.g. built with
//! `wasmcloud-provider-sdk`) run as child processes under `external`, configured by
//! [`ProviderProcessConfig`].
//!
//! Wiring, for the runtime:
//! 1. Create one [`BuiltinProviders`] registry per host and [`BuiltinProviders::start`]
//!    providers in it; give it a [`ComponentInvoker`] with
//!    [`BuiltinProviders::set_invoker`] so messaging can deliver to components.
//! 2. Mirror every link whose source is a builtin provider into
//!    [`BuiltinProviders::put_link`] / [`BuiltinProviders::delete_link`] (messaging
//!    subscriptions live there).
//! 3. Per component, build its [`LinkRoutes`] from the links whose source it is.
//! 4. Per store, put a [`ProviderCtx`] in the store data, implement [`ProvidersView`],
//!    and call [`add_to_linker`] once on the linker.
//! 5. To deliver a message, call [`call_handle_message`] on an instance.
//!
//! An import whose link is missing fails at call time with a guest-visible error naming
//! the import and saying no link satisfies it.

mod bindings;
pub(crate) mod blobstore;
mod bus;
mod config;
pub(crate) mod external;
pub(crate) mod http_client;
pub(crate) mod keyvalue;
mod logging;
mod messaging;
mod registry;
pub(crate) mod remote;
mod routes;
pub(crate) mod spy;

use std::sync::Arc;

use wasmtime::component::{HasData, Linker, ResourceTable};

pub use self::bindings::wasmcloud::messaging::types::BrokerMessage;
pub use self::bus::CallTargetInterface;
pub use self::external::{ProviderHealth, ProviderProcessConfig};
pub use self::messaging::call_handle_message;
pub(crate) use self::messaging::remote::{from_broker, into_broker};
pub(crate) use self::messaging::{check_guest_subscription, guest_publish, guest_request};
pub use self::registry::{
    BuiltinKind, BuiltinProviders, BuiltinProvidersConfig, ComponentInvoker, InvokeFuture,
    RunningProvider,
};
pub use self::routes::{LinkRoutes, LinkTarget};

use crate::{HostError, LogBus};
use trellis_proto::ConfigMap;

/// Everything a [`ProviderCtx`] is built from.
///
/// Built once per invocation, so its fields are shared (`Arc`) rather than copied.
#[derive(Debug, Clone)]
pub struct ProviderCtxInit {
    /// The component the store runs.
    pub component_id: Arc<str>,
    /// This host's id (stamped on log records).
    pub host_id: Arc<str>,
    /// The component's merged named config, served by `wasi:config`.
    pub config: Arc<ConfigMap>,
    /// Where the component's provider imports go.
    pub routes: LinkRoutes,
    /// Where `wasi:logging` records go.
    pub logs: LogBus,
    /// The host's built-in providers.
    pub registry: BuiltinProviders,
}

/// Per-store state of every provider and host-internal interface.
#[derive(Debug)]
pub struct ProviderCtx {
    pub(crate) component_id: Arc<str>,
    #[allow(dead_code)] // kept for records built outside the bus helpers
    pub(crate) host_id: Arc<str>,
    pub(crate) config: Arc<ConfigMap>,
    pub(crate) routes: LinkRoutes,
    pub(crate) logs: LogBus,
    pub(crate) registry: BuiltinProviders,
    /// The link name imports resolve under; wasmCloud's default is `default`.
    pub(crate) link_name: String,
    /// Per-interface link names set by `wasmcloud:bus/lattice.set-link-name`
    /// (`ns:pkg/iface`, name); usually empty, so a scan beats a map.
    pub(crate) link_names: Vec<(String, String)>,
}

impl ProviderCtx {
    /// A context for one store of component `init.component_id`.
    pub fn new(init: ProviderCtxInit) -> Self {
        ProviderCtx {
            component_id: init.component_id,
            host_id: init.host_id,
            config: init.config,
            routes: init.routes,
            logs: init.logs,
            registry: init.registry,
            link_name: trellis_proto::DEFAULT_LINK_NAME.to_string(),
            link_names: Vec::new(),
        }
    }

    /// The link name that `interface` (`ns:pkg/iface`, no version) resolves under.
    pub fn link_name_for(&self, interface: &str) -> &str {
        self.link_names
            .iter()
            .find(|(i, _)| i == interface)
            .map_or(self.link_name.as_str(), |(_, name)| name.as_str())
    }

    /// Resolves every import under link `name` instead of `default`.
    pub fn set_link_name(&mut self, name: impl Into<String>) {
        self.link_names.clear();
        self.link_name = name.into();
    }

    /// Checks that this component's link for `interface` (`ns:pkg/iface`) targets a
    /// running builtin of `kind`; the error is a message naming the import and the link.
    ///
    /// For interfaces the runtime serves itself, e.g. an outgoing-HTTP hook can require
    /// `("wasi:http/outgoing-handler", BuiltinKind::HttpClient)`.
    pub fn require_link(&self, interface: &str, kind: BuiltinKind) -> Result<LinkTarget, String> {
        self.linked_provider(interface, kind)
            .map(|(target, _)| target)
    }

    /// The builtin provider that the link for `interface` (`ns:pkg/iface`) targets.
    ///
    /// The error is the guest-facing message: it names the import and the link.
    pub(crate) fn linked_provider(
        &self,
        interface: &str,
        kind: BuiltinKind,
    ) -> Result<(LinkTarget, RunningProvider), String> {
        let link_name = self.link_name_for(interface);
        let Some(target) = self.routes.get(interface, link_name) else {
            return Err(format!(
                "import {interface} of component {}: no link satisfies it (link name {:?})",
                self.component_id, link_name
            ));
        };
        let Some(provider) = self.registry.get(&target.target) else {
            return Err(format!(
                "import {interface} of component {}: linked to {:?}, which is not a \
                 provider running on this host",
                self.component_id, target.target
            ));
        };
        if provider.kind() != kind {
            return Err(format!(
                "import {interface} of component {}: linked to provider {:?}, which is a \
                 {} provider, not {}",
                self.component_id,
                target.target,
                provider.kind().name(),
                kind.name()
            ));
        }
        Ok((target.clone(), provider))
    }
}

/// The provider state and resource table of one store, borrowed together.
pub struct ProvidersCtxView<'a> {
    /// The provider state.
    pub ctx: &'a mut ProviderCtx,
    /// The store's resource table (shared with WASI, so streams interoperate).
    pub table: &'a mut ResourceTable,
}

/// Implemented by store data that carries a [`ProviderCtx`].
pub trait ProvidersView: Send {
    /// The provider state and the store's resource table.
    fn providers(&mut self) -> ProvidersCtxView<'_>;
}

/// Marker for [`HasData`]: the host impls run on a [`ProvidersCtxView`].
struct Providers;

impl HasData for Providers {
    type Data<'a> = ProvidersCtxView<'a>;
}

fn view<T: ProvidersView>(state: &mut T) -> ProvidersCtxView<'_> {
    state.providers()
}

/// Adds every interface of this module to `linker`.
///
/// wasi:io itself is not added: the runtime links it with the rest of WASI.
pub fn add_to_linker<T: ProvidersView + 'static>(linker: &mut Linker<T>) -> Result<(), HostError> {
    use bindings::wasi as w;
    use bindings::wasmcloud::messaging as m;
    let getter = view::<T> as fn(&mut T) -> ProvidersCtxView<'_>;
    let link = |r: wasmtime::Result<()>| r.map_err(|e| HostError::Engine(format!("{e:#}")));
    link(w::logging::logging::add_to_linker::<T, Providers>(
        linker, getter,
    ))?;
    link(w::config0_2_0_draft::store::add_to_linker::<T, Providers>(
        linker, getter,
    ))?;
    link(w::config0_2_0_draft::runtime::add_to_linker::<T, Providers>(linker, getter))?;
    link(w::config0_2_0_rc_1::store::add_to_linker::<T, Providers>(
        linker, getter,
    ))?;
    link(w::keyvalue::store::add_to_linker::<T, Providers>(
        linker, getter,
    ))?;
    link(w::keyvalue::atomics::add_to_linker::<T, Providers>(
        linker, getter,
    ))?;
    link(w::keyvalue::batch::add_to_linker::<T, Providers>(
        linker, getter,
    ))?;
    link(w::blobstore::types::add_to_linker::<T, Providers>(
        linker, getter,
    ))?;
    link(w::blobstore::container::add_to_linker::<T, Providers>(
        linker, getter,
    ))?;
    link(w::blobstore::blobstore::add_to_linker::<T, Providers>(
        linker, getter,
    ))?;
    link(m::types::add_to_linker::<T, Providers>(linker, getter))?;
    link(m::consumer::add_to_linker::<T, Providers>(linker, getter))?;
    link(bus::lattice::add_to_linker::<T, Providers>(linker, getter))?;
    Ok(())
}
