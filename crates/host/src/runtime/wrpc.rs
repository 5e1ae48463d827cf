//! Links past this host's edge, over wRPC (wasmCloud 1.x's data plane).
//!
//! - Serving: each component's custom-interface exports are served on the lattice as
//!   `<lattice>.<id>.wrpc.0.0.1.<interface>.<function>` in queue group `<lattice>.<id>`,
//!   so a caller on any host (Trellis or wasmCloud) reaches one of its replicas.
//! - Calling: an import linked to a target that does not run here is invoked there,
//!   with the `source-id` and `link-name` headers and the host's invocation deadline.
//!
//! - Providers: a built-in keyvalue provider is served as `wrpc:keyvalue` (to callers
//!   linked to it), and a component's `wasi:keyvalue` bucket on a provider elsewhere is
//!   reached the same way (`providers::keyvalue::remote`).
//!
//! Only values complete in one message cross: functions with resources, streams or
//! futures are not served, and calling one on another host is refused before anything
//! is sent, naming the type at fault.

use std::sync::{Arc, OnceLock, Weak};

use futures::future::BoxFuture;
use trellis_proto::{ConfigMap, LogLevel};
use trellis_wrpc::keyvalue::{self as kv, KeyvalueTypes};
use trellis_wrpc::{Export, Handler, Invocation};
use wasmtime::component::types::{ComponentFunc, ComponentItem};
use wasmtime::component::{Component, Type, Val};
use wasmtime::Engine;

use super::core::Inner;
use super::invoke::{CallArgs, ImportCall};
use super::spy::SpyCall;
use crate::providers::BuiltinKind;

/// Packages whose exports wasmCloud serves under other names and shapes (HTTP handlers
/// take resources): not served over wRPC by Trellis.
const UNSERVED_PACKAGES: &[&str] = &["wasi:", "wasmcloud:"];

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
        if UNSERVED_PACKAGES.iter().any(|p| name.starts_with(p)) {
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
fn remote_timeout(deadline: std::time::Duration) -> std::time::Duration {
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
        let exports = entry.current().0.served.clone();
        if exports.is_empty() {
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
        let count = exports.len();
        let handler = Arc::new(Served {
            inner: Arc::downgrade(self),
            id: id.into(),
        });
        let nats = invoker.nats().clone();
        match trellis_wrpc::serve(nats, invoker.lattice(), id, exports, handler).await {
            Ok(serving) => {
                // The new subscriptions are in place before the old ones go.
                let before = entry
                    .serving
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .replace(serving);
                if let Some(before) = before {
                    before.stop().await;
                }
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

    /// Calls `iface#func` of `target`, which does not run on this host, over wRPC.
    pub(super) async fn call_remote(
        &self,
        call: &ImportCall<'_>,
        target: &str,
        params: Vec<Val>,
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
            let spied = inner.spy.watching(&id).then(|| {
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
        if let Some(inner) = self.inner.upgrade() {
            inner.logs.emit(
                LogLevel::Warn,
                Some(&self.id),
                Some("wrpc"),
                format!(
                    "a call `{}#{}` from {} was refused: {reason}",
                    export.instance,
                    export.func,
                    source.unwrap_or("an unnamed caller")
                ),
            );
        }
    }
}

/// The `wrpc:keyvalue` types, read once with the host's engine.
pub(crate) fn keyvalue_types() -> Result<Arc<KeyvalueTypes>, String> {
    static TYPES: OnceLock<Result<Arc<KeyvalueTypes>, String>> = OnceLock::new();
    TYPES
        .get_or_init(|| {
            let shared = super::engine::shared().map_err(|e| e.to_string())?;
            KeyvalueTypes::load(&shared.engine)
                .map(Arc::new)
                .map_err(|e| format!("{e:#}"))
        })
        .clone()
}

impl Inner {
    /// Serves built-in keyvalue provider `id` to components on other hosts as
    /// `wrpc:keyvalue` (a no-op for other kinds or without a wRPC connection).
    pub(super) async fn serve_provider_over_wrpc(self: &Arc<Self>, id: &str) {
        let Some(invoker) = &self.wrpc else {
            return;
        };
        let is_keyvalue = self
            .registry
            .get(id)
            .is_some_and(|p| p.kind() == BuiltinKind::KeyValue);
        if !is_keyvalue {
            return;
        }
        let served = match keyvalue_types() {
            Ok(types) => {
                let exports: Vec<Export> = types
                    .signatures()
                    .map(|s| Export {
                        instance: s.instance.into(),
                        func: s.func.into(),
                        param_types: s.params.clone(),
                        result_types: s.results.clone(),
                    })
                    .collect();
                let handler = Arc::new(ServedKeyvalue {
                    inner: Arc::downgrade(self),
                    id: id.into(),
                });
                let nats = invoker.nats().clone();
                trellis_wrpc::serve(nats, invoker.lattice(), id, exports, handler)
                    .await
                    .map_err(|e| format!("{e:#}"))
            }
            Err(err) => Err(err),
        };
        match served {
            Ok(serving) => {
                self.provider_serving
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .insert(id.to_owned(), serving);
            }
            Err(err) => self.logs.emit(
                LogLevel::Warn,
                Some(id),
                Some("wrpc"),
                format!("other hosts cannot reach this keyvalue provider over wRPC: {err}"),
            ),
        }
    }

    /// Stops serving provider `id` to other hosts.
    pub(super) async fn stop_serving_provider(&self, id: &str) {
        let serving = self
            .provider_serving
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(id);
        if let Some(serving) = serving {
            serving.stop().await;
        }
    }

    /// Stops serving every component and provider to other hosts (the host stops).
    pub(super) async fn stop_all_serving(&self) {
        let mut all: Vec<trellis_wrpc::Serving> = self
            .provider_serving
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .drain()
            .map(|(_, serving)| serving)
            .collect();
        let entries: Vec<_> = self
            .components
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .values()
            .cloned()
            .collect();
        for entry in entries {
            all.extend(
                entry
                    .serving
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .take(),
            );
        }
        futures::future::join_all(all.into_iter().map(trellis_wrpc::Serving::stop)).await;
    }

    /// The target config of the link that lets `source` use keyvalue provider
    /// `provider` under `link_name` (`None`: no such link, so no access).
    fn keyvalue_link(&self, source: &str, link_name: &str, provider: &str) -> Option<ConfigMap> {
        let links = self.links.read().unwrap_or_else(|p| p.into_inner());
        links
            .values()
            .find(|entry| {
                let link = &entry.link;
                link.source_id == source
                    && link.target == provider
                    && link.name == link_name
                    && link.wit_namespace == "wasi"
                    && link.wit_package == "keyvalue"
            })
            .map(|entry| entry.target_config.clone())
    }
}

/// Serves `wrpc:keyvalue` calls into one built-in keyvalue provider of this host.
struct ServedKeyvalue {
    inner: Weak<Inner>,
    id: Arc<str>,
}

impl ServedKeyvalue {
    async fn answer(
        inner: &Inner,
        provider: &str,
        func: &str,
        invocation: Invocation,
    ) -> Result<Val, String> {
        // Like wasmCloud's providers: only callers linked to this provider get in.
        let source = invocation.source.as_deref().unwrap_or_default();
        let link_name = invocation.link_name.as_deref().unwrap_or("default");
        let Some(target_config) = inner.keyvalue_link(source, link_name, provider) else {
            inner.logs.emit(
                LogLevel::Warn,
                Some(provider),
                Some("wrpc"),
                format!(
                    "refused {func} from {source:?}: no link {link_name:?} from it to this \
                     provider"
                ),
            );
            return Ok(kv::err_access_denied());
        };
        let Some(running) = inner.registry.get(provider) else {
            return Ok(kv::err_other("the keyvalue provider stopped"));
        };
        let Some(store) = running.keyvalue() else {
            return Ok(kv::err_other("not a keyvalue provider"));
        };
        let mut params = invocation.params.into_iter();
        let Some(Val::String(bucket)) = params.next() else {
            return Err(format!("{func}: the first argument is not a bucket name"));
        };
        let bucket = match store.open(&bucket, &target_config).await {
            Ok(bucket) => bucket,
            Err(message) => return Ok(kv::err_other(message)),
        };
        let mut next = || params.next();
        let text = |v: Option<Val>| match v {
            Some(Val::String(s)) => Ok(s),
            other => Err(format!("{func}: expected a string, got {other:?}")),
        };
        let outcome = match func {
            "get" => {
                let key = text(next())?;
                bucket
                    .backend
                    .get(&key)
                    .await
                    .map(|value| Some(Val::Option(value.map(|v| Box::new(kv::list_of(&v))))))
            }
            "set" => {
                let key = text(next())?;
                let value = next()
                    .as_ref()
                    .and_then(kv::bytes_of)
                    .ok_or_else(|| format!("{func}: the value is not bytes"))?;
                bucket.set(&key, value).await.map(|()| None)
            }
            "delete" => {
                let key = text(next())?;
                bucket.backend.delete(&key).await.map(|()| None)
            }
            "exists" => {
                let key = text(next())?;
                bucket
                    .backend
                    .get(&key)
                    .await
                    .map(|v| Some(Val::Bool(v.is_some())))
            }
            "list-keys" => {
                let cursor = match next() {
                    Some(Val::Option(Some(at))) => match *at {
                        Val::U64(at) => Some(at),
                        _ => None,
                    },
                    _ => None,
                };
                bucket.backend.keys().await.map(|keys| {
                    let (keys, cursor) = crate::providers::keyvalue::page(keys, cursor);
                    Some(Val::Record(vec![
                        (
                            "keys".into(),
                            Val::List(keys.into_iter().map(Val::String).collect()),
                        ),
                        (
                            "cursor".into(),
                            Val::Option(cursor.map(|c| Box::new(Val::U64(c)))),
                        ),
                    ]))
                })
            }
            "increment" => {
                let key = text(next())?;
                let Some(Val::U64(delta)) = next() else {
                    return Err(format!("{func}: the delta is not a u64"));
                };
                bucket
                    .backend
                    .increment(&key, delta)
                    .await
                    .map(|n| Some(Val::U64(n)))
            }
            other => return Err(format!("unknown keyvalue function {other}")),
        };
        Ok(match outcome {
            Ok(payload) => kv::ok(payload),
            Err(message) => kv::err_other(message),
        })
    }
}

impl Handler for ServedKeyvalue {
    fn call(
        &self,
        export: &Export,
        invocation: Invocation,
    ) -> BoxFuture<'static, Result<Vec<Val>, String>> {
        let inner = self.inner.clone();
        let id = self.id.clone();
        let func = export.func.clone();
        Box::pin(async move {
            let Some(inner) = inner.upgrade() else {
                return Err("the host is shutting down".to_owned());
            };
            Self::answer(&inner, &id, &func, invocation)
                .await
                .map(|value| vec![value])
                .inspect_err(|reason| {
                    inner.logs.emit(
                        LogLevel::Warn,
                        Some(&id),
                        Some("wrpc"),
                        format!("refused {func}: {reason}"),
                    )
                })
        })
    }

    fn refused(&self, export: &Export, source: Option<&str>, reason: &str) {
        if let Some(inner) = self.inner.upgrade() {
            inner.logs.emit(
                LogLevel::Warn,
                Some(&self.id),
                Some("wrpc"),
                format!(
                    "a call {}.{} from {} was refused: {reason}",
                    export.instance,
                    export.func,
                    source.unwrap_or("an unnamed caller")
                ),
            );
        }
    }
}
