//! Outgoing HTTP: refused with an error naming `wasi:http/outgoing-handler` until the
//! component is linked to an http-client; internal addresses (loopback, link-local,
//! private) are denied unless the link's config allows them, so the loopback test
//! server is granted through `allowed_hosts` / `allowed_cidrs`.

use std::collections::BTreeMap;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use trellis_host::ComponentSource;
use trellis_proto::Link;
use trellis_testkit::fixtures::{self, WitSource};
use wasmtime::component::Val;

use crate::runtime;

pub(crate) const FETCHER_WIT: &str = r#"
package trellis:gaps-http;

world fetcher {
  import wasi:io/poll@0.2.12;
  import wasi:http/outgoing-handler@0.2.12;
  use wasi:http/types@0.2.12.{error-code};
  export fetch: func(authority: string) -> result<u16, error-code>;
}
"#;

/// `fetch(authority)`: GET http://AUTHORITY/from-guest; the status or the error code.
///
/// `result<X, error-code>` has its payload at offset 8 wherever it appears, so the
/// guest hands back the host's own result records instead of copying them.
pub(crate) const FETCHER_WAT: &str = r#"
(module
  (import "wasi:http/types@0.2.12" "[constructor]fields" (func $fields (result i32)))
  (import "wasi:http/types@0.2.12" "[constructor]outgoing-request"
    (func $request (param i32) (result i32)))
  (import "wasi:http/types@0.2.12" "[method]outgoing-request.set-scheme"
    (func $set_scheme (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasi:http/types@0.2.12" "[method]outgoing-request.set-authority"
    (func $set_authority (param i32 i32 i32 i32) (result i32)))
  (import "wasi:http/types@0.2.12" "[method]outgoing-request.set-path-with-query"
    (func $set_path (param i32 i32 i32 i32) (result i32)))
  (import "wasi:http/outgoing-handler@0.2.12" "handle" (func $handle (param i32 i32 i32 i32)))
  (import "wasi:http/types@0.2.12" "[method]future-incoming-response.subscribe"
    (func $subscribe (param i32) (result i32)))
  (import "wasi:io/poll@0.2.12" "[method]pollable.block" (func $block (param i32)))
  (import "wasi:http/types@0.2.12" "[method]future-incoming-response.get"
    (func $get (param i32 i32)))
  (import "wasi:http/types@0.2.12" "[method]incoming-response.status"
    (func $status (param i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 100) "/from-guest")
  (global $heap (mut i32) (i32.const 8192))
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
    (local $ret i32)
    (local.set $ret (i32.and (i32.add (global.get $heap) (i32.const 7)) (i32.const -8)))
    (global.set $heap (i32.add (local.get $ret) (local.get 3)))
    (local.get $ret))
  (func (export "fetch") (param $ptr i32) (param $len i32) (result i32)
    (local $req i32) (local $future i32)
    (local.set $req (call $request (call $fields)))
    ;; some(scheme::http)
    (drop (call $set_scheme (local.get $req) (i32.const 1) (i32.const 0) (i32.const 0) (i32.const 0)))
    (drop (call $set_authority (local.get $req) (i32.const 1) (local.get $ptr) (local.get $len)))
    (drop (call $set_path (local.get $req) (i32.const 1) (i32.const 100) (i32.const 11)))
    ;; result<future-incoming-response, error-code> at 2048
    (call $handle (local.get $req) (i32.const 0) (i32.const 0) (i32.const 2048))
    (if (i32.load8_u (i32.const 2048)) (then (return (i32.const 2048))))
    (local.set $future (i32.load (i32.const 2056)))
    (call $block (call $subscribe (local.get $future)))
    ;; option<result<result<incoming-response, error-code>>> at 3072: the inner
    ;; result starts at 3088, its payload at 3096
    (call $get (local.get $future) (i32.const 3072))
    (if (i32.load8_u (i32.const 3088)) (then (return (i32.const 3088))))
    (i32.store16 (i32.const 3096) (call $status (i32.load (i32.const 3096))))
    (i32.const 3088))
  (func (export "cabi_post_fetch") (param i32))
)
"#;

/// A one-shot HTTP/1.1 server on loopback: answers 418 and reports the request line.
pub(crate) async fn teapot() -> anyhow::Result<(u16, tokio::task::JoinHandle<String>)> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let port = listener.local_addr()?.port();
    let task = tokio::spawn(async move {
        let Ok((mut stream, _)) = listener.accept().await else {
            return String::new();
        };
        let mut buf = vec![0u8; 4096];
        let mut seen = Vec::new();
        while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => seen.extend_from_slice(&buf[..n]),
            }
        }
        let reply = "HTTP/1.1 418 I'm a teapot\r\ncontent-length: 0\r\nconnection: close\r\n\r\n";
        let _ = stream.write_all(reply.as_bytes()).await;
        let text = String::from_utf8_lossy(&seen).into_owned();
        text.lines().next().unwrap_or_default().to_owned()
    });
    Ok((port, task))
}

#[tokio::test]
async fn outgoing_http_needs_an_http_client_link() -> anyhow::Result<()> {
    let rt = runtime(Duration::from_secs(5));
    let mut logs = rt.logs().subscribe();
    let bytes = fixtures::component(WitSource::WithWasi(FETCHER_WIT), "fetcher", FETCHER_WAT)?;
    rt.start_component(
        "fetcher",
        ComponentSource::Bytes(bytes.into()),
        2,
        BTreeMap::new(),
        BTreeMap::new(),
    )
    .await?;
    let (port, server) = teapot().await?;
    let authority = Val::String(format!("127.0.0.1:{port}"));

    // No link: the guest gets an error code naming the import; the host logs it.
    let out = rt
        .call_function("fetcher", "fetch", vec![authority.clone()])
        .await?;
    let text = format!("{out:?}");
    assert!(text.contains("Err"), "{text}");
    assert!(
        text.contains("wasi:http/outgoing-handler") && text.contains("no link satisfies it"),
        "{text}"
    );
    let logged = tokio::time::timeout(Duration::from_secs(2), async {
        loop {
            let record = logs.recv().await?;
            if record.message.contains("wasi:http/outgoing-handler") {
                return anyhow::Ok(record);
            }
        }
    })
    .await??;
    assert_eq!(logged.component.as_deref(), Some("fetcher"));
    assert!(
        !server.is_finished(),
        "nothing may reach the server unlinked"
    );

    // Linked to an http-client: the request goes out.
    rt.start_provider(
        "http-client",
        "builtin://http-client",
        BTreeMap::new(),
        BTreeMap::new(),
    )
    .await?;
    let link = Link {
        source_id: "fetcher".into(),
        target: "http-client".into(),
        name: "default".into(),
        wit_namespace: "wasi".into(),
        wit_package: "http".into(),
        interfaces: vec!["outgoing-handler".into()],
        source_config: vec![],
        target_config: vec![],
    };
    // The loopback test server is an internal address: granted by the link's config.
    let allowed = BTreeMap::from([("allowed_hosts".to_string(), "127.0.0.1".to_string())]);
    rt.set_link(&link, BTreeMap::new(), allowed).await?;
    let out = rt
        .call_function("fetcher", "fetch", vec![authority])
        .await?;
    assert_eq!(
        out,
        vec![Val::Result(Ok(Some(Box::new(Val::U16(418)))))],
        "{out:?}"
    );
    let request_line = tokio::time::timeout(Duration::from_secs(2), server).await??;
    assert_eq!(request_line, "GET /from-guest HTTP/1.1");
    Ok(())
}

/// Issue 11, item 6: an http-client link does not reach loopback, link-local or private
/// addresses unless its config allows them.
#[tokio::test]
async fn outgoing_http_to_internal_addresses_is_denied_unless_the_link_allows_it(
) -> anyhow::Result<()> {
    let rt = runtime(Duration::from_secs(5));
    let mut logs = rt.logs().subscribe();
    let bytes = fixtures::component(WitSource::WithWasi(FETCHER_WIT), "fetcher", FETCHER_WAT)?;
    rt.start_component(
        "fetcher",
        ComponentSource::Bytes(bytes.into()),
        2,
        BTreeMap::new(),
        BTreeMap::new(),
    )
    .await?;
    rt.start_provider(
        "http-client",
        "builtin://http-client",
        BTreeMap::new(),
        BTreeMap::new(),
    )
    .await?;
    let link = Link {
        source_id: "fetcher".into(),
        target: "http-client".into(),
        name: "default".into(),
        wit_namespace: "wasi".into(),
        wit_package: "http".into(),
        interfaces: vec!["outgoing-handler".into()],
        source_config: vec![],
        target_config: vec![],
    };
    rt.set_link(&link, BTreeMap::new(), BTreeMap::new()).await?;
    let (port, server) = teapot().await?;

    // (authority, the host the log line names)
    let denied = [
        (format!("127.0.0.1:{port}"), "127.0.0.1"),
        (format!("localhost:{port}"), "localhost"),
        (format!("[::ffff:127.0.0.1]:{port}"), "::ffff:127.0.0.1"),
        ("169.254.169.254".to_string(), "169.254.169.254"),
        ("10.0.0.1:8080".to_string(), "10.0.0.1"),
        ("[::1]:80".to_string(), "::1"),
    ];
    let refused = vec![Val::Result(Err(Some(Box::new(Val::Variant(
        "HTTP-request-denied".into(),
        None,
    )))))];
    for (authority, host) in denied {
        let out = rt
            .call_function("fetcher", "fetch", vec![Val::String(authority.clone())])
            .await?;
        assert_eq!(out, refused, "{authority}");
        let logged = tokio::time::timeout(Duration::from_secs(2), async {
            loop {
                let record = logs.recv().await?;
                if record.message.contains("refused") {
                    return anyhow::Ok(record);
                }
            }
        })
        .await??;
        assert_eq!(logged.component.as_deref(), Some("fetcher"));
        assert!(
            logged.message.contains(&format!("{host} resolves to"))
                && logged.message.contains("internal address"),
            "{authority}: {}",
            logged.message
        );
    }
    assert!(
        !server.is_finished(),
        "nothing may reach the loopback server"
    );

    // A range in the link's config grants it.
    let allowed = BTreeMap::from([("allowed_cidrs".to_string(), "127.0.0.0/8".to_string())]);
    rt.set_link(&link, BTreeMap::new(), allowed).await?;
    let out = rt
        .call_function(
            "fetcher",
            "fetch",
            vec![Val::String(format!("127.0.0.1:{port}"))],
        )
        .await?;
    assert_eq!(
        out,
        vec![Val::Result(Ok(Some(Box::new(Val::U16(418)))))],
        "{out:?}"
    );
    Ok(())
}
