//! `host_heartbeat` every interval (the first one interval after start), plus an
//! immediate one after a reconnect so observers that dropped the host see it again.

use std::sync::Arc;
use std::time::Duration;

use async_nats::connection::State;
use trellis_proto::LatticeEvent;

use super::core::HostCore;

/// How often the connection state is sampled to notice a reconnect.
const RECONNECT_POLL: Duration = Duration::from_millis(500);

/// Runs until shutdown.
pub(crate) async fn run(core: Arc<HostCore>, interval: Duration) {
    let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + interval, interval);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut poll = tokio::time::interval(RECONNECT_POLL);
    let mut was_connected = true;
    loop {
        tokio::select! {
            _ = core.shutdown.cancelled() => break,
            _ = ticks.tick() => beat(&core).await,
            _ = poll.tick() => {
                let connected = core.nats.connection_state() == State::Connected;
                if connected && !was_connected {
                    tracing::info!(host = %core.id, "reconnected to NATS, announcing the host again");
                    beat(&core).await;
                }
                was_connected = connected;
            }
        }
    }
}

async fn beat(core: &HostCore) {
    core.events
        .publish(LatticeEvent::HostHeartbeat(core.inventory()))
        .await;
}
