//! The inspector's Spy section: the calls through links into one component or provider
//! (recorded by Trellis hosts, or read off the wRPC traffic of a lattice without one). A
//! thin adapter over `trellis_lattice::ops::spy` (the CLI's `trellis spy`
//! calls the same function): the session keeps one spy per component, and every call
//! record goes to the webview as `trellis://spy`.

use futures::StreamExt as _;
use serde::Serialize;
use tauri::{AppHandle, Emitter, Runtime, State};
use trellis_lattice::ops;
use trellis_proto::SpyRecord;

use crate::error::CommandError;
use crate::state::AppState;

/// Call records (`SessionSpyRecord`).
pub const SPY_EVENT: &str = "trellis://spy";

/// One spied call of one session (`trellis://spy`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SessionSpyRecord {
    /// The session the component runs in.
    pub session: String,
    /// The call.
    pub record: SpyRecord,
}

/// Starts (`enabled`) or stops spying on calls into component `component_id`. Answers
/// with a sentence saying what is now spied on.
#[tauri::command]
#[tracing::instrument(skip(app, state), err(Debug))]
pub async fn spy_component<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    session: Option<String>,
    component_id: String,
    enabled: bool,
) -> Result<String, CommandError> {
    let session = state.session(session.as_deref())?;
    if !enabled {
        return Ok(if session.unspy(&component_id) {
            format!("stopped spying on {component_id}")
        } else {
            format!("{component_id} was not spied on")
        });
    }
    let client = session.client()?;
    let mut stream = ops::spy(&client, &component_id, None).await?;
    let name = session.name().to_owned();
    // Owns the stream: aborting the task drops it, which ends the hosts' lease.
    let task = tauri::async_runtime::spawn(async move {
        while let Some(next) = stream.next().await {
            match next {
                Ok(record) => {
                    let payload = SessionSpyRecord {
                        session: name.clone(),
                        record,
                    };
                    let _ = app.emit(SPY_EVENT, payload);
                }
                Err(err) => tracing::debug!(%err, "a spy record could not be read"),
            }
        }
    });
    // A second toggle for the same component replaces the first spy.
    session.spy(component_id.clone(), task);
    Ok(format!("spying on calls into {component_id}"))
}
