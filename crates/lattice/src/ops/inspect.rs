//! What a running component needs and who serves it: the inspector's view.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use trellis_proto::{ComponentDescription, ConfigMap, Link};
use trellis_wit::{
    analyze_satisfaction, file_path, ComponentWit, HostCapabilities, ImportStatus, InterfaceRef,
    LinkTarget, SatisfiedBy, WitCache,
};

use super::{OpsError, Result};
use crate::{Client, ModelSnapshot};

/// Everything known about one running component.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ComponentInspection {
    /// The component as its (first) host reports it.
    pub component: ComponentDescription,
    /// Hosts running it.
    pub host_ids: Vec<String>,
    /// Links from or to it.
    pub links: Vec<Link>,
    /// Named configs its links give it, with their values (`None` when the config
    /// does not exist, could not be read, or is a secret reference).
    pub config: BTreeMap<String, Option<ConfigMap>>,
    /// Its WIT: from its `file://` image when that file is on this machine, else as
    /// its host decodes it.
    pub wit: Option<ComponentWit>,
    /// Why `wit` is missing.
    pub wit_error: Option<String>,
    /// Every import and what serves it, or why nothing does (empty without WIT).
    pub imports: Vec<ImportStatus>,
}

/// Inspects component `component_id` of the lattice `snapshot` describes: its
/// description, links, config values, WIT, and the satisfaction of every import.
///
/// Components whose files are not on this machine (a remote host's) get their WIT from
/// their hosts over the lattice; so do the components their links call. Decoding runs
/// on a blocking thread and reuses `cache`.
pub async fn inspect_component(
    client: &Client,
    snapshot: &ModelSnapshot,
    cache: &Arc<WitCache>,
    component_id: &str,
) -> Result<ComponentInspection> {
    let (component, host_ids) = find_component(snapshot, component_id).ok_or_else(|| {
        OpsError::NotFound(format!(
            "no component {component_id} on the {} host(s) of lattice {:?}",
            snapshot.hosts.len(),
            client.lattice()
        ))
    })?;
    let links: Vec<Link> = snapshot
        .links
        .iter()
        .filter(|l| l.source_id == component_id || l.target == component_id)
        .cloned()
        .collect();
    let config = link_config(client, component_id, &links).await;

    let from_hosts = if is_local_file(&component.image_ref) {
        None
    } else {
        Some(wit_from_hosts(client, component_id, &host_ids).await)
    };
    let mut remote_targets = HashMap::new();
    for link in links.iter().filter(|l| l.source_id == component_id) {
        let Some((target, target_hosts)) = find_component(snapshot, &link.target) else {
            continue;
        };
        if is_local_file(&target.image_ref) || remote_targets.contains_key(&link.target) {
            continue;
        }
        if let Ok(wit) = wit_from_hosts(client, &link.target, &target_hosts).await {
            remote_targets.insert(link.target.clone(), wit);
        }
    }

    let cache = cache.clone();
    let snapshot = snapshot.clone();
    let id = component_id.to_owned();
    let image_ref = component.image_ref.clone();
    let (wit, wit_error, imports) = tokio::task::spawn_blocking(move || {
        match from_hosts.unwrap_or_else(|| decode_ref(&cache, &image_ref)) {
            Ok(wit) => {
                let imports = satisfaction(&cache, &snapshot, &id, &wit, &remote_targets);
                (Some(wit), None, imports)
            }
            Err(err) => (None, Some(err), Vec::new()),
        }
    })
    .await
    .map_err(|e| OpsError::InvalidInput(format!("the WIT task failed: {e}")))?;

    Ok(ComponentInspection {
        component,
        host_ids,
        links,
        config,
        wit,
        wit_error,
        imports,
    })
}

/// The component with this id and every host running it.
pub(super) fn find_component(
    snapshot: &ModelSnapshot,
    id: &str,
) -> Option<(ComponentDescription, Vec<String>)> {
    let mut found = None;
    let mut hosts = Vec::new();
    for host in &snapshot.hosts {
        if let Some(c) = host.components.iter().find(|c| c.id == id) {
            found.get_or_insert_with(|| c.clone());
            hosts.push(host.host.id.clone());
        }
    }
    found.map(|c| (c, hosts))
}

/// The image reference of provider `id`, if a host runs it (`Some("")` when the host
/// reports none).
pub(super) fn find_provider(snapshot: &ModelSnapshot, id: &str) -> Option<String> {
    snapshot
        .hosts
        .iter()
        .flat_map(|h| &h.providers)
        .find(|p| p.id == id)
        .map(|p| p.image_ref.clone().unwrap_or_default())
}

/// The WIT of a running component as one of its hosts decodes it (Trellis hosts answer
/// this; wasmCloud hosts do not, and the error says so).
pub(super) async fn wit_from_hosts(
    client: &Client,
    component_id: &str,
    host_ids: &[String],
) -> std::result::Result<ComponentWit, String> {
    let mut reasons = Vec::new();
    for host_id in host_ids {
        match client.component_wit(host_id, component_id).await {
            Ok(wit) => return Ok(wit),
            Err(err) => reasons.push(err.to_string()),
        }
    }
    Err(format!(
        "the WIT of {component_id} is not available: its file is not on this machine ({})",
        reasons.join("; ")
    ))
}

/// The WIT behind an image reference (only `file://` images can be read locally).
/// Blocking.
pub(super) fn decode_ref(
    cache: &WitCache,
    image_ref: &str,
) -> std::result::Result<ComponentWit, String> {
    let path = file_path(image_ref).ok_or_else(|| {
        format!("the WIT of {image_ref:?} is not available: only file:// components are read")
    })?;
    cache.decode(&path).map(|wit| (*wit).clone())
}

/// Whether an image reference is a `file://` component present on this machine.
pub(super) fn is_local_file(image_ref: &str) -> bool {
    file_path(image_ref).is_some_and(|path| path.exists())
}

/// Who serves each import of `source`, from what each of its links points at: built-in
/// providers by what they export, components by their WIT (from the file, or `remote`,
/// the WIT their hosts sent). A link to a provider that is not built in is trusted (its
/// exports cannot be read). An import whose only links point at something that is not
/// running, or whose WIT cannot be read, is unsatisfied and the reason says which link
/// and why. Blocking.
fn satisfaction(
    cache: &WitCache,
    snapshot: &ModelSnapshot,
    source: &str,
    wit: &ComponentWit,
    remote: &HashMap<String, ComponentWit>,
) -> Vec<ImportStatus> {
    let caps = HostCapabilities::trellis_default();
    let mut targets = Vec::new();
    let mut unresolved: Vec<(&Link, String)> = Vec::new();
    for link in snapshot.links.iter().filter(|l| l.source_id == source) {
        if let Some(image_ref) = find_provider(snapshot, &link.target) {
            match caps
                .provider(&image_ref)
                .or_else(|| caps.provider(&link.target))
            {
                Some(builtin) => targets.push(LinkTarget::provider(link.clone(), builtin)),
                // Not built in: what it exports is not known here, so take its word.
                None => targets.push(LinkTarget {
                    link: link.clone(),
                    kind: trellis_wit::TargetKind::Provider,
                    exports: wit.imported_interfaces().cloned().collect(),
                }),
            }
            continue;
        }
        if let Some(target_wit) = remote.get(&link.target) {
            targets.push(LinkTarget::component(link.clone(), target_wit));
            continue;
        }
        match find_component(snapshot, &link.target) {
            Some((target, _)) => match decode_ref(cache, &target.image_ref) {
                Ok(target_wit) => targets.push(LinkTarget::component(link.clone(), &target_wit)),
                Err(err) => unresolved.push((link, err)),
            },
            None => unresolved.push((link, format!("{} is not running on any host", link.target))),
        }
    }
    let mut imports = analyze_satisfaction(wit, &caps, &targets);
    for status in &mut imports {
        let SatisfiedBy::Unsatisfied { reason } = &mut status.satisfied_by else {
            continue;
        };
        let Some(wanted) = &status.reference else {
            continue;
        };
        if let Some((link, why)) = unresolved.iter().find(|(l, _)| covers(l, wanted)) {
            *reason = format!("link {} to {}: {why}", link.name, link.target);
        }
    }
    imports
}

/// Whether `link` carries import `wanted`.
fn covers(link: &Link, wanted: &InterfaceRef) -> bool {
    link.wit_namespace == wanted.namespace
        && link.wit_package == wanted.package
        && link.interfaces.contains(&wanted.interface)
}

/// The named configs the links give `component_id`, with their values.
async fn link_config(
    client: &Client,
    component_id: &str,
    links: &[Link],
) -> BTreeMap<String, Option<ConfigMap>> {
    let mut config = BTreeMap::new();
    let names = links.iter().flat_map(|l| {
        if l.source_id == component_id {
            &l.source_config
        } else {
            &l.target_config
        }
    });
    for name in names {
        if !config.contains_key(name) {
            let values = if super::config::values_shown(name) {
                client.config_get(name).await.ok().flatten()
            } else {
                None
            };
            config.insert(name.clone(), values);
        }
    }
    config
}
