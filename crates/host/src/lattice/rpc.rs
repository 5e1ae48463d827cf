//! The provider RPC messages a wasmCloud 1.x host sends on `wasmbus.rpc.<lattice>.…`:
//! `linkdefs.put`/`linkdefs.del` when links change and `default.shutdown` when a
//! provider stops. Our builtins run in-process and get links through the KV watch, but
//! tools listening on these subjects expect them, so they are sent all the same.

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt as _;
use trellis_proto::{subject, ConfigMap, Link, LinkDefinition};

use super::core::HostCore;

/// How long `provider.stop` waits for a `default.shutdown` answer before going on.
const SHUTDOWN_WAIT: Duration = Duration::from_millis(500);

/// Text a builtin answers `default.shutdown` with, as a wasmCloud 1.x provider does.
const SHUTTING_DOWN: &str = "shutting down";

/// Publishes `link` with its resolved config maps to the source's and the target's
/// `linkdefs.put`. Failures are logged: the link itself is already stored.
pub(crate) async fn linkdefs_put(core: &HostCore, link: &Link) {
    let source = core.state.resolve_config(&link.source_config).await;
    let target = core.state.resolve_config(&link.target_config).await;
    let (source, target) = match (source, target) {
        (Ok(source), Ok(target)) => (source, target),
        (Err(err), _) | (_, Err(err)) => {
            tracing::warn!(%err, "cannot resolve link config for linkdefs.put");
            return;
        }
    };
    let message = LinkDefinition::from_link(link, source, target);
    for id in [&link.source_id, &link.target] {
        publish(core, subject::rpc_linkdefs_put(&core.lattice, id), &message).await;
    }
}

/// Publishes `link` with empty config maps to the source's and the target's `linkdefs.del`.
pub(crate) async fn linkdefs_del(core: &HostCore, link: &Link) {
    let message = LinkDefinition::from_link(link, ConfigMap::new(), ConfigMap::new());
    for id in [&link.source_id, &link.target] {
        publish(core, subject::rpc_linkdefs_del(&core.lattice, id), &message).await;
    }
}

async fn publish(core: &HostCore, subject: String, message: &LinkDefinition) {
    let body = match serde_json::to_vec(message) {
        Ok(body) => body,
        Err(err) => return tracing::warn!(%err, "cannot encode a link message"),
    };
    if let Err(err) = core.nats.publish(subject.clone(), body.into()).await {
        tracing::warn!(%subject, %err, "cannot publish a link message");
    }
}

/// Sends `default.shutdown` `{"host_id":…}` to `provider_id` and waits briefly for the
/// answer; a missing answer is not an error (the provider is stopped regardless).
pub(crate) async fn request_shutdown(core: &HostCore, provider_id: &str) {
    let subject = subject::rpc_shutdown(&core.lattice, provider_id);
    let body = serde_json::json!({ "host_id": core.id }).to_string();
    match tokio::time::timeout(
        SHUTDOWN_WAIT,
        core.nats.request(subject.clone(), body.into()),
    )
    .await
    {
        Ok(Ok(_)) => {}
        Ok(Err(err)) => tracing::debug!(%subject, %err, "no answer to default.shutdown"),
        Err(_) => tracing::debug!(%subject, "default.shutdown timed out"),
    }
}

/// Answers `default.shutdown` for the builtin providers this host runs. One wildcard
/// subscription serves them all; requests for ids not running here are left to others.
pub(crate) async fn answer_shutdowns(core: Arc<HostCore>) {
    let wildcard = subject::rpc_shutdown(&core.lattice, "*");
    let mut requests = match core.nats.subscribe(wildcard.clone()).await {
        Ok(requests) => requests,
        Err(err) => return tracing::warn!(subject = %wildcard, %err, "cannot subscribe"),
    };
    loop {
        let message = tokio::select! {
            _ = core.shutdown.cancelled() => break,
            message = requests.next() => message,
        };
        let Some(message) = message else { break };
        let Some(reply) = message.reply else { continue };
        // `wasmbus.rpc.<lattice>.<provider_id>.default.shutdown`: the id is the 4th token.
        let Some(id) = message.subject.as_str().split('.').nth(3) else {
            continue;
        };
        // A provider binary answers for itself.
        if !core.runtime.is_builtin_provider(id) {
            continue;
        }
        if let Err(err) = core.nats.publish(reply, SHUTTING_DOWN.into()).await {
            tracing::warn!(%err, "cannot answer default.shutdown");
        }
    }
}
