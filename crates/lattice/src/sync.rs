//! Waiting until nats-server has processed everything a connection sent.
//!
//! `async_nats::Client::flush` only empties the client's socket buffer; it does not wait
//! for the server. Subscriptions a host's publish must reach, and events that must leave
//! before the server is stopped, need the server itself to have read them.

use std::time::Duration;

use futures::StreamExt;

use crate::{LatticeError, Result};

/// How long [`round_trip`] waits for its own message to come back.
pub const ROUND_TRIP_TIMEOUT: Duration = Duration::from_secs(5);

/// Returns once the server has processed every SUB and PUB `nats` sent before the call.
///
/// The server handles one connection's operations in order, so a message published to a
/// fresh inbox of ours and delivered back proves it has read everything sent earlier (and
/// routed earlier publishes to their subscribers).
pub async fn round_trip(nats: &async_nats::Client) -> Result<()> {
    let failed = |reason: String| LatticeError::Nats {
        operation: "round trip",
        reason,
    };
    let inbox = nats.new_inbox();
    let mut echo = nats
        .subscribe(inbox.clone())
        .await
        .map_err(|e| failed(e.to_string()))?;
    nats.publish(inbox, bytes::Bytes::new())
        .await
        .map_err(|e| failed(e.to_string()))?;
    match tokio::time::timeout(ROUND_TRIP_TIMEOUT, echo.next()).await {
        Ok(Some(_)) => Ok(()),
        Ok(None) => Err(failed("the connection closed".into())),
        Err(_) => Err(failed(format!(
            "no answer from the server within {} s",
            ROUND_TRIP_TIMEOUT.as_secs()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_subscription_holds_once_the_round_trip_returns(
    ) -> Result<(), Box<dyn std::error::Error>> {
        let nats = trellis_testkit::NatsServer::start()?;
        let listener = nats.client().await?;
        let publisher = nats.client().await?;
        for n in 0..50 {
            let subject = format!("probe.{n}");
            let mut sub = listener.subscribe(subject.clone()).await?;
            round_trip(&listener).await?;
            publisher.publish(subject, "x".into()).await?;
            let got = tokio::time::timeout(Duration::from_secs(2), sub.next()).await;
            assert!(matches!(got, Ok(Some(_))), "message {n} was lost");
        }
        Ok(())
    }
}
