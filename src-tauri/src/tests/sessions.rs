//! Issue 10, sessions: attaching to a second lattice from the window, as the Attach
//! dialog does, with every answer and event the webview receives recorded and searched
//! for the credentials used.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tauri::async_runtime::block_on;
use tauri::{Listener, Manager};
use trellis_lattice::{Auth, Context};

use super::{invoke, invoke_with, mock_window};
use crate::AppState;

/// Everything the webview was sent: command answers (and errors) and events.
#[derive(Default, Clone)]
struct Recorder(Arc<Mutex<Vec<String>>>);

impl Recorder {
    fn keep(&self, what: &str, payload: &str) {
        self.0.lock().unwrap().push(format!("{what}: {payload}"));
    }

    /// Invokes `cmd` and records its answer or error.
    fn invoke(
        &self,
        window: &tauri::WebviewWindow<tauri::test::MockRuntime>,
        cmd: &str,
        args: Value,
    ) -> Result<Value, Value> {
        let reply = invoke_with(window, cmd, args);
        match &reply {
            Ok(value) | Err(value) => self.keep(cmd, &value.to_string()),
        }
        reply
    }

    fn all(&self) -> Vec<String> {
        self.0.lock().unwrap().clone()
    }
}

/// The password (and user) of a context.
fn secret_of(context: &Context) -> (String, String) {
    match &context.auth {
        Auth::UserPassword { user, password } => (user.clone(), password.clone()),
        other => panic!("the local lattice uses user/password auth, not {other:?}"),
    }
}

fn wait_for(what: &str, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(15);
    while !check() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn attaching_to_a_second_lattice_opens_a_session_and_no_credential_reaches_the_webview() {
    // The lattice to attach to: its own nats-server with a password, and a Trellis host.
    let remote_dir = tempfile::tempdir().unwrap();
    let mut options = trellis_local::LocalOptions::new(remote_dir.path());
    options.host.lattice = "staging".to_owned();
    options.host.friendly_name = Some("remote-host".to_owned());
    options.save_context = false;
    let remote = block_on(trellis_local::LocalLattice::start(options, |_| ()))
        .expect("the second lattice starts (is nats-server installed?)");
    let context = remote.context();
    let (_user, password) = secret_of(&context);
    assert!(password.len() >= 8, "a real password to look for");

    let (app, window) = mock_window();
    let contexts = tempfile::tempdir().unwrap();
    app.state::<AppState>()
        .set_contexts_dir(contexts.path().to_owned());
    let seen = Recorder::default();
    for event in [
        crate::STATUS_EVENT,
        crate::LOG_EVENT,
        crate::LATTICE_EVENT,
        crate::MODEL_EVENT,
    ] {
        let seen = seen.clone();
        app.listen_any(event, move |e| seen.keep(event, e.payload()));
    }
    let context_json = serde_json::to_value(&context).unwrap();

    // Test connection: every step passes, and the report names the lattice.
    let report = seen
        .invoke(
            &window,
            "test_connection",
            json!({ "context": context_json }),
        )
        .expect("a report");
    let failed: Vec<&Value> = report["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["outcome"] == "failed")
        .collect();
    assert!(failed.is_empty(), "{report:#}");

    // A wrong password: the error names the authentication failure, nothing is saved.
    let mut wrong = context.clone();
    wrong.auth = Auth::UserPassword {
        user: secret_of(&context).0,
        password: "not-the-password".to_owned(),
    };
    let err = seen
        .invoke(
            &window,
            "attach_new",
            json!({ "name": "staging", "context": serde_json::to_value(&wrong).unwrap() }),
        )
        .expect_err("a wrong password is refused");
    assert!(
        err["message"]
            .as_str()
            .unwrap_or_default()
            .contains("refused the credentials"),
        "{err}"
    );
    let listed = seen.invoke(&window, "list_contexts", json!({})).unwrap();
    assert_eq!(listed["contexts"], json!([]), "nothing was saved: {listed}");

    // The right one: a session named after the context, connected, saved for the CLI.
    let status = seen
        .invoke(
            &window,
            "attach_new",
            json!({ "name": "staging", "context": context_json }),
        )
        .expect("attaching works");
    assert_eq!(status["context"], "staging");
    assert_eq!(status["state"], "connected");
    assert_eq!(status["local"], false);
    let listed = seen.invoke(&window, "list_contexts", json!({})).unwrap();
    assert_eq!(listed["contexts"][0]["name"], "staging");
    assert_eq!(listed["contexts"][0]["auth_mode"], "user_password");
    let sessions = seen.invoke(&window, "list_sessions", json!({})).unwrap();
    let names: Vec<&str> = sessions
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["context"].as_str())
        .collect();
    assert_eq!(names, ["local", "staging"]);

    // The new tab's graph: the remote host, from the session's own model.
    wait_for("the remote host in the staging snapshot", || {
        seen.invoke(&window, "lattice_snapshot", json!({ "session": "staging" }))
            .ok()
            .and_then(|s| s["hosts"].as_array().cloned())
            .is_some_and(|hosts| {
                hosts
                    .iter()
                    .any(|h| h["host"]["friendly_name"] == "remote-host")
            })
    });
    // Commands go to the session named: a provider starts on the remote host.
    let started = seen
        .invoke(
            &window,
            "start_provider",
            json!({ "session": "staging", "name": "keyvalue", "id": "kv-remote" }),
        )
        .expect("a provider starts on the attached lattice");
    assert!(
        started
            .as_str()
            .unwrap_or_default()
            .contains(remote.host().id()),
        "{started}"
    );
    // The local session is untouched (still starting: no local lattice in this test).
    let local = invoke(&window, "lattice_status").unwrap();
    assert_eq!(local["context"], "local");

    // Closing the tab ends the session; its commands then say so.
    seen.invoke(&window, "detach", json!({ "name": "staging" }))
        .expect("detach");
    let err = seen
        .invoke(&window, "list_hosts", json!({ "session": "staging" }))
        .expect_err("a closed session");
    assert_eq!(err["code"], "not_found", "{err}");

    // Reattaching from the saved context works without sending credentials again.
    let status = seen
        .invoke(&window, "attach", json!({ "name": "staging" }))
        .expect("the saved context attaches");
    assert_eq!(status["state"], "connected");

    let recorded = seen.all();
    assert!(
        recorded.iter().any(|r| r.starts_with(crate::MODEL_EVENT)),
        "model events were recorded too"
    );
    for payload in &recorded {
        assert!(
            !payload.contains(&password),
            "a payload sent to the webview holds the password: {payload}"
        );
    }
    block_on(remote.shutdown());
}

#[test]
fn a_connection_test_names_the_step_that_failed_and_bad_contexts_are_named() {
    let (app, window) = mock_window();
    let contexts = tempfile::tempdir().unwrap();
    app.state::<AppState>()
        .set_contexts_dir(contexts.path().to_owned());

    // A closed port: the tcp step fails with "connection refused".
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let closed = Context::new(format!("nats://127.0.0.1:{port}"));
    let report = invoke_with(
        &window,
        "test_connection",
        json!({ "context": serde_json::to_value(&closed).unwrap() }),
    )
    .unwrap();
    let tcp = report["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["step"] == "tcp")
        .cloned()
        .unwrap();
    assert_eq!(tcp["outcome"], "failed", "{report:#}");
    assert!(
        tcp["detail"]
            .as_str()
            .unwrap()
            .contains("connection refused"),
        "{tcp}"
    );

    // A contexts file with one broken entry: it is named, the other stays usable.
    std::fs::write(
        contexts.path().join("contexts.json"),
        format!(
            r#"{{"contexts": {{"ok": {{"urls": ["nats://127.0.0.1:{port}"]}}, "broken": {{"urls": 7}}}}}}"#
        ),
    )
    .unwrap();
    let listed = invoke(&window, "list_contexts").unwrap();
    assert_eq!(listed["contexts"][0]["name"], "ok", "{listed}");
    assert_eq!(listed["problems"][0]["name"], "broken", "{listed}");
    // Attaching to the unreachable one fails where the user acted, naming the URL.
    let err = invoke_with(&window, "attach", json!({ "name": "ok" })).expect_err("no server");
    assert!(
        err["message"]
            .as_str()
            .unwrap_or_default()
            .contains(&format!("127.0.0.1:{port}")),
        "{err}"
    );
    // The local name is the app's own lattice.
    let err = invoke_with(
        &window,
        "attach_new",
        json!({ "name": "local", "context": serde_json::to_value(&closed).unwrap() }),
    )
    .expect_err("local is taken");
    assert_eq!(err["code"], "invalid_input");
}
