//! "Watch file" through the real IPC path against a real local lattice: the toggle
//! starts a watch that `list_watches` reports, a rewritten file reaches the webview as a
//! `trellis://reload` with the new revision, a non-component as a failed one, and the
//! toggle off stops it.

use std::time::Duration;

use serde_json::{json, Value};
use tauri::async_runtime::block_on;
use tauri::{Listener as _, Manager};

use super::{connected_window, invoke_with};
use crate::AppState;

#[test]
fn watch_file_reloads_and_reports_each_outcome_to_the_webview() {
    let data = tempfile::tempdir().unwrap();
    let (started, app, window) = connected_window(data.path());
    let state = app.state::<AppState>();
    let (tx, rx) = std::sync::mpsc::channel::<Value>();
    app.listen_any(crate::commands::watch::RELOAD_EVENT, move |event| {
        let _ = tx.send(serde_json::from_str(event.payload()).unwrap_or(Value::Null));
    });
    let next = |what: &str| {
        rx.recv_timeout(Duration::from_secs(60))
            .unwrap_or_else(|_| panic!("no {what} reload event"))
    };

    let file = data.path().join("hello.wasm");
    let path = file.to_str().unwrap();
    std::fs::write(
        &file,
        trellis_testkit::fixtures::http_hello_with_greeting("one").unwrap(),
    )
    .unwrap();
    invoke_with(
        &window,
        "start_component",
        json!({"path": path, "id": "hello"}),
    )
    .expect("the component starts");

    let relative = invoke_with(
        &window,
        "watch_component",
        json!({"componentId": "hello", "path": "hello.wasm", "enabled": true}),
    )
    .expect_err("a relative path is refused");
    assert_eq!(relative["code"], "invalid_input");

    let on = invoke_with(
        &window,
        "watch_component",
        json!({"componentId": "hello", "path": path, "enabled": true}),
    )
    .expect("watching starts");
    assert!(on.as_str().unwrap().starts_with("watching "), "{on}");
    let watches = invoke_with(&window, "list_watches", json!({})).expect("listed");
    assert_eq!(watches[0]["component_id"], "hello");
    assert_eq!(watches[0]["last"], Value::Null);

    std::fs::write(
        &file,
        trellis_testkit::fixtures::http_hello_with_greeting("two").unwrap(),
    )
    .unwrap();
    let reloaded = next("successful");
    assert_eq!(reloaded["session"], "local");
    assert_eq!(reloaded["component_id"], "hello");
    assert_eq!(reloaded["ok"], true, "{reloaded}");
    assert!(reloaded["revision"].as_i64().unwrap() >= 1, "{reloaded}");
    let watches = invoke_with(&window, "list_watches", json!({})).expect("listed");
    assert_eq!(watches[0]["last"], reloaded);

    std::fs::write(&file, b"not a component").unwrap();
    let refused = next("failed");
    assert_eq!(refused["ok"], false, "{refused}");
    assert!(
        refused["message"]
            .as_str()
            .unwrap()
            .contains("component hello failed on host"),
        "{refused}"
    );

    let off = invoke_with(
        &window,
        "watch_component",
        json!({"componentId": "hello", "path": path, "enabled": false}),
    )
    .expect("watching stops");
    assert!(
        off.as_str().unwrap().starts_with("stopped watching"),
        "{off}"
    );
    assert_eq!(
        invoke_with(&window, "list_watches", json!({})).unwrap(),
        json!([])
    );

    let local = state.begin_close();
    block_on(started.local.shutdown());
    drop(local);
}
