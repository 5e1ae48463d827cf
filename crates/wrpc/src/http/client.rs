//! Calling an HTTP handler on another host: `handle` of `wrpc:http/incoming-handler` (a
//! component) or `wrpc:http/outgoing-handler` (an http-client provider).
//!
//! The request's body streams out while the answer is awaited; the response's body
//! streams in as hyper reads it. The I/O of both belongs to the response: dropping it
//! stops them.

use std::sync::Arc;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use futures::StreamExt as _;
use http_body_util::{BodyExt as _, StreamBody};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::sync::oneshot;
use wasmtime_wasi_http::p2::bindings::http::types::{Method, Scheme};
use wasmtime_wasi_http::p2::body::HyperOutgoingBody;
use wrpc_transport::{Index as _, Invoke as _};

use super::body::{
    fields_of, header_map, read_trailers, ready_bytes, receive_body, send_body, TrailersIn,
};
use super::wire::{self, Carried, Cursor, RequestHead, Short, SyncResponse, MAX_HEAD_BYTES};
use super::{ErrorCode, RequestOptions, BODY_AND_TRAILERS, HANDLE, OUTGOING_HANDLER};
use crate::blobstore::IncomingBytes;
use crate::client::{call_headers, CallError, Invoker};

/// Calls one target's HTTP handler for one caller's link.
#[derive(Clone)]
pub struct HttpClient {
    invoker: Invoker,
    source: Arc<str>,
    target: Arc<str>,
    link_name: Arc<str>,
    timeout: Duration,
    spied: bool,
}

impl std::fmt::Debug for HttpClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpClient")
            .field("target", &self.target)
            .field("source", &self.source)
            .finish_non_exhaustive()
    }
}

/// Aborts the call's I/O tasks when the response (or the failed call) goes.
struct IoGuard(Vec<tokio::task::AbortHandle>);

impl Drop for IoGuard {
    fn drop(&mut self) {
        for task in &self.0 {
            task.abort();
        }
    }
}

impl HttpClient {
    /// Calls to `target` for `source`'s link `link_name`; the response's head must come
    /// within `timeout`.
    pub fn new(
        invoker: Invoker,
        source: &str,
        target: &str,
        link_name: &str,
        timeout: Duration,
    ) -> HttpClient {
        HttpClient {
            invoker,
            source: source.into(),
            target: target.into(),
            link_name: link_name.into(),
            timeout,
            spied: false,
        }
    }

    /// Marks the calls as recorded by the caller for the message spy (see
    /// [`crate::client::SPIED_HEADER`]).
    pub fn spied(mut self, spied: bool) -> HttpClient {
        self.spied = spied;
        self
    }

    /// The target called.
    pub fn target(&self) -> &str {
        &self.target
    }

    /// Sends `request` to the target's `instance` (`INCOMING_HANDLER` or
    /// `OUTGOING_HANDLER`; `options` go only to the latter). `Ok(Err(code))`: the
    /// handler answered with an error code.
    pub async fn handle(
        &self,
        instance: &str,
        request: http::Request<HyperOutgoingBody>,
        options: Option<RequestOptions>,
    ) -> Result<Result<http::Response<HyperOutgoingBody>, ErrorCode>, CallError> {
        let function = format!("{instance}.{HANDLE}");
        let (parts, body) = request.into_parts();
        let mut params = BytesMut::new();
        wire::put_request(&request_head(instance, &parts), &mut params);
        if instance == OUTGOING_HANDLER {
            wire::put_options(options.as_ref(), &mut params);
        }
        let mut guard = IoGuard(Vec::new());
        let exchange = self.exchange(instance, &function, params.freeze(), body, &mut guard);
        let (response, reader) = match tokio::time::timeout(self.timeout, exchange).await {
            Ok(result) => result?,
            Err(_) => {
                return Err(CallError::Timeout {
                    target: self.target.to_string(),
                    function,
                    timeout: self.timeout,
                })
            }
        };
        let SyncResponse {
            body,
            trailers,
            status,
            headers,
        } = match response {
            Ok(response) => response,
            Err(code) => return Ok(Err(code)),
        };
        let bad = |reason: String| CallError::BadResults {
            target: self.target.to_string(),
            function: function.clone(),
            reason,
        };
        let bytes = match ready_bytes(body) {
            Some(bytes) => bytes,
            None => {
                let sub = reader.index(&[0, 0]).map_err(|e| bad(format!("{e:#}")))?;
                let (bytes, io) = IncomingBytes::read_from(sub);
                guard.0.push(tokio::spawn(io).abort_handle());
                bytes
            }
        };
        let trailers = match trailers {
            Carried::Ready(fields) => TrailersIn::Ready(fields),
            Carried::Pending => {
                let sub = reader.index(&[0, 1]).map_err(|e| bad(format!("{e:#}")))?;
                let (tx, rx) = oneshot::channel();
                guard
                    .0
                    .push(tokio::spawn(read_trailers(sub, tx)).abort_handle());
                TrailersIn::Pending(rx)
            }
        };
        let headers = header_map(headers).map_err(bad)?;
        let status = http::StatusCode::from_u16(status)
            .map_err(|_| bad(format!("status {status} is not an HTTP status")))?;
        // The body keeps the call's I/O running while it is read.
        let body = receive_body(bytes, trailers);
        let mut response = http::Response::new(keep_io(body, guard));
        *response.status_mut() = status;
        *response.headers_mut() = headers;
        Ok(Ok(response))
    }

    /// Invokes, streams the request body out and reads the response's synchronous part.
    async fn exchange(
        &self,
        instance: &str,
        function: &str,
        params: Bytes,
        body: HyperOutgoingBody,
        guard: &mut IoGuard,
    ) -> Result<(Result<SyncResponse, ErrorCode>, wrpc_transport_nats::Reader), CallError> {
        let transport = |reason: String| CallError::Transport {
            target: self.target.to_string(),
            function: function.to_owned(),
            reason,
        };
        let client = self
            .invoker
            .client_for(&self.target)
            .await
            .map_err(|e| transport(format!("{e:#}")))?;
        let headers = call_headers(&self.source, &self.link_name, self.spied);
        let (mut outgoing, mut incoming) = client
            .invoke(Some(headers), instance, HANDLE, params, BODY_AND_TRAILERS)
            .await
            .map_err(|e| transport(format!("{e:#}")))?;
        // Closing the parameters waits for the server's handshake: "no responders" shows.
        if let Err(err) = outgoing.shutdown().await {
            return Err(match err.kind() {
                std::io::ErrorKind::NotConnected => CallError::NoResponder {
                    target: self.target.to_string(),
                    function: function.to_owned(),
                },
                _ => transport(err.to_string()),
            });
        }
        let body_w = outgoing
            .index(&[0, 0])
            .map_err(|e| transport(format!("{e:#}")))?;
        let trailers_w = outgoing
            .index(&[0, 1])
            .map_err(|e| transport(format!("{e:#}")))?;
        let target = self.target.clone();
        let sending = tokio::spawn(async move {
            if let Err(reason) = send_body(body, body_w, trailers_w).await {
                tracing::debug!(target = &*target, "request body to another host: {reason}");
            }
        });
        guard.0.push(sending.abort_handle());
        let mut buf = BytesMut::new();
        loop {
            match Cursor::new(&buf).result() {
                Ok(result) => return Ok((result, incoming)),
                Err(Short::Invalid(reason)) => {
                    return Err(CallError::BadResults {
                        target: self.target.to_string(),
                        function: function.to_owned(),
                        reason,
                    })
                }
                Err(Short::More) => {}
            }
            if buf.len() > MAX_HEAD_BYTES {
                return Err(CallError::BadResults {
                    target: self.target.to_string(),
                    function: function.to_owned(),
                    reason: format!("the response head is over {MAX_HEAD_BYTES} bytes"),
                });
            }
            let read = incoming
                .read_buf(&mut buf)
                .await
                .map_err(|e| transport(e.to_string()))?;
            if read == 0 {
                return Err(CallError::NoResult {
                    target: self.target.to_string(),
                    function: function.to_owned(),
                });
            }
        }
    }
}

/// `body`, holding `guard` (the call's I/O) until it is dropped.
fn keep_io(body: HyperOutgoingBody, guard: IoGuard) -> HyperOutgoingBody {
    let frames = http_body_util::BodyStream::new(body).map(move |frame| {
        let _io = &guard;
        frame
    });
    StreamBody::new(frames).boxed_unsync()
}

/// The head sent to `instance`'s `handle`. A request as an http-server took it (origin
/// form) names no scheme, but it came over plain HTTP: a wasmCloud host cannot build the
/// request without a scheme ("scheme missing"), so an incoming one says `http`.
fn request_head(instance: &str, parts: &http::request::Parts) -> RequestHead {
    let mut head = head_of(parts);
    if instance != OUTGOING_HANDLER && head.scheme.is_none() {
        head.scheme = Some(Scheme::Http);
    }
    head
}

/// A request's head as it travels: the authority from the URI or the `host` header.
pub(crate) fn head_of(parts: &http::request::Parts) -> RequestHead {
    let scheme = parts.uri.scheme().map(|s| match s.as_str() {
        "http" => Scheme::Http,
        "https" => Scheme::Https,
        other => Scheme::Other(other.to_owned()),
    });
    let authority = parts
        .uri
        .authority()
        .map(|a| a.as_str().to_owned())
        .or_else(|| {
            parts
                .headers
                .get(http::header::HOST)
                .and_then(|h| h.to_str().ok())
                .map(str::to_owned)
        });
    RequestHead {
        method: Method::from(parts.method.clone()),
        path_with_query: Some(
            parts
                .uri
                .path_and_query()
                .map_or("/", |p| p.as_str())
                .to_owned(),
        ),
        scheme,
        authority,
        headers: fields_of(&parts.headers),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::INCOMING_HANDLER;

    #[test]
    fn an_incoming_request_in_origin_form_travels_as_plain_http_with_its_host() {
        let (parts, ()) = http::Request::get("/Ada?x=1")
            .header(http::header::HOST, "127.0.0.1:8092")
            .body(())
            .unwrap()
            .into_parts();
        let head = request_head(INCOMING_HANDLER, &parts);
        assert!(matches!(head.scheme, Some(Scheme::Http)));
        assert_eq!(head.authority.as_deref(), Some("127.0.0.1:8092"));
        assert_eq!(head.path_with_query.as_deref(), Some("/Ada?x=1"));

        // An outgoing request says its own scheme; none is made up for it.
        let (parts, ()) = http::Request::get("https://example.test/")
            .body(())
            .unwrap()
            .into_parts();
        let head = request_head(OUTGOING_HANDLER, &parts);
        assert!(matches!(head.scheme, Some(Scheme::Https)));
        let (parts, ()) = http::Request::get("/relative")
            .body(())
            .unwrap()
            .into_parts();
        assert!(request_head(OUTGOING_HANDLER, &parts).scheme.is_none());
    }
}
