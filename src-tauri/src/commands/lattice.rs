//! Commands about the lattice the window looks at.

use tauri::State;
use trellis_lattice::ModelSnapshot;
use trellis_proto::Host;

use crate::error::CommandError;
use crate::state::{AppState, LatticeStatus};

/// A session's connection status (context, lattice, state, start-up error), by default
/// the local lattice's; `not_found` for a session that is not open.
#[tauri::command]
pub fn lattice_status(
    state: State<'_, AppState>,
    session: Option<String>,
) -> Result<LatticeStatus, CommandError> {
    Ok(state.session(session.as_deref())?.status())
}

/// The hosts that answer `host.ping` on the lattice.
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn list_hosts(
    state: State<'_, AppState>,
    session: Option<String>,
) -> Result<Vec<Host>, CommandError> {
    Ok(state
        .session(session.as_deref())?
        .client()?
        .ping_hosts()
        .await?)
}

/// The whole lattice model: hosts with their components and providers, links and config
/// names. `not_ready` until the model has loaded; `trellis://model` tells about changes.
#[tauri::command]
pub fn lattice_snapshot(
    state: State<'_, AppState>,
    session: Option<String>,
) -> Result<ModelSnapshot, CommandError> {
    Ok(state.session(session.as_deref())?.model()?.snapshot())
}
