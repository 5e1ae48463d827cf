//! Messaging across hosts over wRPC, as wasmCloud 1.x carries it:
//!
//! - a built-in messaging provider serves `wasmcloud:messaging/consumer@0.2.0`
//!   (`request`, `publish`) to components on other hosts that are linked to it, with the
//!   same subject refusals as for its own components;
//! - it delivers a subscription's messages to a linked component on another host by
//!   calling that component's `wasmcloud:messaging/handler@0.2.0.handle-message`
//!   (components' handler exports are served by `wrpc`).
//!
//! The calling side of `consumer` is `providers::messaging::remote`.

use std::sync::{Arc, OnceLock};

use futures::future::BoxFuture;
use trellis_proto::LogLevel;
use trellis_wrpc::messaging::{into_result, result_val, Message, MessagingTypes};
use trellis_wrpc::Invocation;
use wasmtime::component::Val;

use super::core::Inner;
use super::wrpc::remote_timeout;
use super::wrpc_providers::{provider_exports, types_once, ProviderAnswer, ProviderExports};
use crate::providers::{from_broker, guest_publish, guest_request, into_broker, BrokerMessage};

/// Messages of one subscription in delivery at once to a component on another host.
pub(super) const REMOTE_DELIVERIES: usize = 32;

/// The `wasmcloud:messaging` types, read once with the host's engine.
pub(crate) fn messaging_types() -> Result<Arc<MessagingTypes>, String> {
    static TYPES: OnceLock<Result<Arc<MessagingTypes>, String>> = OnceLock::new();
    types_once(&TYPES, MessagingTypes::load)
}

impl Inner {
    /// What serves built-in messaging provider `id` to other hosts: `request` and
    /// `publish`.
    pub(super) fn messaging_exports(self: &Arc<Self>, id: &str) -> ProviderExports {
        let types = messaging_types()?;
        provider_exports::<MessagingAnswer>(self, id, types.consumer())
    }

    /// Delivers `msg` from messaging provider `provider` (link `link_name`) to
    /// `component`, which runs on another host, over wRPC (`spied`: this host records
    /// the delivery for the message spy).
    pub(super) async fn deliver_remote(
        &self,
        provider: &str,
        link_name: &str,
        component: &str,
        msg: BrokerMessage,
        spied: bool,
    ) -> Result<(), String> {
        let subject = msg.subject.clone();
        let outcome = self
            .call_handle_message(provider, link_name, component, msg, spied)
            .await;
        if let Err(reason) = &outcome {
            self.logs.emit(
                LogLevel::Error,
                Some(provider),
                Some("messaging"),
                format!("message on {subject} for {component} failed: {reason}"),
            );
        }
        outcome
    }

    async fn call_handle_message(
        &self,
        provider: &str,
        link_name: &str,
        component: &str,
        msg: BrokerMessage,
        spied: bool,
    ) -> Result<(), String> {
        let Some(invoker) = &self.wrpc else {
            return Err(format!("component {component} is not running on this host"));
        };
        let types = messaging_types()?;
        let sig = types.handle_message();
        let call = trellis_wrpc::Call {
            source: provider,
            target: component,
            link_name,
            instance: sig.instance,
            func: sig.func,
            params: &[from_broker(msg).to_val()],
            param_types: &sig.params,
            result_types: &sig.results,
            timeout: remote_timeout(self.config.invocation_timeout),
            spied,
        };
        let results = invoker.call(call).await.map_err(|e| e.to_string())?;
        let result = results
            .into_iter()
            .next()
            .ok_or_else(|| format!("{component} answered handle-message without a result"))?;
        into_result(result).map(drop)
    }
}

/// Answers `wasmcloud:messaging/consumer` calls into a built-in messaging provider.
struct MessagingAnswer;

impl ProviderAnswer for MessagingAnswer {
    fn answer<'a>(
        inner: &'a Inner,
        provider: &'a str,
        func: &'a str,
        invocation: Invocation,
    ) -> BoxFuture<'a, Result<Val, String>> {
        Box::pin(async move {
            let source = invocation.source.clone().unwrap_or_default();
            let outcome = consume(inner, provider, func, invocation).await?;
            if let Err(reason) = &outcome {
                inner.logs.emit(
                    LogLevel::Warn,
                    Some(provider),
                    Some("messaging"),
                    format!("{func} from {source:?} on another host refused: {reason}"),
                );
            }
            Ok(result_val(outcome))
        })
    }
}

/// `request` or `publish` for a caller on another host: the outcome it gets back, or
/// `Err` when its arguments do not fit.
async fn consume(
    inner: &Inner,
    provider: &str,
    func: &str,
    invocation: Invocation,
) -> Result<Result<Option<Val>, String>, String> {
    // Like wasmCloud's providers: only callers linked to this provider get in.
    let source = invocation.source.as_deref().unwrap_or_default();
    let link_name = invocation.link_name.as_deref().unwrap_or("default");
    let linked = inner
        .provider_link(source, link_name, provider, ("wasmcloud", "messaging"))
        .is_some();
    if !linked {
        return Ok(Err(format!(
            "no link {link_name:?} from {source:?} to messaging provider {provider:?}"
        )));
    }
    let registry = &inner.registry;
    let Some(client) = registry.guest_nats() else {
        return Ok(Err(format!(
            "messaging provider {provider:?} cannot reach NATS: its host has no lattice \
             connection"
        )));
    };
    let lattice = registry.lattice();
    let mut params = invocation.params.into_iter();
    Ok(match func {
        "request" => {
            let (Some(Val::String(subject)), Some(body), Some(Val::U32(timeout_ms))) =
                (params.next(), params.next(), params.next())
            else {
                return Err("request: the arguments are not (subject, body, timeout-ms)".into());
            };
            let body = trellis_wrpc::keyvalue::bytes_of(&body)
                .ok_or_else(|| "request: the body is not bytes".to_owned())?;
            guest_request(client, lattice, subject, body, timeout_ms)
                .await
                .map(|reply| Some(from_broker(reply).to_val()))
        }
        "publish" => {
            let msg = params
                .next()
                .ok_or_else(|| "publish: no message".to_owned())
                .and_then(|v| Message::from_val(&v))?;
            guest_publish(client, lattice, into_broker(msg))
                .await
                .map(|()| None)
        }
        other => return Err(format!("unknown messaging function {other}")),
    })
}
