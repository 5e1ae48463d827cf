//! Answers `trellis.wit.<lattice>.<host_id>` (a Trellis extension): the decoded WIT of a
//! component running here, so a Trellis attached from another machine can inspect it
//! without the component's file.

use std::sync::Arc;

use bytes::Bytes;
use futures::StreamExt as _;
use trellis_proto::{subject, ComponentWitRequest};

use super::core::HostCore;
use super::ctl;
use crate::HostError;

/// Subscribes to this host's WIT subject.
pub(crate) async fn subscribe(core: &HostCore) -> Result<async_nats::Subscriber, HostError> {
    let subject = subject::component_wit(&core.lattice, &core.id);
    core.nats
        .subscribe(subject.clone())
        .await
        .map_err(|e| HostError::lattice(format!("subscribing to {subject}"), e))
}

/// Answers requests until shutdown, each on its own task: decoding a large component
/// takes a while and must not hold up the next request.
pub(crate) async fn serve(core: Arc<HostCore>, mut requests: async_nats::Subscriber) {
    loop {
        let message = tokio::select! {
            _ = core.shutdown.cancelled() => break,
            message = requests.next() => message,
        };
        let Some(message) = message else { break };
        let Some(reply_to) = message.reply else {
            continue;
        };
        let task_core = Arc::clone(&core);
        core.spawn(async move {
            let body = answer(&task_core, &message.payload).await;
            if let Err(err) = task_core.nats.publish(reply_to, body).await {
                tracing::warn!(%err, "cannot send a component WIT reply");
            }
        });
    }
}

/// The reply body: the WIT in a ctl envelope, or `success:false` naming the problem.
async fn answer(core: &HostCore, payload: &[u8]) -> Bytes {
    let request =
        match trellis_proto::decode_request::<ComponentWitRequest>("component WIT", payload) {
            Ok(request) => request,
            Err(err) => return reply(ctl::error(err)),
        };
    let body = match core.runtime.component_wit(&request.component_id).await {
        Ok(wit) => reply(ctl::ok(&*wit)),
        Err(err) => return reply(ctl::error(err)),
    };
    // A reply over the server's max_payload would be dropped by the server, and the
    // client would only see a timeout.
    let limit = core.nats.server_info().max_payload;
    if limit > 0 && body.len() > limit {
        return reply(ctl::error(format!(
            "the WIT of component {} is {} bytes of JSON, more than the NATS server's \
             max_payload of {limit} bytes",
            request.component_id,
            body.len()
        )));
    }
    body
}

/// The ctl encoders always produce a body; `None` only exists for silent subjects.
fn reply(body: Option<Bytes>) -> Bytes {
    body.unwrap_or_default()
}
