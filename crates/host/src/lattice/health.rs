//! Health of provider binaries as lattice events: each outcome of the runtime's checks
//! becomes `health_check_passed` or `health_check_failed` when it changed and
//! `health_check_status` when it did not, as on a wasmCloud 1.x host. A failure's
//! reason (no answer, the process exited) rides along as `message`.

use std::sync::Arc;

use tokio::sync::broadcast::error::RecvError;
use trellis_proto::{HealthCheck, LatticeEvent};

use super::core::HostCore;
use crate::ProviderHealth;

/// The event for one outcome.
pub(crate) fn event(host_id: &str, health: ProviderHealth) -> LatticeEvent {
    let check = HealthCheck {
        host_id: host_id.to_owned(),
        provider_id: health.provider_id,
        message: health.message,
    };
    match (health.changed, health.healthy) {
        (true, true) => LatticeEvent::HealthCheckPassed(check),
        (true, false) => LatticeEvent::HealthCheckFailed(check),
        (false, _) => LatticeEvent::HealthCheckStatus(check),
    }
}

/// Runs until shutdown.
pub(crate) async fn forward(core: Arc<HostCore>) {
    let mut changes = core.runtime.provider_health_changes();
    loop {
        let health = tokio::select! {
            _ = core.shutdown.cancelled() => break,
            health = changes.recv() => health,
        };
        match health {
            Ok(health) => core.events.publish(event(&core.id, health)).await,
            Err(RecvError::Lagged(lost)) => {
                tracing::warn!(lost, "provider health outcomes were not published")
            }
            Err(RecvError::Closed) => break,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_pass_or_fail_and_the_rest_is_status() {
        let health = |healthy, changed| ProviderHealth {
            provider_id: "p".into(),
            healthy,
            changed,
            message: None,
        };
        let kind = |h| event("N", h).event_type().to_owned();
        assert_eq!(kind(health(true, true)), "health_check_passed");
        assert_eq!(kind(health(false, true)), "health_check_failed");
        assert_eq!(kind(health(true, false)), "health_check_status");
        assert_eq!(kind(health(false, false)), "health_check_status");
    }
}
