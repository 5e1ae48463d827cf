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

/// How many ctl requests one host handles at once. More wait in the subscription
/// (backpressure) rather than spawning without bound.
const MAX_CONCURRENT_REQUESTS: usize = 64;

/// Answers requests until shutdown. Each request is handled on its own task (up to
/// [`MAX_CONCURRENT_REQUESTS`] at a time), so one slow request (a config read from a
/// busy KV store, a provider start) does not stall the rest; a caller that needs an
/// order waits for each reply before sending the next request, as wadm and wash do.
/// Long work (scale, provider start) is spawned by its handler after the reply.
pub(crate) async fn serve(core: Arc<HostCore>, mut subscriptions: CtlSubscriptions) {
    let base: Arc<str> = format!("{}.", subject::ctl_root(&core.ctl_prefix, &core.lattice)).into();
    let in_flight = Arc::new(tokio::sync::Semaphore::new(MAX_CONCURRENT_REQUESTS));
    loop {
        let message = tokio::select! {
            _ = core.shutdown.cancelled() => break,
            message = subscriptions.next() => message,
        };
        let Some(message) = message else { break };
        let permit = tokio::select! {
            _ = core.shutdown.cancelled() => break,
            permit = in_flight.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
        };
        let (task_core, base) = (Arc::clone(&core), Arc::clone(&base));
        core.spawn(async move {
            let _permit = permit;
            answer(&task_core, &base, message).await;
        });
    }
}

/// Parses, applies and replies to one ctl request.
async fn answer(core: &Arc<HostCore>, base: &str, message: async_nats::Message) {
    let tail = message
        .subject
        .as_str()
        .strip_prefix(base)
        .unwrap_or_default();
    let command = Command::parse(tail, &core.id);
    tracing::debug!(subject = %message.subject, ?command, "ctl request");
    let reply = command.apply(core, message.payload).await;
    if let (Some(reply_to), Some(body)) = (message.reply, reply) {
        if let Err(err) = core.nats.publish(reply_to, body).await {
            tracing::warn!(%err, "cannot send a ctl reply");
        }
    }
}
