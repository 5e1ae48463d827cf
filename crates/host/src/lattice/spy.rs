//! The message spy on the lattice: answers lease requests on
//! `trellis.spy.<lattice>.*.lease` and publishes the runtime's call records on
//! `trellis.spy.<lattice>.<target component id>`.
//!
//! Records lost because NATS took them slower than calls happened are counted and
//! reported in the next record's `dropped`, never queued without bound.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures::StreamExt as _;
use tokio::sync::broadcast::error::RecvError;
use trellis_proto::{subject, SpyLeaseReply, SpyLeaseRequest};

use super::core::HostCore;
use super::ctl;
use crate::HostError;

/// Subscribes to this lattice's lease requests (every host answers for itself).
pub(crate) async fn subscribe(core: &HostCore) -> Result<async_nats::Subscriber, HostError> {
    let subject = subject::spy_lease_all(&core.lattice);
    core.nats
        .subscribe(subject.clone())
        .await
        .map_err(|e| HostError::lattice(format!("subscribing to {subject}"), e))
}

/// Applies lease requests until shutdown. A renewal sent without a reply subject is
/// applied all the same.
pub(crate) async fn serve_leases(core: Arc<HostCore>, mut requests: async_nats::Subscriber) {
    loop {
        let message = tokio::select! {
            _ = core.shutdown.cancelled() => break,
            message = requests.next() => message,
        };
        let Some(message) = message else { break };
        let body = apply_lease(&core, message.subject.as_str(), &message.payload);
        if let (Some(reply_to), Some(body)) = (message.reply, body) {
            if let Err(err) = core.nats.publish(reply_to, body).await {
                tracing::warn!(%err, "cannot answer a spy lease request");
            }
        }
    }
}

/// The component id is the subject's fourth token: `trellis.spy.<lattice>.<id>.lease`.
fn apply_lease(core: &HostCore, subject: &str, payload: &[u8]) -> Option<Bytes> {
    let Some(component_id) = subject.split('.').nth(3) else {
        return ctl::error(format!("no component id in {subject}"));
    };
    let request = match trellis_proto::decode_request::<SpyLeaseRequest>("spy lease", payload) {
        Ok(request) => request,
        Err(err) => return ctl::error(err),
    };
    match core.runtime.spy_lease(
        component_id,
        &request.spy,
        Duration::from_millis(request.ttl_ms),
    ) {
        Ok(granted) => ctl::ok(SpyLeaseReply {
            host_id: core.id.clone(),
            ttl_ms: granted.as_millis() as u64,
            running: core.runtime.is_running(component_id)
                || core.runtime.is_builtin_provider(component_id),
        }),
        Err(err) => ctl::error(err),
    }
}

/// Publishes the runtime's call records until shutdown.
pub(crate) async fn forward(core: Arc<HostCore>) {
    let mut records = core.runtime.spy_records();
    let mut dropped = 0u64;
    loop {
        let record = tokio::select! {
            _ = core.shutdown.cancelled() => break,
            record = records.recv() => record,
        };
        let mut record = match record {
            Ok(record) => record,
            Err(RecvError::Lagged(lost)) => {
                dropped += lost;
                continue;
            }
            Err(RecvError::Closed) => break,
        };
        record.dropped = std::mem::take(&mut dropped);
        let Ok(body) = serde_json::to_vec(&record) else {
            continue;
        };
        let subject = subject::spy(&core.lattice, &record.target_id);
        if let Err(err) = core.nats.publish(subject, body.into()).await {
            tracing::debug!(%err, "cannot publish a spy record");
        }
    }
}
