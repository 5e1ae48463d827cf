//! HTTP across hosts over `wrpc:http@0.1.0`, as wasmCloud 1.x carries it.
//!
//! - Serving: a component that exports `wasi:http/incoming-handler` is also served as
//!   `wrpc:http/incoming-handler@0.1.0.handle`, so an http-server on another host
//!   (Trellis's or wasmCloud's provider) reaches it; each call is one request through
//!   the same path as a local listener's ([`Inner::handle_http`]).
//! - Forwarding: an http-server link on this host whose component runs elsewhere sends
//!   each request there; nobody serving it answers `503` naming "no responder".

use std::sync::{Arc, Weak};
use std::time::Duration;

use bytes::Bytes;
use futures::future::BoxFuture;
use http_body_util::BodyExt as _;
use hyper::body::Body;
use hyper::{Request, Response, StatusCode};
use trellis_proto::{LinkKey, LogLevel};
use trellis_wrpc::blobstore::Caller;
use trellis_wrpc::http::{ErrorCode, HttpClient, HttpService, RequestOptions, INCOMING_HANDLER};
use trellis_wrpc::CallError;
use wasmtime::component::Val;
use wasmtime_wasi_http::p2::body::HyperOutgoingBody;

use super::http::plain;
use super::spy::SpyCall;
use super::Inner;

/// How long a component on another host may take to answer a request's head: a little
/// over this host's own invocation deadline, so that the far side's error comes first.
const FORWARD_SLACK: Duration = Duration::from_secs(2);

impl Inner {
    /// Serves component `id`'s `wasi:http/incoming-handler` to other hosts.
    pub(super) async fn serve_http_over_wrpc(
        self: &Arc<Self>,
        id: &str,
    ) -> anyhow::Result<trellis_wrpc::Serving> {
        let invoker = self
            .wrpc
            .as_ref()
            .ok_or_else(|| anyhow::anyhow!("this host has no wRPC connection"))?;
        let service = Arc::new(ServedHttp {
            inner: Arc::downgrade(self),
            id: id.into(),
        });
        trellis_wrpc::http::serve_http(
            invoker.nats().clone(),
            invoker.lattice(),
            id,
            INCOMING_HANDLER,
            service,
        )
        .await
    }

    /// Sends a request that came along http-server `link` to component `id`, which
    /// runs on another host.
    pub(super) async fn forward_http<B>(
        self: &Arc<Self>,
        id: &Arc<str>,
        link: &LinkKey,
        req: Request<B>,
        recorded: bool,
    ) -> Response<HyperOutgoingBody>
    where
        B: Body<Data = Bytes> + Send + 'static,
        B::Error: Into<wasmtime_wasi_http::Error>,
    {
        let Some(invoker) = &self.wrpc else {
            return plain(
                StatusCode::SERVICE_UNAVAILABLE,
                format!("component {id} is not running\n"),
            );
        };
        let client = HttpClient::new(
            invoker.clone(),
            &link.source_id,
            id,
            &link.name,
            self.config.invocation_timeout + FORWARD_SLACK,
        )
        .spied(recorded);
        let req = req.map(|body| body.map_err(Into::into).boxed_unsync());
        match client.handle(INCOMING_HANDLER, req, None).await {
            Ok(Ok(response)) => response,
            Ok(Err(code)) => plain(
                StatusCode::BAD_GATEWAY,
                format!("component {id} on another host answered with an error: {code}\n"),
            ),
            Err(err) => {
                let status = match &err {
                    CallError::NoResponder { .. } => StatusCode::SERVICE_UNAVAILABLE,
                    CallError::Timeout { .. } => StatusCode::GATEWAY_TIMEOUT,
                    _ => StatusCode::BAD_GATEWAY,
                };
                if matches!(err, CallError::NoResponder { .. }) {
                    invoker.forget(id);
                }
                self.logs.emit(
                    LogLevel::Warn,
                    Some(&link.source_id),
                    Some("http"),
                    format!("a request for {id} on another host failed: {err}"),
                );
                plain(status, format!("{err}\n"))
            }
        }
    }
}

/// A component's incoming-handler, served to other hosts.
struct ServedHttp {
    inner: Weak<Inner>,
    id: Arc<str>,
}

impl HttpService for ServedHttp {
    fn handle(
        &self,
        caller: Caller,
        request: Request<HyperOutgoingBody>,
        _options: Option<RequestOptions>,
    ) -> BoxFuture<'static, Result<Response<HyperOutgoingBody>, ErrorCode>> {
        let inner = self.inner.clone();
        let id = self.id.clone();
        Box::pin(async move {
            let Some(inner) = inner.upgrade() else {
                return Err(ErrorCode::InternalError(Some(
                    "the host is shutting down".into(),
                )));
            };
            let heard = inner.logs.is_heard();
            let line = heard.then(|| (request.method().clone(), request.uri().clone()));
            let began = std::time::Instant::now();
            // A caller that is not a Trellis host (a wasmCloud http-server) records nothing:
            // this host does, as the caller's host would (method and path in, status out).
            let spied = (!caller.spied && inner.spy.watching(&id)).then(|| {
                let path = request.uri().path_and_query().map_or("/", |p| p.as_str());
                SpyCall::begin(
                    &inner.host_id,
                    caller.source.as_deref().unwrap_or("(unnamed caller)"),
                    &id,
                    caller.link_name.as_deref().unwrap_or("default"),
                    "wasi:http/incoming-handler",
                    "handle",
                    &[Val::String(format!("{} {path}", request.method()))],
                )
            });
            // Never forwarded again: a request from another host is served here or fails.
            let response = inner.handle_http(&id, None, request, false).await;
            if let Some(call) = spied {
                let status = Val::U16(response.status().as_u16());
                call.finish(&inner.spy, &Ok(vec![status]));
            }
            if let Some((method, uri)) = line {
                let path = uri.path_and_query().map_or("/", |p| p.as_str());
                inner.logs.emit(
                    LogLevel::Info,
                    Some(&id),
                    Some("http"),
                    format!(
                        "{method} {path} from {} over wRPC → {} in {:.1} ms",
                        caller.source.as_deref().unwrap_or("an unnamed caller"),
                        response.status().as_u16(),
                        began.elapsed().as_secs_f64() * 1e3
                    ),
                );
            }
            Ok(response)
        })
    }

    fn refused(&self, source: Option<&str>, reason: &str) {
        if let Some(inner) = self.inner.upgrade() {
            inner.logs.emit(
                LogLevel::Warn,
                Some(&self.id),
                Some("wrpc"),
                format!(
                    "a request `{INCOMING_HANDLER}.handle` from {} was refused: {reason}",
                    source.unwrap_or("an unnamed caller")
                ),
            );
        }
    }
}
