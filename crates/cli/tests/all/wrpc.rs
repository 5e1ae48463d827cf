//! Two `trellis up` hosts on one nats-server: `trellis call` into a component on host A
//! whose import is linked to a component on host B goes over wRPC, `trellis spy` on the
//! target sees it, and once host B stops the caller is told nobody answers (issue 14).

use std::time::Duration;

use tokio::io::AsyncReadExt as _;
use trellis_testkit::fixtures;
use trellis_testkit::NatsServer;

use crate::support::{eventually, Dirs, Up};

/// Writes `bytes` to a file and starts it as component `id` (on `host`, if given).
async fn start_component(
    dirs: &Dirs,
    global: &[&str],
    id: &str,
    host: Option<&str>,
    bytes: Vec<u8>,
) {
    let wasm = dirs.data().with_file_name(format!("{id}.wasm"));
    std::fs::write(&wasm, bytes).unwrap();
    let path = wasm.to_str().unwrap();
    let mut args = vec!["start", "component", path, "--id", id];
    if let Some(host) = host {
        args.extend(["--host", host]);
    }
    dirs.run(global.iter().chain(&args)).await.success();
}

#[tokio::test]
async fn a_call_through_a_link_reaches_a_component_on_another_host() {
    let nats = NatsServer::start().unwrap();
    let dirs = Dirs::new();
    let url = nats.url();
    let g = ["--nats-url", url.as_str()];
    let host_a = Up::start(&dirs, &["--nats-url", &url, "--friendly-name", "host-a"])
        .await
        .unwrap();
    let mut host_b = Up::start(&dirs, &["--nats-url", &url, "--friendly-name", "host-b"])
        .await
        .unwrap();
    for (id, host, bytes) in [
        ("shop", &host_a.host_id, fixtures::catalog_client().unwrap()),
        (
            "catalog",
            &host_b.host_id,
            fixtures::catalog_server().unwrap(),
        ),
    ] {
        start_component(&dirs, &g, id, Some(host), bytes).await;
    }
    let mut spy = dirs.trellis(g.iter().chain(&["spy", "catalog", "--follow"]));
    spy.stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null());
    let mut spy = spy.spawn().unwrap();

    dirs.run(g.iter().chain(&[
        "link",
        "put",
        "shop",
        "catalog",
        "trellis:xhost",
        "--interface",
        "catalog",
    ]))
    .await
    .success();
    let call: Vec<&str> = g
        .iter()
        .copied()
        .chain([
            "call",
            "shop",
            "run",
            r#"{name: "kite", tags: ["red", "big"], size: 3}"#,
        ])
        .collect();
    let answer = eventually("the call across hosts", || async {
        let out = dirs.run(&call).await;
        (out.code() == Some(0)).then(|| out.stdout())
    })
    .await;
    assert!(
        answer.contains(r#"{name: "kite", tags: ["red", "big"], weight: 5}"#),
        "{answer}"
    );

    // The spy on the target saw the call arrive from host A's component.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let _ = tokio::process::Command::new("kill")
        .args(["-INT", &spy.id().unwrap().to_string()])
        .status()
        .await;
    let mut printed = String::new();
    spy.stdout
        .take()
        .unwrap()
        .read_to_string(&mut printed)
        .await
        .unwrap();
    assert!(
        printed.contains("shop → catalog  trellis:xhost/catalog@0.1.0.describe("),
        "{printed}"
    );

    host_b.interrupt().await;
    host_b.wait().await;
    let out = dirs.run(&call).await;
    assert_eq!(out.code(), Some(1), "{}", out.stdout());
    assert!(
        out.stderr().contains("no responder for catalog"),
        "{}",
        out.stderr()
    );
    drop(host_a);
}

#[tokio::test]
async fn a_link_that_would_carry_handles_between_hosts_is_refused_when_made() {
    let nats = NatsServer::start().unwrap();
    let dirs = Dirs::new();
    let url = nats.url();
    let g = ["--nats-url", url.as_str()];
    let host_a = Up::start(&dirs, &["--nats-url", &url]).await.unwrap();
    let host_b = Up::start(&dirs, &["--nats-url", &url]).await.unwrap();
    for (id, host, bytes) in [
        ("user", &host_a.host_id, fixtures::handles_client().unwrap()),
        (
            "holder",
            &host_b.host_id,
            fixtures::handles_server().unwrap(),
        ),
    ] {
        start_component(&dirs, &g, id, Some(host), bytes).await;
    }
    let refused = dirs
        .run(g.iter().chain(&[
            "link",
            "put",
            "user",
            "holder",
            "trellis:handles",
            "--interface",
            "store",
        ]))
        .await;
    assert_eq!(refused.code(), Some(1), "{}", refused.stdout());
    let said = refused.stderr();
    assert!(
        said.contains("cannot be called between hosts") && said.contains("`make` passes `handle`"),
        "{said}"
    );
    drop((host_a, host_b));
}

#[tokio::test]
async fn trellis_call_wrpc_calls_a_component_as_other_hosts_do() {
    let nats = NatsServer::start().unwrap();
    let dirs = Dirs::new();
    let url = nats.url();
    let g = ["--nats-url", url.as_str()];
    let _host = Up::start(&dirs, &["--nats-url", &url]).await.unwrap();
    for (id, bytes) in [
        ("demo", fixtures::demo().unwrap()),
        ("catalog", fixtures::catalog_server().unwrap()),
    ] {
        start_component(&dirs, &g, id, None, bytes).await;
    }
    // A root-level export travels under the empty instance name, as wasmCloud serves it.
    let out = dirs
        .run(
            g.iter()
                .chain(&["call", "--wrpc", "demo", "add", "40", "2"]),
        )
        .await;
    assert_eq!(out.success().trim(), "42");
    let out = dirs
        .run(g.iter().chain(&[
            "call",
            "--wrpc",
            "catalog",
            // Named without its version, as on a Trellis host.
            "trellis:xhost/catalog.describe",
            r#"{name: "kite", tags: ["a"], size: 1}"#,
        ]))
        .await;
    assert_eq!(
        out.success().trim(),
        r#"{name: "kite", tags: ["a"], weight: 2}"#
    );
    // Arguments are checked against the WIT before anything is sent.
    let refused = dirs
        .run(
            g.iter()
                .chain(&["call", "--wrpc", "demo", "add", "\"x\"", "2"]),
        )
        .await;
    assert_eq!(refused.code(), Some(1));
    assert!(
        refused.stderr().contains("argument a of add: expected u32"),
        "{}",
        refused.stderr()
    );
}
