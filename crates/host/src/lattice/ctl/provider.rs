//! `provider.auction`, `provider.start` and `provider.stop`.

use std::sync::Arc;

use bytes::Bytes;
use trellis_proto::{
    HealthCheck, LatticeEvent, ProviderAuctionAck, ProviderAuctionRequest, ProviderStartFailed,
    ProviderStarted, ProviderStopped, StartProviderCommand, StopProviderCommand, DEFAULT_LINK_NAME,
};

use super::{error, ok, success};
use crate::lattice::core::HostCore;

const ALREADY_RUNNING: &str = "provider with that ID is already running";
const NOT_RUNNING: &str = "provider with that ID is not running";

/// Replies only when labels satisfy the constraints, the id is not running here and,
/// for a provider binary, this host may run it and has the file.
pub(super) fn auction(core: &HostCore, body: &[u8]) -> Option<Bytes> {
    let request =
        match trellis_proto::decode_request::<ProviderAuctionRequest>("provider.auction", body) {
            Ok(request) => request,
            Err(err) => return error(err),
        };
    if is_running(core, &request.provider_id)
        || !trellis_proto::labels_satisfy(&core.labels(), &request.constraints)
        || !core
            .runtime
            .could_run_provider_binary(&request.provider_ref)
    {
        return None;
    }
    ok(ProviderAuctionAck {
        provider_ref: request.provider_ref,
        provider_id: request.provider_id,
        host_id: core.id.clone(),
        constraints: request.constraints,
    })
}

/// Refuses a running (or starting) id, otherwise acknowledges and starts in the
/// background; the outcome is `provider_started` or `provider_start_failed`.
pub(super) async fn start(core: &Arc<HostCore>, body: &[u8]) -> Option<Bytes> {
    let request =
        match trellis_proto::decode_request::<StartProviderCommand>("provider.start", body) {
            Ok(request) => request,
            Err(err) => return error(err),
        };
    if is_running(core, &request.provider_id) {
        return error(ALREADY_RUNNING);
    }
    {
        let mut starting = core
            .starting_providers
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        if !starting.insert(request.provider_id.clone()) {
            return error(ALREADY_RUNNING);
        }
    }
    let task_core = Arc::clone(core);
    core.spawn(async move {
        let outcome = run_start(&task_core, &request).await;
        if let Some(journal) = &task_core.workload {
            match &outcome {
                Ok(_) => journal.provider_started(&request),
                Err(_) => journal.provider_gone(&request.provider_id),
            }
        }
        task_core
            .starting_providers
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&request.provider_id);
        let event = match outcome {
            Ok(image_ref) => {
                // A provider from an archive is signed: a 1.9 host then sends its claims
                // and fills the legacy fields with the provider id.
                let claims = task_core.runtime.provider_claims(&request.provider_id);
                let signed = claims.as_ref().map(|_| request.provider_id.clone());
                LatticeEvent::ProviderStarted(ProviderStarted {
                    annotations: request.annotations.unwrap_or_default(),
                    host_id: task_core.id.clone(),
                    image_ref,
                    claims: claims.as_ref().map(started_claims),
                    instance_id: signed.clone(),
                    public_key: signed,
                    link_name: claims.map(|_| DEFAULT_LINK_NAME.to_owned()),
                    provider_id: request.provider_id,
                })
            }
            Err(error) => LatticeEvent::ProviderStartFailed(ProviderStartFailed {
                error,
                host_id: task_core.id.clone(),
                link_name: DEFAULT_LINK_NAME.to_owned(),
                provider_id: request.provider_id,
                provider_ref: request.provider_ref,
            }),
        };
        // A built-in provider is healthy once it runs; a provider binary answered (or
        // not) its first health check during the start.
        let health = match &event {
            LatticeEvent::ProviderStarted(started) => Some(
                match task_core.runtime.provider_health(&started.provider_id) {
                    Some(health) => crate::lattice::health::event(&task_core.id, health),
                    None => LatticeEvent::HealthCheckPassed(HealthCheck {
                        host_id: task_core.id.clone(),
                        provider_id: started.provider_id.clone(),
                        message: None,
                    }),
                },
            ),
            _ => None,
        };
        task_core.events.publish(event).await;
        if let Some(health) = health {
            task_core.events.publish(health).await;
        }
    });
    success("successfully started provider")
}

/// The `claims` of a signed provider's `provider_started`, as a wasmCloud 1.9 host
/// writes them (times as seconds since the epoch, or `never`).
fn started_claims(claims: &trellis_oci::par::ArchiveClaims) -> serde_json::Value {
    let human = |time: Option<u64>| time.map_or_else(|| "never".to_owned(), |t| t.to_string());
    serde_json::json!({
        "issuer": claims.issuer,
        "tags": null,
        "name": claims.name,
        "version": claims.version,
        "not_before_human": human(claims.not_before),
        "expires_human": human(claims.expires),
    })
}

/// Starts the provider; returns the image ref it reports (for builtins the bare name).
async fn run_start(core: &HostCore, request: &StartProviderCommand) -> Result<String, String> {
    let config = core
        .state
        .resolve_config(&request.config)
        .await
        .map_err(|e| e.to_string())?;
    let annotations = request.annotations.clone().unwrap_or_default();
    core.runtime
        .start_provider(
            &request.provider_id,
            &request.provider_ref,
            config,
            annotations,
        )
        .await
        .map_err(|e| e.to_string())?;
    core.provider_configs
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(request.provider_id.clone(), request.config.clone());
    // A 1.9 host reports a builtin by its bare name (`http-server`), a binary by the
    // `file://` URL of its path.
    let image_ref = crate::builtin_name(&request.provider_ref)
        .map(str::to_owned)
        .or_else(|| {
            let running = core.runtime.providers();
            let started = running.into_iter().find(|p| p.id == request.provider_id);
            started.and_then(|p| p.image_ref)
        })
        .unwrap_or_else(|| request.provider_ref.clone());
    if let Err(err) = core
        .state
        .set_component_url(&request.provider_id, &image_ref)
        .await
    {
        tracing::warn!(provider = %request.provider_id, %err, "cannot record the provider in LATTICEDATA");
    }
    Ok(image_ref)
}

/// Stops a running provider and publishes `provider_stopped`.
pub(super) async fn stop(core: &Arc<HostCore>, body: &[u8]) -> Option<Bytes> {
    let request = match trellis_proto::decode_request::<StopProviderCommand>("provider.stop", body)
    {
        Ok(request) => request,
        Err(err) => return error(err),
    };
    let Some(running) = core
        .runtime
        .providers()
        .into_iter()
        .find(|p| p.id == request.provider_id)
    else {
        return error(NOT_RUNNING);
    };
    // A provider binary gets its shutdown request (and grace delay) from the runtime.
    if core.runtime.is_builtin_provider(&request.provider_id) {
        crate::lattice::rpc::request_shutdown(core, &request.provider_id).await;
    }
    if let Err(err) = core.runtime.stop_provider(&request.provider_id).await {
        return error(err);
    }
    core.provider_configs
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .remove(&request.provider_id);
    if let Some(journal) = &core.workload {
        journal.provider_gone(&request.provider_id);
    }
    core.events
        .publish(LatticeEvent::ProviderStopped(ProviderStopped {
            annotations: running.annotations,
            host_id: core.id.clone(),
            // A 1.9 host fills both with the provider id for unsigned providers.
            instance_id: request.provider_id.clone(),
            link_name: DEFAULT_LINK_NAME.to_owned(),
            provider_id: request.provider_id.clone(),
            public_key: request.provider_id,
            reason: "stop".to_owned(),
        }))
        .await;
    success("successfully stopped provider")
}

fn is_running(core: &HostCore, id: &str) -> bool {
    core.runtime.providers().iter().any(|p| p.id == id)
}
