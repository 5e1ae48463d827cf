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
    get_ipc_response(
        window,
        InvokeRequest {
            cmd: cmd.into(),
            callback: tauri::ipc::CallbackFn(0),
            error: tauri::ipc::CallbackFn(1),
            // On Linux the app's own origin is tauri://localhost (see tauri-setup.md).
            url: "tauri://localhost".parse().unwrap(),
            body: tauri::ipc::InvokeBody::default(),
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
