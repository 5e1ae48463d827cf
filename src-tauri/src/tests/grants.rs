//! A grant the app's host refused, allowed by its user through `allow_grants`: the same
//! request then starts the component, the allowance is saved for the next run, and the
//! webview cannot allow anything the host did not refuse.

use std::time::Duration;

use futures::StreamExt as _;
use serde_json::json;
use tauri::async_runtime::block_on;
use tauri::Manager;
use trellis_proto::{LatticeEvent, ScaleComponentCommand};

use super::{connected_window, invoke_with};
use crate::AppState;

#[test]
fn a_refused_grant_is_allowed_by_the_user_and_kept() {
    let data = tempfile::tempdir().unwrap();
    let shared = tempfile::tempdir().unwrap();
    let (started, app, window) = connected_window(data.path());
    let state = app.state::<AppState>();
    let client = started.client.clone();
    let host_id = started.host_id.clone();
    state.set_local(started.local).expect("not closing");
    crate::forward::client(app.handle(), &state.local_session(), &client);
    let wasm = data.path().join("hello.wasm");
    std::fs::write(&wasm, trellis_testkit::fixtures::http_hello().unwrap()).unwrap();
    let annotations = json!({"trellis.dev/dirs": format!("{}:/data", shared.path().display())});
    let scale = |id: &str| ScaleComponentCommand {
        component_ref: format!("file://{}", wasm.display()),
        component_id: id.into(),
        count: 1,
        host_id: host_id.clone(),
        config: vec![],
        allow_update: false,
        annotations: serde_json::from_value(annotations.clone()).unwrap(),
        component_limits: None,
    };
    let mut events = block_on(client.events()).unwrap();
    let mut outcome_of = |id: &str| {
        block_on(async {
            tokio::time::timeout(Duration::from_secs(20), async {
                while let Some(Ok(msg)) = events.next().await {
                    match msg.event {
                        LatticeEvent::ComponentScaled(e) if e.component_id == id => {
                            return Ok(());
                        }
                        LatticeEvent::ComponentScaleFailed(e) if e.scale.component_id == id => {
                            return Err(e.error);
                        }
                        _ => {}
                    }
                }
                Err("the event stream ended".into())
            })
            .await
            .unwrap_or_else(|_| Err(format!("no outcome for {id}")))
        })
    };

    block_on(client.scale_component(&scale("first"))).unwrap();
    let refused = outcome_of("first").expect_err("the default policy refuses a directory");
    assert!(
        refused.contains("is not allowed by this host's policy"),
        "{refused}"
    );

    // Only what the host refused can be allowed: the webview names the component.
    let reply = super::eventually(10, || {
        invoke_with(&window, "allow_grants", json!({"componentId": "first"})).ok()
    })
    .expect("the user allows it");
    let expected = format!("allowed directory {}", shared.path().display());
    assert!(reply.as_str().unwrap().starts_with(&expected), "{reply}");
    block_on(client.scale_component(&scale("second"))).unwrap();
    outcome_of("second").expect("the same request now starts the component");

    let saved = std::fs::read_to_string(data.path().join(trellis_local::GRANTS_FILE)).unwrap();
    assert!(
        saved.contains(&shared.path().display().to_string()),
        "{saved}"
    );
    let nothing = invoke_with(&window, "allow_grants", json!({"componentId": "first"}))
        .expect_err("nothing left to allow");
    assert_eq!(nothing["code"], "not_found");

    let local = state.begin_close().expect("the lattice was stored");
    block_on(local.shutdown());
}
