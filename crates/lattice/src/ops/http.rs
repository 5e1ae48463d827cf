//! HTTP requests to a component through its http-server link (`trellis http`, the app's
//! HTTP tab): the link that serves the component is found in the lattice, its listen
//! address read from the link's source config, and one HTTP/1.1 request sent there.
//!
//! The address is the one the lattice's own http-server listens on (named config key
//! `address`, else the http-server's default, `127.0.0.1:8000`); an unspecified address
//! (`0.0.0.0`, `[::]`) is reached on loopback. A `path` key (the host routes by path
//! prefix) is put in front of a request path that does not already start with it.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use base64::Engine as _;
use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use hyper_util::rt::TokioIo;
use serde::Serialize;
use trellis_proto::{ConfigMap, Link};

use super::{lattice_snapshot, OpsError, Result};
use crate::{Client, ModelSnapshot};

/// How long [`send_http`] waits for the whole exchange when the caller has no opinion.
pub const HTTP_TIMEOUT: Duration = Duration::from_secs(30);

/// The most of a response body [`send_http`] keeps; the rest is not read and the reply
/// says `truncated`. A component can stream without end; the UI shows text, not files.
pub const MAX_HTTP_BODY: usize = 1024 * 1024;

/// The address an http-server link listens on when its config names none: the
/// http-server's default in trellis-wit's table of built-ins.
fn default_address() -> &'static str {
    trellis_wit::parse_builtin_reference("http-server")
        .and_then(|spec| spec.default_config().get("address"))
        .map_or("127.0.0.1:8000", String::as_str)
}

/// One request header, or one response header, as it was sent or received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HttpHeader {
    /// The header's name.
    pub name: String,
    /// Its value (a value that is not UTF-8 is shown with replacement characters).
    pub value: String,
}

/// What to send: method, path (with query), headers and body.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HttpRequest {
    /// The method, e.g. `GET` (upper-cased before sending).
    pub method: String,
    /// The path and query, e.g. `/items?id=3`; a missing leading `/` is added.
    pub path: String,
    /// Headers in order; a `host` header is added when absent.
    pub headers: Vec<HttpHeader>,
    /// The request body (empty for none).
    pub body: Vec<u8>,
}

/// How [`HttpReply::body`] holds the response body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum BodyEncoding {
    /// UTF-8 text, as it came.
    Text,
    /// Base64 of bytes that are not UTF-8.
    Base64,
}

/// The answer to one request, and where it went.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HttpReply {
    /// The URL the request went to, e.g. `http://127.0.0.1:8081/x`.
    pub url: String,
    /// The http-server provider whose link serves the component.
    pub provider_id: String,
    /// That link's name.
    pub link_name: String,
    /// The status code, e.g. `200`.
    pub status: u16,
    /// The status's reason phrase, e.g. `OK` (empty for an unknown code).
    pub reason: String,
    /// The response headers, in order.
    pub headers: Vec<HttpHeader>,
    /// The body (at most [`MAX_HTTP_BODY`] bytes of it), as [`HttpReply::encoding`] says.
    pub body: String,
    /// Whether `body` is text or base64.
    pub encoding: BodyEncoding,
    /// How many body bytes were read.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub body_bytes: u64,
    /// Whether the body went on past [`MAX_HTTP_BODY`] and was cut there.
    pub truncated: bool,
    /// From connecting to the end of the body, in milliseconds.
    pub elapsed_ms: f64,
}

/// Where a component is served over HTTP: the link, and its merged source config.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Route {
    link: Link,
    address: String,
    path: Option<String>,
}

/// Sends `request` to component `component_id` through the http-server link that
/// targets it (`wasi:http/incoming-handler`) and answers with what came back, waiting at
/// most `timeout` for the whole exchange.
///
/// Refused with a reason: an unknown component, a component no http-server links to
/// (saying how to link one), a link whose provider is not running, a method, header or
/// path that cannot be sent; a listener that cannot be reached is named with its address.
pub async fn send_http(
    client: &Client,
    component_id: &str,
    request: &HttpRequest,
    timeout: Duration,
) -> Result<HttpReply> {
    let prepared = prepare(request)?;
    let snapshot = lattice_snapshot(client).await?;
    let links = serving_links(&snapshot, component_id, client.lattice())?;
    send_through(client, links, prepared, timeout).await
}

/// Like [`send_http`], with the lattice as `snapshot` shows it (the app's live model):
/// reading it afresh would wait a whole ping window (2 s) before every request. A
/// snapshot that shows no serving link may predate one just made, so the lattice is
/// asked before the request is refused.
pub async fn send_http_in(
    client: &Client,
    snapshot: &ModelSnapshot,
    component_id: &str,
    request: &HttpRequest,
    timeout: Duration,
) -> Result<HttpReply> {
    let prepared = prepare(request)?;
    let links = match serving_links(snapshot, component_id, client.lattice()) {
        Ok(links) => links,
        Err(_) => {
            let fresh = lattice_snapshot(client).await?;
            serving_links(&fresh, component_id, client.lattice())?
        }
    };
    send_through(client, links, prepared, timeout).await
}

/// Sends the request through the first of `links` whose listener accepts a connection.
async fn send_through(
    client: &Client,
    links: Vec<Link>,
    prepared: Prepared,
    timeout: Duration,
) -> Result<HttpReply> {
    let deadline = tokio::time::Instant::now() + timeout;
    // Several http-servers may serve the component, and a link's listener may not have
    // bound (its address taken): the first that accepts a connection gets the request.
    let mut refused = Vec::new();
    for link in links {
        let route = route_of(client, link).await?;
        let addr = connect_address(&route.address).await?;
        // The time shown is the request's: from this connection, not the lookups before.
        let started = Instant::now();
        let connected = tokio::time::timeout_at(deadline, tokio::net::TcpStream::connect(addr));
        match connected.await {
            Ok(Ok(stream)) => {
                let sent = Sent {
                    addr,
                    stream,
                    started,
                    deadline,
                    timeout,
                };
                return exchange(&route, sent, prepared).await;
            }
            Ok(Err(e)) => refused.push(format!("{addr} ({}): {e}", route.served_by())),
            Err(_) => refused.push(format!("{addr} ({}): no answer", route.served_by())),
        }
    }
    Err(OpsError::Failed {
        message: format!("cannot connect to {}", refused.join("; nor to ")),
    })
}

/// `link`'s route: its source config merged (later names win, as the host merges them),
/// the address defaulted.
async fn route_of(client: &Client, link: Link) -> Result<Route> {
    let mut config = ConfigMap::new();
    for name in &link.source_config {
        if let Some(values) = client.config_get(name).await? {
            config.extend(values);
        }
    }
    Ok(Route {
        address: config
            .get("address")
            .cloned()
            .unwrap_or_else(|| default_address().to_owned()),
        path: config.get("path").cloned(),
        link,
    })
}

impl Route {
    /// `the http-server "http" serving "hello"`, for messages.
    fn served_by(&self) -> String {
        format!(
            "the http-server {:?} serving {:?}",
            self.link.source_id, self.link.target
        )
    }
}

/// A connection made for one request, and the time it has.
struct Sent {
    addr: SocketAddr,
    stream: tokio::net::TcpStream,
    /// When connecting began, for the elapsed time.
    started: Instant,
    /// When it must be done: `timeout` after `send_http` began.
    deadline: tokio::time::Instant,
    timeout: Duration,
}

/// The request checked and shaped for hyper, before anything is looked up.
struct Prepared {
    method: http::Method,
    path: String,
    headers: Vec<(http::HeaderName, http::HeaderValue)>,
    body: Bytes,
}

/// Checks the method, path and headers of `request`, naming the first that cannot be sent.
fn prepare(request: &HttpRequest) -> Result<Prepared> {
    let method_text = request.method.trim().to_ascii_uppercase();
    let method_text = if method_text.is_empty() {
        "GET".to_owned()
    } else {
        method_text
    };
    let method = http::Method::from_bytes(method_text.as_bytes()).map_err(|_| {
        OpsError::InvalidInput(format!(
            "method {:?} is not a valid HTTP method (letters, e.g. GET or POST)",
            request.method
        ))
    })?;
    let path = request.path.trim();
    let path = if path.starts_with('/') {
        path.to_owned()
    } else {
        format!("/{path}")
    };
    if path.parse::<http::uri::PathAndQuery>().is_err() || path.contains(' ') {
        return Err(OpsError::InvalidInput(format!(
            "path {path:?} is not a valid request target (percent-encode spaces and other \
             special characters)"
        )));
    }
    let mut headers = Vec::with_capacity(request.headers.len());
    for header in &request.headers {
        let name = http::HeaderName::from_bytes(header.name.trim().as_bytes()).map_err(|_| {
            OpsError::InvalidInput(format!(
                "header name {:?} is not valid (letters, digits and -, no spaces or colons)",
                header.name
            ))
        })?;
        let value = http::HeaderValue::from_str(header.value.trim()).map_err(|_| {
            OpsError::InvalidInput(format!(
                "the value of header {name} is not valid (no line breaks or control characters)"
            ))
        })?;
        headers.push((name, value));
    }
    Ok(Prepared {
        method,
        path,
        headers,
        body: Bytes::from(request.body.clone()),
    })
}

/// Whether `link` serves a component over HTTP: `wasi:http` with `incoming-handler`
/// (or no interface listed, which the host treats the same).
fn is_http_server_link(link: &Link) -> bool {
    link.wit_namespace == "wasi"
        && link.wit_package == "http"
        && (link.interfaces.is_empty() || link.interfaces.iter().any(|i| i == "incoming-handler"))
}

/// The http-server links serving `component_id` whose provider runs, by provider id and
/// link name; an error saying what is missing when there are none.
fn serving_links(snapshot: &ModelSnapshot, component_id: &str, lattice: &str) -> Result<Vec<Link>> {
    let runs = |id: &str| {
        snapshot
            .hosts
            .iter()
            .any(|h| h.components.iter().any(|c| c.id == id))
    };
    if !runs(component_id) {
        return Err(OpsError::NotFound(format!(
            "no component {component_id:?} is running on lattice {lattice:?}"
        )));
    }
    let mut links: Vec<&Link> = snapshot
        .links
        .iter()
        .filter(|l| l.target == component_id && is_http_server_link(l))
        .collect();
    links.sort_by(|a, b| (&a.source_id, &a.name).cmp(&(&b.source_id, &b.name)));
    let provider_runs = |id: &str| {
        snapshot
            .hosts
            .iter()
            .any(|h| h.providers.iter().any(|p| p.id == id))
    };
    let serving: Vec<Link> = links
        .iter()
        .filter(|l| provider_runs(&l.source_id))
        .map(|l| (*l).clone())
        .collect();
    match (serving.is_empty(), links.first()) {
        (false, _) => Ok(serving),
        (true, Some(link)) => Err(OpsError::InvalidInput(format!(
            "component {component_id:?} is linked from http-server {:?}, which is not running: \
             start it with `trellis start provider builtin://http-server --id {}`",
            link.source_id, link.source_id
        ))),
        (true, None) => Err(OpsError::InvalidInput(format!(
            "component {component_id:?} has no http-server link: start one with `trellis start \
             provider builtin://http-server --id http`, then `trellis link put http \
             {component_id} wasi:http --interface incoming-handler` (address from a named \
             config given with --source-config, default {})",
            default_address()
        ))),
    }
}

/// The socket to connect to for listen address `address`: `http://` and a trailing `/`
/// dropped, names resolved, an unspecified IP replaced by loopback.
async fn connect_address(address: &str) -> Result<SocketAddr> {
    let trimmed = address.trim().trim_start_matches("http://");
    let trimmed = trimmed.trim_end_matches('/');
    let invalid = |reason: String| {
        OpsError::InvalidInput(format!(
            "the http-server address {address:?} cannot be reached: {reason} (expected \
             host:port, e.g. {})",
            default_address()
        ))
    };
    let resolved = match trimmed.parse::<SocketAddr>() {
        Ok(addr) => addr,
        Err(_) => tokio::net::lookup_host(trimmed)
            .await
            .map_err(|e| invalid(e.to_string()))?
            .next()
            .ok_or_else(|| invalid("the name resolves to no address".into()))?,
    };
    Ok(loopback_if_unspecified(resolved))
}

/// `0.0.0.0:P` → `127.0.0.1:P`, `[::]:P` → `[::1]:P`: a listener on every interface is
/// reached on loopback.
fn loopback_if_unspecified(addr: SocketAddr) -> SocketAddr {
    match addr {
        SocketAddr::V4(v4) if v4.ip().is_unspecified() => {
            SocketAddr::from((std::net::Ipv4Addr::LOCALHOST, v4.port()))
        }
        SocketAddr::V6(v6) if v6.ip().is_unspecified() => {
            SocketAddr::from((std::net::Ipv6Addr::LOCALHOST, v6.port()))
        }
        other => other,
    }
}

/// `path` under the route's `path` prefix, unless it is already there.
fn routed_path(prefix: Option<&str>, path: &str) -> String {
    match prefix
        .map(|p| p.trim_end_matches('/'))
        .filter(|p| !p.is_empty())
    {
        Some(prefix) if !path.starts_with(prefix) => format!("{prefix}{path}"),
        _ => path.to_owned(),
    }
}

/// Sends the request on the connection and reads the answer, before the deadline.
async fn exchange(route: &Route, sent: Sent, request: Prepared) -> Result<HttpReply> {
    let Sent {
        addr,
        stream,
        started,
        deadline,
        timeout,
    } = sent;
    let path = routed_path(route.path.as_deref(), &request.path);
    let url = format!("http://{addr}{path}");
    let served_by = route.served_by();
    let answer = tokio::time::timeout_at(deadline, async {
        let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .map_err(|e| OpsError::Failed {
                message: format!("HTTP handshake with {addr} failed: {e}"),
            })?;
        // The connection task ends when the exchange is done and `sender` is dropped.
        tokio::spawn(connection);
        let mut builder = http::Request::builder().method(request.method).uri(&path);
        let has_host = request.headers.iter().any(|(n, _)| n == http::header::HOST);
        for (name, value) in request.headers {
            builder = builder.header(name, value);
        }
        if !has_host {
            builder = builder.header(http::header::HOST, route.address.trim());
        }
        let outgoing = builder
            .body(Full::new(request.body))
            .map_err(|e| OpsError::InvalidInput(format!("cannot build the request: {e}")))?;
        let response = sender
            .send_request(outgoing)
            .await
            .map_err(|e| OpsError::Failed {
                message: format!("{addr} did not answer the request ({served_by}): {e}"),
            })?;
        let (parts, mut body) = response.into_parts();
        let mut bytes = Vec::new();
        let mut truncated = false;
        while let Some(frame) = body.frame().await {
            let frame = frame.map_err(|e| OpsError::Failed {
                message: format!("reading the response body from {addr} failed: {e}"),
            })?;
            if let Ok(data) = frame.into_data() {
                let room = MAX_HTTP_BODY - bytes.len();
                if data.len() > room {
                    bytes.extend_from_slice(&data[..room]);
                    truncated = true;
                    break;
                }
                bytes.extend_from_slice(&data);
            }
        }
        Ok::<_, OpsError>((parts, bytes, truncated))
    })
    .await
    .map_err(|_| OpsError::Failed {
        message: format!(
            "no answer from {addr} ({served_by}) within {:.1} s",
            timeout.as_secs_f64()
        ),
    })??;
    let elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
    let (parts, bytes, truncated) = answer;
    let (body, encoding) = encode_body(&bytes, truncated);
    Ok(HttpReply {
        url,
        provider_id: route.link.source_id.clone(),
        link_name: route.link.name.clone(),
        status: parts.status.as_u16(),
        reason: parts.status.canonical_reason().unwrap_or("").to_owned(),
        headers: parts
            .headers
            .iter()
            .map(|(name, value)| HttpHeader {
                name: name.to_string(),
                value: String::from_utf8_lossy(value.as_bytes()).into_owned(),
            })
            .collect(),
        body,
        encoding,
        body_bytes: bytes.len() as u64,
        truncated,
        elapsed_ms,
    })
}

/// The body as text when it is UTF-8 (a character cut by truncation dropped), else as
/// base64.
fn encode_body(bytes: &[u8], truncated: bool) -> (String, BodyEncoding) {
    match std::str::from_utf8(bytes) {
        Ok(text) => (text.to_owned(), BodyEncoding::Text),
        // Only the last character is incomplete: the cut went through it.
        Err(e) if truncated && e.error_len().is_none() => (
            String::from_utf8_lossy(&bytes[..e.valid_up_to()]).into_owned(),
            BodyEncoding::Text,
        ),
        Err(_) => (
            base64::engine::general_purpose::STANDARD.encode(bytes),
            BodyEncoding::Base64,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(method: &str, path: &str, headers: &[(&str, &str)]) -> HttpRequest {
        HttpRequest {
            method: method.into(),
            path: path.into(),
            headers: headers
                .iter()
                .map(|(n, v)| HttpHeader {
                    name: (*n).into(),
                    value: (*v).into(),
                })
                .collect(),
            body: Vec::new(),
        }
    }

    #[test]
    fn methods_paths_and_headers_are_checked_naming_the_problem() {
        let ok = prepare(&request("post", "items?id=3", &[("X-Trace", "1")])).unwrap();
        assert_eq!(ok.method, http::Method::POST);
        assert_eq!(ok.path, "/items?id=3");
        assert_eq!(ok.headers[0].0.as_str(), "x-trace");
        assert_eq!(prepare(&request("", "/", &[])).unwrap().method, "GET");

        let method = prepare(&request("GE T", "/", &[])).err().unwrap();
        assert!(method.to_string().contains("\"GE T\""), "{method}");
        let name = prepare(&request("GET", "/", &[("Bad Name", "1")]))
            .err()
            .unwrap();
        assert!(name.to_string().contains("\"Bad Name\""), "{name}");
        let value = prepare(&request("GET", "/", &[("x-a", "1\n2")]))
            .err()
            .unwrap();
        assert!(value.to_string().contains("x-a"), "{value}");
        let path = prepare(&request("GET", "/a b", &[])).err().unwrap();
        assert!(path.to_string().contains("/a b"), "{path}");
    }

    #[test]
    fn unspecified_addresses_are_reached_on_loopback() {
        let v4: SocketAddr = "0.0.0.0:8080".parse().unwrap();
        assert_eq!(
            loopback_if_unspecified(v4),
            "127.0.0.1:8080".parse().unwrap()
        );
        let v6: SocketAddr = "[::]:8080".parse().unwrap();
        assert_eq!(loopback_if_unspecified(v6), "[::1]:8080".parse().unwrap());
        let there: SocketAddr = "10.0.0.2:80".parse().unwrap();
        assert_eq!(loopback_if_unspecified(there), there);
    }

    #[tokio::test]
    async fn listen_addresses_resolve_like_the_host_reads_them() {
        for (address, want) in [
            ("127.0.0.1:8081", "127.0.0.1:8081"),
            ("http://0.0.0.0:9000/", "127.0.0.1:9000"),
        ] {
            assert_eq!(
                connect_address(address).await.unwrap(),
                want.parse().unwrap()
            );
        }
        let err = connect_address("nonsense").await.unwrap_err().to_string();
        assert!(
            err.contains("\"nonsense\"") && err.contains("host:port"),
            "{err}"
        );
    }

    #[test]
    fn a_route_path_prefix_goes_in_front_once() {
        assert_eq!(routed_path(Some("/api"), "/x"), "/api/x");
        assert_eq!(routed_path(Some("/api/"), "/api/x"), "/api/x");
        assert_eq!(routed_path(None, "/x"), "/x");
        assert_eq!(routed_path(Some("/"), "/x"), "/x");
    }

    #[test]
    fn bodies_are_text_when_utf8_else_base64() {
        assert_eq!(
            encode_body("héllo".as_bytes(), false),
            ("héllo".to_owned(), BodyEncoding::Text)
        );
        // A cut through "é" keeps the text before it.
        assert_eq!(
            encode_body(&"hé".as_bytes()[..2], true),
            ("h".to_owned(), BodyEncoding::Text)
        );
        assert_eq!(
            encode_body(&[0xff, 0x00], false),
            ("/wA=".to_owned(), BodyEncoding::Base64)
        );
    }

    #[test]
    fn the_default_address_is_the_http_servers() {
        assert_eq!(default_address(), "127.0.0.1:8000");
    }
}
