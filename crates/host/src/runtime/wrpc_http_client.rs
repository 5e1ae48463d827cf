//! The built-in http-client provider across hosts: served to other hosts as
//! `wrpc:http/outgoing-handler@0.1.0`, to callers linked to it only, with the same
//! egress policy as for this host's own components (public addresses unless the link's
//! or the provider's config allows more). The calling side is `providers::http_client`.

use std::sync::{Arc, Weak};
use std::time::Duration;

use futures::future::BoxFuture;
use hyper::{Request, Response};
use trellis_proto::LogLevel;
use trellis_wrpc::blobstore::Caller;
use trellis_wrpc::http::{error_code, ErrorCode, HttpService, RequestOptions, OUTGOING_HANDLER};
use trellis_wrpc::names::guest_interface;
use wasmtime::component::Val;
use wasmtime_wasi_http::p2::body::HyperOutgoingBody;

use super::core::Inner;
use super::spy::SpyCall;
use crate::providers::http_client::{send_checked, EgressPolicy};
use crate::providers::spy::result_val;

impl Inner {
    /// Serves built-in http-client provider `id` to components on other hosts (a no-op
    /// without a wRPC connection).
    pub(super) async fn serve_http_client_over_wrpc(self: &Arc<Self>, id: &str) {
        let Some(invoker) = &self.wrpc else {
            return;
        };
        let service = Arc::new(ServedHttpClient {
            inner: Arc::downgrade(self),
            id: id.into(),
        });
        let nats = invoker.nats().clone();
        let lattice = invoker.lattice();
        match trellis_wrpc::http::serve_http(nats, lattice, id, OUTGOING_HANDLER, service).await {
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
                format!("other hosts cannot reach this http-client provider over wRPC: {err:#}"),
            ),
        }
    }

    /// The egress policy of `source`'s link `link_name` to http-client `provider`, or why
    /// there is none.
    fn http_client_policy(
        &self,
        source: &str,
        link_name: &str,
        provider: &str,
    ) -> Result<EgressPolicy, String> {
        let running = self
            .registry
            .get(provider)
            .ok_or_else(|| format!("http-client provider {provider} stopped"))?;
        let links = self.links.read().unwrap_or_else(|p| p.into_inner());
        let entry = links.values().find(|entry| {
            let link = &entry.link;
            link.source_id == source
                && link.target == provider
                && link.name == link_name
                && link.wit_namespace == "wasi"
                && link.wit_package == "http"
                && (link.interfaces.is_empty()
                    || link.interfaces.iter().any(|i| i == "outgoing-handler"))
        });
        let Some(entry) = entry else {
            return Err(format!(
                "access denied: no link {link_name:?} for wasi:http/outgoing-handler from \
                 {source:?} to http-client provider {provider}"
            ));
        };
        EgressPolicy::from_configs([&entry.target_config, &entry.source_config, running.config()])
            .map_err(|e| format!("http-client provider {provider}: invalid config {e}"))
    }
}

/// Serves `wrpc:http/outgoing-handler` calls into one built-in http-client of this host.
struct ServedHttpClient {
    inner: Weak<Inner>,
    id: Arc<str>,
}

impl HttpService for ServedHttpClient {
    fn handle(
        &self,
        caller: Caller,
        request: Request<HyperOutgoingBody>,
        options: Option<RequestOptions>,
    ) -> BoxFuture<'static, Result<Response<HyperOutgoingBody>, ErrorCode>> {
        let inner = self.inner.clone();
        let id = self.id.clone();
        Box::pin(async move {
            let Some(inner) = inner.upgrade() else {
                return Err(ErrorCode::InternalError(Some(
                    "the host is shutting down".into(),
                )));
            };
            let source = caller.source.as_deref().unwrap_or_default();
            let link_name = caller.link_name.as_deref().unwrap_or("default");
            let policy = match inner.http_client_policy(source, link_name, &id) {
                Ok(policy) => policy,
                Err(reason) => {
                    inner.logs.emit(
                        LogLevel::Warn,
                        Some(&id),
                        Some("wrpc"),
                        format!("refused an outgoing request to {}: {reason}", request.uri()),
                    );
                    return Err(ErrorCode::HttpRequestDenied);
                }
            };
            let duration = |ns: Option<u64>| ns.map(Duration::from_nanos);
            let options = options.map(|o| wasmtime_wasi_http::RequestOptions {
                connect_timeout: duration(o.connect_timeout),
                first_byte_timeout: duration(o.first_byte_timeout),
                between_bytes_timeout: duration(o.between_bytes_timeout),
            });
            // A caller that is not a Trellis host records nothing: this host does, as the
            // caller's host would (method and URL out, status or error back).
            let spied = (!caller.spied && inner.spy.watching(&id)).then(|| {
                let sent = Val::String(format!("{} {}", request.method(), request.uri()));
                SpyCall::begin(
                    &inner.host_id,
                    source,
                    &id,
                    link_name,
                    &guest_interface(OUTGOING_HANDLER),
                    "handle",
                    &[sent],
                )
            });
            // Refusals are logged under the calling component's id, as for local ones.
            let component: Arc<str> = source.into();
            let sent = send_checked(policy, request, options, inner.logs.clone(), component).await;
            let outcome = match sent {
                Ok((response, io)) => {
                    // The connection's driver: it ends with the connection.
                    tokio::spawn(Box::into_pin(io));
                    Ok(response)
                }
                Err(err) => Err(error_code(err)),
            };
            if let Some(call) = spied {
                let status = |response: &Response<_>| Some(Val::U16(response.status().as_u16()));
                let error = |code: &ErrorCode| Some(Val::String(format!("{code:?}")));
                call.finish(&inner.spy, &Ok(vec![result_val(&outcome, status, error)]));
            }
            outcome
        })
    }

    fn refused(&self, source: Option<&str>, reason: &str) {
        if let Some(inner) = self.inner.upgrade() {
            inner.logs.emit(
                LogLevel::Warn,
                Some(&self.id),
                Some("wrpc"),
                format!(
                    "a request `{OUTGOING_HANDLER}.handle` from {} was refused: {reason}",
                    source.unwrap_or("an unnamed caller")
                ),
            );
        }
    }
}
