//! `wrpc:http` on a real nats-server: a 3 MiB body streams to a served handler and back
//! with trailers both ways, a body cut part way reaches the handler as cut, and a
//! malformed request is answered with an error code naming the fault while serving
//! goes on.

use std::sync::Arc;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use futures::future::BoxFuture;
use http_body_util::{BodyExt as _, StreamBody};
use hyper::body::Frame;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use trellis_testkit::NatsServer;
use trellis_wrpc::blobstore::Caller;
use trellis_wrpc::http::{
    serve_http, ErrorCode, HttpClient, HttpService, RequestOptions, INCOMING_HANDLER,
};
use trellis_wrpc::Invoker;
use wasmtime_wasi_http::p2::body::HyperOutgoingBody;
use wrpc_transport::Invoke as _;

const LEN: usize = 3 << 20;

/// Echoes the request body as it comes, then trailers counting its bytes; a body that
/// fails is answered 400 with the reason.
struct Echo;

impl HttpService for Echo {
    fn handle(
        &self,
        caller: Caller,
        request: http::Request<HyperOutgoingBody>,
        _options: Option<RequestOptions>,
    ) -> BoxFuture<'static, Result<http::Response<HyperOutgoingBody>, ErrorCode>> {
        Box::pin(async move {
            let (parts, mut body) = request.into_parts();
            let mut data = BytesMut::new();
            let mut trailers = None;
            while let Some(frame) = body.frame().await {
                match frame {
                    Ok(frame) => match frame.into_data() {
                        Ok(chunk) => data.extend_from_slice(&chunk),
                        Err(frame) => trailers = frame.into_trailers().ok(),
                    },
                    Err(err) => {
                        let text = format!("{err}");
                        let body = http_body_util::Full::new(Bytes::from(text))
                            .map_err(|never| match never {})
                            .boxed_unsync();
                        let mut response = http::Response::new(body);
                        *response.status_mut() = http::StatusCode::BAD_REQUEST;
                        return Ok(response);
                    }
                }
            }
            let sent = trailers
                .and_then(|t| t.get("x-sent").cloned())
                .map(|v| v.to_str().unwrap().to_owned())
                .unwrap_or_default();
            let mut out = http::HeaderMap::new();
            out.insert("x-count", data.len().to_string().parse().unwrap());
            out.insert("x-sent-trailer", sent.parse().unwrap());
            let frames = futures::stream::iter(
                data.freeze()
                    .chunks(100_000)
                    .map(|c| Ok(Frame::data(Bytes::copy_from_slice(c))))
                    .chain([Ok(Frame::trailers(out))])
                    .collect::<Vec<_>>(),
            );
            let mut response = http::Response::new(StreamBody::new(frames).boxed_unsync());
            response
                .headers_mut()
                .insert("x-path", parts.uri.path().parse().unwrap());
            response.headers_mut().insert(
                "x-caller",
                caller.source.unwrap_or_default().parse().unwrap(),
            );
            Ok(response)
        })
    }

    fn refused(&self, _source: Option<&str>, reason: &str) {
        eprintln!("refused: {reason}");
    }
}

fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8).collect()
}

/// A request whose body is `data` in 64 KiB frames, then (unless it fails) trailers.
fn request(data: Vec<u8>, fail_after: Option<usize>) -> http::Request<HyperOutgoingBody> {
    let mut frames: Vec<Result<Frame<Bytes>, wasmtime_wasi_http::Error>> = Vec::new();
    for (i, chunk) in data.chunks(64 << 10).enumerate() {
        if fail_after == Some(i) {
            frames.push(Err(wasmtime_wasi_http::Error::ConnectionTerminated));
            break;
        }
        frames.push(Ok(Frame::data(Bytes::copy_from_slice(chunk))));
    }
    if fail_after.is_none() {
        let mut trailers = http::HeaderMap::new();
        trailers.insert("x-sent", "all".parse().unwrap());
        frames.push(Ok(Frame::trailers(trailers)));
    }
    let body = StreamBody::new(futures::stream::iter(frames)).boxed_unsync();
    let mut request = http::Request::new(body);
    *request.method_mut() = http::Method::POST;
    *request.uri_mut() = "http://echo.test/upload?x=1".parse().unwrap();
    request
}

async fn serve(nats: &NatsServer) -> (trellis_wrpc::Serving, Invoker) {
    let server = nats.wrpc_client().await.unwrap();
    let serving = serve_http(server, "default", "echo", INCOMING_HANDLER, Arc::new(Echo))
        .await
        .unwrap();
    let invoker = Invoker::new(nats.wrpc_client().await.unwrap(), "default");
    (serving, invoker)
}

#[tokio::test]
async fn three_mebibytes_stream_both_ways_with_trailers() {
    let nats = NatsServer::start().unwrap();
    let (_serving, invoker) = serve(&nats).await;
    let client = HttpClient::new(
        invoker,
        "caller",
        "echo",
        "default",
        Duration::from_secs(10),
    );
    let response = client
        .handle(INCOMING_HANDLER, request(pattern(LEN), None), None)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["x-path"], "/upload");
    assert_eq!(response.headers()["x-caller"], "caller");
    let collected = response.into_body().collect().await.unwrap();
    let trailers = collected.trailers().cloned().expect("trailers");
    let body = collected.to_bytes();
    assert_eq!(body.len(), LEN);
    assert!(body == pattern(LEN), "every byte comes back as sent");
    assert_eq!(trailers["x-count"], LEN.to_string().as_str());
    assert_eq!(trailers["x-sent-trailer"], "all");
}

#[tokio::test]
async fn a_body_cut_part_way_arrives_cut_and_serving_goes_on() {
    let nats = NatsServer::start().unwrap();
    let (_serving, invoker) = serve(&nats).await;
    let client = HttpClient::new(
        invoker,
        "caller",
        "echo",
        "default",
        Duration::from_secs(10),
    );
    let response = client
        .handle(INCOMING_HANDLER, request(pattern(LEN), Some(10)), None)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(response.status(), 400, "the handler saw the body fail");
    let text = response.into_body().collect().await.unwrap().to_bytes();
    let text = String::from_utf8_lossy(&text);
    assert!(text.contains("the body arrived cut"), "{text}");

    let response = client
        .handle(INCOMING_HANDLER, request(pattern(1000), None), None)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn malformed_requests_are_answered_with_the_fault_and_serving_goes_on() {
    let nats = NatsServer::start().unwrap();
    let (_serving, invoker) = serve(&nats).await;
    let raw =
        wrpc_transport_nats::Client::new(nats.wrpc_client().await.unwrap(), "default.echo", None)
            .await
            .unwrap();
    // body pending, trailers pending, method case 12 (there are 10).
    let (mut params, mut results) = raw
        .invoke(
            None,
            INCOMING_HANDLER,
            "handle",
            Bytes::from_static(&[0, 0, 12]),
            [[Some(0), Some(0)], [Some(0), Some(1)]],
        )
        .await
        .unwrap();
    params.shutdown().await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), results.read_to_end(&mut answer))
        .await
        .unwrap()
        .unwrap();
    // result::err, error-code case 38 (internal-error), some(message)
    assert_eq!(&answer[..3], &[1, 38, 1], "{answer:?}");
    let text = String::from_utf8_lossy(&answer[4..]);
    assert!(text.contains("method case 12 does not exist"), "{text}");

    let client = HttpClient::new(
        invoker,
        "caller",
        "echo",
        "default",
        Duration::from_secs(10),
    );
    let response = client
        .handle(INCOMING_HANDLER, request(pattern(10), None), None)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(response.status(), 200);
    let body = response.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(body.len(), 10);
}
