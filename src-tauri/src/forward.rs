//! Background tasks that push lattice state to the webview as Tauri events.

use futures::StreamExt as _;
use tauri::{AppHandle, Emitter, Manager, Runtime};
use trellis_lattice::{Client, ConnectionState};

use crate::state::{AppState, ConnState};

/// Status changes (`LatticeStatus`).
pub const STATUS_EVENT: &str = "trellis://status";
/// Host log lines (`LogRecord`).
pub const LOG_EVENT: &str = "trellis://log";
/// Lattice events (CloudEvents envelopes).
pub const LATTICE_EVENT: &str = "trellis://lattice-event";

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
