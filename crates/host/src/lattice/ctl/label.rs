//! `label.put` and `label.del`: host labels other than the reserved `hostcore.*`.

use std::sync::Arc;

use bytes::Bytes;
use trellis_proto::{HostLabel, HostLabelKey, LabelsChanged, LatticeEvent};

use super::{error, success};
use crate::lattice::core::HostCore;
use crate::lattice::identity::is_reserved_label;

/// Sets one label and announces the full set with `labels_changed`.
pub(super) async fn put(core: &Arc<HostCore>, body: &[u8]) -> Option<Bytes> {
    let label = match trellis_proto::decode_request::<HostLabel>("label.put", body) {
        Ok(label) => label,
        Err(err) => return error(err),
    };
    if let Some(refusal) = refuse(&label.key) {
        return refusal;
    }
    let labels = {
        let mut labels = core.labels.write().unwrap_or_else(|p| p.into_inner());
        labels.insert(label.key, label.value);
        labels.clone()
    };
    announce(core, labels).await;
    success("")
}

/// Removes one label (absent is fine) and announces the full set.
pub(super) async fn del(core: &Arc<HostCore>, body: &[u8]) -> Option<Bytes> {
    let label = match trellis_proto::decode_request::<HostLabelKey>("label.del", body) {
        Ok(label) => label,
        Err(err) => return error(err),
    };
    if let Some(refusal) = refuse(&label.key) {
        return refusal;
    }
    let (labels, removed) = {
        let mut labels = core.labels.write().unwrap_or_else(|p| p.into_inner());
        let removed = labels.remove(&label.key).is_some();
        (labels.clone(), removed)
    };
    if removed {
        announce(core, labels).await;
    }
    success("")
}

fn refuse(key: &str) -> Option<Option<Bytes>> {
    if key.trim().is_empty() {
        return Some(error("label key must not be empty"));
    }
    is_reserved_label(key).then(|| error(format!("label {key:?} is reserved: hostcore.* labels are set by the host and cannot be changed")))
}

async fn announce(core: &HostCore, labels: std::collections::BTreeMap<String, String>) {
    core.events
        .publish(LatticeEvent::LabelsChanged(LabelsChanged {
            host_id: core.id.clone(),
            labels,
        }))
        .await;
}
