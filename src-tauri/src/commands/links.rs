//! Commands that put and delete links: one call each into `trellis_lattice::ops` or the
//! lattice client. A put is checked against the WIT of both ends first, with the same
//! rules and sentences as `trellis link put`; a host's refusal comes back as an error
//! carrying its message.

use tauri::State;
use trellis_lattice::ops::{self, LinkCheck};
use trellis_proto::{DeleteLinkRequest, Link};

use crate::error::CommandError;
use crate::state::AppState;

/// Puts a link (`link.put`) after checking its ends, and answers with the host's
/// message, or the note saying why the link could not be checked.
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn put_link(
    state: State<'_, AppState>,
    session: Option<String>,
    link: Link,
) -> Result<String, CommandError> {
    let session = state.session(session.as_deref())?;
    let snapshot = session.model()?.snapshot();
    let client = session.client()?;
    let put = ops::put_link(&client, &snapshot, &state.wit_cache(), &link, false).await?;
    Ok(match put.check {
        LinkCheck::Unchecked { note } => note,
        LinkCheck::Compatible | LinkCheck::Forced { .. } => put.message,
    })
}

/// Deletes a link (`link.del`) and answers with the host's message.
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn delete_link(
    state: State<'_, AppState>,
    session: Option<String>,
    request: DeleteLinkRequest,
) -> Result<String, CommandError> {
    Ok(state
        .session(session.as_deref())?
        .client()?
        .link_del(&request)
        .await?)
}
