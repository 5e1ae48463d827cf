//! The ctl v1 subscriptions and the loop that answers them.
//!
//! Subscriptions follow a wasmCloud 1.x host: plain ones for what every host answers
//! (`host.ping`, `registry.put`, auctions) or what is addressed to this host
//! (`{component,provider,label,host}.*.<id>`), queue groups `<prefix>.v1.<lattice>.<noun>`
//! for lattice-wide operations that one host should answer (`link.*`, `claims.get`,
//! `config.>`).

use std::sync::Arc;

use futures::stream::SelectAll;
use futures::StreamExt as _;
use trellis_proto::subject;

use super::core::HostCore;
use super::ctl::Command;
use crate::HostError;

/// All ctl subscriptions of one host, merged into one stream.
pub(crate) type CtlSubscriptions = SelectAll<async_nats::Subscriber>;

/// Subscribes to every ctl subject this host serves. Returns once the server knows
/// the subscriptions, so a request sent right after is answered.
pub(crate) async fn subscribe(core: &HostCore) -> Result<CtlSubscriptions, HostError> {
    let (prefix, lattice, id) = (
        core.ctl_prefix.as_str(),
        core.lattice.as_str(),
        core.id.as_str(),
    );
    let mut plain = vec![
        subject::host_ping(prefix, lattice),
        subject::registry_put(prefix, lattice),
    ];
    for noun in ["component", "provider", "label", "host"] {
        plain.push(subject::host_scoped(prefix, lattice, noun, id));
    }
    if core.enable_auctions {
        plain.push(subject::component_auction(prefix, lattice));
        plain.push(subject::provider_auction(prefix, lattice));
    }
    let queued = [
        (
            subject::link_all(prefix, lattice),
            subject::queue_group(prefix, lattice, "link"),
        ),
        (
            subject::claims_get(prefix, lattice),
            subject::queue_group(prefix, lattice, "claims"),
        ),
        (
            subject::config_all(prefix, lattice),
            subject::queue_group(prefix, lattice, "config"),
        ),
    ];

    let mut all = SelectAll::new();
    for subject in plain {
        let sub = core
            .nats
            .subscribe(subject.clone())
            .await
            .map_err(|e| HostError::lattice(format!("subscribing to {subject}"), e))?;
        all.push(sub);
    }
    for (subject, group) in queued {
        let sub = core
            .nats
            .queue_subscribe(subject.clone(), group)
            .await
            .map_err(|e| HostError::lattice(format!("subscribing to {subject}"), e))?;
        all.push(sub);
    }
    round_trip(&core.nats).await?;
    Ok(all)
}

/// Waits until the server has processed everything this connection sent so far.
///
/// `Client::flush` only empties the write buffer; a message the server echoes back to
/// our own fresh subscription proves that it has also registered the earlier
/// subscriptions (the server handles one connection's protocol in order).
async fn round_trip(nats: &async_nats::Client) -> Result<(), HostError> {
    const TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);
    let inbox = nats.new_inbox();
    let mut probe = nats
        .subscribe(inbox.clone())
        .await
        .map_err(|e| HostError::lattice("registering ctl subscriptions", e))?;
    nats.publish(inbox, bytes::Bytes::new())
        .await
        .map_err(|e| HostError::lattice("registering ctl subscriptions", e))?;
    match tokio::time::timeout(TIMEOUT, probe.next()).await {
        Ok(Some(_)) => Ok(()),
        _ => Err(HostError::lattice(
            "registering ctl subscriptions",
            format!(
                "the NATS server did not confirm within {} s",
                TIMEOUT.as_secs()
            ),
        )),
    }
}

/// Answers requests until shutdown. Requests are handled one at a time, in arrival
/// order; long work (scale, provider start) is spawned by its handler after the reply.
pub(crate) async fn serve(core: Arc<HostCore>, mut subscriptions: CtlSubscriptions) {
    let base = format!("{}.", subject::ctl_root(&core.ctl_prefix, &core.lattice));
    loop {
        let message = tokio::select! {
            _ = core.shutdown.cancelled() => break,
            message = subscriptions.next() => message,
        };
        let Some(message) = message else { break };
        let tail = message
            .subject
            .as_str()
            .strip_prefix(&base)
            .unwrap_or_default();
        let command = Command::parse(tail, &core.id);
        tracing::debug!(subject = %message.subject, ?command, "ctl request");
        let reply = command.apply(&core, message.payload).await;
        if let (Some(reply_to), Some(body)) = (message.reply, reply) {
            if let Err(err) = core.nats.publish(reply_to, body).await {
                tracing::warn!(%err, "cannot send a ctl reply");
            }
        }
    }
}
