//! Links past this host's edge, over wRPC (wasmCloud 1.x's data plane).
//!
//! - Serving: each component's custom-interface exports are served on the lattice as
//!   `<lattice>.<id>.wrpc.0.0.1.<interface>.<function>` in queue group `<lattice>.<id>`,
//!   so a caller on any host (Trellis or wasmCloud) reaches one of its replicas.
//! - Calling: an import linked to a target that does not run here is invoked there,
//!   with the `source-id` and `link-name` headers and the host's invocation deadline.
//!
//! - Providers: built-in keyvalue, messaging and blobstore providers are served to other
//!   hosts (`wrpc_providers`), and a component's `wasi:keyvalue`, `wasmcloud:messaging`
//!   or `wasi:blobstore` link to a provider elsewhere is followed the same way
//!   (`providers::remote`; blobstore data streams both ways, `providers::blobstore`).
//! - Messages: a component's `wasmcloud:messaging/handler` export is served too, so a
//!   messaging provider on any host delivers to it (`wrpc_messaging`).
//! - HTTP: a component's `wasi:http/incoming-handler` is served as
//!   `wrpc:http/incoming-handler@0.1.0`, and an http-server link to a component on
//!   another host forwards its requests there (`wrpc_http`).
//!
//! Between components, only values complete in one message cross: functions with
//! resources, streams or futures are not served, and calling one on another host is
//! refused before anything is sent, naming the type at fault.

use std::sync::{Arc, Weak};

use futures::future::BoxFuture;
use trellis_proto::LogLevel;
use trellis_wrpc::{Export, Handler, Invocation};
use wasmtime::component::types::{ComponentFunc, ComponentItem};
use wasmtime::component::{Component, Type, Val};
use wasmtime::Engine;

use super::core::Inner;
use super::invoke::{CallArgs, ImportCall};
use super::spy::SpyCall;

/// Packages whose exports wasmCloud serves under other names and shapes (HTTP handlers
/// take resources): not served over wRPC by Trellis, but for [`SERVED_HOST_EXPORTS`].
const UNSERVED_PACKAGES: &[&str] = &["wasi:", "wasmcloud:"];

/// Exports of those packages that do travel under their own name: the message handler
/// that messaging providers call.
const SERVED_HOST_EXPORTS: &[&str] = &["wasmcloud:messaging/handler@"];

/// The functions of `component` that can be served over wRPC: every function of its
/// exported custom interfaces, and its root-level functions (instance `""`, as wasmCloud
/// serves them), whose parameters and results can cross hosts.
pub(super) fn served_exports(engine: &Engine, component: &Component) -> Vec<Export> {
    let mut exports = Vec::new();
    let mut serve = |instance: String, func: &str, ty: &ComponentFunc| {
        let (param_types, result_types) = types_of(ty);
        if uncarriable(&param_types, &result_types).is_none() {
            exports.push(Export {
                instance,
                func: func.to_owned(),
                param_types,
                result_types,
            });
        }
    };
    for (name, item) in component.component_type().exports(engine) {
        let instance = match item.ty {
            ComponentItem::ComponentFunc(ty) => {
                serve(String::new(), name, &ty);
                continue;
            }
            ComponentItem::ComponentInstance(instance) => instance,
            _ => continue,
        };
        if UNSERVED_PACKAGES.iter().any(|p| name.starts_with(p))
            && !SERVED_HOST_EXPORTS.iter().any(|p| name.starts_with(p))
        {
            continue;
        }
        for (func, item) in instance.exports(engine) {
            if let ComponentItem::ComponentFunc(ty) = item.ty {
                serve(trellis_wrpc::names::wire_instance(name), func, &ty);
            }
        }
    }
    exports
}

/// A function's parameter and result types.
pub(super) fn types_of(ty: &ComponentFunc) -> (Vec<Type>, Vec<Type>) {
    (
        ty.params().map(|(_, ty)| ty).collect(),
        ty.results().collect(),
    )
}

/// A call to another host ends this much before the invocation's deadline, so that its
/// own error ("no answer within …") is what the caller sees.
pub(super) fn remote_timeout(deadline: std::time::Duration) -> std::time::Duration {
    deadline
        .saturating_sub(std::time::Duration::from_millis(250))
        .max(std::time::Duration::from_millis(100))
}

/// Why a function with these types cannot be called across hosts, if it cannot.
pub(super) fn uncarriable(params: &[Type], results: &[Type]) -> Option<String> {
    params
        .iter()
        .chain(results)
        .find_map(|ty| trellis_wrpc::carriable(ty).err())
}

impl Inner {
    /// Starts serving component `id`'s exports (a no-op without a wRPC connection, or
    /// when it exports nothing that can be served); replaces what served it before.
    pub(super) async fn serve_over_wrpc(self: &Arc<Self>, id: &str) {
        let (Some(invoker), Some(entry)) = (&self.wrpc, self.component(id)) else {
            return;
        };
        let loaded = entry.current().0;
        let exports = loaded.served.clone();
        let serves_http = loaded.proxy.is_some();
        if exports.is_empty() && !serves_http {
            let before = entry
                .serving
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .take();
            if let Some(before) = before {
                before.stop().await;
            }
            return;
        }
        let mut serving = None;
        if !exports.is_empty() {
            let count = exports.len();
            let handler = Arc::new(Served {
                inner: Arc::downgrade(self),
                id: id.into(),
            });
            let nats = invoker.nats().clone();
            match trellis_wrpc::serve(nats, invoker.lattice(), id, exports, handler).await {
                Ok(served) => {
                    serving = Some(served);
                    self.logs.emit(
                        LogLevel::Debug,
                        Some(id),
                        Some("wrpc"),
                        format!("serving {count} function(s) on the lattice over wRPC"),
                    );
                }
                Err(err) => self.logs.emit(
                    LogLevel::Warn,
                    Some(id),
                    Some("wrpc"),
                    format!("its exports cannot be served to other hosts over wRPC: {err:#}"),
                ),
            }
        }
        // Its HTTP handler, for http-servers on other hosts (wrpc_http).
        if serves_http {
            match self.serve_http_over_wrpc(id).await {
                Ok(http) => match &mut serving {
                    Some(serving) => serving.join(http),
                    None => serving = Some(http),
                },
                Err(err) => self.logs.emit(
                    LogLevel::Warn,
                    Some(id),
                    Some("wrpc"),
                    format!("its HTTP handler cannot be served to other hosts over wRPC: {err:#}"),
                ),
            }
        }
        let Some(serving) = serving else { return };
        // The new subscriptions are in place before the old ones go.
        let before = entry
            .serving
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .replace(serving);
        if let Some(before) = before {
            before.stop().await;
        }
    }

    /// Calls `iface#func` of `target`, which does not run on this host, over wRPC
    /// (`spied`: this host records the call for the message spy).
    pub(super) async fn call_remote(
        &self,
        call: &ImportCall<'_>,
        target: &str,
        params: Vec<Val>,
        spied: bool,
    ) -> wasmtime::Result<Vec<Val>> {
        let ImportCall {
            source,
            link_name,
            iface,
            func,
            ty,
        } = *call;
        let Some(invoker) = &self.wrpc else {
            wasmtime::bail!(
                "component {source} called `{iface}#{func}`, linked to {target}, which is not \
                 a component running on this host (and this host does not call other hosts \
                 over wRPC)"
            );
        };
        let (param_types, result_types) = types_of(ty);
        if let Some(reason) = uncarriable(&param_types, &result_types) {
            wasmtime::bail!(
                "component {source} called `{iface}#{func}` on {target}, on another host: \
                 {reason}"
            );
        }
        let instance = trellis_wrpc::names::wire_instance(iface);
        let call = trellis_wrpc::Call {
            source,
            target,
            link_name,
            instance: &instance,
            func,
            params: &params,
            param_types: &param_types,
            result_types: &result_types,
            // Inside the invocation's own deadline, so that the caller hears why.
            timeout: remote_timeout(self.config.invocation_timeout),
            spied,
        };
        invoker.call(call).await.map_err(wasmtime::Error::from)
    }
}

/// Serves wRPC calls into one component of this host.
struct Served {
    inner: Weak<Inner>,
    id: Arc<str>,
}

impl Handler for Served {
    fn call(
        &self,
        export: &Export,
        invocation: Invocation,
    ) -> BoxFuture<'static, Result<Vec<Val>, String>> {
        let inner = self.inner.clone();
        let id = self.id.clone();
        let iface = export.instance.clone();
        let func = export.func.clone();
        Box::pin(async move {
            let Some(inner) = inner.upgrade() else {
                return Err("the host is shutting down".to_owned());
            };
            let source = invocation.source.as_deref().unwrap_or("(unnamed caller)");
            let link_name = invocation.link_name.as_deref().unwrap_or("default");
            // A Trellis caller that records the call says so: a spy sees it once.
            let spied = (!invocation.spied_by_caller && inner.spy.watching(&id)).then(|| {
                SpyCall::begin(
                    &inner.host_id,
                    source,
                    &id,
                    link_name,
                    &iface,
                    &func,
                    &invocation.params,
                )
            });
            // A root-level function travels under the empty instance name.
            let parent = (!iface.is_empty()).then_some(iface.as_str());
            let outcome = inner
                .call_export(&id, parent, &func, CallArgs::Values(invocation.params))
                .await;
            if let Some(call) = spied {
                call.finish(&inner.spy, &outcome);
            }
            outcome.map_err(|err| {
                let reason = super::http::describe_failure(&err);
                inner.logs.emit(
                    LogLevel::Error,
                    Some(&id),
                    Some("wrpc"),
                    format!("call `{iface}#{func}` from {source} failed: {reason}"),
                );
                reason
            })
        })
    }

    fn refused(&self, export: &Export, source: Option<&str>, reason: &str) {
        log_refused(&self.inner, &self.id, export, source, reason);
    }
}

/// A wRPC call to `id` that could not be taken, as a warning in `id`'s log.
pub(super) fn log_refused(
    inner: &Weak<Inner>,
    id: &str,
    export: &Export,
    source: Option<&str>,
    reason: &str,
) {
    if let Some(inner) = inner.upgrade() {
        let function = match export.instance.as_str() {
            "" => export.func.clone(),
            instance => format!("{instance}.{}", export.func),
        };
        inner.logs.emit(
            LogLevel::Warn,
            Some(id),
            Some("wrpc"),
            format!(
                "a call `{function}` from {} was refused: {reason}",
                source.unwrap_or("an unnamed caller")
            ),
        );
    }
}
