//! HTTP across hosts over `wrpc:http` (issue 14): an http-server on host B linked to a
//! component that runs on host A answers with A's component; with A's component gone,
//! B answers 503 naming "no responder" and keeps serving. A component on A whose
//! http-client link leads to B sends its requests from B, under B's link's policy.

use std::collections::BTreeMap;
use std::time::Duration;

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use trellis_host::LatticeHost;
use trellis_proto::{Link, LogRecord};
use trellis_testkit::fixtures::WitSource;
use trellis_testkit::NatsServer;
use wasmtime::component::Val;

use crate::runtime_gaps_http::{teapot, FETCHER_WAT, FETCHER_WIT};
use crate::spy::{call_of, next_record, no_second_record, spy_on};
use crate::wrpc_links::{start, wrpc_host};
use crate::{free_port, get};

const GREETING: &str = "Hello from a hand-written WAT component!";

fn web_to_hello() -> Link {
    Link {
        source_id: "web".into(),
        target: "hello".into(),
        name: "default".into(),
        wit_namespace: "wasi".into(),
        wit_package: "http".into(),
        interfaces: vec!["incoming-handler".into()],
        source_config: vec![],
        target_config: vec![],
    }
}

/// Starts an http-server on `host` linked to component `hello` (wherever it runs);
/// returns its port.
async fn http_server(host: &LatticeHost) -> u16 {
    host.runtime()
        .start_provider(
            "web",
            "builtin://http-server",
            BTreeMap::new(),
            BTreeMap::new(),
        )
        .await
        .unwrap();
    let port = free_port();
    let config = BTreeMap::from([("address".to_owned(), format!("127.0.0.1:{port}"))]);
    host.runtime()
        .set_link(&web_to_hello(), config, BTreeMap::new())
        .await
        .unwrap();
    port
}

/// POSTs `len` bytes to `path`: the status and the body.
async fn post(port: u16, path: &str, len: usize) -> (u16, String) {
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {len}\r\n\
         Connection: close\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let body: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
    // The component may answer before it has read it all: a cut write is fine.
    let _ = stream.write_all(&body).await;
    let mut raw = Vec::new();
    tokio::time::timeout(Duration::from_secs(20), stream.read_to_end(&mut raw))
        .await
        .expect("an answer within 20 s")
        .unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").expect("a response head");
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    let body = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        dechunk(body)
    } else {
        body.to_owned()
    };
    (status, body)
}

/// A chunked body's content.
fn dechunk(mut rest: &str) -> String {
    let mut body = String::new();
    loop {
        let (size, after) = rest.split_once("\r\n").expect("a chunk size");
        let size = usize::from_str_radix(size.trim(), 16).expect("a hex chunk size");
        if size == 0 {
            return body;
        }
        body.push_str(&after[..size]);
        rest = &after[size + 2..];
    }
}

#[tokio::test]
async fn an_http_server_link_reaches_a_component_on_another_host() {
    let nats = NatsServer::start().unwrap();
    let host_a = wrpc_host(&nats).await;
    let host_b = wrpc_host(&nats).await;
    start(
        &host_a,
        "hello",
        trellis_testkit::fixtures::http_hello().unwrap(),
    )
    .await;
    let port = http_server(&host_b).await;

    // B has no "hello": the answer is A's component's, from the first request on. A spy
    // on it shows the request once, from B, whose http-server link brought it.
    let mut spy = spy_on(&nats, "hello").await;
    let (status, body) = get(port, "/greet?who=b").await.unwrap();
    assert_eq!(status, 200, "{body}");
    assert_eq!(body, format!("{GREETING} path=/greet?who=b\n"));
    let record = next_record(&mut spy).await;
    assert_eq!(record.host_id, host_b.id());
    assert_eq!(
        (record.args.as_slice(), record.results.as_slice()),
        (
            [r#""GET /greet?who=b""#.to_owned()].as_slice(),
            ["200".to_owned()].as_slice()
        )
    );
    no_second_record(&mut spy, "the request was recorded twice").await;
    spy.stop().await;

    // A 3 MB upload streams across; the component answers it.
    let (status, body) = post(port, "/upload", 3 << 20).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body, format!("{GREETING} path=/upload\n"));

    // Several at once.
    let answers = futures::future::join_all(
        (0..8).map(|i| async move { get(port, &format!("/n/{i}")).await.unwrap() }),
    )
    .await;
    for (i, (status, body)) in answers.into_iter().enumerate() {
        assert_eq!((status, body), (200, format!("{GREETING} path=/n/{i}\n")));
    }

    // A's component stops: B names the cause and keeps serving.
    host_a.runtime().stop_component("hello").await.unwrap();
    let (status, body) = get(port, "/gone").await.unwrap();
    assert_eq!(status, 503, "{body}");
    assert!(
        body.contains("no responder for hello"),
        "the answer names the cause: {body}"
    );
    let (status, _) = get(port, "/gone-again").await.unwrap();
    assert_eq!(status, 503);

    // Started on B itself, it answers from there.
    start(
        &host_b,
        "hello",
        trellis_testkit::fixtures::http_hello_with_greeting("Hello from B").unwrap(),
    )
    .await;
    let (status, body) = get(port, "/local").await.unwrap();
    assert_eq!((status, body.as_str()), (200, "Hello from B path=/local\n"));
}

/// Starts the built-in http-client provider as `http-client` on `host`.
async fn start_http_client(host: &LatticeHost) {
    host.runtime()
        .start_provider(
            "http-client",
            "builtin://http-client",
            BTreeMap::new(),
            BTreeMap::new(),
        )
        .await
        .unwrap();
}

fn fetcher_to_client() -> Link {
    Link {
        source_id: "fetcher".into(),
        target: "http-client".into(),
        name: "default".into(),
        wit_namespace: "wasi".into(),
        wit_package: "http".into(),
        interfaces: vec!["outgoing-handler".into()],
        source_config: vec![],
        target_config: vec![],
    }
}

async fn fetch(host: &LatticeHost, authority: &str) -> Val {
    let out = host
        .runtime()
        .call_function("fetcher", "fetch", vec![Val::String(authority.into())])
        .await
        .unwrap();
    out.into_iter().next().unwrap()
}

/// The next log record of `host` that contains `needle`.
async fn logged(logs: &mut tokio::sync::broadcast::Receiver<LogRecord>, needle: &str) -> LogRecord {
    tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            let record = logs.recv().await.unwrap();
            if record.message.contains(needle) {
                return record;
            }
        }
    })
    .await
    .unwrap_or_else(|_| panic!("no log record with {needle:?}"))
}

#[tokio::test]
async fn a_component_sends_http_through_an_http_client_on_another_host() {
    let nats = NatsServer::start().unwrap();
    let host_a = wrpc_host(&nats).await;
    let host_b = wrpc_host(&nats).await;
    let fetcher = trellis_testkit::fixtures::component(
        WitSource::WithWasi(FETCHER_WIT),
        "fetcher",
        FETCHER_WAT,
    )
    .unwrap();
    start(&host_a, "fetcher", fetcher).await;
    start_http_client(&host_b).await;
    let mut b_logs = host_b.runtime().logs().subscribe();
    let (port, server) = teapot().await.unwrap();
    let authority = format!("127.0.0.1:{port}");
    let allowed = BTreeMap::from([("allowed_hosts".to_owned(), "127.0.0.1".to_owned())]);
    let denied = Val::Result(Err(Some(Box::new(Val::Variant(
        "HTTP-request-denied".into(),
        None,
    )))));

    // Only A knows the link: B's http-client refuses a caller it has no link from.
    host_a
        .runtime()
        .set_link(&fetcher_to_client(), BTreeMap::new(), allowed.clone())
        .await
        .unwrap();
    assert_eq!(fetch(&host_a, &authority).await, denied);
    let record = logged(&mut b_logs, "access denied").await;
    assert!(
        record
            .message
            .contains("no link \"default\" for wasi:http/outgoing-handler")
            && record.message.contains("\"fetcher\""),
        "{}",
        record.message
    );

    // Linked on B too, but without the loopback grant: public addresses only.
    host_b
        .runtime()
        .set_link(&fetcher_to_client(), BTreeMap::new(), BTreeMap::new())
        .await
        .unwrap();
    assert_eq!(fetch(&host_a, &authority).await, denied);
    let record = logged(&mut b_logs, "internal address").await;
    assert_eq!(record.component.as_deref(), Some("fetcher"));
    assert!(
        !server.is_finished(),
        "nothing may reach the loopback server"
    );

    // B's link grants 127.0.0.1: the request goes out from B and its answer comes back.
    host_b
        .runtime()
        .set_link(&fetcher_to_client(), BTreeMap::new(), allowed)
        .await
        .unwrap();
    let mut spy = spy_on(&nats, "http-client").await;
    assert_eq!(
        fetch(&host_a, &authority).await,
        Val::Result(Ok(Some(Box::new(Val::U16(418)))))
    );
    // A spy on the http-client sees the request go out and the status come back,
    // recorded by the calling host.
    let record = next_record(&mut spy).await;
    assert_eq!(
        call_of(&record),
        (
            "fetcher",
            "http-client",
            "wasi:http/outgoing-handler",
            "handle"
        )
    );
    assert_eq!(record.host_id, host_a.id());
    assert_eq!(
        record.args,
        [format!("\"GET http://{authority}/from-guest\"")]
    );
    assert_eq!(record.results, ["ok(418)"]);
    // Once: B serves a call A says it records, and leaves it out.
    no_second_record(&mut spy, "the request was recorded twice").await;
    spy.stop().await;
    let request_line = tokio::time::timeout(Duration::from_secs(2), server)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(request_line, "GET /from-guest HTTP/1.1");

    // B's provider stopped: A's component hears why.
    host_b.runtime().stop_provider("http-client").await.unwrap();
    let Val::Result(Err(Some(code))) = fetch(&host_a, &authority).await else {
        panic!("a request without a provider succeeded")
    };
    let text = format!("{code:?}");
    assert!(text.contains("no responder for http-client"), "{text}");
}

/// wasmCloud's http-server provider calls a component with wrpc-interface-http's
/// `invoke_handle_http` over wrpc-transport-nats 0.29: so does this test.
#[tokio::test]
async fn wasmclouds_own_http_client_reaches_a_component_on_a_trellis_host() {
    use http_body_util::BodyExt as _;
    use wrpc_interface_http::InvokeIncomingHandler as _;

    let nats = NatsServer::start().unwrap();
    let host = wrpc_host(&nats).await;
    start(
        &host,
        "hello",
        trellis_testkit::fixtures::http_hello().unwrap(),
    )
    .await;
    let connection = async_nats_wasmcloud::connect(nats.url()).await.unwrap();
    let client =
        wrpc_transport_nats_wasmcloud::Client::new(connection, "default.hello".to_owned(), None)
            .await
            .unwrap();
    // wasmCloud's http-server records nothing: the component's host does, for the spy.
    let mut spy = spy_on(&nats, "hello").await;
    let mut headers = async_nats_wasmcloud::HeaderMap::new();
    headers.insert("source-id", "wasmcloud-http-server");
    headers.insert("link-name", "default");
    let body = http_body_util::Full::new(bytes::Bytes::from(vec![7u8; 1 << 20]));
    let request = http::Request::builder()
        .method("POST")
        .uri("http://example.test/from-wasmcloud?x=1")
        .body(body)
        .unwrap();
    let call = client.invoke_handle_http(Some(headers), request);
    let (response, _errors, io) = tokio::time::timeout(Duration::from_secs(10), call)
        .await
        .expect("an answer within 10 s")
        .expect("the call succeeds");
    let response = response.expect("no error code");
    assert_eq!(response.status(), 200);
    let io = async {
        match io {
            Some(io) => io.await,
            None => Ok(()),
        }
    };
    let (body, _) = tokio::join!(response.into_body().collect(), io);
    let body = body.expect("the body arrives whole").to_bytes();
    assert_eq!(
        String::from_utf8_lossy(&body),
        format!("{GREETING} path=/from-wasmcloud?x=1\n")
    );
    let record = next_record(&mut spy).await;
    assert_eq!(
        call_of(&record),
        (
            "wasmcloud-http-server",
            "hello",
            "wasi:http/incoming-handler",
            "handle"
        )
    );
    assert_eq!(record.host_id, host.id());
    assert_eq!(record.args, [r#""POST /from-wasmcloud?x=1""#]);
    assert_eq!(record.results, ["200"]);
    spy.stop().await;
}

/// A component on a wasmCloud host sends its outgoing requests through a linked
/// http-client with wrpc-interface-http's `outgoing-handler.handle` over wasmCloud 1.9's
/// transport: so does this test, through a Trellis host's http-client. The caller's host
/// records nothing, so the provider's host shows the request in its spy.
#[tokio::test]
async fn a_wasmcloud_callers_request_through_a_trellis_http_client_shows_in_its_spy() {
    let nats = NatsServer::start().unwrap();
    let host = wrpc_host(&nats).await;
    start_http_client(&host).await;
    let link = Link {
        source_id: "wasmcloud-caller".into(),
        ..fetcher_to_client()
    };
    let allowed = BTreeMap::from([("allowed_hosts".to_owned(), "127.0.0.1".to_owned())]);
    host.runtime()
        .set_link(&link, BTreeMap::new(), allowed)
        .await
        .unwrap();
    let (port, server) = teapot().await.unwrap();
    let mut spy = spy_on(&nats, "http-client").await;

    let connection = async_nats_wasmcloud::connect(nats.url()).await.unwrap();
    let client = wrpc_transport_nats_wasmcloud::Client::new(
        connection,
        "default.http-client".to_owned(),
        None,
    )
    .await
    .unwrap();
    let mut headers = async_nats_wasmcloud::HeaderMap::new();
    headers.insert("source-id", "wasmcloud-caller");
    headers.insert("link-name", "default");
    let url = format!("http://127.0.0.1:{port}/from-wasmcloud");
    let request = http::Request::get(&url)
        .body(http_body_util::Empty::<bytes::Bytes>::new())
        .unwrap();
    let (request, _errors) = wrpc_interface_http::try_http_to_request(request).unwrap();
    let call = wrpc_interface_http::bindings::wrpc::http::outgoing_handler::handle(
        &client,
        Some(headers),
        request,
        None,
    );
    let (response, _io) = tokio::time::timeout(Duration::from_secs(10), call)
        .await
        .expect("an answer within 10 s")
        .expect("the call succeeds");
    assert_eq!(response.expect("no error code").status, 418);
    assert_eq!(
        tokio::time::timeout(Duration::from_secs(2), server)
            .await
            .unwrap()
            .unwrap(),
        "GET /from-wasmcloud HTTP/1.1"
    );

    let record = next_record(&mut spy).await;
    assert_eq!(
        call_of(&record),
        (
            "wasmcloud-caller",
            "http-client",
            "wasi:http/outgoing-handler",
            "handle"
        )
    );
    assert_eq!(record.host_id, host.id());
    assert_eq!(record.args, [format!("\"GET {url}\"")]);
    assert_eq!(record.results, ["ok(418)"]);
    spy.stop().await;
}
