//! Grants the app's own host refused: its user allows them here (issue 11: grants are
//! honoured only where the host's policy allows them, and the app asks its user).

use tauri::State;
use trellis_host::GrantPolicy;

use crate::error::{CommandError, ErrorCode};
use crate::state::AppState;

/// Allows, on the app's host (now and after a restart), the directory, variable and
/// network grants of component `componentId`'s last start that this host refused. Only
/// what the host itself refused can be allowed: the webview names the component, not the
/// grants. Answers with what was allowed.
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub fn allow_grants(
    state: State<'_, AppState>,
    component_id: String,
) -> Result<String, CommandError> {
    let session = state.local_session();
    let annotations = session.take_refused_grant(&component_id).ok_or_else(|| {
        CommandError::new(
            ErrorCode::NotFound,
            format!("this host refused no grant to component {component_id}"),
        )
    })?;
    let needed = GrantPolicy::needed_by(&annotations);
    if needed.is_default() {
        return Err(CommandError::new(
            ErrorCode::InvalidInput,
            format!("component {component_id} asked for no directory, variable or network grant"),
        ));
    }
    state.allow_local_grants(&needed)?;
    Ok(format!(
        "allowed {} for components on this app's host",
        needed.describe().join(", ")
    ))
}
