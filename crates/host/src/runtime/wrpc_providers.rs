//! Built-in providers served to other hosts over wRPC, as wasmCloud 1.x providers are:
//! keyvalue as `wrpc:keyvalue` (`wrpc_keyvalue`), messaging as
//! `wasmcloud:messaging/consumer` (`wrpc_messaging`), blobstore as `wrpc:blobstore`
//! (`wrpc_blobstore`: typed, its data streamed). Like wasmCloud's providers, each answers
//! only callers with a link to it (the `source-id` and `link-name` headers).

use std::marker::PhantomData;
use std::sync::{Arc, OnceLock, Weak};

use futures::future::BoxFuture;
use trellis_proto::{ConfigMap, LogLevel};
use trellis_wrpc::types::Signature;
use trellis_wrpc::{Export, Handler, Invocation};
use wasmtime::component::Val;

use super::core::Inner;
use super::spy::SpyCall;
use super::wrpc::log_refused;
use crate::providers::BuiltinKind;

/// Types read from a provider interface's WIT once per process, with the host's engine
/// (`load` runs at most once; its error is kept and returned to every caller).
pub(super) fn types_once<T>(
    cell: &'static OnceLock<Result<Arc<T>, String>>,
    load: fn(&wasmtime::Engine) -> anyhow::Result<T>,
) -> Result<Arc<T>, String> {
    cell.get_or_init(|| {
        let shared = super::engine::shared().map_err(|e| e.to_string())?;
        load(&shared.engine)
            .map(Arc::new)
            .map_err(|e| format!("{e:#}"))
    })
    .clone()
}

/// The functions a provider serves and what answers them, or why it cannot be served.
pub(super) type ProviderExports = Result<(Vec<Export>, Arc<dyn Handler>), String>;

/// How one kind of built-in provider answers a call from another host.
pub(super) trait ProviderAnswer: Send + Sync + 'static {
    /// The single result of `func` of `provider`, called with `invocation`; `Err` when
    /// the call cannot be answered at all (its arguments do not fit), which the caller
    /// sees as a call that ended without a result.
    fn answer<'a>(
        inner: &'a Inner,
        provider: &'a str,
        func: &'a str,
        invocation: Invocation,
    ) -> BoxFuture<'a, Result<Val, String>>;
}

/// Serves `signatures` of provider `id`, answered by `A`.
pub(super) fn provider_exports<'a, A: ProviderAnswer>(
    inner: &Arc<Inner>,
    id: &str,
    signatures: impl IntoIterator<Item = &'a Signature>,
) -> ProviderExports {
    let exports = signatures.into_iter().map(Signature::export).collect();
    let handler = Arc::new(ServedProvider::<A> {
        inner: Arc::downgrade(inner),
        id: id.into(),
        kind: PhantomData,
    });
    Ok((exports, handler))
}

/// Serves wRPC calls into one built-in provider of this host.
struct ServedProvider<A> {
    inner: Weak<Inner>,
    id: Arc<str>,
    kind: PhantomData<fn() -> A>,
}

impl<A: ProviderAnswer> Handler for ServedProvider<A> {
    fn call(
        &self,
        export: &Export,
        invocation: Invocation,
    ) -> BoxFuture<'static, Result<Vec<Val>, String>> {
        let inner = self.inner.clone();
        let id = self.id.clone();
        let func = export.func.clone();
        // Named as the caller imports it, as records of calls on this host are.
        let interface = trellis_wrpc::names::guest_interface(&export.instance);
        Box::pin(async move {
            let Some(inner) = inner.upgrade() else {
                return Err("the host is shutting down".to_owned());
            };
            // A Trellis caller that records the call says so: a spy sees it once.
            let spied = (!invocation.spied_by_caller && inner.spy.watching(&id)).then(|| {
                SpyCall::begin(
                    &inner.host_id,
                    invocation.source.as_deref().unwrap_or("(unnamed caller)"),
                    &id,
                    invocation.link_name.as_deref().unwrap_or("default"),
                    &interface,
                    &func,
                    &invocation.params,
                )
            });
            let outcome = A::answer(&inner, &id, &func, invocation)
                .await
                .map(|value| vec![value]);
            if let Some(call) = spied {
                let recorded = outcome.clone().map_err(wasmtime::Error::msg);
                call.finish(&inner.spy, &recorded);
            }
            outcome.inspect_err(|reason| {
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

impl Inner {
    /// Serves built-in provider `id` to components on other hosts (a no-op for kinds
    /// that are not served, or without a wRPC connection).
    pub(super) async fn serve_provider_over_wrpc(self: &Arc<Self>, id: &str) {
        let Some(invoker) = &self.wrpc else {
            return;
        };
        let Some(kind) = self.registry.get(id).map(|p| p.kind()) else {
            return;
        };
        let exports = match kind {
            BuiltinKind::KeyValue => self.keyvalue_exports(id),
            BuiltinKind::Messaging => self.messaging_exports(id),
            // Typed, with streams: served by its own module.
            BuiltinKind::Blobstore => return self.serve_blobstore_over_wrpc(id).await,
            BuiltinKind::HttpClient => return self.serve_http_client_over_wrpc(id).await,
            _ => return,
        };
        let served = match exports {
            Ok((exports, handler)) => {
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
                format!(
                    "other hosts cannot reach this {} provider over wRPC: {err}",
                    kind.name()
                ),
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

    /// The target config of the link that lets `source` use `provider` under
    /// `link_name` for WIT package `(namespace, package)` (`None`: no such link, so no
    /// access).
    pub(super) fn provider_link(
        &self,
        source: &str,
        link_name: &str,
        provider: &str,
        (namespace, package): (&str, &str),
    ) -> Option<ConfigMap> {
        let links = self.links.read().unwrap_or_else(|p| p.into_inner());
        links
            .values()
            .find(|entry| {
                let link = &entry.link;
                link.source_id == source
                    && link.target == provider
                    && link.name == link_name
                    && link.wit_namespace == namespace
                    && link.wit_package == package
            })
            .map(|entry| entry.target_config.clone())
    }
}
