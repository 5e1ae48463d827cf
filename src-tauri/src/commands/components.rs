//! Commands about components and providers: what the inspector shows, and starting one
//! on the app's own host. Each is one call into `trellis_lattice::ops`, which the CLI's
//! `inspect --component` and `start` call too.

use std::time::Duration;

use tauri::State;
use trellis_lattice::ops::{self, ComponentInspection, PathRule, Placement};

use crate::error::{CommandError, ErrorCode};
use crate::state::AppState;

/// How long a started component or provider gets to report its outcome. Large
/// components (componentize-py) take several seconds to compile on a slow machine.
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// The component `component_id`: description, links, config, WIT and which imports the
/// lattice's links satisfy.
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn inspect_component(
    state: State<'_, AppState>,
    session: Option<String>,
    component_id: String,
) -> Result<ComponentInspection, CommandError> {
    let session = state.session(session.as_deref())?;
    let snapshot = session.model()?.snapshot();
    let client = session.client()?;
    Ok(ops::inspect_component(&client, &snapshot, &state.wit_cache(), &component_id).await?)
}

/// Starts the component in the `.wasm` file at `path` (absolute) under `id` (one
/// instance) on host `host_id`, by default the app's own, as `trellis start component`
/// does, and waits until the host reports it running. Answers with a sentence saying so.
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn start_component(
    state: State<'_, AppState>,
    session: Option<String>,
    path: String,
    id: String,
    host_id: Option<String>,
) -> Result<String, CommandError> {
    let request = ops::StartComponent {
        reference: ops::component_ref(&path, PathRule::AbsoluteOnly)?,
        id,
        count: 1,
        placement: placement(&state, session.as_deref(), host_id)?,
        config: Vec::new(),
        allow_update: true,
    };
    let client = state.session(session.as_deref())?.client()?;
    let outcome = ops::start_component(&client, &request, Some(START_TIMEOUT)).await?;
    Ok(outcome.into_result()?)
}

/// Starts built-in provider `name` (`http-server`, `keyvalue`, …) under `id` on host
/// `host_id`, by default the app's own, as `trellis start provider NAME` does, and waits
/// until the host reports it started. Answers with a sentence saying so.
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn start_provider(
    state: State<'_, AppState>,
    session: Option<String>,
    name: String,
    id: String,
    host_id: Option<String>,
) -> Result<String, CommandError> {
    let request = ops::StartProvider {
        reference: ops::provider_ref(&name)?,
        id,
        placement: placement(&state, session.as_deref(), host_id)?,
        config: Vec::new(),
    };
    let client = state.session(session.as_deref())?.client()?;
    let outcome = ops::start_provider(&client, &request, Some(START_TIMEOUT)).await?;
    Ok(outcome.into_result()?)
}

/// The host chosen in the window, else the app's own on the local lattice (`not_ready`
/// while it starts), else the first host the auction finds.
fn placement(
    state: &AppState,
    session: Option<&str>,
    host_id: Option<String>,
) -> Result<Placement, CommandError> {
    if let Some(host_id) = host_id.filter(|h| !h.trim().is_empty()) {
        return Ok(Placement::Host(host_id));
    }
    let status = state.session(session)?.status();
    if !status.local {
        return Ok(Placement::Auction);
    }
    status
        .local_host_id
        .map(Placement::HostId)
        .ok_or_else(|| CommandError::new(ErrorCode::NotReady, "the local host is still starting"))
}

/// Calls exported `function` of component `componentId` with one WAVE value per
/// parameter; the host checks them against the function's WIT first (a refusal names the
/// expected type). Answers with the WAVE results and the duration.
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn call_function(
    state: State<'_, AppState>,
    session: Option<String>,
    component_id: String,
    function: String,
    args: Vec<String>,
) -> Result<trellis_proto::ComponentCallResult, CommandError> {
    let session = state.session(session.as_deref())?;
    let client = session.client()?;
    // Where the model says it runs, the call goes straight there: resolving it on the
    // lattice first would wait a whole ping window (2 s) before every call.
    let placed = session.model().ok().and_then(|model| {
        model.with_model(|m| m.component_placements(&component_id).into_iter().next())
    });
    let outcome = match placed {
        Some((host_id, image_ref)) => {
            ops::call_function_placed(
                &client,
                &component_id,
                &host_id,
                &image_ref,
                &function,
                &args,
            )
            .await?
        }
        None => ops::call_function(&client, &component_id, &function, &args, None).await?,
    };
    Ok(outcome.result)
}
