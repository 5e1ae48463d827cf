//! Publishing lattice events as CloudEvents on `wasmbus.evt.<lattice>.<event_type>`.

use trellis_proto::{CloudEvent, LatticeEvent};

/// Publishes this host's events. Failures are logged, never returned: an event that
/// cannot be sent must not fail the ctl operation that caused it.
#[derive(Clone)]
pub(crate) struct EventPublisher {
    nats: async_nats::Client,
    lattice: String,
    host_id: String,
}

impl EventPublisher {
    pub(crate) fn new(nats: async_nats::Client, lattice: &str, host_id: &str) -> Self {
        Self {
            nats,
            lattice: lattice.to_owned(),
            host_id: host_id.to_owned(),
        }
    }

    /// Wraps `event` in a CloudEvent with this host as `source` and publishes it.
    pub(crate) async fn publish(&self, event: LatticeEvent) {
        let subject = trellis_proto::subject::event(&self.lattice, event.event_type());
        let envelope = CloudEvent::from_event(&self.host_id, &event);
        let body = match serde_json::to_vec(&envelope) {
            Ok(body) => body,
            Err(err) => {
                tracing::warn!(%subject, %err, "cannot encode a lattice event");
                return;
            }
        };
        if let Err(err) = self.nats.publish(subject.clone(), body.into()).await {
            tracing::warn!(%subject, %err, "cannot publish a lattice event");
        }
    }
}
