//! The HTTP tab: one request to a component through its http-server link, by the same
//! `ops::send_http_in` (`trellis http` calls `ops::send_http`, which shares it).

use tauri::State;
use trellis_lattice::ops::{self, HttpHeader, HttpReply, HttpRequest};

use crate::error::CommandError;
use crate::state::AppState;

/// Sends `method` `path` with `headers` and text `body` to component `componentId`
/// through the http-server link that serves it, and answers with the status, headers,
/// body (text, or base64 when not UTF-8; at most 1 MiB) and time.
#[tauri::command]
#[tracing::instrument(skip(state, headers, body), err(Debug))]
pub async fn http_request(
    state: State<'_, AppState>,
    session: Option<String>,
    component_id: String,
    method: String,
    path: String,
    headers: Vec<HttpHeader>,
    body: String,
) -> Result<HttpReply, CommandError> {
    let session = state.session(session.as_deref())?;
    let snapshot = session.model()?.snapshot();
    let client = session.client()?;
    let request = HttpRequest {
        method,
        path,
        headers,
        body: body.into_bytes(),
    };
    Ok(ops::send_http_in(
        &client,
        &snapshot,
        &component_id,
        &request,
        ops::HTTP_TIMEOUT,
    )
    .await?)
}
