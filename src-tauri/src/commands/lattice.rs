//! Commands about the lattice the window looks at.

use tauri::State;
use trellis_lattice::ModelSnapshot;
use trellis_proto::Host;

use crate::error::CommandError;
use crate::state::{AppState, LatticeStatus};

/// The connection status (context, lattice, state, start-up error). Never fails.
#[tauri::command]
pub fn lattice_status(state: State<'_, AppState>) -> LatticeStatus {
    state.status()
}

/// The hosts that answer `host.ping` on the lattice.
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn list_hosts(state: State<'_, AppState>) -> Result<Vec<Host>, CommandError> {
    Ok(state.client()?.ping_hosts().await?)
}

/// The whole lattice model: hosts with their components and providers, links and config
/// names. `not_ready` until the model has loaded; `trellis://model` tells about changes.
#[tauri::command]
pub fn lattice_snapshot(state: State<'_, AppState>) -> Result<ModelSnapshot, CommandError> {
    Ok(state.model()?.snapshot())
}
