//! Background tasks that push lattice state to the webview as Tauri events.

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt as _;
use tauri::{AppHandle, Emitter, Manager, Runtime};
use tokio::sync::broadcast::error::RecvError;
use trellis_lattice::{Client, ConnectionState, ModelOptions, ModelWatcher};

use crate::state::{AppState, ConnState};

/// Status changes (`LatticeStatus`).
pub const STATUS_EVENT: &str = "trellis://status";
/// Host log lines (`LogRecord`).
pub const LOG_EVENT: &str = "trellis://log";
/// Lattice events (CloudEvents envelopes).
pub const LATTICE_EVENT: &str = "trellis://lattice-event";

/// Lattice model changes (`ModelChange`, tagged by `change`), plus `{"change": "resync"}`
/// when the webview should re-read `lattice_snapshot` (the model loaded, or changes were
/// missed).
pub const MODEL_EVENT: &str = "trellis://model";

/// How long to wait before trying to load the model again after a failure.
const MODEL_RETRY: Duration = Duration::from_secs(2);

/// Emits every status change until the app exits.
pub fn status<R: Runtime>(app: &AppHandle<R>) {
    let mut rx = app.state::<AppState>().subscribe_status();
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        while rx.changed().await.is_ok() {
            let status = rx.borrow_and_update().clone();
            if let Err(err) = app.emit(STATUS_EVENT, status) {
                tracing::debug!(%err, "cannot emit the status");
            }
        }
    });
}

/// Follows the client's connection state, events and logs.
pub fn client<R: Runtime>(app: &AppHandle<R>, client: &Client) {
    let mut conn = client.connection_state();
    let handle = app.clone();
    tauri::async_runtime::spawn(async move {
        loop {
            let state = match &*conn.borrow_and_update() {
                ConnectionState::Connecting => ConnState::Starting,
                ConnectionState::Connected => ConnState::Connected,
                ConnectionState::Reconnecting => ConnState::Reconnecting,
                ConnectionState::Failed { .. } => ConnState::Disconnected,
            };
            handle.state::<AppState>().update_status(|s| {
                // A failure of the start-up keeps its message; don't paper over it.
                if s.state != ConnState::Failed {
                    s.state = state;
                    s.detail = None;
                }
            });
            if conn.changed().await.is_err() {
                break;
            }
        }
    });

    let events_client = client.clone();
    let handle = app.clone();
    tauri::async_runtime::spawn(async move {
        let mut events = match events_client.events().await {
            Ok(events) => events,
            Err(err) => return tracing::warn!(%err, "cannot subscribe to lattice events"),
        };
        while let Some(next) = events.next().await {
            match next {
                Ok(message) => {
                    let _ = handle.emit(LATTICE_EVENT, &message.cloud_event);
                }
                Err(err) => tracing::debug!(%err, "skipping an undecodable lattice event"),
            }
        }
    });

    let logs_client = client.clone();
    let handle = app.clone();
    tauri::async_runtime::spawn(async move {
        let mut logs = match logs_client.logs().await {
            Ok(logs) => logs,
            Err(err) => return tracing::warn!(%err, "cannot subscribe to host logs"),
        };
        while let Some(next) = logs.next().await {
            match next {
                Ok(record) => {
                    let _ = handle.emit(LOG_EVENT, &record);
                }
                Err(err) => tracing::debug!(%err, "skipping an undecodable log record"),
            }
        }
    });
}

/// Loads the lattice model (retrying until it works), installs it in the state and emits
/// its changes until the app exits.
pub fn model<R: Runtime>(app: &AppHandle<R>, client: &Client) {
    let client = client.clone();
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let watcher = loop {
            match ModelWatcher::start(&client, ModelOptions::default()).await {
                Ok(watcher) => break Arc::new(watcher),
                Err(err) => {
                    tracing::warn!(%err, "cannot load the lattice model; retrying");
                    tokio::time::sleep(MODEL_RETRY).await;
                }
            }
        };
        let mut changes = watcher.subscribe();
        app.state::<crate::AppState>().set_model(Some(watcher));
        let resync = serde_json::json!({ "change": "resync" });
        let _ = app.emit(MODEL_EVENT, &resync);
        loop {
            match changes.recv().await {
                Ok(change) => {
                    let _ = app.emit(MODEL_EVENT, &change);
                }
                Err(RecvError::Lagged(missed)) => {
                    tracing::debug!(missed, "model changes missed; asking for a resync");
                    let _ = app.emit(MODEL_EVENT, &resync);
                }
                Err(RecvError::Closed) => break,
            }
        }
    });
}
