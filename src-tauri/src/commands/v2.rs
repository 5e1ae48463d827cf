//! wasmCloud 2.x workloads from the app, by the same `trellis_v2` workflows as
//! `trellis v2 start | status | stop`, remembered in the same record file.

use std::time::Duration;

use tauri::State;
use trellis_v2::{WorkloadDescription, WorkloadRecords, WorkloadSpec, WorkloadView};

use crate::error::CommandError;
use crate::state::AppState;

/// How long a start waits for its host's heartbeat when named by hostname.
const FIND_WAIT: Duration = Duration::from_secs(16);

fn records() -> Result<WorkloadRecords, CommandError> {
    Ok(WorkloadRecords::in_dir(&trellis_local::data_dir()?))
}

/// Starts a workload on a 2.x host of the session's NATS server and remembers it;
/// answers with every remembered workload and its status.
#[tauri::command]
// Not the spec: its config and environment may hold a guest's secrets.
#[tracing::instrument(skip(state, spec), fields(host = %spec.host), err(Debug))]
pub async fn start_v2_workload(
    state: State<'_, AppState>,
    session: Option<String>,
    spec: WorkloadSpec,
) -> Result<Vec<WorkloadView>, CommandError> {
    let client = state.session(session.as_deref())?.client()?;
    let records = records()?;
    trellis_v2::start_and_remember(
        client.nats(),
        &records,
        &spec,
        FIND_WAIT,
        trellis_v2::START_TIMEOUT,
    )
    .await?;
    Ok(trellis_v2::remembered_workloads(client.nats(), &records).await?)
}

/// The workloads Trellis started on 2.x hosts, each with its status read again.
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn list_v2_workloads(
    state: State<'_, AppState>,
    session: Option<String>,
) -> Result<Vec<WorkloadView>, CommandError> {
    let client = state.session(session.as_deref())?.client()?;
    Ok(trellis_v2::remembered_workloads(client.nats(), &records()?).await?)
}

/// Stops a workload Trellis started and forgets it; answers with what remains.
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn stop_v2_workload(
    state: State<'_, AppState>,
    session: Option<String>,
    workload_id: String,
) -> Result<Vec<WorkloadView>, CommandError> {
    let client = state.session(session.as_deref())?.client()?;
    let records = records()?;
    trellis_v2::stop_and_forget(client.nats(), &records, &workload_id).await?;
    Ok(trellis_v2::remembered_workloads(client.nats(), &records).await?)
}

/// What a workload Trellis started runs: its status, its components with their WIT
/// (read from their images), the host interfaces each binds and the links between them.
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn describe_v2_workload(
    state: State<'_, AppState>,
    session: Option<String>,
    workload_id: String,
) -> Result<WorkloadDescription, CommandError> {
    let client = state.session(session.as_deref())?.client()?;
    let oci = trellis_oci::OciOptions::default();
    Ok(trellis_v2::describe_workload(client.nats(), &records()?, &workload_id, &oci).await?)
}
