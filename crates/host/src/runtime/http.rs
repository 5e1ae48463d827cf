//! The http-server built-in provider: one hyper listener per address, serving the
//! `wasi:http/incoming-handler` of the components linked to it.
//!
//! Each request gets a fresh instance (from the component's `ProxyPre`) inside one of
//! its `max_instances` permits. A trap, a deadline or a memory overrun fails only that
//! request with a 500 and a log record naming the component.
//!
//! Each listener bounds what clients can hold: see [`HttpLimits`] for the header-read
//! and idle timeouts, the connection cap and the request-body cap, their defaults and
//! the link source config keys that change them.

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock, Weak};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Body, Incoming};
use hyper::{Request, Response, StatusCode};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt as _, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;
use trellis_proto::{LinkKey, LogLevel};
use wasmtime::component::Val;
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

/// What one http-server listener lets its clients hold, set by the source config of
/// the link that binds the address (a later link on the same address shares the
/// listener and its limits).
///
/// | key | default | what |
/// |---|---|---|
/// | `header_read_timeout` | `10s` | time to send a request head; also bounds waiting for the next request on a kept-alive connection. When it passes the connection is closed (hyper sends no 408). |
/// | `idle_timeout` | `60s` | a connection with no bytes read or written for this long is closed (a stalled body upload, a client that stopped reading). |
/// | `max_connections` | `1024` | open connections; one more is answered `503 Service Unavailable` and closed. |
/// | `max_body_bytes` | `10485760` (10 MiB) | request body size; a larger `content-length` gets `413 Content Too Large`, a longer chunked body fails the component's read. |
///
/// Durations are written as humantime (`500ms`, `10s`, `1m`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HttpLimits {
    /// See the `header_read_timeout` key.
    pub header_read_timeout: Duration,
    /// See the `idle_timeout` key.
    pub idle_timeout: Duration,
    /// See the `max_connections` key.
    pub max_connections: usize,
    /// See the `max_body_bytes` key.
    pub max_body_bytes: u64,
}

impl Default for HttpLimits {
    fn default() -> Self {
        HttpLimits {
            header_read_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            max_connections: 1024,
            max_body_bytes: 10 << 20,
        }
    }
}

impl HttpLimits {
    /// Reads the limits from an http-server link's source config; absent keys keep
    /// their defaults, a malformed or zero value is refused naming the key.
    pub fn from_config(config: &trellis_proto::ConfigMap) -> Result<Self, HostError> {
        let mut limits = HttpLimits::default();
        let invalid = |key: &str, value: &str, expected: &str| {
            HostError::InvalidConfig(format!(
                "http-server config {key}={value:?}: expected {expected}"
            ))
        };
        let duration = |key: &str, slot: &mut Duration| -> Result<(), HostError> {
            if let Some(value) = config.get(key) {
                match humantime::parse_duration(value.trim()) {
                    Ok(parsed) if !parsed.is_zero() => *slot = parsed,
                    _ => return Err(invalid(key, value, "a duration above zero, e.g. 10s")),
                }
            }
            Ok(())
        };
        duration("header_read_timeout", &mut limits.header_read_timeout)?;
        duration("idle_timeout", &mut limits.idle_timeout)?;
        if let Some(value) = config.get("max_connections") {
            limits.max_connections = value
                .trim()
                .parse()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| invalid("max_connections", value, "a count above zero"))?;
        }
        if let Some(value) = config.get("max_body_bytes") {
            limits.max_body_bytes = value
                .trim()
                .parse()
                .map_err(|_| invalid("max_body_bytes", value, "a number of bytes"))?;
        }
        Ok(limits)
    }
}

/// A path-prefix route of a listener to a component.
#[derive(Clone, Debug)]
struct Route {
    link: Arc<LinkKey>,
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
        limits: HttpLimits,
    ) -> Result<SocketAddr, HostError> {
        let route = Route {
            link: Arc::new(link),
            path: path.filter(|p| !p.is_empty() && p != "/"),
            component: component.into(),
        };
        // A link applied again on its own address (a restart's restore, the KV watcher
        // catching up) keeps its listener: closing and rebinding would race the old
        // socket's close and fail with "address in use".
        if let Some(listener) = self.listeners.get(&address) {
            let mut routes = listener.routes.write().unwrap_or_else(|p| p.into_inner());
            if let Some(same) = routes.iter_mut().find(|r| r.link == route.link) {
                *same = route;
                return Ok(address);
            }
        }
        // One link owns one route: re-applying a link elsewhere moves it.
        self.remove_route(&route.link);
        if let Some(listener) = self.listeners.get(&address) {
            let mut routes = listener.routes.write().unwrap_or_else(|p| p.into_inner());
            routes.push(route);
            return Ok(address);
        }
        let socket = bind(address).await?;
        let bound = socket.local_addr().unwrap_or(address);
        let routes = Arc::new(RwLock::new(vec![route]));
        let stop = CancellationToken::new();
        tokio::spawn(serve(socket, routes.clone(), runtime, stop.clone(), limits));
        self.listeners.insert(address, Listener { routes, stop });
        Ok(bound)
    }

    /// Removes the route of `link`; a listener left without routes is closed.
    pub(crate) fn remove_route(&mut self, link: &LinkKey) {
        self.listeners.retain(|_, listener| {
            let mut routes = listener.routes.write().unwrap_or_else(|p| p.into_inner());
            routes.retain(|r| *r.link != *link);
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
    limits: HttpLimits,
) {
    // One permit per open connection: the cap on concurrent connections.
    let connections = Arc::new(Semaphore::new(limits.max_connections));
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
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let Ok(permit) = connections.clone().try_acquire_owned() else {
            tokio::spawn(refuse_busy(stream, limits.max_connections));
            continue;
        };
        let (routes, runtime, stop) = (routes.clone(), runtime.clone(), stop.clone());
        tokio::spawn(async move {
            let _permit = permit;
            serve_connection(stream, routes, runtime, stop, limits).await;
        });
    }
}

/// Answers a connection over the cap with a 503 and closes it, never waiting long on
/// a client that does not read.
async fn refuse_busy(mut stream: TcpStream, max_connections: usize) {
    let body = format!("the server is at its limit of {max_connections} connections\n");
    let response = format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/plain; charset=utf-8\r\n\
         content-length: {}\r\nconnection: close\r\nretry-after: 1\r\n\r\n{body}",
        body.len()
    );
    let _ = tokio::time::timeout(Duration::from_secs(1), async {
        stream.write_all(response.as_bytes()).await?;
        stream.shutdown().await
    })
    .await;
}

/// Serves one connection until it ends, the listener stops or it stays idle too long.
async fn serve_connection(
    stream: TcpStream,
    routes: Arc<RwLock<Vec<Route>>>,
    runtime: Weak<Inner>,
    stop: CancellationToken,
    limits: HttpLimits,
) {
    let activity = Arc::new(Activity::new());
    let io = Tracked {
        inner: stream,
        activity: activity.clone(),
    };
    let service = hyper::service::service_fn(move |req: Request<Incoming>| {
        let routes = routes.clone();
        let runtime = runtime.clone();
        async move { Ok::<_, Infallible>(dispatch(&routes, &runtime, req, limits).await) }
    });
    let conn = hyper::server::conn::http1::Builder::new()
        .timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .keep_alive(true)
        .serve_connection(TokioIo::new(io), service);
    let mut conn = std::pin::pin!(conn);
    let mut stopping = false;
    loop {
        let quiet = limits.idle_timeout.saturating_sub(activity.idle());
        tokio::select! {
            _ = conn.as_mut() => return,
            _ = stop.cancelled(), if !stopping => {
                conn.as_mut().graceful_shutdown();
                stopping = true;
            }
            _ = tokio::time::sleep(quiet) => {
                if activity.idle() >= limits.idle_timeout {
                    tracing::debug!("http-server: closing a connection idle for {:?}", limits.idle_timeout);
                    return;
                }
            }
        }
    }
}

/// When a connection last moved a byte, in milliseconds since it opened.
struct Activity {
    opened: Instant,
    last_ms: AtomicU64,
}

impl Activity {
    fn new() -> Self {
        Activity {
            opened: Instant::now(),
            last_ms: AtomicU64::new(0),
        }
    }

    fn touch(&self) {
        let now = self.opened.elapsed().as_millis() as u64;
        self.last_ms.store(now, Ordering::Relaxed);
    }

    fn idle(&self) -> Duration {
        let last = Duration::from_millis(self.last_ms.load(Ordering::Relaxed));
        self.opened.elapsed().saturating_sub(last)
    }
}

/// A stream that records its reads and writes in an [`Activity`].
struct Tracked {
    inner: TcpStream,
    activity: Arc<Activity>,
}

impl AsyncRead for Tracked {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.activity.touch();
        }
        polled
    }
}

impl AsyncWrite for Tracked {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write(cx, buf);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.touch();
        }
        polled
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.touch();
        }
        polled
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

async fn dispatch(
    routes: &RwLock<Vec<Route>>,
    runtime: &Weak<Inner>,
    req: Request<Incoming>,
    limits: HttpLimits,
) -> Response<HyperOutgoingBody> {
    let max_body = limits.max_body_bytes;
    let declared = req
        .headers()
        .get(hyper::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if let Some(length) = declared.filter(|length| *length > max_body) {
        let mut response = plain(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("the request body is {length} bytes, over this server's limit of {max_body} bytes\n"),
        );
        // The unread body would otherwise be taken for the next request.
        response.headers_mut().insert(
            hyper::header::CONNECTION,
            hyper::header::HeaderValue::from_static("close"),
        );
        return response;
    }
    // A body without a (truthful) length is cut off at the cap: the component's read
    // fails with `HTTP-request-body-size`.
    let req = req.map(|body| {
        Limited::new(body, max_body as usize).map_err(move |err| {
            match err.downcast::<hyper::Error>() {
                Ok(err) => wasmtime_wasi_http::Error::Hyper(*err),
                Err(_) => wasmtime_wasi_http::Error::HttpRequestBodySize(Some(max_body)),
            }
        })
    });
    let route = {
        let routes = routes.read().unwrap_or_else(|p| p.into_inner());
        let path = req.uri().path();
        routes
            .iter()
            .filter(|r| match &r.path {
                None => true,
                Some(prefix) => path.starts_with(prefix.as_str()),
            })
            .max_by_key(|r| r.path.as_ref().map_or(0, String::len))
            .map(|r| (r.component.clone(), r.link.clone()))
    };
    let Some((component, link)) = route else {
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
    // One info line per request in the component's log ("GET /path → 200 in 1.2 ms"),
    // only built when someone listens (the app's Logs tab, `trellis logs`).
    let heard = runtime.logs.is_heard();
    let line = heard.then(|| (req.method().clone(), req.uri().clone(), Instant::now()));
    // A spy on the component sees each request its http-server link brings: the method
    // and path in, the status out (bodies stay out of the record).
    let spied = runtime.spy.watching(&component).then(|| {
        let path = req.uri().path_and_query().map_or("/", |p| p.as_str());
        super::spy::SpyCall::begin(
            &runtime.host_id,
            &link.source_id,
            &component,
            &link.name,
            "wasi:http/incoming-handler",
            "handle",
            &[Val::String(format!("{} {path}", req.method()))],
        )
    });
    let recorded = spied.is_some();
    let response = runtime
        .handle_http(&component, Some(&link), req, recorded)
        .await;
    if let Some(call) = spied {
        let status = Val::U16(response.status().as_u16());
        call.finish(&runtime.spy, &Ok(vec![status]));
    }
    if let Some((method, uri, began)) = line {
        let path = uri.path_and_query().map_or("/", |p| p.as_str());
        runtime.logs.emit(
            LogLevel::Info,
            Some(&component),
            Some("http"),
            format!(
                "{method} {path} → {} in {:.1} ms",
                response.status().as_u16(),
                began.elapsed().as_secs_f64() * 1e3
            ),
        );
    }
    response
}

/// Binds `address`, waiting up to half a second for it to become free: a listener this
/// host just closed (a link deleted and put again) lets go of its socket asynchronously.
async fn bind(address: SocketAddr) -> Result<TcpListener, HostError> {
    let mut attempts = 20;
    loop {
        attempts -= 1;
        match TcpListener::bind(address).await {
            Ok(socket) => return Ok(socket),
            Err(error) if error.kind() == std::io::ErrorKind::AddrInUse && attempts > 0 => {
                tokio::time::sleep(Duration::from_millis(25)).await;
            }
            Err(error) => {
                return Err(HostError::Listen {
                    address: address.to_string(),
                    error,
                })
            }
        }
    }
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
    /// Serves one request with component `id`; when `id` does not run here, a request
    /// that came along `link` (an http-server's) is forwarded to it over wRPC, marked as
    /// `recorded` by this host's spy (so that the serving host leaves it out of its own).
    pub(crate) async fn handle_http<B>(
        self: &Arc<Self>,
        id: &Arc<str>,
        link: Option<&LinkKey>,
        req: Request<B>,
        recorded: bool,
    ) -> Response<HyperOutgoingBody>
    where
        B: Body<Data = Bytes> + Send + 'static,
        B::Error: Into<wasmtime_wasi_http::Error>,
    {
        let Some(entry) = self.component(id) else {
            if let (Some(link), Some(_)) = (link, &self.wrpc) {
                return self.forward_http(id, link, req, recorded).await;
            }
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
        let timeout = self.limits_of(&entry).timeout;
        let waiting = entry.load.waiting();
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
        drop(waiting);
        let running = entry.load.running();
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
            let (_permit, _running) = (permit, running);
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
