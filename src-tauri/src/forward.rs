//! Background tasks that push each session's state to the webview as Tauri events. Every
//! payload names its session, so each tab listens to its own lattice.

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt as _;
use serde::Serialize;
use tauri::{AppHandle, Emitter, Runtime};
use tokio::sync::broadcast::error::RecvError;
use trellis_lattice::{Client, ConnectionState, ModelChange, ModelOptions, ModelWatcher};
use trellis_proto::{CloudEvent, LatticeEvent, LogRecord};

use crate::session::{ConnState, Session};

/// Status changes (`LatticeStatus`, which names its session in `context`).
pub const STATUS_EVENT: &str = "trellis://status";
/// Host log lines (`SessionLog`).
pub const LOG_EVENT: &str = "trellis://log";
/// Lattice events (`SessionLatticeEvent`: CloudEvents envelopes).
pub const LATTICE_EVENT: &str = "trellis://lattice-event";
/// Lattice model changes (`SessionModelEvent`).
pub const MODEL_EVENT: &str = "trellis://model";

/// How long the first model waits for hosts to answer the ping before the graph can draw
/// them: a local host answers in milliseconds, and waiting the whole 1.5 s scatter window
/// was most of the app's cold start (bench/app). Hosts that answer later arrive as changes.
const FIRST_LOOK: Duration = Duration::from_millis(250);

/// How long to wait before trying to load the model again after a failure.
const MODEL_RETRY: Duration = Duration::from_secs(2);

/// A host log line of one session (`trellis://log`).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SessionLog {
    /// The session it came from.
    pub session: String,
    /// The line.
    pub record: LogRecord,
}

/// A lattice event of one session (`trellis://lattice-event`).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SessionLatticeEvent {
    /// The session it came from.
    pub session: String,
    /// The CloudEvents envelope.
    pub event: CloudEvent,
}

/// A change of one session's lattice model (`trellis://model`): `change`, or `resync`
/// when the webview should re-read `lattice_snapshot` (the model loaded, or changes were
/// missed).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SessionModelEvent {
    /// The session it is about.
    pub session: String,
    /// Re-read the whole snapshot.
    pub resync: bool,
    /// The change, when not a resync.
    pub change: Option<ModelChange>,
}

/// Emits every status change of `session` until it closes.
pub fn status<R: Runtime>(app: &AppHandle<R>, session: &Arc<Session>) {
    let mut rx = session.subscribe_status();
    let app = app.clone();
    // Not kept with the session's tasks: the last change (`disconnected`) must still go out.
    tauri::async_runtime::spawn(async move {
        while rx.changed().await.is_ok() {
            let status = rx.borrow_and_update().clone();
            if let Err(err) = app.emit(STATUS_EVENT, status) {
                tracing::debug!(%err, "cannot emit the status");
            }
        }
    });
}

/// Follows the client's connection state, events and logs for `session`.
pub fn client<R: Runtime>(app: &AppHandle<R>, session: &Arc<Session>, client: &Client) {
    let mut conn = client.connection_state();
    let follower = session.clone();
    session.keep_task(tauri::async_runtime::spawn(async move {
        loop {
            let state = match &*conn.borrow_and_update() {
                ConnectionState::Connecting => ConnState::Starting,
                ConnectionState::Connected => ConnState::Connected,
                ConnectionState::Reconnecting => ConnState::Reconnecting,
                ConnectionState::Failed { .. } => ConnState::Disconnected,
            };
            follower.update_status(|s| {
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
    }));

    let events_client = client.clone();
    let follower_events = session.clone();
    let handle = app.clone();
    let name = session.name().to_owned();
    session.keep_task(tauri::async_runtime::spawn(async move {
        let mut events = match events_client.events().await {
            Ok(events) => events,
            Err(err) => return tracing::warn!(%err, "cannot subscribe to lattice events"),
        };
        while let Some(next) = events.next().await {
            match next {
                Ok(message) => {
                    note_refused_grant(&follower_events, &message.event);
                    let payload = SessionLatticeEvent {
                        session: name.clone(),
                        event: message.cloud_event,
                    };
                    let _ = handle.emit(LATTICE_EVENT, &payload);
                }
                Err(err) => tracing::debug!(%err, "skipping an undecodable lattice event"),
            }
        }
    }));

    let logs_client = client.clone();
    let handle = app.clone();
    let name = session.name().to_owned();
    session.keep_task(tauri::async_runtime::spawn(async move {
        let mut logs = match logs_client.logs().await {
            Ok(logs) => logs,
            Err(err) => return tracing::warn!(%err, "cannot subscribe to host logs"),
        };
        while let Some(next) = logs.next().await {
            match next {
                Ok(record) => {
                    let payload = SessionLog {
                        session: name.clone(),
                        record,
                    };
                    let _ = handle.emit(LOG_EVENT, &payload);
                }
                Err(err) => tracing::debug!(%err, "skipping an undecodable log record"),
            }
        }
    }));
}

/// Loads `session`'s lattice model (retrying until it works), installs it and emits its
/// changes until the session closes.
pub fn model<R: Runtime>(app: &AppHandle<R>, session: &Arc<Session>, client: &Client) {
    let client = client.clone();
    let app = app.clone();
    let owner = session.clone();
    session.keep_task(tauri::async_runtime::spawn(async move {
        let watcher = loop {
            match ModelWatcher::start_with_first_look(&client, ModelOptions::default(), FIRST_LOOK)
                .await
            {
                Ok(watcher) => break Arc::new(watcher),
                Err(err) => {
                    tracing::warn!(session = %owner.name(), %err, "cannot load the lattice model; retrying");
                    tokio::time::sleep(MODEL_RETRY).await;
                }
            }
        };
        let mut changes = watcher.subscribe();
        owner.set_model(Some(watcher));
        let event = |change: Option<ModelChange>| SessionModelEvent {
            session: owner.name().to_owned(),
            resync: change.is_none(),
            change,
        };
        let _ = app.emit(MODEL_EVENT, event(None));
        loop {
            match changes.recv().await {
                Ok(change) => {
                    let _ = app.emit(MODEL_EVENT, event(Some(change)));
                }
                Err(RecvError::Lagged(missed)) => {
                    tracing::debug!(missed, "model changes missed; asking for a resync");
                    let _ = app.emit(MODEL_EVENT, event(None));
                }
                Err(RecvError::Closed) => break,
            }
        }
    }));
}

/// Keeps a start the session's own (local) host refused for a grant, so that the user's
/// "Allow" lifts exactly what the host refused.
fn note_refused_grant(session: &Session, event: &LatticeEvent) {
    let LatticeEvent::ComponentScaleFailed(failed) = event else {
        return;
    };
    let ours = session.status().local_host_id.as_deref() == Some(failed.scale.host_id.as_str());
    if ours && trellis_host::is_grant_refusal(&failed.error) {
        session.note_refused_grant(&failed.scale.component_id, failed.scale.annotations.clone());
    }
}
