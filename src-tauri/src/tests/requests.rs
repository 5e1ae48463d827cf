//! The inspector's Invoke and HTTP sections through the real IPC path against a real
//! local lattice: a call answers with the WAVE result or names the type it expected, and
//! a request reaches a component through the http-server link just made.

use serde_json::json;
use tauri::async_runtime::block_on;
use tauri::Manager;

use super::{connected_window, eventually, invoke_with};
use crate::AppState;

#[test]
fn invoke_and_http_reach_a_component_on_the_apps_host() {
    let data = tempfile::tempdir().unwrap();
    let (started, app, window) = connected_window(data.path());
    let state = app.state::<AppState>();
    let start = |id: &str, bytes: Vec<u8>| {
        let file = data.path().join(format!("{id}.wasm"));
        std::fs::write(&file, bytes).unwrap();
        invoke_with(
            &window,
            "start_component",
            json!({"path": file.to_str().unwrap(), "id": id}),
        )
        .expect("the component starts");
    };

    start("calc", trellis_testkit::fixtures::calc().unwrap());
    let call = |arg: &str| {
        invoke_with(
            &window,
            "call_function",
            json!({"componentId": "calc", "function": "trellis:calc/shapes.sum", "args": [arg]}),
        )
    };
    let sum = call("{x: 40, y: 2}").expect("the call answers");
    assert_eq!(sum["results"], json!(["42"]), "{sum}");
    let refused = call("{x: \"far\", y: 2}").expect_err("a string is not an s32");
    assert!(
        refused["message"]
            .as_str()
            .is_some_and(|m| m.contains("expected record { x: s32, y: s32 }")),
        "{refused}"
    );

    // An http-server listening on a free port, linked to an HTTP handler.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .unwrap()
        .port();
    let address = format!("127.0.0.1:{port}");
    invoke_with(
        &window,
        "put_config",
        json!({"name": "web", "values": {"address": address}}),
    )
    .expect("the config is saved");
    invoke_with(
        &window,
        "start_provider",
        json!({"name": "http-server", "id": "web"}),
    )
    .expect("the http-server starts");
    start("hello", trellis_testkit::fixtures::http_hello().unwrap());
    let link = json!({
        "source_id": "web",
        "target": "hello",
        "name": "default",
        "wit_namespace": "wasi",
        "wit_package": "http",
        "interfaces": ["incoming-handler"],
        "source_config": ["web"],
        "target_config": [],
    });
    invoke_with(&window, "put_link", json!({"link": link})).expect("the link is put");
    let request = json!({
        "componentId": "hello",
        "method": "GET",
        "path": "/from-the-tab",
        "headers": [],
        "body": "",
    });
    // The listener binds once the link has reached the provider.
    let reply = eventually(20, || {
        invoke_with(&window, "http_request", request.clone()).ok()
    })
    .expect("the request is answered");
    assert_eq!(reply["status"], 200, "{reply}");
    assert_eq!(
        reply["body"], "Hello from a hand-written WAT component! path=/from-the-tab\n",
        "{reply}"
    );

    let unlinked = invoke_with(
        &window,
        "http_request",
        json!({"componentId": "calc", "method": "GET", "path": "/", "headers": [], "body": ""}),
    )
    .expect_err("nothing serves calc over HTTP");
    assert!(
        unlinked["message"]
            .as_str()
            .is_some_and(|m| m.contains("calc")),
        "{unlinked}"
    );

    let local = state.begin_close();
    block_on(started.local.shutdown());
    drop(local);
}
