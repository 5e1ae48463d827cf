//! Commands of the sidebar's contexts and the session tabs: list the saved contexts (the
//! file the CLI uses), test a connection step by step, attach to a lattice (a new
//! session, its own tab), detach, save and import contexts.
//!
//! Credentials travel one way only: the Attach dialog sends a context with its secrets,
//! and nothing sent back (answers, errors, status and events) holds one: contexts are
//! shown as [`ContextSummary`], URLs without user info.

use std::sync::Arc;

use serde::Serialize;
use tauri::{AppHandle, Runtime, State};
use trellis_lattice::{Client, ConnectionReport, Context, ContextSummary};

use crate::error::{CommandError, ErrorCode};
use crate::forward;
use crate::session::{ConnState, LatticeStatus, Session};
use crate::state::AppState;

/// The saved contexts, and the entries of the file that could not be read.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ContextList {
    /// Every readable context, by name.
    pub contexts: Vec<ContextSummary>,
    /// Entries that could not be read, with why (the others stay usable).
    pub problems: Vec<ContextProblem>,
    /// Why the file could not be read at all, if so.
    pub error: Option<String>,
}

/// A saved context that could not be read.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ContextProblem {
    /// Its name.
    pub name: String,
    /// Why, naming the field or line.
    pub reason: String,
}

/// What an import of `nats` CLI and wash contexts did.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ImportSummary {
    /// The contexts imported (and saved), by name.
    pub imported: Vec<String>,
    /// Files skipped, with why.
    pub skipped: Vec<ContextProblem>,
}

/// The saved contexts (never their credentials). A file that does not parse is reported
/// in `error`, not as a failure, so the sidebar still shows the open sessions.
#[tauri::command]
pub fn list_contexts(state: State<'_, AppState>) -> ContextList {
    match state.context_store() {
        Ok(store) => ContextList {
            contexts: store.summaries(),
            problems: store
                .problems()
                .map(|(name, reason)| ContextProblem {
                    name: name.to_owned(),
                    reason: reason.to_owned(),
                })
                .collect(),
            error: None,
        },
        Err(err) => ContextList {
            contexts: Vec::new(),
            problems: Vec::new(),
            error: Some(err.message),
        },
    }
}

/// The status of every open session, local first.
#[tauri::command]
pub fn list_sessions(state: State<'_, AppState>) -> Vec<LatticeStatus> {
    state.sessions().iter().map(|s| s.status()).collect()
}

/// Reaches the lattice `context` describes one step at a time (name lookup, TCP, TLS,
/// authentication, authorization, hosts, JetStream) and says which step failed.
#[tauri::command]
#[tracing::instrument(skip_all, err(Debug))]
pub async fn test_connection(context: Context) -> Result<ConnectionReport, CommandError> {
    Ok(trellis_lattice::test_connection(&context).await)
}

/// Saves `context` as `name` in the contexts file (replacing one of that name) without
/// connecting.
#[tauri::command]
#[tracing::instrument(skip(state, context), err(Debug))]
pub fn save_context(
    state: State<'_, AppState>,
    name: String,
    context: Context,
) -> Result<ContextSummary, CommandError> {
    context.validate()?;
    let mut store = state.context_store()?;
    store.insert(&name, context.clone())?;
    store.save()?;
    let current = store.current_name() == Some(name.as_str());
    Ok(ContextSummary::of(&name, &context, current))
}

/// Connects to `context` and, once connected, saves it as `name` and opens it as a
/// session. A connection that fails (wrong password, closed port, TLS) is an error
/// naming why, and nothing is saved.
#[tauri::command]
#[tracing::instrument(skip(app, state, context), err(Debug))]
pub async fn attach_new<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    name: String,
    context: Context,
) -> Result<LatticeStatus, CommandError> {
    check_session_name(&state, &name)?;
    let client = Client::connect(&context).await?;
    let mut store = state.context_store()?;
    store.insert(&name, context.clone())?;
    store.save()?;
    open(&app, &state, &name, &context, client)
}

/// Opens saved context `name` as a session (or answers with its status when open).
#[tauri::command]
#[tracing::instrument(skip(app, state), err(Debug))]
pub async fn attach<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    name: String,
) -> Result<LatticeStatus, CommandError> {
    if let Ok(open) = state.session(Some(&name)) {
        if open.status().state != ConnState::Disconnected {
            return Ok(open.status());
        }
    }
    let context = state.context_store()?.get(&name).cloned().ok_or_else(|| {
        CommandError::new(ErrorCode::NotFound, format!("no saved context {name:?}"))
    })?;
    let client = Client::connect(&context).await?;
    open(&app, &state, &name, &context, client)
}

/// Closes session `name` (its tab goes; the local lattice cannot be closed).
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub fn detach(state: State<'_, AppState>, name: String) -> Result<(), CommandError> {
    state.remove_session(&name)
}

/// Deletes saved context `name` from the contexts file (an open session stays open).
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub fn delete_context(state: State<'_, AppState>, name: String) -> Result<(), CommandError> {
    let mut store = state.context_store()?;
    store.remove(&name)?;
    Ok(store.save()?)
}

/// Imports every `nats` CLI and wash 1.x context found (`~/.config/nats/context`,
/// `~/.wash/contexts`) into the contexts file.
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub fn import_contexts(state: State<'_, AppState>) -> Result<ImportSummary, CommandError> {
    let mut store = state.context_store()?;
    let (imported, skipped) = store.import_discovered();
    if !imported.is_empty() {
        store.save()?;
    }
    Ok(ImportSummary {
        imported: imported.into_iter().map(|(name, _)| name).collect(),
        skipped: skipped
            .into_iter()
            .map(|(file, reason)| ContextProblem {
                name: file.display().to_string(),
                reason,
            })
            .collect(),
    })
}

/// The local lattice's name is taken; any other name may be reused by a new session.
fn check_session_name(state: &AppState, name: &str) -> Result<(), CommandError> {
    if name == state.local_session().name() {
        return Err(CommandError::new(
            ErrorCode::InvalidInput,
            format!("{name:?} is the app's local lattice: pick another name"),
        ));
    }
    Ok(())
}

/// Installs a connected session and starts forwarding its status, events, logs and model.
fn open<R: Runtime>(
    app: &AppHandle<R>,
    state: &AppState,
    name: &str,
    context: &Context,
    client: Client,
) -> Result<LatticeStatus, CommandError> {
    let session = Arc::new(Session::new(name, &context.lattice, false));
    session.set_client(Some(client.clone()));
    session.update_status(|s| {
        s.nats_url = Some(context.url());
        s.state = ConnState::Connected;
        s.detail = None;
    });
    state.add_session(session.clone())?;
    forward::status(app, &session);
    forward::client(app, &session, &client);
    forward::model(app, &session, &client);
    tracing::info!(session = %name, url = %context.url(), "attached");
    Ok(session.status())
}
