//! `link.put`, `link.del` and `link.get`: links stored under their source in
//! `LATTICEDATA_<lattice>`. Hosts apply them to their runtimes through the KV watch, not
//! here, so every host (this one included) takes the same path.

use std::sync::Arc;

use bytes::Bytes;
use trellis_proto::{DeleteLinkRequest, LatticeEvent, Link, LinkdefDeleted, LinkdefSetFailed};

use super::{error, ok, success};
use crate::lattice::core::HostCore;

/// The refusal a wasmCloud 1.x host gives for a second target under one link key.
const CONFLICT: &str = "link already exists with different target, consider deleting the existing link or using a different link name";

/// Validates and stores a link; replaces one with the same key and target.
pub(super) async fn put(core: &Arc<HostCore>, body: &[u8]) -> Option<Bytes> {
    let link = match trellis_proto::decode_request::<Link>("link.put", body) {
        Ok(link) => link,
        Err(err) => return error(err),
    };
    match store(core, &link).await {
        Ok(()) => {
            crate::lattice::rpc::linkdefs_put(core, &link).await;
            core.events.publish(LatticeEvent::LinkdefSet(link)).await;
            success("successfully set link")
        }
        Err(message) => {
            core.events
                .publish(LatticeEvent::LinkdefSetFailed(LinkdefSetFailed {
                    link,
                    error: message.clone(),
                }))
                .await;
            error(message)
        }
    }
}

/// Checks and writes the link; an `Err` is the refusal text for the reply and the
/// `linkdef_set_failed` event.
async fn store(core: &HostCore, link: &Link) -> Result<(), String> {
    link.validate().map_err(|e| e.to_string())?;
    let messaging = link.wit_namespace == "wasmcloud" && link.wit_package == "messaging";
    let mut missing = String::new();
    for name in link.source_config.iter().chain(&link.target_config) {
        match core.state.config(name).await {
            // A messaging link's subscriptions are checked here too, so the refusal
            // reaches whoever puts the link, not only the host's log.
            Ok(Some(config)) if messaging => check_subscriptions(core, link, name, &config)?,
            Ok(Some(_)) => {}
            // The wording (and trailing space per name) is a wasmCloud 1.x host's.
            Ok(None) => {
                missing.push_str(&format!("Configuration {name} not found in config store. "))
            }
            Err(err) => return Err(err.to_string()),
        }
    }
    if !missing.is_empty() {
        return Err(format!(
            "Failed to validate configuration and secrets. {missing}"
        ));
    }
    let stored = core
        .state
        .modify_component_spec(&link.source_id, |spec| {
            if spec
                .links
                .iter()
                .any(|existing| existing.conflicts_with(link))
            {
                return (false, Err(CONFLICT));
            }
            if spec.links.iter().any(|existing| existing == link) {
                return (false, Ok(()));
            }
            spec.links.retain(|existing| !existing.is_replaced_by(link));
            spec.links.push(link.clone());
            (true, Ok(()))
        })
        .await
        .map_err(|e| e.to_string())?;
    stored.map_err(str::to_owned)
}

/// Refuses `subscriptions` in named config `name` of a messaging link that would
/// reach the lattice's own subjects (the messaging provider's rule).
fn check_subscriptions(
    core: &HostCore,
    link: &Link,
    name: &str,
    config: &trellis_proto::ConfigMap,
) -> Result<(), String> {
    let subjects = config
        .get("subscriptions")
        .map(String::as_str)
        .unwrap_or("");
    for subject in subjects.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        crate::providers::check_guest_subscription(subject, Some(&core.lattice)).map_err(
            |reason| {
                format!(
                    "link from {} to {} cannot subscribe to {subject:?} (config {name}): \
                     {reason}",
                    link.source_id, link.target
                )
            },
        )?;
    }
    Ok(())
}

/// Removes the link keyed by (source, namespace, package, name). Idempotent; always
/// publishes `linkdef_deleted` (with target and interfaces when a link was removed).
pub(super) async fn del(core: &Arc<HostCore>, body: &[u8]) -> Option<Bytes> {
    let request = match trellis_proto::decode_request::<DeleteLinkRequest>("link.del", body) {
        Ok(request) => request,
        Err(err) => return error(err),
    };
    let key = request.key();
    let removed = core
        .state
        .modify_component_spec(&request.source_id, |spec| {
            // Every link under the key goes (several may share it with disjoint
            // interfaces); the event reports the first.
            let removed = spec.links.iter().find(|link| link.key() == key).cloned();
            spec.links.retain(|link| link.key() != key);
            (removed.is_some(), removed)
        })
        .await;
    let removed = match removed {
        Ok(removed) => removed,
        Err(err) => return error(err),
    };
    if let Some(link) = &removed {
        crate::lattice::rpc::linkdefs_del(core, link).await;
    }
    core.events
        .publish(LatticeEvent::LinkdefDeleted(LinkdefDeleted {
            source_id: request.source_id,
            name: request.name,
            wit_namespace: request.wit_namespace,
            wit_package: request.wit_package,
            target: removed.as_ref().map(|link| link.target.clone()),
            interfaces: removed.map(|link| link.interfaces),
        }))
        .await;
    success("successfully deleted link")
}

/// Every link in the lattice.
pub(super) async fn get(core: &Arc<HostCore>) -> Option<Bytes> {
    match core.state.all_links().await {
        Ok(links) => ok(links),
        Err(err) => error(err),
    }
}
