//! Commands that put and delete links: thin adapters over the lattice client. The host
//! validates; a refusal (`success: false`) comes back as an error carrying its message.

use tauri::State;
use trellis_proto::{DeleteLinkRequest, Link};

use crate::error::CommandError;
use crate::state::AppState;

/// Puts a link (`link.put`) and answers with the host's message.
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn put_link(state: State<'_, AppState>, link: Link) -> Result<String, CommandError> {
    Ok(state.client()?.link_put(&link).await?)
}

/// Deletes a link (`link.del`) and answers with the host's message.
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn delete_link(
    state: State<'_, AppState>,
    request: DeleteLinkRequest,
) -> Result<String, CommandError> {
    Ok(state.client()?.link_del(&request).await?)
}
