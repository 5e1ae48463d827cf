//! `component.auction`, `component.scale` and `component.update`.
//!
//! Scale and update reply at once and do the work afterwards; the outcome is a
//! `component_scaled` or `component_scale_failed` event, as on a wasmCloud 1.x host.

use std::sync::Arc;

use bytes::Bytes;
use trellis_proto::{
    ComponentAuctionAck, ComponentAuctionRequest, ComponentScaleFailed, ComponentScaled,
    LatticeEvent, ScaleComponentCommand, UpdateComponentCommand,
};

use super::{error, ok, success};
use crate::lattice::core::HostCore;
use crate::{ComponentLimits, ComponentSource};

/// Replies only when this host qualifies: labels satisfy every constraint and the id
/// is not already running here.
pub(super) fn auction(core: &HostCore, body: &[u8]) -> Option<Bytes> {
    let request =
        match trellis_proto::decode_request::<ComponentAuctionRequest>("component.auction", body) {
            Ok(request) => request,
            Err(err) => return error(err),
        };
    let running = is_running(core, &request.component_id);
    if running || !trellis_proto::labels_satisfy(&core.labels(), &request.constraints) {
        return None;
    }
    // A 1.9.2 host echoes the ref as `component_id`; we send the id that was asked
    // about, which is what protocol.md Part A describes and what callers can use.
    ok(ComponentAuctionAck {
        component_ref: request.component_ref,
        component_id: request.component_id,
        host_id: core.id.clone(),
        constraints: request.constraints,
    })
}

/// Acknowledges, then starts, rescales or stops (`count: 0`) the component.
pub(super) fn scale(core: &Arc<HostCore>, body: &[u8]) -> Option<Bytes> {
    let request =
        match trellis_proto::decode_request::<ScaleComponentCommand>("component.scale", body) {
            Ok(request) => request,
            Err(err) => return error(err),
        };
    let task_core = Arc::clone(core);
    core.spawn(async move {
        let annotations = request.annotations.clone().unwrap_or_default();
        // The file is read before queueing behind other scales, so a slow one holds up
        // nobody; a refused one (a FIFO, a device, over the size cap) fails here.
        let (event_ref, outcome) = match prefetch(&task_core, &request).await {
            Err(error) => (request.component_ref.clone(), Err(error)),
            Ok(bytes) => {
                let _order = task_core.component_lock.lock().await;
                apply_scale(&task_core, &request, bytes).await
            }
        };
        if let Some(journal) = &task_core.workload {
            match &outcome {
                Ok(()) => journal.component_scaled(&request, &event_ref),
                Err(_) if !is_running(&task_core, &request.component_id) => {
                    journal.component_gone(&request.component_id)
                }
                Err(_) => {}
            }
        }
        let scaled = ComponentScaled {
            annotations,
            component_id: request.component_id.clone(),
            host_id: task_core.id.clone(),
            image_ref: event_ref,
            max_instances: request.count,
            public_key: None,
            claims: None,
        };
        let event = match outcome {
            Ok(()) => LatticeEvent::ComponentScaled(scaled),
            Err(error) => {
                tracing::warn!(component = %request.component_id, %error, "scale failed");
                LatticeEvent::ComponentScaleFailed(ComponentScaleFailed {
                    scale: scaled,
                    error,
                })
            }
        };
        task_core.events.publish(event).await;
    });
    success("")
}

/// Reads the component file a scale will need (to start the component, or to replace
/// its image when allowed); `Ok(None)` when it needs none or the reference is not a
/// file (the scale itself then reports that).
async fn prefetch(
    core: &HostCore,
    request: &ScaleComponentCommand,
) -> Result<Option<Arc<[u8]>>, String> {
    if request.count == 0 {
        return Ok(None);
    }
    let running = core
        .runtime
        .components()
        .into_iter()
        .find(|c| c.id == request.component_id);
    let needs_file = running
        .is_none_or(|current| request.allow_update && current.image_ref != request.component_ref);
    let Ok(source) = ComponentSource::from_reference(&request.component_ref) else {
        return Ok(None);
    };
    if !needs_file {
        return Ok(None);
    }
    let bytes = core
        .runtime
        .read_source_of(&request.component_id, &source)
        .await;
    bytes.map(Some).map_err(|e| e.to_string())
}

/// Does the scale with the bytes [`prefetch`] read; returns the image ref to report
/// and the outcome.
async fn apply_scale(
    core: &HostCore,
    request: &ScaleComponentCommand,
    bytes: Option<Arc<[u8]>>,
) -> (String, Result<(), String>) {
    let id = &request.component_id;
    let running = core.runtime.components().into_iter().find(|c| &c.id == id);
    // wasmCloud's `component_limits`: they lower the host's memory cap and deadline for
    // this component; a bad value fails the scale naming the key.
    let limits = match request
        .component_limits
        .as_ref()
        .map(ComponentLimits::from_map)
    {
        Some(Err(err)) if request.count > 0 => {
            let shown = running.map_or(request.component_ref.clone(), |c| c.image_ref);
            return (shown, Err(err.to_string()));
        }
        Some(Ok(limits)) => Some(limits),
        _ => None,
    };
    match running {
        // Scaling an absent component to zero is a no-op that still reports success.
        None if request.count == 0 => (request.component_ref.clone(), Ok(())),
        Some(_) if request.count == 0 => (
            request.component_ref.clone(),
            core.runtime
                .stop_component(id)
                .await
                .map_err(|e| e.to_string()),
        ),
        None => {
            let config = match core.state.resolve_config(&request.config).await {
                Ok(config) => config,
                Err(err) => return (request.component_ref.clone(), Err(err.to_string())),
            };
            let annotations = request.annotations.clone().unwrap_or_default();
            let started = match ComponentSource::from_reference(&request.component_ref) {
                Ok(source) => core
                    .runtime
                    .start_component_bytes(
                        id,
                        source,
                        bytes,
                        request.count,
                        config,
                        annotations,
                        limits.unwrap_or_default(),
                    )
                    .await
                    .map_err(|e| e.to_string()),
                Err(err) => Err(err.to_string()),
            };
            if started.is_ok() {
                record_url(core, id, &request.component_ref).await;
            }
            (request.component_ref.clone(), started)
        }
        Some(current) => {
            if let Err(err) = core.runtime.scale_component(id, request.count).await {
                return (current.image_ref, Err(err.to_string()));
            }
            // A scale without limits keeps the ones set before.
            if let Some(limits) = limits {
                if let Err(err) = core.runtime.set_component_limits(id, limits) {
                    return (current.image_ref, Err(err.to_string()));
                }
            }
            // A different ref only replaces the image when the caller allows it.
            if current.image_ref != request.component_ref && request.allow_update {
                let updated = update_image(core, id, &request.component_ref, bytes).await;
                if updated.is_ok() {
                    record_url(core, id, &request.component_ref).await;
                }
                return (request.component_ref.clone(), updated);
            }
            (current.image_ref, Ok(()))
        }
    }
}

/// Acknowledges, then replaces the image of a running component.
pub(super) fn update(core: &Arc<HostCore>, body: &[u8]) -> Option<Bytes> {
    let request =
        match trellis_proto::decode_request::<UpdateComponentCommand>("component.update", body) {
            Ok(request) => request,
            Err(err) => return error(err),
        };
    let Some(current) = core
        .runtime
        .components()
        .into_iter()
        .find(|c| c.id == request.component_id)
    else {
        return error(format!(
            "component {} is not running on this host",
            request.component_id
        ));
    };
    let task_core = Arc::clone(core);
    core.spawn(async move {
        let id = &request.component_id;
        // Read before queueing behind other changes, as a scale does.
        let outcome = match ComponentSource::from_reference(&request.new_component_ref) {
            Ok(source) => match task_core.runtime.read_source_of(id, &source).await {
                Ok(bytes) => {
                    let _order = task_core.component_lock.lock().await;
                    update_image(&task_core, id, &request.new_component_ref, Some(bytes)).await
                }
                Err(err) => Err(err.to_string()),
            },
            Err(err) => Err(err.to_string()),
        };
        if outcome.is_ok() {
            record_url(&task_core, id, &request.new_component_ref).await;
            if let Some(journal) = &task_core.workload {
                journal.component_updated(
                    id,
                    &request.new_component_ref,
                    request.annotations.as_ref(),
                );
            }
        }
        let scaled = ComponentScaled {
            annotations: request.annotations.clone().unwrap_or(current.annotations),
            component_id: id.clone(),
            host_id: task_core.id.clone(),
            image_ref: request.new_component_ref.clone(),
            max_instances: current.max_instances,
            public_key: None,
            claims: None,
        };
        let event = match outcome {
            Ok(()) => LatticeEvent::ComponentScaled(scaled),
            Err(error) => LatticeEvent::ComponentScaleFailed(ComponentScaleFailed {
                scale: scaled,
                error,
            }),
        };
        task_core.events.publish(event).await;
    });
    success("")
}

/// Replaces the image of a running component, with its bytes if already read.
async fn update_image(
    core: &HostCore,
    id: &str,
    reference: &str,
    bytes: Option<Arc<[u8]>>,
) -> Result<(), String> {
    let source = ComponentSource::from_reference(reference).map_err(|e| e.to_string())?;
    let updated = match bytes {
        Some(bytes) => core.runtime.update_component_bytes(id, source, bytes).await,
        None => core.runtime.update_component(id, source).await,
    };
    updated.map_err(|e| e.to_string())
}

fn is_running(core: &HostCore, id: &str) -> bool {
    core.runtime.components().iter().any(|c| c.id == id)
}

/// Stores the image under `COMPONENT_<id>` (links kept). A failure is only logged: the
/// component runs either way and the next scale writes it again.
async fn record_url(core: &HostCore, id: &str, url: &str) {
    if let Err(err) = core.state.set_component_url(id, url).await {
        tracing::warn!(component = %id, %err, "cannot record the component in LATTICEDATA");
    }
}
