//! Trellis' own subjects beside ctl v1, answered by Trellis hosts only:
//! - `trellis.wit.<lattice>.<host_id>`: the decoded WIT of a component running here, so a
//!   Trellis attached from another machine can inspect it without the component's file;
//! - `trellis.call.<lattice>.<host_id>`: a call of one exported function with arguments
//!   and results in WAVE text (`trellis call`).

use std::sync::Arc;

use bytes::Bytes;
use futures::StreamExt as _;
use trellis_proto::{subject, ComponentCallRequest, ComponentWitRequest};

use super::core::HostCore;
use super::ctl;
use crate::HostError;

/// Which extension a request is for.
#[derive(Clone, Copy)]
enum Extension {
    Wit,
    Call,
}

/// This host's extension subscriptions.
pub(crate) struct Requests(Vec<(Extension, async_nats::Subscriber)>);

/// Subscribes to this host's extension subjects.
pub(crate) async fn subscribe(core: &HostCore) -> Result<Requests, HostError> {
    let mut requests = Vec::new();
    for (extension, subject) in [
        (
            Extension::Wit,
            subject::component_wit(&core.lattice, &core.id),
        ),
        (
            Extension::Call,
            subject::component_call(&core.lattice, &core.id),
        ),
    ] {
        let subscriber = core
            .nats
            .subscribe(subject.clone())
            .await
            .map_err(|e| HostError::lattice(format!("subscribing to {subject}"), e))?;
        requests.push((extension, subscriber));
    }
    Ok(Requests(requests))
}

/// Answers requests until shutdown, each on its own task: decoding a large component or
/// a long call must not hold up the next request.
pub(crate) async fn serve(core: Arc<HostCore>, requests: Requests) {
    let mut requests = futures::stream::select_all(
        requests
            .0
            .into_iter()
            .map(|(extension, sub)| sub.map(move |message| (extension, message))),
    );
    loop {
        let next = tokio::select! {
            _ = core.shutdown.cancelled() => break,
            next = requests.next() => next,
        };
        let Some((extension, message)) = next else {
            break;
        };
        let Some(reply_to) = message.reply else {
            continue;
        };
        let task_core = Arc::clone(&core);
        core.spawn(async move {
            let body = match extension {
                Extension::Wit => answer_wit(&task_core, &message.payload).await,
                Extension::Call => answer_call(&task_core, &message.payload).await,
            };
            if let Err(err) = task_core.nats.publish(reply_to, body).await {
                tracing::warn!(%err, "cannot send a reply on a Trellis subject");
            }
        });
    }
}

/// The reply to a call: its WAVE results in a ctl envelope, or `success:false` naming
/// the problem (an argument that does not fit names the type it expects).
async fn answer_call(core: &HostCore, payload: &[u8]) -> Bytes {
    let request =
        match trellis_proto::decode_request::<ComponentCallRequest>("component call", payload) {
            Ok(request) => request,
            Err(err) => return reply(ctl::error(err)),
        };
    match core
        .runtime
        .call_wave(&request.component_id, &request.function, &request.args)
        .await
    {
        Ok(result) => reply(ctl::ok(result)),
        Err(err) => reply(ctl::error(err)),
    }
}

/// The reply body: the WIT in a ctl envelope, or `success:false` naming the problem.
async fn answer_wit(core: &HostCore, payload: &[u8]) -> Bytes {
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
