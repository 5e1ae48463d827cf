//! Issue 11 item 3: `trellis up` honours control-request grants only where its own
//! `--allow-*` flags allow them. A plain NATS client (not the Trellis CLI) asks a host
//! for a directory; the host without flags refuses, naming the grant, and the host
//! started with `--allow-dir` grants it.

use futures::StreamExt as _;
use serde_json::{json, Value};
use trellis_testkit::NatsServer;

use crate::support::{Dirs, Up, WAIT};

/// Scales component `id` with `annotations` on `host` over ctl and returns the
/// `component_scaled` or `component_scale_failed` event about it.
async fn scale(
    client: &async_nats::Client,
    host: &str,
    path: &str,
    id: &str,
    annotations: Value,
) -> Value {
    let mut events = client.subscribe("wasmbus.evt.default.>").await.unwrap();
    client.flush().await.unwrap();
    let body = json!({"component_ref": path, "component_id": id, "count": 1,
        "host_id": host, "annotations": annotations});
    let reply = client
        .request(
            format!("wasmbus.ctl.v1.default.component.scale.{host}"),
            serde_json::to_vec(&body).unwrap().into(),
        )
        .await
        .unwrap();
    let reply: Value = serde_json::from_slice(&reply.payload).unwrap();
    assert_eq!(reply["success"], true, "{reply}");
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let message = tokio::time::timeout_at(deadline, events.next())
            .await
            .unwrap_or_else(|_| panic!("no scale outcome for {id}"))
            .unwrap();
        let event: Value = serde_json::from_slice(&message.payload).unwrap();
        let kind = event["type"].as_str().unwrap_or_default();
        if (kind.ends_with(".component_scaled") || kind.ends_with(".component_scale_failed"))
            && event["data"]["component_id"] == id
        {
            return event;
        }
    }
}

#[tokio::test]
async fn up_grants_directories_only_with_allow_dir() {
    let nats = NatsServer::start().unwrap();
    let dirs = Dirs::new();
    let url = nats.url();
    let shared = tempfile::tempdir().unwrap();
    let wasm = shared.path().join("hello.wasm");
    std::fs::write(&wasm, trellis_testkit::fixtures::http_hello().unwrap()).unwrap();
    let path = wasm.to_str().unwrap();
    let client = async_nats::connect(&url).await.unwrap();

    let strict = Up::start(&dirs, &["--nats-url", &url]).await.unwrap();
    let refused = scale(
        &client,
        &strict.host_id,
        path,
        "rooted",
        json!({"trellis.dev/dirs": "/"}),
    )
    .await;
    assert_eq!(
        refused["type"], "com.wasmcloud.lattice.component_scale_failed",
        "{refused}"
    );
    assert_eq!(
        refused["data"]["error"],
        "grant trellis.dev/dirs=/ is not allowed by this host's policy (allowed roots: none)"
    );
    drop(strict);

    let allowed = shared.path().to_str().unwrap();
    let open = Up::start(
        &dirs,
        &[
            "--nats-url",
            &url,
            "--allow-dir",
            allowed,
            "--allow-env",
            "GREETING",
        ],
    )
    .await
    .unwrap();
    let granted = scale(
        &client,
        &open.host_id,
        path,
        "granted",
        json!({"trellis.dev/dirs": format!("{allowed}:/data"), "trellis.dev/env": "GREETING=hi"}),
    )
    .await;
    assert_eq!(
        granted["type"], "com.wasmcloud.lattice.component_scaled",
        "{granted}"
    );
    // Still only what the flags allow.
    let network = scale(
        &client,
        &open.host_id,
        path,
        "net",
        json!({"trellis.dev/network": "true"}),
    )
    .await;
    assert_eq!(
        network["data"]["error"],
        "grant trellis.dev/network=true is not allowed by this host's policy \
         (network grants are not allowed)"
    );
}

#[tokio::test]
async fn up_help_documents_the_allow_flags() {
    let dirs = Dirs::new();
    let help = dirs.run(["up", "--help"]).await.success();
    for flag in [
        "--allow-dir <PATH>",
        "--allow-env <NAME>",
        "--allow-network",
        "--allow-blobstore-root <PATH>",
        "--allow-public-http",
        "--allow-provider-files",
        "--allow-provider-images",
    ] {
        assert!(help.contains(flag), "{flag} missing from:\n{help}");
    }
}
