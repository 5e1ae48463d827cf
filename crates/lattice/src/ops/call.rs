//! Typed calls: one exported function of a running component, with arguments and results
//! in WAVE text (`trellis call`, the app's Invoke). On a Trellis host the host itself
//! checks and makes the call; a component on any other host (a wasmCloud 1.x host) is
//! called the way its peers call it, over wRPC, with the types read from its WIT.

use std::time::{Duration, Instant};

use trellis_proto::ComponentCallResult;

use super::workload::{hosts_running, Kind};
use super::{OpsError, Result};
use crate::{Client, LatticeError};

/// How long a call over wRPC may take (a wasmCloud host's own deadline).
const WRPC_CALL_TIMEOUT: Duration = Duration::from_secs(10);

/// A call's result and the host that ran it.
#[derive(Debug, Clone, PartialEq)]
pub struct CallOutcome {
    /// The host that ran the call.
    pub host_id: String,
    /// The results (WAVE) and the duration.
    pub result: ComponentCallResult,
}

/// Calls `function` (`ns:pkg/iface.name`, `…#name` or a root `name`) of component `id`
/// with one WAVE value per parameter, on `host` or the first host running it. The
/// arguments are checked against the function's WIT before the call, and a refusal names
/// the type expected.
pub async fn call_function(
    client: &Client,
    id: &str,
    function: &str,
    args: &[String],
    host: Option<&str>,
) -> Result<CallOutcome> {
    let (host_id, image_ref) = first_host_running(client, id, host).await?;
    call_function_placed(client, id, &host_id, &image_ref, function, args).await
}

/// Like [`call_function`], for a caller that already knows where component `id` runs:
/// on host `host_id`, from `image_ref` (the app reads both from its lattice model). No
/// ping and no inventory first, so the call costs one round trip.
pub async fn call_function_placed(
    client: &Client,
    id: &str,
    host_id: &str,
    image_ref: &str,
    function: &str,
    args: &[String],
) -> Result<CallOutcome> {
    let host_id = host_id.to_owned();
    match client.call_component(&host_id, id, function, args).await {
        // Not a Trellis host: call it as its peers do.
        Err(LatticeError::NoResponders { .. }) => {
            let result = call_over_wrpc(client, id, image_ref, function, args).await?;
            Ok(CallOutcome { host_id, result })
        }
        result => Ok(CallOutcome {
            host_id,
            result: result?,
        }),
    }
}

/// Like [`call_function`], but always over wRPC, as another host's component or a
/// wasmCloud host would call it (`trellis call --wrpc`): shows that `id` is reachable
/// from other hosts, and what they see.
pub async fn call_function_over_wrpc(
    client: &Client,
    id: &str,
    function: &str,
    args: &[String],
    host: Option<&str>,
) -> Result<CallOutcome> {
    let (host_id, image_ref) = first_host_running(client, id, host).await?;
    let result = call_over_wrpc(client, id, &image_ref, function, args).await?;
    Ok(CallOutcome { host_id, result })
}

/// `host` (or the first host) running component `id`, and the image it runs.
async fn first_host_running(
    client: &Client,
    id: &str,
    host: Option<&str>,
) -> Result<(String, String)> {
    let running = hosts_running(client, id, host, Kind::Component).await?;
    Ok(running
        .into_iter()
        .next()
        .expect("hosts_running finds one or fails"))
}

/// `function` of component `id` (running from `image_ref`) over wRPC.
async fn call_over_wrpc(
    client: &Client,
    id: &str,
    image_ref: &str,
    function: &str,
    args: &[String],
) -> Result<ComponentCallResult> {
    let refused = |reason: String| OpsError::InvalidInput(reason);
    let Some(path) = trellis_wit::file_path(image_ref) else {
        return Err(refused(format!(
            "{id} is called over wRPC (its host is not a Trellis host, or --wrpc) with the \
             types of its WIT, which is read from file:// components only; {id} runs \
             {image_ref}"
        )));
    };
    let bytes = tokio::fs::read(&path)
        .await
        .map_err(|e| refused(format!("reading {} for {id}'s WIT: {e}", path.display())))?;
    let types = tokio::task::spawn_blocking(move || {
        trellis_wrpc::types::ExportTypes::of_component(&wasmtime::Engine::default(), &bytes)
    })
    .await
    .map_err(|e| refused(format!("the WIT task failed: {e}")))?
    .map_err(|e| refused(format!("the WIT of {id}: {e:#}")))?;
    let (iface, func) = trellis_wrpc::wave::split_function(function);
    let instance = iface
        .map(trellis_wrpc::names::wire_instance)
        .unwrap_or_default();
    let Some((instance, signature)) = types.function(&instance, func) else {
        return Err(refused(format!("{id} does not export `{function}`")));
    };
    let params = signature
        .params
        .iter()
        .map(|(name, ty)| (name.as_str(), ty.clone()));
    let values = trellis_wrpc::wave::parse_args(function, params, args).map_err(refused)?;
    let nats = crate::connect_wrpc_nats(client.context(), "trellis call (wrpc)").await?;
    let invoker = trellis_wrpc::Invoker::new(nats, client.lattice());
    let began = Instant::now();
    let results = invoker
        .call(trellis_wrpc::Call {
            source: "trellis",
            target: id,
            link_name: "default",
            instance,
            func,
            params: &values,
            param_types: &signature.param_types(),
            result_types: &signature.results,
            timeout: WRPC_CALL_TIMEOUT,
            spied: false,
        })
        .await
        .map_err(|e| OpsError::Failed {
            message: e.to_string(),
        })?;
    let duration_ms = began.elapsed().as_secs_f64() * 1e3;
    let results = results
        .iter()
        .map(|value| {
            wasm_wave::to_string(value).map_err(|e| OpsError::Failed {
                message: format!("a result of {id} is not WAVE: {e}"),
            })
        })
        .collect::<Result<_>>()?;
    Ok(ComponentCallResult {
        results,
        duration_ms,
    })
}
