//! Forwards the runtime's log bus to NATS on `trellis.logs.<lattice>.<host_id>`, so a
//! Trellis attached to this host from elsewhere can follow its logs.

use std::sync::Arc;

use tokio::sync::broadcast::error::RecvError;

use super::core::HostCore;

/// Runs until shutdown. Records lost because this task lagged are counted, not fatal.
pub(crate) async fn forward(core: Arc<HostCore>) {
    let subject = trellis_proto::subject::logs(&core.lattice, &core.id);
    let mut records = core.runtime.logs().subscribe();
    loop {
        let record = tokio::select! {
            _ = core.shutdown.cancelled() => break,
            record = records.recv() => record,
        };
        let record = match record {
            Ok(record) => record,
            Err(RecvError::Lagged(lost)) => {
                // Not logged through tracing: that would feed the bus we are behind on.
                eprintln!("trellis-host: {lost} log records were not forwarded to NATS");
                continue;
            }
            Err(RecvError::Closed) => break,
        };
        let Ok(body) = serde_json::to_vec(&record) else {
            continue;
        };
        // A failed publish is dropped silently for the same reason as above.
        let _ = core.nats.publish(subject.clone(), body.into()).await;
    }
}
