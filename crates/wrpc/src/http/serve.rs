//! Serving an HTTP handler over wRPC: a component's incoming-handler (as wasmCloud's
//! http-server provider calls it) or an http-client provider's outgoing-handler.

use std::sync::Arc;
use std::time::Duration;

use async_nats_wrpc as nats;
use bytes::BytesMut;
use futures::future::BoxFuture;
use futures::StreamExt as _;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::sync::{oneshot, Semaphore};
use tokio::task::JoinSet;
use wasmtime_wasi_http::p2::bindings::http::types::{Method, Scheme};
use wasmtime_wasi_http::p2::body::HyperOutgoingBody;
use wrpc_transport::{Index as _, Serve as _};

use super::body::{header_map, read_trailers, ready_bytes, receive_body, send_body, TrailersIn};
use super::wire::{self, Carried, Cursor, RequestHead, Short, SyncRequest, MAX_HEAD_BYTES};
use super::{ErrorCode, RequestOptions, BODY_AND_TRAILERS, HANDLE, OUTGOING_HANDLER};
use crate::blobstore::{Caller, IncomingBytes};
use crate::client::{LINK_NAME_HEADER, SOURCE_ID_HEADER, SPIED_HEADER};
use crate::names::target_prefix;
use crate::server::Serving;

/// Requests one served handler may have in progress at once; past it, invocations wait
/// in the NATS subscription.
const MAX_IN_FLIGHT: usize = 256;

/// The longest one request may stay open, bodies included.
const CALL_LIMIT: Duration = Duration::from_secs(30 * 60);

/// How long a caller may take to send the request's head.
const HEAD_WAIT: Duration = Duration::from_secs(10);

/// What answers the requests. Refusals (a caller without a link, a request the handler
/// cannot take) are answered as error codes; [`HttpService::refused`] hears about every
/// call that could not be served, with the reason.
pub trait HttpService: Send + Sync + 'static {
    /// Answers `request` from `caller` (`options`: only for an outgoing-handler).
    fn handle(
        &self,
        caller: Caller,
        request: http::Request<HyperOutgoingBody>,
        options: Option<RequestOptions>,
    ) -> BoxFuture<'static, Result<http::Response<HyperOutgoingBody>, ErrorCode>>;

    /// A call that could not be taken or answered: `reason` says why.
    fn refused(&self, source: Option<&str>, reason: &str);
}

/// Serves `service` as `instance`'s `handle` (`INCOMING_HANDLER` or `OUTGOING_HANDLER`)
/// of target `id` on `lattice`, in queue group `<lattice>.<id>`. When this returns, the
/// subscription is in place.
pub async fn serve_http(
    nats: nats::Client,
    lattice: &str,
    id: &str,
    instance: &'static str,
    service: Arc<dyn HttpService>,
) -> anyhow::Result<Serving> {
    let prefix = target_prefix(lattice, id);
    let client =
        wrpc_transport_nats::Client::new(nats.clone(), prefix.clone(), Some(prefix.into())).await?;
    let paths: Arc<[Box<[Option<usize>]>]> =
        BODY_AND_TRAILERS.iter().map(|p| Box::from(*p)).collect();
    let invocations = client.serve(instance, HANDLE, paths).await?;
    let in_flight = Arc::new(Semaphore::new(MAX_IN_FLIGHT));
    let mut tasks = JoinSet::new();
    tasks.spawn(async move {
        let _client = client;
        let mut invocations = std::pin::pin!(invocations);
        let mut running = JoinSet::new();
        while let Some(next) = invocations.next().await {
            while running.try_join_next().is_some() {}
            let (context, outgoing, incoming) = match next {
                Ok(parts) => parts,
                Err(err) => {
                    service.refused(None, &format!("{err:#}"));
                    continue;
                }
            };
            let Ok(permit) = Arc::clone(&in_flight).acquire_owned().await else {
                return;
            };
            let service = Arc::clone(&service);
            running.spawn(async move {
                let caller = caller_of(context.headers.as_ref());
                let call = answer(&*service, instance, &caller, outgoing, incoming);
                if tokio::time::timeout(CALL_LIMIT, call).await.is_err() {
                    let reason = format!(
                        "it was still open after {} s and was dropped",
                        CALL_LIMIT.as_secs()
                    );
                    service.refused(caller.source.as_deref(), &reason);
                }
                drop(permit);
            });
        }
    });
    crate::server::round_trip(&nats).await?;
    Ok(Serving::new(tasks, nats))
}

/// Aborts a call's reading tasks once it is answered (or dropped).
struct Readers(JoinSet<std::io::Result<()>>);

async fn answer(
    service: &dyn HttpService,
    instance: &str,
    caller: &Caller,
    mut outgoing: wrpc_transport_nats::SubjectWriter,
    mut incoming: wrpc_transport_nats::Reader,
) {
    let source = caller.source.as_deref();
    let with_options = instance == OUTGOING_HANDLER;
    let head = tokio::time::timeout(HEAD_WAIT, read_head(&mut incoming, with_options)).await;
    let (sync, options) = match head {
        Ok(Ok(parts)) => parts,
        Ok(Err(Refusal { reason, answer })) => {
            service.refused(source, &reason);
            if let Some(code) = answer {
                let _ = respond(&mut outgoing, &Err(code)).await;
            }
            return;
        }
        Err(_) => {
            let reason = format!(
                "its request head did not come within {} s",
                HEAD_WAIT.as_secs()
            );
            service.refused(source, &reason);
            return;
        }
    };
    let mut readers = Readers(JoinSet::new());
    let request = match request_of(sync, &incoming, &mut readers) {
        Ok(request) => request,
        Err(code) => {
            service.refused(source, &format!("its request is not valid: {code}"));
            let _ = respond(&mut outgoing, &Err(code)).await;
            return;
        }
    };
    let result = service.handle(caller.clone(), request, options).await;
    let (response, body) = match result {
        Ok(response) => {
            let (parts, body) = response.into_parts();
            (
                Ok((
                    parts.status.as_u16(),
                    super::body::fields_of(&parts.headers),
                )),
                Some(body),
            )
        }
        Err(code) => (Err(code), None),
    };
    if let Err(err) = respond(&mut outgoing, &response).await {
        service.refused(source, &format!("its response could not be sent: {err}"));
        return;
    }
    let Some(body) = body else { return };
    let writers = outgoing
        .index(&[0, 0])
        .and_then(|body| Ok((body, outgoing.index(&[0, 1])?)));
    let (body_w, trailers_w) = match writers {
        Ok(writers) => writers,
        Err(err) => {
            service.refused(
                source,
                &format!("its response body could not be sent: {err:#}"),
            );
            return;
        }
    };
    if let Err(reason) = send_body(body, body_w, trailers_w).await {
        service.refused(source, &format!("its response {reason}"));
    }
    drop(readers);
}

/// Why a call was not taken, and the error code to answer it with (none when the call
/// is too broken to answer).
struct Refusal {
    reason: String,
    answer: Option<ErrorCode>,
}

/// Reads the request's synchronous part (and the options of an outgoing-handler).
async fn read_head(
    incoming: &mut wrpc_transport_nats::Reader,
    with_options: bool,
) -> Result<(SyncRequest, Option<RequestOptions>), Refusal> {
    let mut buf = BytesMut::new();
    loop {
        let mut cursor = Cursor::new(&buf);
        let parsed = cursor.request().and_then(|request| {
            let options = if with_options {
                cursor.options()?
            } else {
                None
            };
            Ok((request, options))
        });
        match parsed {
            Ok(parts) => return Ok(parts),
            Err(Short::Invalid(reason)) => {
                return Err(Refusal {
                    answer: Some(ErrorCode::InternalError(Some(format!(
                        "the request does not match wrpc:http's types: {reason}"
                    )))),
                    reason: format!("its request does not match wrpc:http's types: {reason}"),
                })
            }
            Err(Short::More) => {}
        }
        if buf.len() > MAX_HEAD_BYTES {
            return Err(Refusal {
                reason: format!("its request head is over {MAX_HEAD_BYTES} bytes"),
                answer: Some(ErrorCode::HttpRequestHeaderSectionSize(None)),
            });
        }
        match incoming.read_buf(&mut buf).await {
            Ok(0) => {
                return Err(Refusal {
                    reason: "the call ended before its request was complete".into(),
                    answer: None,
                })
            }
            Ok(_) => {}
            Err(err) => {
                return Err(Refusal {
                    reason: format!("its request could not be read: {err}"),
                    answer: None,
                })
            }
        }
    }
}

/// Writes the result and closes the result's own subject.
async fn respond(
    outgoing: &mut wrpc_transport_nats::SubjectWriter,
    result: &Result<(u16, super::Fields), ErrorCode>,
) -> std::io::Result<()> {
    let mut buf = BytesMut::new();
    wire::put_result(result, &mut buf);
    outgoing.write_all(&buf).await?;
    outgoing.shutdown().await
}

/// The request as hyper would hand it over, its body and trailers read by `readers`.
fn request_of(
    sync: SyncRequest,
    incoming: &wrpc_transport_nats::Reader,
    readers: &mut Readers,
) -> Result<http::Request<HyperOutgoingBody>, ErrorCode> {
    let SyncRequest {
        body,
        trailers,
        head,
    } = sync;
    let RequestHead {
        method,
        path_with_query,
        scheme,
        authority,
        headers,
    } = head;
    let method = http_method(method)?;
    let mut uri = http::Uri::builder();
    if let Some(authority) = &authority {
        let scheme = match &scheme {
            Some(Scheme::Https) => "https",
            Some(Scheme::Other(other)) => other.as_str(),
            _ => "http",
        };
        uri = uri.scheme(scheme).authority(authority.as_str());
    }
    let uri = uri
        .path_and_query(path_with_query.as_deref().unwrap_or("/"))
        .build()
        .map_err(|_| ErrorCode::HttpRequestUriInvalid)?;
    let mut headers =
        header_map(headers).map_err(|reason| ErrorCode::InternalError(Some(reason)))?;
    if let (Some(authority), false) = (&authority, headers.contains_key(http::header::HOST)) {
        if let Ok(host) = http::HeaderValue::from_str(authority) {
            headers.insert(http::header::HOST, host);
        }
    }
    let subject = |path: &[usize]| {
        incoming
            .index(path)
            .map_err(|e| ErrorCode::InternalError(Some(format!("{e:#}"))))
    };
    let bytes = match ready_bytes(body) {
        Some(bytes) => bytes,
        None => {
            let (bytes, io) = IncomingBytes::read_from(subject(&[0, 0])?);
            readers.0.spawn(io);
            bytes
        }
    };
    let trailers = match trailers {
        Carried::Ready(fields) => TrailersIn::Ready(fields),
        Carried::Pending => {
            let (tx, rx) = oneshot::channel();
            readers.0.spawn(read_trailers(subject(&[0, 1])?, tx));
            TrailersIn::Pending(rx)
        }
    };
    let mut request = http::Request::new(receive_body(bytes, trailers));
    *request.method_mut() = method;
    *request.uri_mut() = uri;
    *request.headers_mut() = headers;
    Ok(request)
}

fn http_method(method: Method) -> Result<http::Method, ErrorCode> {
    Ok(match method {
        Method::Get => http::Method::GET,
        Method::Head => http::Method::HEAD,
        Method::Post => http::Method::POST,
        Method::Put => http::Method::PUT,
        Method::Delete => http::Method::DELETE,
        Method::Connect => http::Method::CONNECT,
        Method::Options => http::Method::OPTIONS,
        Method::Trace => http::Method::TRACE,
        Method::Patch => http::Method::PATCH,
        Method::Other(other) => http::Method::from_bytes(other.as_bytes())
            .map_err(|_| ErrorCode::HttpRequestMethodInvalid)?,
    })
}

fn caller_of(headers: Option<&nats::HeaderMap>) -> Caller {
    let header = |name: &str| {
        headers
            .and_then(|h| h.get(name))
            .map(|value| value.as_str().to_owned())
    };
    Caller {
        source: header(SOURCE_ID_HEADER),
        link_name: header(LINK_NAME_HEADER),
        spied: header(SPIED_HEADER).is_some(),
    }
}
