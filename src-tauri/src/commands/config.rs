//! Commands of the Config view: named configs with their values and users, and edits.
//! One call each into `trellis_lattice::ops`, as `trellis config` makes.

use tauri::State;
use trellis_lattice::ops::{self, NamedConfig};
use trellis_proto::config_map_from_value;

use crate::error::{CommandError, ErrorCode};
use crate::state::AppState;

/// Every named config with its values and the links that use it.
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn list_configs(
    state: State<'_, AppState>,
    session: Option<String>,
) -> Result<Vec<NamedConfig>, CommandError> {
    let session = state.session(session.as_deref())?;
    let snapshot = session.model()?.snapshot();
    Ok(ops::list_configs(&session.client()?, &snapshot).await?)
}

/// Creates or replaces config `name` with `values`, an object of strings (anything else
/// is refused, naming the key).
#[tauri::command]
#[tracing::instrument(skip(state, values), err(Debug))]
pub async fn put_config(
    state: State<'_, AppState>,
    session: Option<String>,
    name: String,
    values: serde_json::Value,
) -> Result<String, CommandError> {
    let values = config_map_from_value(values)
        .map_err(|e| CommandError::new(ErrorCode::InvalidInput, format!("config {name:?}: {e}")))?;
    Ok(ops::put_config(
        &state.session(session.as_deref())?.client()?,
        &name,
        &values,
    )
    .await?)
}

/// Deletes config `name`.
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn delete_config(
    state: State<'_, AppState>,
    session: Option<String>,
    name: String,
) -> Result<String, CommandError> {
    Ok(ops::delete_config(&state.session(session.as_deref())?.client()?, &name).await?)
}
