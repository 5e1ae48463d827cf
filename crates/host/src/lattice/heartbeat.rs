//! `host_heartbeat` every interval (the first one interval after start), plus an
//! immediate one after a reconnect so observers that dropped the host see it again.
//! Each tick also reports `health_check_status` per provider: built-in providers run
//! in-process, so they are healthy while they run (the transition to healthy is
//! `health_check_passed`, published when a provider starts). Provider binaries'
//! checks are reported by `health.rs`.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use async_nats::connection::State;
use trellis_proto::{HealthCheck, LatticeEvent};

use super::core::HostCore;

/// How often the connection is checked for a reconnect.
const RECONNECT_POLL: Duration = Duration::from_millis(250);

/// Pause between noticing a reconnect and announcing: other clients (wadm, Trellis
/// windows) usually reconnect at about the same time and would miss an instant one.
const REANNOUNCE_DELAY: Duration = Duration::from_secs(1);

/// Runs until shutdown.
pub(crate) async fn run(core: Arc<HostCore>, interval: Duration) {
    let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + interval, interval);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut poll = tokio::time::interval(RECONNECT_POLL);
    // The connect counter also catches a reconnect faster than one poll, where the
    // state alone would never be seen as disconnected.
    let connects = || core.nats.statistics().connects.load(Ordering::Relaxed);
    let mut announced = connects();
    let mut reannounce_at: Option<tokio::time::Instant> = None;
    loop {
        tokio::select! {
            _ = core.shutdown.cancelled() => break,
            _ = ticks.tick() => {
                beat(&core).await;
                report_health(&core).await;
            }
            _ = poll.tick() => {
                let now = connects();
                if now != announced && core.nats.connection_state() == State::Connected {
                    announced = now;
                    reannounce_at = Some(tokio::time::Instant::now() + REANNOUNCE_DELAY);
                }
                if reannounce_at.is_some_and(|at| tokio::time::Instant::now() >= at) {
                    reannounce_at = None;
                    tracing::info!(host = %core.id, "reconnected to NATS, announcing the host again");
                    beat(&core).await;
                }
            }
        }
    }
}

/// Built-in providers only: provider binaries are checked on their own schedule
/// (`health.rs`).
async fn report_health(core: &HostCore) {
    for provider in core.runtime.providers() {
        if !core.runtime.is_builtin_provider(&provider.id) {
            continue;
        }
        core.events
            .publish(LatticeEvent::HealthCheckStatus(HealthCheck {
                host_id: core.id.clone(),
                provider_id: provider.id,
                message: None,
            }))
            .await;
    }
}

pub(super) async fn beat(core: &HostCore) {
    core.events
        .publish(LatticeEvent::HostHeartbeat(core.inventory()))
        .await;
}
