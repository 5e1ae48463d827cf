//! `consumer` calls to a messaging provider on another host, over wRPC as
//! `wasmcloud:messaging/consumer@0.2.0` (what a wasmCloud 1.x host sends one).

use trellis_wrpc::messaging::{into_result, Message, Signature};
use wasmtime::component::Val;

use crate::providers::remote::RemoteRoute;
use crate::providers::BrokerMessage;

/// `request(subject, body, timeout-ms)` on the provider `route` leads to.
pub(super) async fn request(
    route: &RemoteRoute,
    subject: String,
    body: Vec<u8>,
    timeout_ms: u32,
) -> Result<BrokerMessage, String> {
    let types = crate::runtime::messaging_types()?;
    let params = [
        Val::String(subject),
        trellis_wrpc::keyvalue::list_of(&body),
        Val::U32(timeout_ms),
    ];
    let answer = call(route, types.request(), &params).await?;
    let reply =
        answer.ok_or_else(|| format!("{} answered request without a message", route.target))?;
    Message::from_val(&reply)
        .map(into_broker)
        .map_err(|e| format!("{} answered request with a bad message: {e}", route.target))
}

/// `publish(msg)` on the provider `route` leads to.
pub(super) async fn publish(route: &RemoteRoute, msg: BrokerMessage) -> Result<(), String> {
    let types = crate::runtime::messaging_types()?;
    call(route, types.publish(), &[from_broker(msg).to_val()])
        .await
        .map(drop)
}

async fn call(route: &RemoteRoute, sig: &Signature, params: &[Val]) -> Result<Option<Val>, String> {
    let result = route
        .call(sig.instance, sig.func, (&sig.params, &sig.results), params)
        .await?;
    into_result(result)
}

/// The bindings' message as plain data.
pub(crate) fn from_broker(msg: BrokerMessage) -> Message {
    Message {
        subject: msg.subject,
        body: msg.body,
        reply_to: msg.reply_to,
    }
}

/// Plain data as the bindings' message.
pub(crate) fn into_broker(msg: Message) -> BrokerMessage {
    BrokerMessage {
        subject: msg.subject,
        body: msg.body,
        reply_to: msg.reply_to,
    }
}
