//! "Watch file": hot reload of a component started from a local file. A thin adapter
//! over `trellis_lattice::ops::watch_component` (the CLI's `update --watch` calls the
//! same function): the session keeps one watch per component, and every reload outcome
//! goes to the webview as `trellis://reload`.

use std::time::UNIX_EPOCH;

use serde::Serialize;
use tauri::{AppHandle, Emitter, Runtime, State};
use tokio::sync::broadcast::error::RecvError;
use trellis_lattice::ops::{self, ComponentWatch, PathRule, ReloadOutcome};

use crate::error::CommandError;
use crate::state::AppState;

/// Reload outcomes (`ReloadEvent`).
pub const RELOAD_EVENT: &str = "trellis://reload";

/// One reload of a watched component (`trellis://reload`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ReloadEvent {
    /// The session the component runs in.
    pub session: String,
    /// The component reloaded.
    pub component_id: String,
    /// Whether the hosts took the new code (otherwise the previous code keeps running).
    pub ok: bool,
    /// The hosts' sentence, or why the reload was refused.
    pub message: String,
    /// When, in ms since the Unix epoch.
    pub at_ms: u64,
    /// The component's revision after a successful reload, when its host reports it.
    pub revision: Option<i32>,
}

impl ReloadEvent {
    fn new(session: &str, component_id: &str, outcome: &ReloadOutcome) -> Self {
        ReloadEvent {
            session: session.to_owned(),
            component_id: component_id.to_owned(),
            ok: outcome.ok,
            message: outcome.message.clone(),
            at_ms: outcome
                .at
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_millis() as u64)
                .unwrap_or_default(),
            revision: outcome.revision,
        }
    }
}

/// A watched component, as `list_watches` reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct WatchState {
    /// The component.
    pub component_id: String,
    /// The absolute path of the watched file.
    pub path: String,
    /// The latest reload, if the file changed since watching began.
    pub last: Option<ReloadEvent>,
}

/// Starts (`enabled`) or stops watching the absolute path `path` for component
/// `component_id`; each change of the file updates the component on every host running
/// it. Answers with a sentence saying what is now watched.
#[tauri::command]
#[tracing::instrument(skip(app, state), err(Debug))]
pub async fn watch_component<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    session: Option<String>,
    component_id: String,
    path: String,
    enabled: bool,
) -> Result<String, CommandError> {
    let session = state.session(session.as_deref())?;
    if !enabled {
        return Ok(match session.unwatch(&component_id) {
            Some(watch) => format!(
                "stopped watching {} for {component_id}",
                watch.path().display()
            ),
            None => format!("{component_id} was not watched"),
        });
    }
    // Checks the path as the Update button does: absolute, an existing file.
    let reference = ops::component_ref(&path, PathRule::AbsoluteOnly)?;
    let client = session.client()?;
    let file = reference.trim_start_matches("file://");
    let watch = ops::watch_component(client, component_id.clone(), file.into())?;
    let sentence = format!(
        "watching {} for {component_id}: a change reloads it",
        watch.path().display()
    );
    let mut outcomes = watch.subscribe();
    let name = session.name().to_owned();
    let id = component_id.clone();
    // Ends by itself when the watch is dropped (its sender closes).
    tauri::async_runtime::spawn(async move {
        loop {
            match outcomes.recv().await {
                Ok(outcome) => {
                    let _ = app.emit(RELOAD_EVENT, ReloadEvent::new(&name, &id, &outcome));
                }
                Err(RecvError::Lagged(_)) => continue,
                Err(RecvError::Closed) => return,
            }
        }
    });
    // A second toggle for the same component replaces the first watch.
    session.watch(component_id, watch);
    Ok(sentence)
}

/// The components of a session whose file is watched, with their latest reload.
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub fn list_watches(
    state: State<'_, AppState>,
    session: Option<String>,
) -> Result<Vec<WatchState>, CommandError> {
    let session = state.session(session.as_deref())?;
    Ok(session.with_watches(|watches| {
        let mut list: Vec<WatchState> = watches
            .map(|watch: &ComponentWatch| WatchState {
                component_id: watch.component_id().to_owned(),
                path: watch.path().display().to_string(),
                last: watch
                    .last()
                    .map(|o| ReloadEvent::new(session.name(), watch.component_id(), &o)),
            })
            .collect();
        list.sort_by(|a, b| a.component_id.cmp(&b.component_id));
        list
    }))
}
