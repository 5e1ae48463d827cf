//! Commands that change what runs: scale, update and stop a component, stop a provider
//! or a host, and edit host labels. Each is one call into `trellis_lattice::ops` (the
//! CLI's `scale`, `update`, `stop` and `label` call the same functions) and answers with
//! the sentence the host's outcome gives.

use std::time::Duration;

use tauri::State;
use trellis_lattice::ops::{self, Outcome, PathRule};
use trellis_lattice::Client;

use crate::error::CommandError;
use crate::state::AppState;

/// How long a change gets to report its outcome (an update compiles the new code).
const OUTCOME_TIMEOUT: Duration = Duration::from_secs(60);

/// The session's client, and the one host its model shows running `id`, if one does
/// (the change then goes there directly; see `Session::sole_host`).
fn client_and_host(
    state: &AppState,
    session: Option<&str>,
    id: &str,
) -> Result<(Client, Option<String>), CommandError> {
    let session = state.session(session)?;
    Ok((session.client()?, session.sole_host(id)))
}

/// Sets a running component's maximum instances on every host running it (0 stops it).
/// Where the model shows a single host running it, the change goes to that host directly.
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn scale_component(
    state: State<'_, AppState>,
    session: Option<String>,
    component_id: String,
    count: u32,
) -> Result<String, CommandError> {
    scale(&state, session.as_deref(), &component_id, count).await
}

/// Stops a component on every host running it.
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn stop_component(
    state: State<'_, AppState>,
    session: Option<String>,
    component_id: String,
) -> Result<String, CommandError> {
    scale(&state, session.as_deref(), &component_id, 0).await
}

/// Scales (0: stops) a component, through the host the model shows when it shows one.
async fn scale(
    state: &AppState,
    session: Option<&str>,
    component_id: &str,
    count: u32,
) -> Result<String, CommandError> {
    let (client, host) = client_and_host(state, session, component_id)?;
    let outcomes = ops::scale_component(
        &client,
        component_id,
        count,
        host.as_deref(),
        Some(OUTCOME_TIMEOUT),
    )
    .await?;
    sentences(outcomes)
}

/// Replaces a running component's code with the `.wasm` file at `path` (absolute),
/// keeping its id and links. A host refuses code whose WIT would break a live link, and
/// says why.
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn update_component(
    state: State<'_, AppState>,
    session: Option<String>,
    component_id: String,
    path: String,
) -> Result<String, CommandError> {
    let reference = ops::component_ref(&path, PathRule::AbsoluteOnly)?;
    let (client, host) = client_and_host(&state, session.as_deref(), &component_id)?;
    let outcomes = ops::update_component(
        &client,
        &component_id,
        &reference,
        host.as_deref(),
        Some(OUTCOME_TIMEOUT),
    )
    .await?;
    sentences(outcomes)
}

/// Stops a provider on every host running it.
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn stop_provider(
    state: State<'_, AppState>,
    session: Option<String>,
    provider_id: String,
) -> Result<String, CommandError> {
    let (client, host) = client_and_host(&state, session.as_deref(), &provider_id)?;
    let outcomes = ops::stop_provider(
        &client,
        &provider_id,
        host.as_deref(),
        Some(OUTCOME_TIMEOUT),
    )
    .await?;
    sentences(outcomes)
}

/// Asks a host to stop and waits for its `host_stopped`.
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn stop_host(
    state: State<'_, AppState>,
    session: Option<String>,
    host_id: String,
) -> Result<String, CommandError> {
    let client = state.session(session.as_deref())?.client()?;
    let outcome = ops::stop_host(&client, &host_id, None, Some(OUTCOME_TIMEOUT)).await?;
    Ok(outcome.into_result()?)
}

/// Sets label `key` to `value` on a host.
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn put_label(
    state: State<'_, AppState>,
    session: Option<String>,
    host_id: String,
    key: String,
    value: String,
) -> Result<String, CommandError> {
    Ok(ops::put_label(
        &state.session(session.as_deref())?.client()?,
        &host_id,
        &key,
        &value,
    )
    .await?)
}

/// Removes label `key` from a host.
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn delete_label(
    state: State<'_, AppState>,
    session: Option<String>,
    host_id: String,
    key: String,
) -> Result<String, CommandError> {
    Ok(ops::delete_label(
        &state.session(session.as_deref())?.client()?,
        &host_id,
        &key,
    )
    .await?)
}

/// One sentence from the outcomes of every host: success when all succeeded, else the
/// first failure as the error.
fn sentences(outcomes: Vec<Outcome>) -> Result<String, CommandError> {
    let mut lines = Vec::new();
    for outcome in outcomes {
        lines.push(outcome.into_result()?);
    }
    Ok(lines.join("\n"))
}
