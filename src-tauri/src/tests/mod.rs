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
use trellis_testkit::fixtures::{self, WitSource};

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

/// Issue 9: with `trellis up` already running the local lattice, the app joins it (no
/// second nats-server) and its window sees both hosts.
#[test]
fn the_app_joins_a_local_lattice_that_trellis_up_runs() {
    let data = tempfile::tempdir().unwrap();
    let mut cli_side = trellis_local::LocalOptions::new(data.path());
    cli_side.host.friendly_name = Some("from-trellis-up".to_owned());
    cli_side.save_context = false;
    let up = block_on(trellis_local::LocalLattice::start(cli_side, |_| ()))
        .expect("the local lattice starts (is nats-server installed?)");

    let steps = std::sync::Mutex::new(Vec::new());
    let started = block_on(local::start(
        data.path().to_owned(),
        "default",
        false,
        |s| steps.lock().unwrap().push(s.to_owned()),
    ))
    .expect("the app joins");
    assert!(started.joined);
    assert_eq!(started.nats_url, up.url());
    assert_eq!(
        *steps.lock().unwrap(),
        [
            "joining the running local lattice",
            "starting the host",
            "connecting to the lattice"
        ]
    );

    let (app, window) = mock_window();
    let state = app.state::<AppState>();
    state.set_client(Some(started.client.clone()));
    state.update_status(|s| s.state = ConnState::Connected);
    let hosts = invoke(&window, "list_hosts").expect("list_hosts works once connected");
    let mut names: Vec<&str> = hosts
        .as_array()
        .expect("an array of hosts")
        .iter()
        .filter_map(|h| h["friendly_name"].as_str())
        .collect();
    names.sort();
    assert_eq!(names.len(), 2, "{hosts:#}");
    assert!(names.contains(&"from-trellis-up"), "{names:?}");

    // The palette can start on the other host by naming it.
    let other = up.host().id().to_owned();
    let reply = invoke_with(
        &window,
        "start_provider",
        json!({"name": "keyvalue", "id": "kv-there", "hostId": other}),
    )
    .expect("a provider starts on the chosen host");
    assert!(
        reply.as_str().unwrap_or_default().contains(&other),
        "it ran on the host chosen: {reply}"
    );

    block_on(started.local.shutdown());
    block_on(up.shutdown());
}

#[test]
fn local_lattice_serves_its_host_through_host_ping_and_stops_cleanly() {
    let data = tempfile::tempdir().unwrap();

    let steps = std::sync::Mutex::new(Vec::new());
    let started = block_on(local::start(
        data.path().to_owned(),
        "default",
        false,
        |s| steps.lock().unwrap().push(s.to_owned()),
    ))
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
    state.set_local(started.local).expect("not closing");
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

/// What the app holds once connected: a local lattice in `data` (its context not saved),
/// and a mock window whose state has its client, its host id, the `connected` state and a
/// loaded lattice model.
fn connected_window(
    data: &std::path::Path,
) -> (
    local::Started,
    tauri::App<tauri::test::MockRuntime>,
    WebviewWindow<tauri::test::MockRuntime>,
) {
    let started = block_on(local::start(data.to_owned(), "default", false, |_| ()))
        .expect("the local lattice starts (is nats-server installed?)");
    let (app, window) = mock_window();
    let state = app.state::<AppState>();
    state.set_client(Some(started.client.clone()));
    let host_id = started.host_id.clone();
    state.update_status(|s| {
        s.state = ConnState::Connected;
        s.local_host_id = Some(host_id);
    });
    let watcher = block_on(trellis_lattice::ModelWatcher::start(
        &started.client,
        Default::default(),
    ))
    .expect("the model loads");
    state.set_model(Some(std::sync::Arc::new(watcher)));
    (started, app, window)
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
    let (started, app, window) = connected_window(data.path());
    let state = app.state::<AppState>();
    let host_id = started.host_id.clone();

    let snapshot = invoke(&window, "lattice_snapshot").expect("a snapshot");
    assert_eq!(snapshot["hosts"][0]["host"]["id"], host_id.as_str());
    assert_eq!(snapshot["hosts"][0]["components"], json!([]));

    // A component that imports an interface nothing serves, and exports wasi:http.
    let wasm = data.path().join("hello.wasm");
    std::fs::write(&wasm, fixtures::http_hello().unwrap()).unwrap();
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

    // Without its file (as for a component on another machine) the host sends the WIT.
    std::fs::remove_file(&wasm).unwrap();
    let remote = invoke_with(
        &window,
        "inspect_component",
        json!({"componentId": "hello"}),
    )
    .expect("inspect works without the file");
    assert_eq!(remote["wit_error"], Value::Null);
    assert_eq!(remote["wit"], inspection["wit"]);
    assert_eq!(remote["imports"], inspection["imports"]);

    // A built-in provider from the palette: it shows in the model; a wrong name says why.
    let reply = invoke_with(
        &window,
        "start_provider",
        json!({"name": "keyvalue", "id": "kv"}),
    )
    .expect("the provider starts");
    let reply = reply.as_str().unwrap_or_default();
    assert!(
        reply.starts_with("provider kv running on host N")
            && reply.ends_with("(wasmcloud+builtin://keyvalue)"),
        "the sentence the CLI prints too: {reply}"
    );
    let provider = eventually(10, || {
        let snap = invoke(&window, "lattice_snapshot").ok()?;
        snap["hosts"][0]["providers"]
            .as_array()?
            .iter()
            .find(|p| p["id"] == "kv")
            .cloned()
    })
    .expect("the model shows the started provider");
    // Builtins are listed by bare name, as a wasmCloud host lists them.
    assert_eq!(provider["image_ref"], "keyvalue");
    let unknown = invoke_with(
        &window,
        "start_provider",
        json!({"name": "postgres", "id": "db"}),
    )
    .expect_err("not a builtin");
    assert_eq!(unknown["code"], "invalid_input");
    assert!(
        unknown["message"]
            .as_str()
            .is_some_and(|m| m.contains("postgres") && m.contains("keyvalue")),
        "{unknown}"
    );

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

    state.set_local(started.local).expect("not closing");
    let local = state.begin_close().expect("stored");
    block_on(local.shutdown());
}

/// The `example:greet/greeter` interface shared by [`greet_caller`] and [`greet_server`].
const GREETER_WIT: &str =
    "package example:greet@0.1.0 { interface greeter { hello: func() -> u32; } }";

/// A component importing `example:greet/greeter@0.1.0` (nothing serves it until linked).
fn greet_caller() -> Vec<u8> {
    let wit = format!(
        "package trellis:caller;\nworld caller {{ import example:greet/greeter@0.1.0; export run: func() -> u32; }}\n{GREETER_WIT}"
    );
    let wat = r#"(module
      (import "example:greet/greeter@0.1.0" "hello" (func $hello (result i32)))
      (func (export "run") (result i32) (call $hello)))"#;
    fixtures::component(WitSource::Text(&wit), "caller", wat).expect("the caller fixture builds")
}

/// A component exporting `example:greet/greeter@0.1.0`.
fn greet_server() -> Vec<u8> {
    let wit = format!(
        "package trellis:server;\nworld server {{ export example:greet/greeter@0.1.0; }}\n{GREETER_WIT}"
    );
    let wat = r#"(module
      (func (export "example:greet/greeter@0.1.0#hello") (result i32) (i32.const 42)))"#;
    fixtures::component(WitSource::Text(&wit), "server", wat).expect("the server fixture builds")
}

#[test]
fn an_unlinked_import_is_unsatisfied_until_a_link_serves_it_and_the_link_config_shows() {
    let data = tempfile::tempdir().unwrap();
    let (started, app, window) = connected_window(data.path());
    let state = app.state::<AppState>();
    let client = started.client.clone();

    for (id, bytes) in [("caller", greet_caller()), ("server", greet_server())] {
        let path = data.path().join(format!("{id}.wasm"));
        std::fs::write(&path, bytes).unwrap();
        invoke_with(
            &window,
            "start_component",
            json!({"path": path.to_str().unwrap(), "id": id}),
        )
        .unwrap_or_else(|e| panic!("{id} starts: {e}"));
    }
    let inspect = |id: &str| invoke_with(&window, "inspect_component", json!({"componentId": id}));
    let served_by = |inspection: &Value| inspection["imports"][0]["satisfied_by"].clone();

    let caller = eventually(10, || inspect("caller").ok()).expect("the caller is in the model");
    assert_eq!(
        caller["imports"][0]["import"],
        "example:greet/greeter@0.1.0"
    );
    let by = served_by(&caller);
    assert_eq!(by["kind"], "unsatisfied", "{by}");
    assert!(
        by["reason"]
            .as_str()
            .unwrap()
            .contains("example:greet/greeter"),
        "{by}"
    );

    block_on(client.config_put(
        "greeting",
        &[("lang".to_owned(), "en".to_owned())].into_iter().collect(),
    ))
    .expect("config put");
    block_on(client.link_put(&trellis_proto::Link {
        source_id: "caller".into(),
        target: "server".into(),
        name: "default".into(),
        wit_namespace: "example".into(),
        wit_package: "greet".into(),
        interfaces: vec!["greeter".into()],
        source_config: vec!["greeting".into()],
        target_config: vec![],
    }))
    .expect("link put");

    let caller = eventually(10, || {
        let found = inspect("caller").ok()?;
        (served_by(&found)["kind"] != "unsatisfied").then_some(found)
    })
    .expect("the link satisfies the import");
    assert_eq!(
        served_by(&caller),
        json!({"kind": "component", "link": "default", "target": "server"})
    );
    assert_eq!(caller["links"][0]["target"], "server");
    assert_eq!(caller["config"], json!({"greeting": {"lang": "en"}}));
    // The target sees the link too, and has no imports of its own to satisfy.
    let server = inspect("server").unwrap();
    assert_eq!(server["links"][0]["source_id"], "caller");
    assert_eq!(server["imports"], json!([]));

    // With neither file on this machine, both hosts' WIT comes over the lattice and the
    // link still serves the import.
    for id in ["caller", "server"] {
        std::fs::remove_file(data.path().join(format!("{id}.wasm"))).unwrap();
    }
    let caller = inspect("caller").expect("inspect works without the files");
    assert_eq!(caller["wit_error"], Value::Null);
    assert_eq!(
        served_by(&caller),
        json!({"kind": "component", "link": "default", "target": "server"})
    );

    state.set_local(started.local).expect("not closing");
    let local = state.begin_close().expect("stored");
    block_on(local.shutdown());
}

/// Writes the fixtures the e2e suite starts through the window into `examples/wat-hello`
/// (`hello.wasm`: a wasi:http handler; `caller.wasm`: an import nothing serves). Run it
/// when the fixtures change: `cargo test -p trellis-app -- --ignored write_wat_hello_example`.
#[test]
#[ignore]
fn write_wat_hello_example() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/wat-hello");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("hello.wasm"), fixtures::http_hello().unwrap()).unwrap();
    std::fs::write(dir.join("caller.wasm"), greet_caller()).unwrap();
    std::fs::write(dir.join("calc.wasm"), fixtures::calc().unwrap()).unwrap();
    std::fs::write(dir.join("logging.wasm"), fixtures::http_logging().unwrap()).unwrap();
    std::fs::write(dir.join("echo.wasm"), fixtures::messaging_echo().unwrap()).unwrap();
}

#[test]
fn model_changes_reach_the_webview_as_events_after_a_resync() {
    use tauri::Listener as _;

    let data = tempfile::tempdir().unwrap();
    let started = block_on(local::start(
        data.path().to_owned(),
        "default",
        false,
        |_| (),
    ))
    .expect("the local lattice starts (is nats-server installed?)");
    let (app, window) = mock_window();
    let state = app.state::<AppState>();
    state.set_client(Some(started.client.clone()));
    let host_id = started.host_id.clone();
    state.update_status(|s| s.local_host_id = Some(host_id.clone()));

    let (tx, rx) = std::sync::mpsc::channel::<Value>();
    app.listen_any(crate::MODEL_EVENT, move |event| {
        let _ = tx.send(serde_json::from_str(event.payload()).unwrap_or(Value::Null));
    });
    crate::forward::model(app.handle(), &state.local_session(), &started.client);
    let next = |what: &str| {
        rx.recv_timeout(Duration::from_secs(10))
            .unwrap_or_else(|_| panic!("no {what} event"))
    };
    assert_eq!(
        next("resync"),
        json!({"session": "local", "resync": true, "change": null})
    );
    assert!(
        state.model().is_ok(),
        "the model is installed before the resync"
    );

    let wasm = data.path().join("hello.wasm");
    std::fs::write(&wasm, fixtures::http_hello().unwrap()).unwrap();
    invoke_with(
        &window,
        "start_component",
        json!({"path": wasm.to_str().unwrap(), "id": "hello"}),
    )
    .expect("the component starts");
    let changed = loop {
        let event = next("component_changed");
        if event["change"]["change"] == "component_changed" {
            break event["change"].clone();
        }
    };
    assert_eq!(changed["host_id"], host_id.as_str());
    assert_eq!(changed["component"]["id"], "hello");

    state.set_local(started.local).expect("not closing");
    let local = state.begin_close().expect("stored");
    block_on(local.shutdown());
}

mod grants;
mod lifecycle;
mod requests;
mod sessions;
mod spy;
mod watch;
