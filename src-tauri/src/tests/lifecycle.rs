//! The lifecycle and Config commands through the real IPC path against a real local
//! lattice: each answers with the outcome the host reports, or an error naming what is
//! wrong.

use serde_json::{json, Value};
use tauri::async_runtime::block_on;
use tauri::Manager;

use super::{connected_window, invoke, invoke_with};
use crate::AppState;

fn text(reply: &Value) -> &str {
    reply.as_str().unwrap_or_default()
}

#[test]
fn scale_update_stop_labels_and_config_answer_with_what_happened() {
    let data = tempfile::tempdir().unwrap();
    let (started, app, window) = connected_window(data.path());
    let state = app.state::<AppState>();
    let host_id = started.host_id.clone();

    let first = data.path().join("hello.wasm");
    std::fs::write(&first, trellis_testkit::fixtures::http_hello().unwrap()).unwrap();
    invoke_with(
        &window,
        "start_component",
        json!({"path": first.to_str().unwrap(), "id": "hello"}),
    )
    .expect("the component starts");

    let scaled = invoke_with(
        &window,
        "scale_component",
        json!({"componentId": "hello", "count": 3}),
    )
    .expect("scale works");
    assert!(
        text(&scaled).contains("with up to 3 instance(s)"),
        "{scaled}"
    );

    let second = data.path().join("howdy.wasm");
    std::fs::write(
        &second,
        trellis_testkit::fixtures::http_hello_with_greeting("Howdy").unwrap(),
    )
    .unwrap();
    let updated = invoke_with(
        &window,
        "update_component",
        json!({"componentId": "hello", "path": second.to_str().unwrap()}),
    )
    .expect("update works");
    assert!(text(&updated).contains("howdy.wasm"), "{updated}");
    let not_a_component = invoke_with(
        &window,
        "update_component",
        json!({"componentId": "hello", "path": "relative.wasm"}),
    )
    .expect_err("a relative path is refused");
    assert_eq!(not_a_component["code"], "invalid_input");

    // Labels: set, and a reserved key refused by name.
    invoke_with(
        &window,
        "put_label",
        json!({"hostId": host_id, "key": "zone", "value": "a"}),
    )
    .expect("a label is set");
    let reserved = invoke_with(
        &window,
        "put_label",
        json!({"hostId": host_id, "key": "hostcore.os", "value": "x"}),
    )
    .expect_err("hostcore labels are the host's");
    assert!(
        reserved["message"].as_str().unwrap().contains("reserved"),
        "{reserved}"
    );

    // Config: create, list with values, refuse a non-string value, delete.
    invoke_with(
        &window,
        "put_config",
        json!({"name": "web", "values": {"address": "127.0.0.1:1"}}),
    )
    .expect("a config is saved");
    let bad = invoke_with(
        &window,
        "put_config",
        json!({"name": "web", "values": {"port": 8080}}),
    )
    .expect_err("values are strings");
    assert_eq!(bad["code"], "invalid_input");
    assert!(
        bad["message"].as_str().unwrap().contains("config \"web\""),
        "{bad}"
    );
    let configs = invoke(&window, "list_configs").expect("configs are listed");
    let web = configs
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "web")
        .cloned()
        .unwrap_or_else(|| panic!("web missing from {configs}"));
    assert_eq!(web["values"], json!({"address": "127.0.0.1:1"}));
    invoke_with(&window, "delete_config", json!({"name": "web"})).expect("deleted");

    // A provider and the component stop, each saying so.
    invoke_with(
        &window,
        "start_provider",
        json!({"name": "keyvalue", "id": "kv"}),
    )
    .expect("the provider starts");
    let stopped = invoke_with(&window, "stop_provider", json!({"providerId": "kv"}))
        .expect("the provider stops");
    assert!(
        text(&stopped).starts_with("provider kv stopped on host"),
        "{stopped}"
    );
    let gone = invoke_with(&window, "stop_component", json!({"componentId": "hello"}))
        .expect("the component stops");
    assert!(
        text(&gone).starts_with("component hello stopped on host"),
        "{gone}"
    );
    let again = invoke_with(&window, "stop_component", json!({"componentId": "hello"}))
        .expect_err("nothing left to stop");
    assert_eq!(again["code"], "not_found");

    let local = state.begin_close();
    block_on(started.local.shutdown());
    drop(local);
}
