//! The built-in keyvalue provider across hosts: served to other hosts as
//! `wrpc:keyvalue/{store,atomics}@0.2.0-draft`, to callers linked to it only (as
//! wasmCloud's providers check `source-id`). The calling side is
//! `providers::keyvalue::remote`.

use std::sync::{Arc, OnceLock, Weak};

use futures::future::BoxFuture;
use trellis_proto::{ConfigMap, LogLevel};
use trellis_wrpc::keyvalue::{self as kv, KeyvalueTypes};
use trellis_wrpc::{Export, Handler, Invocation};
use wasmtime::component::Val;

use super::core::Inner;
use super::wrpc::log_refused;
use crate::providers::BuiltinKind;

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
        log_refused(&self.inner, &self.id, export, source, reason);
    }
}
