//! `LatticeModel`: what runs where, kept current from events and heartbeats.
//!
//! The model is a pure state machine ([`LatticeModel::apply_event`],
//! [`LatticeModel::apply_inventory`], [`LatticeModel::expire`]), each returning the
//! [`ModelChange`]s it caused, so it can be tested without NATS. [`ModelWatcher`] drives
//! one from a [`Client`]: snapshot (ping + inventories + `link.get` + config keys), then
//! events, with a timer that drops hosts whose heartbeats stopped.
//! [`LatticeModel::graph`] gives the petgraph view for layout and queries.
//!
//! Layout: `types` (options, host info, changes, snapshots), this module (the state
//! machine), `graph` (the petgraph view), `watcher` (the background task).

mod graph;
mod types;
mod v2;
mod watcher;

pub use graph::{Edge, Node};
pub use types::{HostInfo, HostSnapshot, ModelChange, ModelOptions, ModelSnapshot, RemovalReason};
pub use v2::V2HostInfo;
pub(crate) use watcher::config_names;
pub use watcher::ModelWatcher;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::StreamExt as _;
use petgraph::graph::{DiGraph, NodeIndex};
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;
use trellis_proto::{
    ComponentDescription, HostInventory, LatticeEvent, Link, LinkKey, ProviderDescription,
};

use crate::client::Client;
use crate::error::Result;
use crate::stream::EventMessage;

/// A host's entry: its info, what it runs, and when it was last heard from.
#[derive(Debug, Clone)]
struct HostEntry {
    info: HostInfo,
    components: BTreeMap<String, ComponentDescription>,
    providers: BTreeMap<String, ProviderDescription>,
    last_seen: Instant,
}

/// The lattice: hosts, components, providers, links and config.
#[derive(Debug, Clone)]
pub struct LatticeModel {
    options: ModelOptions,
    hosts: BTreeMap<String, HostEntry>,
    links: BTreeMap<LinkKey, Link>,
    configs: BTreeSet<String>,
    /// wasmCloud 2.x hosts on the same NATS server (no lattice of theirs).
    v2_hosts: trellis_v2::HostTable,
}

impl LatticeModel {
    /// An empty model.
    pub fn new(options: ModelOptions) -> Self {
        LatticeModel {
            options,
            hosts: BTreeMap::new(),
            links: BTreeMap::new(),
            configs: BTreeSet::new(),
            v2_hosts: trellis_v2::HostTable::default(),
        }
    }

    /// The options.
    pub fn options(&self) -> ModelOptions {
        self.options
    }

    /// Ids of the known hosts.
    pub fn host_ids(&self) -> Vec<String> {
        self.hosts.keys().cloned().collect()
    }

    /// A known host.
    pub fn host(&self, id: &str) -> Option<&HostInfo> {
        self.hosts.get(id).map(|h| &h.info)
    }

    /// The hosts running component `id`, each with the image it runs there.
    pub fn component_placements(&self, id: &str) -> Vec<(String, String)> {
        self.hosts
            .values()
            .filter_map(|h| {
                let component = h.components.get(id)?;
                Some((h.info.id.clone(), component.image_ref.clone()))
            })
            .collect()
    }

    /// The hosts running component or provider `id`.
    pub fn hosts_running(&self, id: &str) -> Vec<String> {
        self.hosts
            .values()
            .filter(|h| h.components.contains_key(id) || h.providers.contains_key(id))
            .map(|h| h.info.id.clone())
            .collect()
    }

    /// Every link.
    pub fn links(&self) -> impl Iterator<Item = &Link> {
        self.links.values()
    }

    /// A serialisable copy of everything.
    pub fn snapshot(&self) -> ModelSnapshot {
        ModelSnapshot {
            hosts: self
                .hosts
                .values()
                .map(|h| HostSnapshot {
                    host: h.info.clone(),
                    components: h.components.values().cloned().collect(),
                    providers: h.providers.values().cloned().collect(),
                })
                .collect(),
            links: self.links.values().cloned().collect(),
            configs: self.configs.iter().cloned().collect(),
            v2_hosts: self.v2_hosts(Instant::now()),
        }
    }

    /// Replaces a host's whole state from an inventory (`host.get` or a heartbeat).
    pub fn apply_inventory(&mut self, inv: &HostInventory, now: Instant) -> Vec<ModelChange> {
        let mut changes = Vec::new();
        let info = HostInfo {
            id: inv.host_id.clone(),
            friendly_name: inv.friendly_name.clone(),
            labels: inv.labels.clone(),
            version: inv.version.clone(),
            uptime_seconds: inv.uptime_seconds,
        };
        let entry = self.upsert_host(info, now, &mut changes);
        let components: BTreeMap<_, _> = inv
            .components
            .iter()
            .map(|c| (c.id.clone(), c.clone()))
            .collect();
        let providers: BTreeMap<_, _> = inv
            .providers
            .iter()
            .map(|p| (p.id.clone(), p.clone()))
            .collect();
        for (id, c) in &components {
            if entry.components.get(id) != Some(c) {
                changes.push(ModelChange::ComponentChanged {
                    host_id: inv.host_id.clone(),
                    component: c.clone(),
                });
            }
        }
        for id in entry
            .components
            .keys()
            .filter(|id| !components.contains_key(*id))
        {
            changes.push(ModelChange::ComponentRemoved {
                host_id: inv.host_id.clone(),
                component_id: id.clone(),
            });
        }
        for (id, p) in &providers {
            if entry.providers.get(id) != Some(p) {
                changes.push(ModelChange::ProviderChanged {
                    host_id: inv.host_id.clone(),
                    provider: p.clone(),
                });
            }
        }
        for id in entry
            .providers
            .keys()
            .filter(|id| !providers.contains_key(*id))
        {
            changes.push(ModelChange::ProviderRemoved {
                host_id: inv.host_id.clone(),
                provider_id: id.clone(),
            });
        }
        entry.components = components;
        entry.providers = providers;
        changes
    }

    /// Replaces the link set (from `link.get`).
    pub fn apply_links(&mut self, links: &[Link]) -> Vec<ModelChange> {
        let new: BTreeMap<LinkKey, Link> = links.iter().map(|l| (l.key(), l.clone())).collect();
        let mut changes: Vec<ModelChange> = self
            .links
            .keys()
            .filter(|k| !new.contains_key(*k))
            .map(|key| ModelChange::LinkDeleted { key: key.clone() })
            .collect();
        for (key, link) in &new {
            if self.links.get(key) != Some(link) {
                changes.push(ModelChange::LinkSet { link: link.clone() });
            }
        }
        self.links = new;
        changes
    }

    /// Adds config names (e.g. the keys of `CONFIGDATA_<lattice>`).
    pub fn apply_config_names(
        &mut self,
        names: impl IntoIterator<Item = String>,
    ) -> Vec<ModelChange> {
        names
            .into_iter()
            .filter(|name| self.configs.insert(name.clone()))
            .map(|name| ModelChange::ConfigSet { name })
            .collect()
    }

    /// Replaces the config names with `names` (the whole `CONFIGDATA_<lattice>` key set).
    pub fn replace_config_names(
        &mut self,
        names: impl IntoIterator<Item = String>,
    ) -> Vec<ModelChange> {
        let new: BTreeSet<String> = names.into_iter().collect();
        let mut changes: Vec<ModelChange> = self
            .configs
            .iter()
            .filter(|name| !new.contains(*name))
            .map(|name| ModelChange::ConfigDeleted { name: name.clone() })
            .collect();
        changes.extend(
            new.iter()
                .filter(|name| !self.configs.contains(*name))
                .map(|name| ModelChange::ConfigSet { name: name.clone() }),
        );
        self.configs = new.into_iter().collect();
        changes
    }

    /// Applies a fresh read of the lattice (after a reconnect, when events may have been
    /// missed): inventories replace what each answering host runs, `links` (when
    /// `link.get` answered) and `config_names` (when the bucket was readable) replace the
    /// link set and the config names.
    /// Hosts that did not answer stay until their heartbeats are overdue, since they may
    /// simply not have reconnected yet.
    pub fn resync(
        &mut self,
        inventories: &[HostInventory],
        links: Option<&[Link]>,
        config_names: Option<Vec<String>>,
        now: Instant,
    ) -> Vec<ModelChange> {
        let mut changes = Vec::new();
        for inv in inventories {
            changes.extend(self.apply_inventory(inv, now));
        }
        if let Some(links) = links {
            changes.extend(self.apply_links(links));
        }
        if let Some(names) = config_names {
            changes.extend(self.replace_config_names(names));
        }
        changes
    }

    /// Applies one lattice event received at `now`.
    pub fn apply_event(&mut self, message: &EventMessage, now: Instant) -> Vec<ModelChange> {
        let source = message.source();
        let mut changes = Vec::new();
        match &message.event {
            LatticeEvent::HostStarted(e) => {
                let info = HostInfo {
                    id: source.to_owned(),
                    friendly_name: e.friendly_name.clone(),
                    labels: e.labels.clone(),
                    version: e.version.clone(),
                    uptime_seconds: e.uptime_seconds,
                };
                self.upsert_host(info, now, &mut changes);
            }
            LatticeEvent::HostStopped(_) => {
                changes.extend(self.hosts.remove(source).map(|_| ModelChange::HostRemoved {
                    host_id: source.to_owned(),
                    reason: RemovalReason::Stopped,
                }));
            }
            LatticeEvent::HostHeartbeat(inv) => {
                let mut inv = inv.clone();
                if inv.host_id.is_empty() {
                    inv.host_id = source.to_owned();
                }
                changes = self.apply_inventory(&inv, now);
            }
            LatticeEvent::ComponentScaled(e) => {
                let entry = self.host_entry(&e.host_id, now, &mut changes);
                if e.max_instances == 0 {
                    if entry.components.remove(&e.component_id).is_some() {
                        changes.push(ModelChange::ComponentRemoved {
                            host_id: e.host_id.clone(),
                            component_id: e.component_id.clone(),
                        });
                    }
                } else {
                    let previous = entry.components.get(&e.component_id);
                    let component = ComponentDescription {
                        id: e.component_id.clone(),
                        image_ref: e.image_ref.clone(),
                        name: previous.and_then(|p| p.name.clone()),
                        annotations: e.annotations.clone(),
                        revision: previous.map(|p| p.revision).unwrap_or(0),
                        max_instances: e.max_instances,
                        limits: previous.and_then(|p| p.limits.clone()),
                    };
                    if previous != Some(&component) {
                        entry
                            .components
                            .insert(e.component_id.clone(), component.clone());
                        changes.push(ModelChange::ComponentChanged {
                            host_id: e.host_id.clone(),
                            component,
                        });
                    }
                }
            }
            LatticeEvent::ProviderStarted(e) => {
                let entry = self.host_entry(&e.host_id, now, &mut changes);
                let provider = ProviderDescription {
                    id: e.provider_id.clone(),
                    image_ref: Some(e.image_ref.clone()),
                    name: None,
                    annotations: e.annotations.clone(),
                    revision: 0,
                };
                if entry.providers.get(&e.provider_id) != Some(&provider) {
                    entry
                        .providers
                        .insert(e.provider_id.clone(), provider.clone());
                    changes.push(ModelChange::ProviderChanged {
                        host_id: e.host_id.clone(),
                        provider,
                    });
                }
            }
            LatticeEvent::ProviderStopped(e) => {
                let entry = self.host_entry(&e.host_id, now, &mut changes);
                if entry.providers.remove(&e.provider_id).is_some() {
                    changes.push(ModelChange::ProviderRemoved {
                        host_id: e.host_id.clone(),
                        provider_id: e.provider_id.clone(),
                    });
                }
            }
            LatticeEvent::LinkdefSet(link) => {
                let key = link.key();
                if self.links.get(&key) != Some(link) {
                    self.links.insert(key, link.clone());
                    changes.push(ModelChange::LinkSet { link: link.clone() });
                }
            }
            LatticeEvent::LinkdefDeleted(e) => {
                let key = LinkKey {
                    source_id: e.source_id.clone(),
                    wit_namespace: e.wit_namespace.clone(),
                    wit_package: e.wit_package.clone(),
                    name: e.name.clone(),
                };
                if self.links.remove(&key).is_some() {
                    changes.push(ModelChange::LinkDeleted { key });
                }
            }
            LatticeEvent::ConfigSet(e) => {
                self.configs.insert(e.config_name.clone());
                // Always reported: the values may have changed.
                changes.push(ModelChange::ConfigSet {
                    name: e.config_name.clone(),
                });
            }
            LatticeEvent::ConfigDeleted(e) => {
                let name = &e.config_name;
                changes.extend(
                    self.configs
                        .remove(name)
                        .then(|| ModelChange::ConfigDeleted { name: name.clone() }),
                );
            }
            LatticeEvent::LabelsChanged(e) => {
                let entry = self.host_entry(&e.host_id, now, &mut changes);
                if entry.info.labels != e.labels {
                    entry.info.labels = e.labels.clone();
                    changes.push(ModelChange::HostUpdated {
                        host: entry.info.clone(),
                    });
                }
            }
            // Failures, health checks and unknown types change nothing we model.
            _ => {}
        }
        // Any event from a known host shows it is alive.
        if let Some(entry) = self.hosts.get_mut(source) {
            entry.last_seen = now;
        }
        changes
    }

    /// Drops hosts silent for longer than [`ModelOptions::host_timeout`].
    pub fn expire(&mut self, now: Instant) -> Vec<ModelChange> {
        let timeout = self.options.host_timeout();
        let gone: Vec<String> = self
            .hosts
            .iter()
            .filter(|(_, h)| now.saturating_duration_since(h.last_seen) > timeout)
            .map(|(id, _)| id.clone())
            .collect();
        let mut changes: Vec<ModelChange> = gone
            .into_iter()
            .map(|id| {
                self.hosts.remove(&id);
                ModelChange::HostRemoved {
                    host_id: id,
                    reason: RemovalReason::MissedHeartbeats,
                }
            })
            .collect();
        changes.extend(self.expire_v2(now));
        changes
    }

    fn upsert_host(
        &mut self,
        info: HostInfo,
        now: Instant,
        changes: &mut Vec<ModelChange>,
    ) -> &mut HostEntry {
        let id = info.id.clone();
        match self.hosts.get_mut(&id) {
            Some(entry) => {
                entry.last_seen = now;
                // Uptime alone is not worth a change.
                let differs = entry.info.friendly_name != info.friendly_name
                    || entry.info.labels != info.labels
                    || entry.info.version != info.version;
                entry.info = info;
                if differs {
                    changes.push(ModelChange::HostUpdated {
                        host: entry.info.clone(),
                    });
                }
            }
            None => {
                changes.push(ModelChange::HostAdded { host: info.clone() });
                self.hosts.insert(
                    id.clone(),
                    HostEntry {
                        info,
                        components: BTreeMap::new(),
                        providers: BTreeMap::new(),
                        last_seen: now,
                    },
                );
            }
        }
        self.hosts.get_mut(&id).expect("just inserted")
    }

    /// The entry of `host_id`, created as a placeholder when an event names a host we
    /// have not heard announce itself (its heartbeat fills in the rest).
    fn host_entry(
        &mut self,
        host_id: &str,
        now: Instant,
        changes: &mut Vec<ModelChange>,
    ) -> &mut HostEntry {
        if !self.hosts.contains_key(host_id) {
            let info = HostInfo {
                id: host_id.to_owned(),
                friendly_name: String::new(),
                labels: BTreeMap::new(),
                version: String::new(),
                uptime_seconds: 0,
            };
            return self.upsert_host(info, now, changes);
        }
        self.hosts.get_mut(host_id).expect("checked")
    }
}

#[cfg(test)]
mod tests;
