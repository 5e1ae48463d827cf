//! The inspector's Spy through the real IPC path against a real local lattice: with the
//! toggle on, a call from one component into another through a link reaches the webview
//! as `trellis://spy` with its WAVE argument and result; with it off, nothing does.

use std::time::Duration;

use serde_json::{json, Value};
use tauri::async_runtime::block_on;
use tauri::{Listener as _, Manager};

use super::{connected_window, eventually, invoke_with};
use crate::AppState;

#[test]
fn the_spy_toggle_forwards_linked_calls_to_the_webview_and_stops() {
    let data = tempfile::tempdir().unwrap();
    let (started, app, window) = connected_window(data.path());
    let state = app.state::<AppState>();
    let (tx, rx) = std::sync::mpsc::channel::<Value>();
    app.listen_any(crate::commands::spy::SPY_EVENT, move |event| {
        let _ = tx.send(serde_json::from_str(event.payload()).unwrap_or(Value::Null));
    });

    for (id, bytes) in [
        (
            "consumer",
            trellis_testkit::fixtures::greeter_consumer().unwrap(),
        ),
        (
            "provider",
            trellis_testkit::fixtures::greeter_provider().unwrap(),
        ),
    ] {
        let file = data.path().join(format!("{id}.wasm"));
        std::fs::write(&file, bytes).unwrap();
        let path = file.to_str().unwrap();
        invoke_with(&window, "start_component", json!({"path": path, "id": id}))
            .expect("the component starts");
    }
    let link = json!({
        "source_id": "consumer",
        "target": "provider",
        "name": "default",
        "wit_namespace": "trellis",
        "wit_package": "fwd",
        "interfaces": ["greeter"],
        "source_config": [],
        "target_config": [],
    });
    invoke_with(&window, "put_link", json!({"link": link})).expect("the link is put");

    let on = invoke_with(
        &window,
        "spy_component",
        json!({"componentId": "provider", "enabled": true}),
    )
    .expect("spying starts");
    assert_eq!(on, json!("spying on calls into provider"));
    let call = || {
        invoke_with(
            &window,
            "call_function",
            json!({"componentId": "consumer", "function": "run", "args": ["\"Ada\""]}),
        )
    };
    eventually(30, || call().ok()).expect("the call goes through the link");
    let event = rx
        .recv_timeout(Duration::from_secs(30))
        .expect("a trellis://spy event");
    assert_eq!(event["session"], "local");
    let record = &event["record"];
    assert_eq!(record["source_id"], "consumer");
    assert_eq!(record["target_id"], "provider");
    assert_eq!(record["function"], "greet");
    assert_eq!(record["args"], json!(["\"Ada\""]));
    assert_eq!(record["results"], json!(["\"Hi, Ada!\""]));

    let off = invoke_with(
        &window,
        "spy_component",
        json!({"componentId": "provider", "enabled": false}),
    )
    .expect("spying stops");
    assert_eq!(off, json!("stopped spying on provider"));
    // Records of calls made before the toggle went off may still be on their way.
    std::thread::sleep(Duration::from_millis(300));
    while rx.try_recv().is_ok() {}
    call().expect("the call still works");
    assert!(
        rx.recv_timeout(Duration::from_millis(800)).is_err(),
        "a call was forwarded after the spy stopped"
    );

    let local = state.begin_close();
    block_on(started.local.shutdown());
    drop(local);
}
