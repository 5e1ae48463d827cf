//! A session's OTLP receiver for wasmCloud 2.x hosts, the same `trellis_otlp::Receiver`
//! as `trellis telemetry`: its log records join the session's Logs tab, and the
//! resources its workloads touch (placed by the workloads Trellis started) reach the
//! graph as `trellis://touch` events.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};

use serde::Serialize;
use tauri::{AppHandle, Emitter as _, Runtime, State};
use tokio::sync::broadcast::error::RecvError;
use trellis_otlp::{Receiver, Telemetry, Touch};
use trellis_v2::WorkloadRecords;

use crate::error::CommandError;
use crate::forward::{SessionLog, LOG_EVENT};
use crate::session::Session;
use crate::state::AppState;

/// Resources workloads touched (`SessionTouch`).
pub const TOUCH_EVENT: &str = "trellis://touch";

/// A touch seen by one session's receiver (`trellis://touch`).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SessionTouch {
    /// The session whose receiver saw it.
    pub session: String,
    /// What was touched, and by which workload when known.
    pub touch: Touch,
}

/// A session's receiver, as the webview sees it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct TelemetryInfo {
    /// `127.0.0.1:4317`.
    pub addr: String,
    /// What to give hosts as `OTEL_EXPORTER_OTLP_ENDPOINT`.
    pub endpoint: String,
    /// Every touch seen so far, placed.
    pub touches: Vec<Touch>,
}

/// A running receiver and what it has shown.
pub struct TelemetryRun {
    receiver: Receiver,
    touches: Arc<Mutex<Vec<Touch>>>,
}

impl TelemetryRun {
    fn info(&self) -> TelemetryInfo {
        TelemetryInfo {
            addr: self.receiver.addr().to_string(),
            endpoint: self.receiver.endpoint(),
            touches: self
                .touches
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .clone(),
        }
    }
}

fn records() -> Result<WorkloadRecords, CommandError> {
    Ok(WorkloadRecords::in_dir(&trellis_local::data_dir()?))
}

/// Starts the session's OTLP receiver on 127.0.0.1:`port` (0 picks one); a session has
/// at most one, so starting again on another port replaces it.
#[tauri::command]
#[tracing::instrument(skip(app, state), err(Debug))]
pub async fn start_telemetry<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    session: Option<String>,
    port: u16,
) -> Result<TelemetryInfo, CommandError> {
    let session = state.session(session.as_deref())?;
    if let Some(old) = session.take_telemetry() {
        if old.receiver.addr().port() == port {
            let info = old.info();
            session.set_telemetry(old);
            return Ok(info);
        }
        old.receiver.stop().await;
    }
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let receiver = Receiver::start(addr)
        .await
        .map_err(|e| CommandError::new(crate::error::ErrorCode::InvalidInput, e.to_string()))?;
    let run = TelemetryRun {
        touches: Arc::new(Mutex::new(Vec::new())),
        receiver,
    };
    forward(&app, &session, &run, records()?);
    let info = run.info();
    session.set_telemetry(run);
    Ok(info)
}

/// Stops the session's OTLP receiver (nothing to do when none runs).
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn stop_telemetry(
    state: State<'_, AppState>,
    session: Option<String>,
) -> Result<(), CommandError> {
    if let Some(run) = state.session(session.as_deref())?.take_telemetry() {
        run.receiver.stop().await;
    }
    Ok(())
}

/// The session's receiver, if one runs.
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn telemetry_info(
    state: State<'_, AppState>,
    session: Option<String>,
) -> Result<Option<TelemetryInfo>, CommandError> {
    let session = state.session(session.as_deref())?;
    Ok(session.with_telemetry(|run| run.map(TelemetryRun::info)))
}

/// Emits what the receiver gets until it stops: records as the session's log lines,
/// touches placed by the workloads Trellis started.
fn forward<R: Runtime>(
    app: &AppHandle<R>,
    session: &Arc<Session>,
    run: &TelemetryRun,
    records: WorkloadRecords,
) {
    let mut telemetry = run.receiver.subscribe();
    let touches = run.touches.clone();
    let app = app.clone();
    let name = session.name().to_owned();
    session.keep_task(tauri::async_runtime::spawn(async move {
        loop {
            match telemetry.recv().await {
                Ok(Telemetry::Log(record)) => {
                    let payload = SessionLog {
                        session: name.clone(),
                        record,
                    };
                    let _ = app.emit(LOG_EVENT, &payload);
                }
                Ok(Telemetry::Touch(touch)) => {
                    // Read each time: workloads started since count too.
                    let touch = trellis_otlp::placed(touch, &records.load().unwrap_or_default());
                    touches
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .push(touch.clone());
                    let payload = SessionTouch {
                        session: name.clone(),
                        touch,
                    };
                    let _ = app.emit(TOUCH_EVENT, &payload);
                }
                Err(RecvError::Lagged(lost)) => {
                    tracing::debug!(lost, "OTLP records dropped: the webview fell behind");
                }
                Err(RecvError::Closed) => break,
            }
        }
    }));
}
