//! Commands driven through Tauri's mock runtime (the real IPC path, no window), and the
//! local lattice started for real: nats-server, the embedded host, the lattice client.

use std::time::Duration;

use futures::StreamExt as _;
use serde_json::{json, Value};
use tauri::async_runtime::block_on;
use tauri::test::{get_ipc_response, mock_builder, mock_context, noop_assets, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{Manager, WebviewWindow, WebviewWindowBuilder};
use trellis_proto::LatticeEvent;

use crate::state::ConnState;
use crate::{build_app, local, AppState};

fn mock_window() -> (
    tauri::App<tauri::test::MockRuntime>,
    WebviewWindow<tauri::test::MockRuntime>,
) {
    let app = build_app(mock_builder())
        .build(mock_context(noop_assets()))
        .expect("mock app builds");
    let window = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .expect("mock window builds");
    (app, window)
}

fn invoke(window: &WebviewWindow<tauri::test::MockRuntime>, cmd: &str) -> Result<Value, Value> {
    invoke_with(window, cmd, json!({}))
}

fn invoke_with(
    window: &WebviewWindow<tauri::test::MockRuntime>,
    cmd: &str,
    args: Value,
) -> Result<Value, Value> {
    get_ipc_response(
        window,
        InvokeRequest {
            cmd: cmd.into(),
            callback: tauri::ipc::CallbackFn(0),
            error: tauri::ipc::CallbackFn(1),
            // On Linux the app's own origin is tauri://localhost (see tauri-setup.md).
            url: "tauri://localhost".parse().unwrap(),
            body: tauri::ipc::InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        },
    )
    .map(|body| body.deserialize::<Value>().expect("a JSON reply"))
}

#[test]
fn lattice_status_reports_starting_local_default() {
    let (_app, window) = mock_window();
    let status = invoke(&window, "lattice_status").expect("lattice_status never fails");
    assert_eq!(status["context"], "local");
    assert_eq!(status["lattice"], "default");
    assert_eq!(status["state"], "starting");
    assert_eq!(status["error"], Value::Null);
}

#[test]
fn a_failed_command_reaches_the_webview_as_code_and_message() {
    let (_app, window) = mock_window();
    let err = invoke(&window, "list_hosts").expect_err("no client yet");
    assert_eq!(
        err,
        json!({"code": "not_ready", "message": "the lattice is still starting"})
    );
}

#[test]
fn an_unknown_command_is_refused() {
    let (_app, window) = mock_window();
    assert!(invoke(&window, "delete_everything").is_err());
}

#[test]
fn local_lattice_serves_its_host_through_host_ping_and_stops_cleanly() {
    let data = tempfile::tempdir().unwrap();

    let steps = std::sync::Mutex::new(Vec::new());
    let started = block_on(local::start(data.path().to_owned(), "default", |s| {
        steps.lock().unwrap().push(s.to_owned())
    }))
    .expect("the local lattice starts (is nats-server installed?)");
    assert_eq!(
        *steps.lock().unwrap(),
        [
            "starting nats-server",
            "starting the host",
            "connecting to the lattice"
        ]
    );
    assert!(started.host_id.starts_with('N'), "{}", started.host_id);
    assert!(
        data.path().join("nats").is_dir(),
        "the store lives in the data dir"
    );

    // The command answers with the host the client found by pinging.
    let (app, window) = mock_window();
    let state = app.state::<AppState>();
    state.set_client(Some(started.client.clone()));
    state.update_status(|s| s.state = ConnState::Connected);
    let hosts = invoke(&window, "list_hosts").expect("list_hosts works once connected");
    let hosts = hosts.as_array().expect("an array of hosts");
    assert_eq!(hosts.len(), 1, "{hosts:?}");
    assert_eq!(hosts[0]["id"], started.host_id.as_str());
    assert_eq!(hosts[0]["lattice"], "default");
    assert!(hosts[0]["friendly_name"]
        .as_str()
        .is_some_and(|n| !n.is_empty()));

    // Shutting down publishes host_stopped, then the server goes away.
    let client = started.client.clone();
    let url = started.nats_url.clone();
    let host_id = started.host_id.clone();
    let mut events = block_on(client.events()).unwrap();
    state.set_local(started.local).ok().expect("not closing");
    let local = state.begin_close().expect("the lattice was stored");
    assert!(state.client().is_err(), "closing drops the client");
    block_on(local.shutdown());
    let stopped = block_on(async {
        tokio::time::timeout(Duration::from_secs(5), async {
            while let Some(next) = events.next().await {
                if let Ok(msg) = next {
                    if matches!(msg.event, LatticeEvent::HostStopped(_)) {
                        return Some(msg.cloud_event.source);
                    }
                }
            }
            None
        })
        .await
    });
    assert_eq!(stopped.ok().flatten().as_deref(), Some(host_id.as_str()));
    let addr = url.trim_start_matches("nats://");
    assert!(
        std::net::TcpStream::connect(addr).is_err(),
        "nats-server still accepts connections on {addr}"
    );
}

#[test]
fn model_commands_are_not_ready_before_the_model_loads() {
    let (_app, window) = mock_window();
    let err = invoke(&window, "lattice_snapshot").expect_err("no model yet");
    assert_eq!(err["code"], "not_ready");
    let err = invoke_with(&window, "inspect_component", json!({"componentId": "x"}))
        .expect_err("no model yet");
    assert_eq!(err["code"], "not_ready");
    let err = invoke_with(
        &window,
        "start_component",
        json!({"path": "/no/such.wasm", "id": "x"}),
    )
    .expect_err("a missing file");
    assert_eq!(err["code"], "invalid_input", "{err}");
}

/// Polls `f` until it returns `Some`, for up to `secs` seconds.
fn eventually<T>(secs: u64, mut f: impl FnMut() -> Option<T>) -> Option<T> {
    let deadline = std::time::Instant::now() + Duration::from_secs(secs);
    loop {
        if let Some(found) = f() {
            return Some(found);
        }
        if std::time::Instant::now() > deadline {
            return None;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn a_started_component_shows_in_the_snapshot_and_the_inspector_with_its_wit() {
    let data = tempfile::tempdir().unwrap();
    let started = block_on(local::start(data.path().to_owned(), "default", |_| ()))
        .expect("the local lattice starts (is nats-server installed?)");
    let (app, window) = mock_window();
    let state = app.state::<AppState>();
    state.set_client(Some(started.client.clone()));
    let host_id = started.host_id.clone();
    state.update_status(|s| {
        s.state = ConnState::Connected;
        s.local_host_id = Some(host_id.clone());
    });
    let watcher = block_on(trellis_lattice::ModelWatcher::start(
        &started.client,
        Default::default(),
    ))
    .expect("the model loads");
    state.set_model(Some(std::sync::Arc::new(watcher)));

    let snapshot = invoke(&window, "lattice_snapshot").expect("a snapshot");
    assert_eq!(snapshot["hosts"][0]["host"]["id"], host_id.as_str());
    assert_eq!(snapshot["hosts"][0]["components"], json!([]));

    // A component that imports an interface nothing serves, and exports wasi:http.
    let wasm = data.path().join("hello.wasm");
    std::fs::write(&wasm, trellis_testkit::fixtures::http_hello().unwrap()).unwrap();
    let reply = invoke_with(
        &window,
        "start_component",
        json!({"path": wasm.to_str().unwrap(), "id": "hello"}),
    )
    .expect("the component starts");
    assert!(
        reply.as_str().is_some_and(|r| r.contains("hello")),
        "{reply}"
    );

    let component = eventually(10, || {
        let snap = invoke(&window, "lattice_snapshot").ok()?;
        snap["hosts"][0]["components"]
            .as_array()?
            .iter()
            .find(|c| c["id"] == "hello")
            .cloned()
    })
    .expect("the model shows the started component");
    assert_eq!(component["max_instances"], 1);
    assert!(component["image_ref"]
        .as_str()
        .is_some_and(|r| r.starts_with("file:///") && r.ends_with("hello.wasm")));

    let inspection = invoke_with(
        &window,
        "inspect_component",
        json!({"componentId": "hello"}),
    )
    .expect("inspect works");
    assert_eq!(inspection["host_ids"], json!([host_id]));
    assert_eq!(inspection["wit_error"], Value::Null);
    let exports: Vec<&str> = inspection["wit"]["exports"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["name"].as_str())
        .collect();
    assert!(
        exports
            .iter()
            .any(|e| e.starts_with("wasi:http/incoming-handler")),
        "{exports:?}"
    );
    assert!(inspection["wit"]["wit"]
        .as_str()
        .is_some_and(|t| t.contains("world")));
    // It imports only WASI (wasi:http/types, wasi:io, ...), which the host serves itself.
    let imports = inspection["imports"].as_array().unwrap();
    assert!(
        imports
            .iter()
            .any(|i| i["import"].as_str().unwrap().starts_with("wasi:http/types")),
        "{imports:?}"
    );
    for status in imports {
        assert_eq!(status["satisfied_by"]["kind"], "wasi", "{status}");
    }

    let missing = invoke_with(&window, "inspect_component", json!({"componentId": "nope"}))
        .expect_err("unknown id");
    assert_eq!(missing["code"], "not_found");
    let bad = invoke_with(
        &window,
        "start_component",
        json!({"path": wasm.to_str().unwrap(), "id": "has space"}),
    )
    .expect_err("a bad id");
    assert_eq!(bad["code"], "invalid_input");

    state.set_local(started.local).ok().expect("not closing");
    let local = state.begin_close().expect("stored");
    block_on(local.shutdown());
}

/// Writes `examples/wat-hello/hello.wasm`, the small fixture the e2e suite starts through
/// the window. Run it when the fixture changes:
/// `cargo test -p trellis-app -- --ignored write_wat_hello_example`.
#[test]
#[ignore]
fn write_wat_hello_example() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/wat-hello");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("hello.wasm"),
        trellis_testkit::fixtures::http_hello().unwrap(),
    )
    .unwrap();
}
