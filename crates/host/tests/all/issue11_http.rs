//! Issue 11, item 8: an http-server listener bounds what clients can hold. A half-sent
//! request head is cut off after the header-read timeout, a stalled connection after
//! the idle timeout, a body over the cap gets 413 and a connection over the cap gets
//! 503, while other clients keep being served. Limits come from the link's source config.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use trellis_host::{ComponentSource, HttpLimits, Runtime};
use trellis_proto::Link;

use crate::{free_port, get, runtime};

/// Starts http-hello as `id` behind an http-server link whose source config adds `limits`.
async fn hello_with(limits: &[(&str, &str)]) -> (Runtime, u16) {
    let rt = runtime(Duration::from_secs(5));
    let bytes = trellis_testkit::fixtures::http_hello().unwrap();
    rt.start_component(
        "hello",
        ComponentSource::Bytes(bytes.into()),
        4,
        BTreeMap::new(),
        BTreeMap::new(),
    )
    .await
    .unwrap();
    rt.start_provider(
        "http-server",
        "builtin://http-server",
        BTreeMap::new(),
        BTreeMap::new(),
    )
    .await
    .unwrap();
    let port = free_port();
    let mut config: BTreeMap<String, String> = limits
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    config.insert("address".into(), format!("127.0.0.1:{port}"));
    rt.set_link(&http_link(), config, BTreeMap::new())
        .await
        .unwrap();
    (rt, port)
}

fn http_link() -> Link {
    Link {
        source_id: "http-server".into(),
        target: "hello".into(),
        name: "default".into(),
        wit_namespace: "wasi".into(),
        wit_package: "http".into(),
        interfaces: vec!["incoming-handler".into()],
        source_config: vec![],
        target_config: vec![],
    }
}

/// Reads until the server closes the connection (or fails after `within`); returns
/// what was read and when the close came.
async fn until_closed(stream: &mut TcpStream, within: Duration) -> (String, Duration) {
    let started = Instant::now();
    let mut seen = Vec::new();
    let mut buf = [0u8; 1024];
    loop {
        match tokio::time::timeout_at((started + within).into(), stream.read(&mut buf)).await {
            Err(_) => panic!(
                "the connection is still open after {within:?}; read {:?}",
                String::from_utf8_lossy(&seen)
            ),
            Ok(Ok(0)) | Ok(Err(_)) => break,
            Ok(Ok(n)) => seen.extend_from_slice(&buf[..n]),
        }
    }
    (
        String::from_utf8_lossy(&seen).into_owned(),
        started.elapsed(),
    )
}

#[tokio::test]
async fn a_half_sent_header_is_cut_off_while_others_are_served() {
    let (_rt, port) = hello_with(&[("header_read_timeout", "300ms")]).await;
    let mut slow = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    slow.write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Half: ")
        .await
        .unwrap();
    let (status, body) = get(port, "/").await.unwrap();
    assert_eq!(status, 200);
    assert!(
        body.starts_with("Hello from a hand-written WAT component!"),
        "{body}"
    );
    let (_, took) = until_closed(&mut slow, Duration::from_secs(3)).await;
    assert!(took >= Duration::from_millis(200), "closed after {took:?}");
}

#[tokio::test]
async fn a_stalled_body_is_cut_off_after_the_idle_timeout() {
    let (_rt, port) = hello_with(&[("idle_timeout", "300ms")]).await;
    let mut stalled = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    stalled
        .write_all(b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\nab")
        .await
        .unwrap();
    until_closed(&mut stalled, Duration::from_secs(3)).await;
    assert_eq!(get(port, "/").await.unwrap().0, 200);
}

#[tokio::test]
async fn a_body_over_the_cap_gets_413() {
    let (_rt, port) = hello_with(&[("max_body_bytes", "16")]).await;
    let mut stream = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let body = "x".repeat(100);
    let request = format!(
        "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let (response, _) = until_closed(&mut stream, Duration::from_secs(3)).await;
    assert!(response.starts_with("HTTP/1.1 413"), "{response}");
    assert!(
        response.contains("100 bytes") && response.contains("16 bytes"),
        "{response}"
    );
    assert_eq!(get(port, "/").await.unwrap().0, 200);
}

#[tokio::test]
async fn a_connection_over_the_cap_gets_503_at_once() {
    let (_rt, port) = hello_with(&[("max_connections", "1")]).await;
    let mut first = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    first.write_all(b"GET / HTTP/1.1\r\n").await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;

    let mut second = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let _ = second
        .write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .await;
    let (response, _) = until_closed(&mut second, Duration::from_secs(2)).await;
    assert!(response.starts_with("HTTP/1.1 503"), "{response}");
    assert!(response.contains("limit of 1 connections"), "{response}");

    // Once the first goes, the slot is free again.
    drop(first);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(get(port, "/").await.unwrap().0, 200);
}

#[test]
fn limits_have_documented_defaults_and_config_keys() {
    let defaults = HttpLimits::default();
    assert_eq!(defaults.header_read_timeout, Duration::from_secs(10));
    assert_eq!(defaults.idle_timeout, Duration::from_secs(60));
    assert_eq!(defaults.max_connections, 1024);
    assert_eq!(defaults.max_body_bytes, 10 << 20);
    let config = BTreeMap::from([
        ("header_read_timeout".to_string(), "2s".to_string()),
        ("idle_timeout".to_string(), "1m".to_string()),
        ("max_connections".to_string(), "7".to_string()),
        ("max_body_bytes".to_string(), "99".to_string()),
    ]);
    let limits = HttpLimits::from_config(&config).unwrap();
    assert_eq!(
        limits,
        HttpLimits {
            header_read_timeout: Duration::from_secs(2),
            idle_timeout: Duration::from_secs(60),
            max_connections: 7,
            max_body_bytes: 99,
        }
    );
    let bad = BTreeMap::from([("max_connections".to_string(), "0".to_string())]);
    let err = HttpLimits::from_config(&bad).unwrap_err().to_string();
    assert!(err.contains("max_connections"), "{err}");
}
