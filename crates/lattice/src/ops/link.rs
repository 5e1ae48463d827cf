//! Putting a link after checking that the WIT of its two ends fit.
//!
//! The rules are the app's (`frontend/src/graph/link.ts`, `planLink`), so a link the
//! app refuses on a drag is refused here with the same sentence. A link's source is the
//! caller (a component's import, or a provider that calls a component's export) and
//! its target serves the call.

use std::sync::Arc;

use trellis_proto::Link;
use trellis_wit::{
    check_link, BuiltinProvider, ComponentWit, HostCapabilities, InterfaceDef, InterfaceRef,
    WitCache,
};

use super::inspect::{decode_ref, find_component, find_provider, is_local_file, wit_from_hosts};
use super::{OpsError, Result};
use crate::{Client, ModelSnapshot};

/// What the check of a link's ends found, when it did not refuse the link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkCheck {
    /// Both ends are known and their WIT fit.
    Compatible,
    /// The link could not be checked, for the reason given (an end not running yet,
    /// its WIT not readable); it may still be right.
    Unchecked {
        /// Why, as a sentence.
        note: String,
    },
    /// The ends do not fit, and the link was put anyway because it was forced.
    Forced {
        /// Why the link would have been refused.
        reason: String,
    },
}

/// The outcome of [`put_link`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PutLink {
    /// The host's acknowledgement (often empty).
    pub message: String,
    /// What the check before putting found.
    pub check: LinkCheck,
}

/// Checks the link's ends and puts it (`link.put`). An incompatible link is refused
/// with [`OpsError::LinkRefused`] unless `force` is set; an end that is not running yet
/// is no reason to refuse (wasmCloud and wadm put links before their ends start).
pub async fn put_link(
    client: &Client,
    snapshot: &ModelSnapshot,
    cache: &Arc<WitCache>,
    link: &Link,
    force: bool,
) -> Result<PutLink> {
    link.validate()
        .map_err(|e| OpsError::InvalidInput(e.to_string()))?;
    let check = match check_link_ends(client, snapshot, cache, link).await {
        Ok(check) => check,
        Err(OpsError::LinkRefused { reason }) if force => LinkCheck::Forced { reason },
        Err(err) => return Err(err),
    };
    let message = client.link_put(link).await?;
    Ok(PutLink { message, check })
}

/// One end of a link, as far as the lattice tells.
enum End {
    /// A running component and its WIT, or why the WIT is not available.
    Component(std::result::Result<ComponentWit, String>),
    /// A running built-in provider.
    Builtin(BuiltinProvider),
    /// A running provider that is not built in (what it exports is not known here).
    Provider,
    /// Nothing by this id runs.
    Missing,
}

/// Checks that the two ends of `link` fit: `Ok` with [`LinkCheck::Compatible`] or
/// [`LinkCheck::Unchecked`], or [`OpsError::LinkRefused`] with the reason.
pub async fn check_link_ends(
    client: &Client,
    snapshot: &ModelSnapshot,
    cache: &Arc<WitCache>,
    link: &Link,
) -> Result<LinkCheck> {
    let refuse = |reason: String| Err(OpsError::LinkRefused { reason });
    if link.source_id == link.target {
        return refuse("a link joins two different components or providers".to_owned());
    }
    let caller = end(client, snapshot, cache, &link.source_id).await;
    let server = end(client, snapshot, cache, &link.target).await;
    let keys: Vec<InterfaceRef> = link
        .interfaces
        .iter()
        .map(|iface| {
            InterfaceRef::new(
                link.wit_namespace.as_str(),
                link.wit_package.as_str(),
                iface.as_str(),
                None,
            )
        })
        .collect();
    // A caller on a host without the target calls it there, over wRPC.
    let hosts_of = |id: &str| {
        find_component(snapshot, id)
            .map(|(_, hosts)| hosts)
            .unwrap_or_default()
    };
    let server_hosts = hosts_of(&link.target);
    let across_hosts = !server_hosts.is_empty()
        && hosts_of(&link.source_id)
            .iter()
            .any(|host| !server_hosts.contains(host));
    let mut notes = Vec::new();
    match (&caller, &server) {
        (End::Builtin(_) | End::Provider, End::Builtin(_) | End::Provider) => {
            return refuse(
                "providers do not link to each other: link a component between them".to_owned(),
            )
        }
        (End::Missing, _) | (_, End::Missing) => {
            let id = if matches!(caller, End::Missing) {
                &link.source_id
            } else {
                &link.target
            };
            return Ok(LinkCheck::Unchecked {
                note: format!(
                    "{id} is not running yet, so the link was not checked against its WIT"
                ),
            });
        }
        _ => {}
    }
    for key in &keys {
        // The caller's side: the import the link carries.
        let import = match &caller {
            End::Component(Ok(wit)) => match wit
                .imported_interfaces()
                .find(|i| i.interface_ref().is_some_and(|r| r.same_interface(key)))
            {
                Some(import) => Some(import.clone()),
                None => {
                    return refuse(format!(
                        "component {} does not import {}",
                        link.source_id,
                        key.unversioned()
                    ))
                }
            },
            End::Component(Err(why)) => {
                notes.push(why.clone());
                None
            }
            End::Builtin(provider) => {
                let key = key.unversioned();
                if !provider.calls.contains(&key) {
                    return refuse(if provider.calls.is_empty() {
                        format!("provider {} calls no component export", provider.name)
                    } else {
                        format!(
                            "provider {} calls {}, not {key}",
                            provider.name,
                            provider.calls.join(" or ")
                        )
                    });
                }
                None
            }
            End::Provider | End::Missing => None,
        };
        // The server's side.
        match &server {
            End::Component(Ok(wit)) => match &import {
                Some(import) => {
                    let exports: Vec<InterfaceDef> = wit.exported_interfaces().cloned().collect();
                    if let Some(reason) = first_reason(import, &exports) {
                        return refuse(reason);
                    }
                    if across_hosts {
                        if let Some(reason) = trellis_wit::cross_host_blocker(import) {
                            return refuse(format!(
                                "{} runs on another host than {}, and {} cannot be called \
                                 between hosts: {reason} (run both on one host)",
                                link.target,
                                link.source_id,
                                key.unversioned()
                            ));
                        }
                    }
                }
                None => {
                    let exported = wit
                        .exported_interfaces()
                        .any(|e| e.interface_ref().is_some_and(|r| r.same_interface(key)));
                    if !exported {
                        return refuse(format!(
                            "component {} does not export {}",
                            link.target,
                            key.unversioned()
                        ));
                    }
                }
            },
            End::Component(Err(why)) => notes.push(why.clone()),
            End::Builtin(provider) => {
                // By name and version, as the app checks a drop on a provider.
                let wanted = import
                    .as_ref()
                    .and_then(InterfaceDef::interface_ref)
                    .unwrap_or_else(|| key.clone());
                if let Some(reason) =
                    first_reason(&InterfaceDef::from_ref(wanted), &provider.exports)
                {
                    return refuse(format!("provider {}: {reason}", provider.name));
                }
            }
            End::Provider | End::Missing => {}
        }
    }
    Ok(match notes.first() {
        Some(note) => LinkCheck::Unchecked { note: note.clone() },
        None => LinkCheck::Compatible,
    })
}

/// The first reason `import` cannot be served by `exports`, as the app words it.
fn first_reason(import: &InterfaceDef, exports: &[InterfaceDef]) -> Option<String> {
    let verdict = check_link(import, exports);
    verdict.reasons().first().map(ToString::to_string)
}

/// What runs under `id`, with its WIT for a component.
async fn end(client: &Client, snapshot: &ModelSnapshot, cache: &Arc<WitCache>, id: &str) -> End {
    if let Some((component, hosts)) = find_component(snapshot, id) {
        if !is_local_file(&component.image_ref) {
            return End::Component(wit_from_hosts(client, id, &hosts).await);
        }
        let cache = cache.clone();
        let decoded = tokio::task::spawn_blocking(move || decode_ref(&cache, &component.image_ref))
            .await
            .unwrap_or_else(|e| Err(format!("the WIT task failed: {e}")));
        return End::Component(decoded);
    }
    match find_provider(snapshot, id) {
        Some(image_ref) => {
            let caps = HostCapabilities::trellis_default();
            match caps.provider(&image_ref).or_else(|| caps.provider(id)) {
                Some(builtin) => End::Builtin(builtin.clone()),
                None => End::Provider,
            }
        }
        None => End::Missing,
    }
}
