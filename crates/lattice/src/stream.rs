//! Event and log streams over NATS subscriptions; both unsubscribe when dropped.

use std::pin::Pin;
use std::task::{Context as TaskContext, Poll};
use std::time::Duration;

use futures::{Stream, StreamExt as _};
use trellis_proto::{CloudEvent, LatticeEvent, LogRecord};

use crate::error::{LatticeError, Result};

/// One lattice event as received: the CloudEvents envelope and its typed data.
#[derive(Debug, Clone)]
pub struct EventMessage {
    /// The envelope exactly as published (source = host id, time, id, raw data).
    pub cloud_event: CloudEvent,
    /// The typed event.
    pub event: LatticeEvent,
}

impl EventMessage {
    /// The publishing host's id (the CloudEvent `source`).
    pub fn source(&self) -> &str {
        &self.cloud_event.source
    }

    /// Decodes one message body.
    pub fn decode(subject: &str, payload: &[u8]) -> Result<EventMessage> {
        let cloud_event: CloudEvent =
            serde_json::from_slice(payload).map_err(|e| LatticeError::BadReply {
                subject: subject.to_owned(),
                reason: e.to_string(),
            })?;
        let event = LatticeEvent::from_cloud_event(&cloud_event)?;
        Ok(EventMessage { cloud_event, event })
    }
}

/// A stream of lattice events (`wasmbus.evt.<lattice>.>`).
///
/// Items that cannot be decoded (an unknown event type, a wrong shape) are yielded as
/// errors so a consumer can log and skip them; the stream goes on.
pub struct EventStream {
    sub: async_nats::Subscriber,
}

impl EventStream {
    pub(crate) fn new(sub: async_nats::Subscriber) -> Self {
        EventStream { sub }
    }

    /// Waits up to `timeout` for the first event for which `pick` returns `Some`,
    /// skipping undecodable ones. `what` names the awaited events in the timeout error.
    pub async fn wait_for<T>(
        &mut self,
        what: &str,
        timeout: Duration,
        mut pick: impl FnMut(&EventMessage) -> Option<T>,
    ) -> Result<T> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            match tokio::time::timeout_at(deadline, self.next()).await {
                Ok(Some(Ok(message))) => {
                    if let Some(found) = pick(&message) {
                        return Ok(found);
                    }
                }
                Ok(Some(Err(err))) => tracing::debug!(%err, "undecodable event skipped"),
                Ok(None) => {
                    return Err(LatticeError::Nats {
                        operation: "subscribe",
                        reason: "event subscription ended".into(),
                    })
                }
                Err(_) => {
                    return Err(LatticeError::NoOutcome {
                        what: what.to_owned(),
                        after: timeout,
                    })
                }
            }
        }
    }
}

impl Stream for EventStream {
    type Item = Result<EventMessage>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Option<Self::Item>> {
        self.sub.poll_next_unpin(cx).map(|next| {
            next.map(|message| EventMessage::decode(message.subject.as_str(), &message.payload))
        })
    }
}

/// A stream of host log records (`trellis.logs.<lattice>.*`); undecodable records are
/// yielded as errors.
pub struct LogStream {
    sub: async_nats::Subscriber,
}

impl LogStream {
    pub(crate) fn new(sub: async_nats::Subscriber) -> Self {
        LogStream { sub }
    }
}

impl Stream for LogStream {
    type Item = Result<LogRecord>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Option<Self::Item>> {
        self.sub.poll_next_unpin(cx).map(|next| {
            next.map(|message| {
                serde_json::from_slice(&message.payload).map_err(|e| LatticeError::BadReply {
                    subject: message.subject.to_string(),
                    reason: e.to_string(),
                })
            })
        })
    }
}
