//! What a component's imports are linked to.
//!
//! 1. WASI 0.2 (the whole CLI world) and wasi:http types + outgoing-handler, for every
//!    component, under any 0.2.x version the guest names (wasmtime matches semver).
//! 2. Host-internal and provider interfaces (keyvalue, config, logging, …).
//! 3. Everything else is a custom interface: each of its functions is defined as a
//!    forwarder that, at call time, follows the component's link for that interface to
//!    another component on this host and calls its export with dynamic values. With no
//!    link the call fails naming the import. World-level function imports can never be
//!    linked and fail the same way when called.

use std::sync::Arc;

use trellis_proto::DEFAULT_LINK_NAME;
use wasmtime::component::types::ComponentItem;
use wasmtime::component::{Component, Linker, ResourceType, Val};
use wasmtime::Engine;

use super::invoke::ImportCall;
use super::state::HostState;
use crate::HostError;

/// Packages the host itself implements; imports from them are never forwarded.
const HOST_PACKAGES: &[&str] = &[
    "wasi:cli",
    "wasi:clocks",
    "wasi:io",
    "wasi:random",
    "wasi:filesystem",
    "wasi:sockets",
    "wasi:http",
    "wasi:keyvalue",
    "wasi:blobstore",
    "wasi:config",
    "wasi:logging",
    "wasmcloud:messaging",
    "wasmcloud:bus",
];

fn host_provides(import: &str) -> bool {
    let package = import.split_once('/').map_or(import, |(p, _)| p);
    HOST_PACKAGES.contains(&package)
}

/// The linker every component starts from.
pub(crate) fn base_linker(engine: &Engine) -> Result<Linker<HostState>, HostError> {
    let mut linker = Linker::new(engine);
    wasmtime_wasi::p2::add_to_linker_async(&mut linker)
        .and_then(|()| wasmtime_wasi_http::p2::add_only_http_to_linker_async(&mut linker))
        .map_err(|e| HostError::Engine(format!("linking WASI: {e:#}")))?;
    crate::providers::add_to_linker(&mut linker)?;
    Ok(linker)
}

/// A resource type of a custom interface: it lets such components instantiate, but
/// handles cannot cross between components, so calls using them fail.
struct ForeignResource;

/// `base` plus forwarders for every custom-interface import of `component`.
pub(crate) fn component_linker(
    base: &Linker<HostState>,
    engine: &Engine,
    component: &Component,
) -> Result<Linker<HostState>, HostError> {
    let mut linker = base.clone();
    let link_err = |e: wasmtime::Error| HostError::Engine(format!("linking imports: {e:#}"));
    for (name, item) in component.component_type().imports(engine) {
        match item.ty {
            ComponentItem::ComponentInstance(instance) if !host_provides(name) => {
                let iface: Arc<str> = name.into();
                let mut inst = linker.instance(name).map_err(link_err)?;
                for (item_name, item) in instance.exports(engine) {
                    match item.ty {
                        ComponentItem::ComponentFunc(_) => {
                            let iface = iface.clone();
                            let func: Arc<str> = item_name.into();
                            inst.func_new_async(item_name, move |store, ty, params, results| {
                                let iface = iface.clone();
                                let func = func.clone();
                                Box::new(async move {
                                    let data = store.data();
                                    let source = data.component_id.clone();
                                    let Some(runtime) = data.runtime() else {
                                        wasmtime::bail!("the host is shutting down");
                                    };
                                    let target = match data.link_target(&iface) {
                                        Some(target) => Some(target.to_owned()),
                                        // Links that name no interfaces cover the package.
                                        None => runtime.link_target(
                                            &source,
                                            &iface,
                                            data.link_name(&iface),
                                        ),
                                    };
                                    let name = data.link_name(&iface);
                                    if target.is_none() && name != DEFAULT_LINK_NAME {
                                        wasmtime::bail!(
                                            "component {source} called `{iface}#{func}` under \
                                             link name {name:?}, but no link with that name \
                                             satisfies this import"
                                        );
                                    }
                                    let out = runtime
                                        .forward_call(
                                            ImportCall {
                                                source: &source,
                                                link_name: name,
                                                iface: &iface,
                                                func: &func,
                                                ty: &ty,
                                            },
                                            target,
                                            params.to_vec(),
                                        )
                                        .await?;
                                    copy_results(&iface, &func, out, results)
                                })
                            })
                            .map_err(link_err)?;
                        }
                        ComponentItem::Resource(_) => {
                            inst.resource(
                                item_name,
                                ResourceType::host::<ForeignResource>(),
                                |_, _| Ok(()),
                            )
                            .map_err(link_err)?;
                        }
                        _ => {}
                    }
                }
            }
            ComponentItem::ComponentFunc(_) => {
                let func: Arc<str> = name.into();
                linker
                    .root()
                    .func_new(name, move |store, _ty, _params, _results| {
                        wasmtime::bail!(
                            "component {} called its import `{func}`, but no link satisfies it \
                             (world-level functions cannot be linked; import an interface instead)",
                            store.data().component_id
                        )
                    })
                    .map_err(link_err)?;
            }
            _ => {}
        }
    }
    Ok(linker)
}

fn copy_results(
    iface: &str,
    func: &str,
    out: Vec<Val>,
    results: &mut [Val],
) -> wasmtime::Result<()> {
    if out.len() != results.len() {
        wasmtime::bail!(
            "`{iface}#{func}`: the linked component returned {} values, the caller expects {}",
            out.len(),
            results.len()
        );
    }
    for (slot, value) in results.iter_mut().zip(out) {
        *slot = value;
    }
    Ok(())
}

/// Whether a value holds a resource handle (which cannot cross stores).
pub(crate) fn has_resource(value: &Val) -> bool {
    match value {
        Val::Resource(_) => true,
        Val::List(items) | Val::Tuple(items) => items.iter().any(has_resource),
        Val::Record(fields) => fields.iter().any(|(_, v)| has_resource(v)),
        Val::Variant(_, Some(v)) | Val::Option(Some(v)) => has_resource(v),
        Val::Result(Ok(Some(v)) | Err(Some(v))) => has_resource(v),
        _ => false,
    }
}
