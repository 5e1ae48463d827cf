//! The handler direction's delivery loop: NATS messages to a component, bounded by
//! the component's `max_instances` (issue 11, item 9).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use futures::StreamExt;
use tokio::sync::Notify;

use crate::providers::{BrokerMessage, BuiltinProviders};

/// Who takes the messages of one subscription: `component`, along link `link_name` of
/// messaging provider `provider`.
pub(super) struct Route {
    pub(super) provider: String,
    pub(super) link_name: String,
    pub(super) component: String,
}

/// Forwards every message of `subscriber` to the route's component, each in its own task so a
/// slow handler does not hold up the others, but with at most
/// [`ComponentInvoker::max_concurrency`] of them in delivery: past that the loop stops
/// reading until one finishes (backpressure; the NATS client's buffer is bounded).
///
/// [`ComponentInvoker::max_concurrency`]: crate::ComponentInvoker::max_concurrency
pub(super) async fn deliver(
    registry: BuiltinProviders,
    route: Route,
    mut subscriber: async_nats::Subscriber,
) {
    let route = Arc::new(route);
    let component = route.component.as_str();
    let in_flight = Arc::new(InFlight::default());
    loop {
        // Read the limit each time: a scale changes max_instances.
        let limit = registry
            .invoker()
            .map_or(1, |invoker| invoker.max_concurrency(component).max(1));
        in_flight.wait_below(limit).await;
        let Some(message) = subscriber.next().await else {
            break;
        };
        let Some(invoker) = registry.invoker() else {
            tracing::warn!(component = %component, subject = %message.subject, "message dropped: no component invoker is set");
            continue;
        };
        let msg = BrokerMessage {
            subject: message.subject.to_string(),
            body: message.payload.to_vec(),
            reply_to: message.reply.map(|r| r.to_string()),
        };
        let route = route.clone();
        let slot = in_flight.take();
        // Detached: unlinking stops reading, not the messages already in delivery.
        tokio::spawn(async move {
            let _slot = slot;
            let subject = msg.subject.clone();
            let delivered = invoker
                .deliver(&route.provider, &route.link_name, &route.component, msg)
                .await;
            if let Err(e) = delivered {
                tracing::warn!(component = %route.component, subject = %subject, "handle-message failed: {e}");
            }
        });
    }
}

/// Messages of one subscription in delivery, and a wake-up when one finishes.
#[derive(Debug, Default)]
struct InFlight {
    count: AtomicUsize,
    done: Notify,
}

impl InFlight {
    /// Waits until fewer than `limit` messages are in delivery.
    async fn wait_below(&self, limit: usize) {
        loop {
            let done = self.done.notified();
            if self.count.load(Ordering::Acquire) < limit {
                return;
            }
            done.await;
        }
    }

    /// Counts one more message in delivery until the slot is dropped.
    fn take(self: &Arc<Self>) -> Slot {
        self.count.fetch_add(1, Ordering::AcqRel);
        Slot(self.clone())
    }
}

/// One message in delivery (see [`InFlight`]).
struct Slot(Arc<InFlight>);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.count.fetch_sub(1, Ordering::AcqRel);
        // Stored if the loop is not waiting yet, so no wake-up is lost.
        self.0.done.notify_one();
    }
}
