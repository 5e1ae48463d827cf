//! The http-server built-in provider: one hyper listener per address, serving the
//! `wasi:http/incoming-handler` of the components linked to it.
//!
//! Each request gets a fresh instance (from the component's `ProxyPre`) inside one of
//! its `max_instances` permits. A trap, a deadline or a memory overrun fails only that
//! request with a 500 and a log record naming the component.

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, RwLock, Weak};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::{Request, Response, StatusCode};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use trellis_proto::{LinkKey, LogLevel};
use wasmtime_wasi_http::io::TokioIo;
use wasmtime_wasi_http::p2::bindings::http::types::Scheme;
use wasmtime_wasi_http::p2::body::HyperOutgoingBody;
use wasmtime_wasi_http::WasiHttpView;

use super::state::{new_store, DeadlineExceeded};
use super::Inner;
use crate::HostError;

/// Default listen address of an http-server link without an `address` config: the
/// `address` of http-server's default config in trellis-wit's table of built-ins, as a
/// constant for command-line defaults (a test keeps the two equal).
pub const DEFAULT_HTTP_ADDRESS: &str = "127.0.0.1:8000";

/// A path-prefix route of a listener to a component.
#[derive(Clone, Debug)]
struct Route {
    link: LinkKey,
    path: Option<String>,
    component: Arc<str>,
}

/// One bound address.
struct Listener {
    routes: Arc<RwLock<Vec<Route>>>,
    stop: CancellationToken,
}

/// The listeners of a runtime, by address.
#[derive(Default)]
pub(crate) struct HttpServers {
    listeners: HashMap<SocketAddr, Listener>,
}

/// Parses an http-server `address` config value (`host:port`, also `http://host:port`).
pub(crate) fn parse_address(address: &str) -> Result<SocketAddr, HostError> {
    let trimmed = address.trim().trim_start_matches("http://");
    let trimmed = trimmed.trim_end_matches('/');
    let trimmed = match trimmed.strip_prefix("localhost:") {
        Some(port) => format!("127.0.0.1:{port}"),
        None => trimmed.to_owned(),
    };
    trimmed.parse().map_err(|e| HostError::InvalidAddress {
        address: address.into(),
        reason: format!("{e} (expected host:port, e.g. {DEFAULT_HTTP_ADDRESS})"),
    })
}

impl HttpServers {
    /// Routes `address` (+ optional path prefix) to `component` for `link`, binding the
    /// address first if no listener has it yet. Returns the bound address.
    pub(crate) async fn add_route(
        &mut self,
        runtime: Weak<Inner>,
        address: SocketAddr,
        path: Option<String>,
        link: LinkKey,
        component: &str,
    ) -> Result<SocketAddr, HostError> {
        // One link owns one route: re-applying a link moves it.
        self.remove_route(&link);
        let route = Route {
            link,
            path: path.filter(|p| !p.is_empty() && p != "/"),
            component: component.into(),
        };
        if let Some(listener) = self.listeners.get(&address) {
            let mut routes = listener.routes.write().unwrap_or_else(|p| p.into_inner());
            routes.push(route);
            return Ok(address);
        }
        let socket = TcpListener::bind(address)
            .await
            .map_err(|error| HostError::Listen {
                address: address.to_string(),
                error,
            })?;
        let bound = socket.local_addr().unwrap_or(address);
        let routes = Arc::new(RwLock::new(vec![route]));
        let stop = CancellationToken::new();
        tokio::spawn(serve(socket, routes.clone(), runtime, stop.clone()));
        self.listeners.insert(address, Listener { routes, stop });
        Ok(bound)
    }

    /// Removes the route of `link`; a listener left without routes is closed.
    pub(crate) fn remove_route(&mut self, link: &LinkKey) {
        self.listeners.retain(|_, listener| {
            let mut routes = listener.routes.write().unwrap_or_else(|p| p.into_inner());
            routes.retain(|r| &r.link != link);
            let keep = !routes.is_empty();
            if !keep {
                listener.stop.cancel();
            }
            keep
        });
    }

    /// Closes every listener.
    pub(crate) fn shutdown(&mut self) {
        for (_, listener) in self.listeners.drain() {
            listener.stop.cancel();
        }
    }
}

async fn serve(
    socket: TcpListener,
    routes: Arc<RwLock<Vec<Route>>>,
    runtime: Weak<Inner>,
    stop: CancellationToken,
) {
    loop {
        let accepted = tokio::select! {
            _ = stop.cancelled() => return,
            accepted = socket.accept() => accepted,
        };
        let (stream, _peer) = match accepted {
            Ok(conn) => conn,
            Err(err) => {
                // Running out of file descriptors must not end the server.
                tracing::warn!("http-server accept failed: {err}");
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let routes = routes.clone();
        let runtime = runtime.clone();
        let stop = stop.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |req: Request<Incoming>| {
                let routes = routes.clone();
                let runtime = runtime.clone();
                async move { Ok::<_, Infallible>(dispatch(&routes, &runtime, req).await) }
            });
            let conn = hyper::server::conn::http1::Builder::new()
                .keep_alive(true)
                .serve_connection(TokioIo::new(stream), service);
            let mut conn = std::pin::pin!(conn);
            tokio::select! {
                _ = conn.as_mut() => {}
                _ = stop.cancelled() => {
                    conn.as_mut().graceful_shutdown();
                    let _ = conn.await;
                }
            }
        });
    }
}

async fn dispatch(
    routes: &RwLock<Vec<Route>>,
    runtime: &Weak<Inner>,
    req: Request<Incoming>,
) -> Response<HyperOutgoingBody> {
    let component = {
        let routes = routes.read().unwrap_or_else(|p| p.into_inner());
        let path = req.uri().path();
        routes
            .iter()
            .filter(|r| match &r.path {
                None => true,
                Some(prefix) => path.starts_with(prefix.as_str()),
            })
            .max_by_key(|r| r.path.as_ref().map_or(0, String::len))
            .map(|r| r.component.clone())
    };
    let Some(component) = component else {
        return plain(
            StatusCode::NOT_FOUND,
            "no component is linked to this path\n",
        );
    };
    let Some(runtime) = runtime.upgrade() else {
        return plain(
            StatusCode::SERVICE_UNAVAILABLE,
            "the host is shutting down\n",
        );
    };
    runtime.handle_http(&component, req).await
}

/// A small text response.
pub(crate) fn plain(status: StatusCode, text: impl Into<String>) -> Response<HyperOutgoingBody> {
    let body = Full::new(Bytes::from(text.into()))
        .map_err(|never: Infallible| match never {})
        .boxed_unsync();
    let mut response = Response::new(body);
    *response.status_mut() = status;
    response.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

/// Turns a failed invocation into one line naming the cause.
pub(crate) fn describe_failure(err: &wasmtime::Error) -> String {
    if let Some(deadline) = err.downcast_ref::<DeadlineExceeded>() {
        return deadline.to_string();
    }
    if let Some(trap) = err.downcast_ref::<wasmtime::Trap>() {
        return format!("guest trapped: {trap}");
    }
    let root = err.root_cause().to_string();
    let top = err.to_string();
    if root == top {
        top
    } else {
        format!("{top}: {root}")
    }
}

impl Inner {
    /// Serves one request with component `id`.
    pub(crate) async fn handle_http(
        self: &Arc<Self>,
        id: &Arc<str>,
        req: Request<Incoming>,
    ) -> Response<HyperOutgoingBody> {
        let Some(entry) = self.component(id) else {
            return plain(
                StatusCode::SERVICE_UNAVAILABLE,
                format!("component {id} is not running\n"),
            );
        };
        let (loaded, permits) = entry.current();
        let Some(proxy) = loaded.proxy.clone() else {
            return plain(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("component {id} does not export wasi:http/incoming-handler\n"),
            );
        };
        let timeout = self.config.invocation_timeout;
        let permit = match tokio::time::timeout(timeout, permits.acquire_owned()).await {
            Ok(Ok(permit)) => permit,
            Ok(Err(_)) => {
                return plain(
                    StatusCode::SERVICE_UNAVAILABLE,
                    format!("component {id} is scaled to zero\n"),
                )
            }
            Err(_) => {
                return plain(
                    StatusCode::SERVICE_UNAVAILABLE,
                    format!("component {id} is busy (all instances in use)\n"),
                )
            }
        };
        let mut store = new_store(self.store_params(&entry));
        let (sender, receiver) = tokio::sync::oneshot::channel();
        let prepared = store
            .data_mut()
            .http()
            .new_incoming_request(Scheme::Http, req)
            .and_then(|req| {
                let out = store.data_mut().http().new_response_outparam(sender)?;
                Ok((req, out))
            });
        let (req, out) = match prepared {
            Ok(parts) => parts,
            Err(err) => return plain(StatusCode::BAD_REQUEST, format!("{err}\n")),
        };
        let logs = self.logs.clone();
        let component = id.clone();
        let task = tokio::spawn(async move {
            let _permit = permit;
            let run = async {
                let proxy = proxy.instantiate_async(&mut store).await?;
                proxy
                    .wasi_http_incoming_handler()
                    .call_handle(&mut store, req, out)
                    .await
            };
            // The epoch deadline stops running guest code; this also bounds time spent
            // waiting in host calls. A little slack lets the epoch trap report first.
            let slack = std::time::Duration::from_millis(200);
            let result = match tokio::time::timeout(timeout + slack, run).await {
                Ok(result) => result,
                Err(_) => Err(DeadlineExceeded(timeout).into()),
            };
            result.map_err(|err| {
                let reason = describe_failure(&err);
                logs.emit(
                    LogLevel::Error,
                    Some(&component),
                    Some("http"),
                    format!("request failed: {reason}"),
                );
                tracing::debug!(component = &*component, "request failed: {err:?}");
                reason
            })
        });
        match receiver.await {
            Ok(Ok(response)) => response,
            Ok(Err(code)) => plain(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("component {id} answered with an error: {code:?}\n"),
            ),
            Err(_) => {
                let reason = match task.await {
                    Ok(Err(reason)) => reason,
                    Ok(Ok(())) => "the component returned without setting a response".into(),
                    Err(join) => format!("the request task failed: {join}"),
                };
                plain(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    format!("component {id} failed: {reason}\n"),
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_parse_with_clear_errors() {
        assert_eq!(
            parse_address("127.0.0.1:8080").unwrap(),
            "127.0.0.1:8080".parse().unwrap()
        );
        assert_eq!(
            parse_address("http://localhost:9000/").unwrap(),
            "127.0.0.1:9000".parse().unwrap()
        );
        let err = parse_address("nonsense").unwrap_err().to_string();
        assert!(
            err.contains("nonsense") && err.contains("host:port"),
            "{err}"
        );
    }

    #[test]
    fn the_default_address_is_the_builtin_tables() {
        let defaults = crate::BuiltinKind::HttpServer.spec().default_config();
        assert_eq!(
            defaults.get("address").map(String::as_str),
            Some(DEFAULT_HTTP_ADDRESS)
        );
    }
}
