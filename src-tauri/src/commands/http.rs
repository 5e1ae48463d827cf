//! The HTTP tab: one request to a component through its http-server link, by the same
//! `ops::send_http` that `trellis http` calls.

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
    let client = state.session(session.as_deref())?.client()?;
    let request = HttpRequest {
        method,
        path,
        headers,
        body: body.into_bytes(),
    };
    Ok(ops::send_http(&client, &component_id, &request, ops::HTTP_TIMEOUT).await?)
}
