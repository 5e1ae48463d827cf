//! The ctl v1 operations, one module per family, and the [`Command`] that picks one
//! from a subject.
//!
//! Each handler takes the request body and returns the reply to send, or `None` for
//! the few operations that stay silent (`registry.put`, auctions the host does not
//! qualify for). Decoding errors and refusals become `success:false` replies naming the
//! problem; nothing here panics on input.

mod component;
mod config;
mod host;
mod label;
mod link;
mod provider;

use std::sync::Arc;

use bytes::Bytes;
use serde::Serialize;
use trellis_proto::CtlResponse;

use super::core::HostCore;
use super::workload::Workload;

/// One ctl v1 operation, parsed from the subject tail after `<prefix>.v1.<lattice>.`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Command {
    /// `host.ping`
    HostPing,
    /// `host.get.<host_id>`
    HostGet,
    /// `host.stop.<host_id>`
    HostStop,
    /// `claims.get`
    ClaimsGet,
    /// `component.auction`
    ComponentAuction,
    /// `component.scale.<host_id>`
    ComponentScale,
    /// `component.update.<host_id>`
    ComponentUpdate,
    /// `provider.auction`
    ProviderAuction,
    /// `provider.start.<host_id>`
    ProviderStart,
    /// `provider.stop.<host_id>`
    ProviderStop,
    /// `link.put`
    LinkPut,
    /// `link.del`
    LinkDel,
    /// `link.get`
    LinkGet,
    /// `config.put.<name>`
    ConfigPut(String),
    /// `config.get.<name>`
    ConfigGet(String),
    /// `config.del.<name>`
    ConfigDel(String),
    /// `label.put.<host_id>`
    LabelPut,
    /// `label.del.<host_id>`
    LabelDel,
    /// `registry.put`
    RegistryPut,
    /// Anything else under a subscribed pattern.
    Unsupported,
}

impl Command {
    /// Parses the subject tail. `host_id` is this host's id: a per-host operation
    /// addressed to another id is unsupported here (the subscriptions never deliver
    /// one, but the check keeps the parser honest on its own).
    pub(crate) fn parse(tail: &str, host_id: &str) -> Command {
        let tokens: Vec<&str> = tail.split('.').collect();
        let ours = |id: &str| id == host_id;
        match tokens.as_slice() {
            ["host", "ping"] => Command::HostPing,
            ["host", "get", id] if ours(id) => Command::HostGet,
            ["host", "stop", id] if ours(id) => Command::HostStop,
            ["claims", "get"] => Command::ClaimsGet,
            ["component", "auction"] => Command::ComponentAuction,
            ["component", "scale", id] if ours(id) => Command::ComponentScale,
            ["component", "update", id] if ours(id) => Command::ComponentUpdate,
            ["provider", "auction"] => Command::ProviderAuction,
            ["provider", "start", id] if ours(id) => Command::ProviderStart,
            ["provider", "stop", id] if ours(id) => Command::ProviderStop,
            ["link", "put"] => Command::LinkPut,
            ["link", "del"] => Command::LinkDel,
            ["link", "get"] => Command::LinkGet,
            // Config names may contain dots (they are KV keys), so take the rest whole.
            ["config", verb, name @ ..] if !name.is_empty() => {
                let name = name.join(".");
                match *verb {
                    "put" => Command::ConfigPut(name),
                    "get" => Command::ConfigGet(name),
                    "del" => Command::ConfigDel(name),
                    _ => Command::Unsupported,
                }
            }
            ["label", "put", id] if ours(id) => Command::LabelPut,
            ["label", "del", id] if ours(id) => Command::LabelDel,
            ["registry", "put"] => Command::RegistryPut,
            _ => Command::Unsupported,
        }
    }

    /// Runs the operation and returns the reply body, if any.
    pub(crate) async fn apply(self, core: &Arc<HostCore>, body: Bytes) -> Option<Bytes> {
        match self {
            Command::HostPing => host::ping(core),
            Command::HostGet => host::get(core),
            Command::HostStop => host::stop(core, &body),
            Command::ClaimsGet => host::claims_get(),
            Command::RegistryPut => host::registry_put(core, &body),
            Command::ComponentAuction => component::auction(core, &body),
            Command::ComponentScale => component::scale(core, &body),
            Command::ComponentUpdate => component::update(core, &body),
            Command::ProviderAuction => provider::auction(core, &body),
            Command::ProviderStart => provider::start(core, &body).await,
            Command::ProviderStop => provider::stop(core, &body).await,
            Command::LinkPut => link::put(core, &body).await,
            Command::LinkDel => link::del(core, &body).await,
            Command::LinkGet => link::get(core).await,
            Command::ConfigPut(name) => config::put(core, &name, body).await,
            Command::ConfigGet(name) => config::get(core, &name).await,
            Command::ConfigDel(name) => config::del(core, &name).await,
            Command::LabelPut => label::put(core, &body).await,
            Command::LabelDel => label::del(core, &body).await,
            Command::Unsupported => error("unsupported subject"),
        }
    }
}

/// Starts again what a previous run left in the workload journal (providers first, so
/// components find them when their links are applied), through the same handlers as a
/// ctl request: the host's policy applies and each outcome is an event, as it was the
/// first time. What fails to start is named in a warning and its `…_failed` event.
pub(crate) async fn restore(core: &Arc<HostCore>, workload: Workload) {
    tracing::info!(
        host = %core.id,
        components = workload.components.len(),
        providers = workload.providers.len(),
        "starting again what ran before"
    );
    let refused = |what: &str, id: &str, reply: Option<Bytes>| {
        let reply = reply.and_then(|r| serde_json::from_slice::<CtlResponse<()>>(&r).ok());
        if let Some(reply) = reply.filter(|r| !r.success) {
            tracing::warn!(%id, reason = %reply.message, "cannot restore {what}");
        }
    };
    for (id, mut request) in workload.providers {
        request.host_id = core.id.clone();
        let body = serde_json::to_vec(&request).unwrap_or_default();
        refused("provider", &id, provider::start(core, &body).await);
    }
    for (id, mut request) in workload.components {
        request.host_id = core.id.clone();
        let body = serde_json::to_vec(&request).unwrap_or_default();
        refused("component", &id, component::scale(core, &body));
    }
}

/// Encodes a reply envelope. Encoding our own types cannot fail in practice; if it
/// ever did, the client gets a `success:false` instead of silence.
pub(super) fn encode<T: Serialize>(reply: &CtlResponse<T>) -> Option<Bytes> {
    match serde_json::to_vec(reply) {
        Ok(bytes) => Some(bytes.into()),
        Err(err) => Some(
            format!(r#"{{"success":false,"message":"cannot encode the reply: {err}"}}"#)
                .into_bytes()
                .into(),
        ),
    }
}

/// `{"success":true,"message":"","response":…}`.
pub(super) fn ok<T: Serialize>(response: T) -> Option<Bytes> {
    encode(&CtlResponse::ok(response))
}

/// `{"success":true,"message":<message>}`.
fn success(message: &str) -> Option<Bytes> {
    encode(&CtlResponse::<()>::success_with_message(message))
}

/// `{"success":false,"message":<message>}`.
pub(super) fn error(message: impl std::fmt::Display) -> Option<Bytes> {
    encode(&CtlResponse::<()>::error(message.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "NHOST";

    #[test]
    fn subjects_map_to_commands() {
        let cases = [
            ("host.ping", Command::HostPing),
            ("host.get.NHOST", Command::HostGet),
            ("host.stop.NHOST", Command::HostStop),
            ("claims.get", Command::ClaimsGet),
            ("component.auction", Command::ComponentAuction),
            ("component.scale.NHOST", Command::ComponentScale),
            ("component.update.NHOST", Command::ComponentUpdate),
            ("provider.auction", Command::ProviderAuction),
            ("provider.start.NHOST", Command::ProviderStart),
            ("provider.stop.NHOST", Command::ProviderStop),
            ("link.put", Command::LinkPut),
            ("link.del", Command::LinkDel),
            ("link.get", Command::LinkGet),
            ("config.put.web", Command::ConfigPut("web".into())),
            ("config.get.a.b", Command::ConfigGet("a.b".into())),
            ("config.del.web", Command::ConfigDel("web".into())),
            ("label.put.NHOST", Command::LabelPut),
            ("label.del.NHOST", Command::LabelDel),
            ("registry.put", Command::RegistryPut),
        ];
        for (tail, expected) in cases {
            assert_eq!(Command::parse(tail, ID), expected, "{tail}");
        }
    }

    #[test]
    fn unknown_or_misaddressed_subjects_are_unsupported() {
        for tail in [
            "host.frobnicate.NHOST",
            "host.get.NOTHER",
            "component.scale",
            "link.frob",
            "config.put",
            "config.frob.x",
            "label.put.NOTHER",
            "nonsense.verb",
            "",
        ] {
            assert_eq!(Command::parse(tail, ID), Command::Unsupported, "{tail}");
        }
    }

    #[test]
    fn reply_helpers_produce_the_envelope() {
        assert_eq!(
            &error("unsupported subject").unwrap()[..],
            br#"{"success":false,"message":"unsupported subject"}"#
        );
        assert_eq!(
            &success("").unwrap()[..],
            br#"{"success":true,"message":""}"#
        );
        assert_eq!(
            &ok(Vec::<u8>::new()).unwrap()[..],
            br#"{"success":true,"message":"","response":[]}"#
        );
    }
}
