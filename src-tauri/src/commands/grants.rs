//! Grants the app's own host refused: its user allows them here (issue 11: grants are
//! honoured only where the host's policy allows them, and the app asks its user).

use std::collections::BTreeMap;

use tauri::State;
use trellis_host::GrantPolicy;

use crate::error::{CommandError, ErrorCode};
use crate::state::AppState;

/// Allows the component grants `annotations` ask for (`trellis.dev/dirs`, `/env`,
/// `/network`, as in the refused scale's event) on the app's host, now and after a
/// restart. Answers with what was allowed.
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub fn allow_grants(
    state: State<'_, AppState>,
    annotations: BTreeMap<String, String>,
) -> Result<String, CommandError> {
    let needed = GrantPolicy::needed_by(&annotations);
    if needed.is_default() {
        return Err(CommandError::new(
            ErrorCode::InvalidInput,
            "these annotations ask for no directory, variable or network grant",
        ));
    }
    state.allow_local_grants(&needed)?;
    Ok(format!(
        "allowed {} for components on this app's host",
        needed.describe().join(", ")
    ))
}
