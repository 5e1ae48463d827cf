//! `LatticeModel`: what runs where, kept current from events and heartbeats.
//!
//! The model is a pure state machine ([`LatticeModel::apply_event`],
//! [`LatticeModel::apply_inventory`], [`LatticeModel::expire`]), each returning the
//! [`ModelChange`]s it caused, so it can be tested without NATS. [`ModelWatcher`] drives
//! one from a [`Client`]: snapshot (ping + inventories + `link.get` + config keys), then
//! events, with a timer that drops hosts whose heartbeats stopped.
//! [`LatticeModel::graph`] gives the petgraph view for layout and queries.

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

/// How hosts are judged alive.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ModelOptions {
    /// The hosts' heartbeat interval (wasmCloud default 30 s).
    pub heartbeat_interval: Duration,
    /// A host is dropped after this many intervals without a heartbeat (default 2.5).
    pub missed_heartbeats: f64,
}

impl Default for ModelOptions {
    fn default() -> Self {
        ModelOptions {
            heartbeat_interval: Duration::from_secs(30),
            missed_heartbeats: 2.5,
        }
    }
}

impl ModelOptions {
    /// How long a host may stay silent before it is dropped.
    pub fn host_timeout(&self) -> Duration {
        self.heartbeat_interval.mul_f64(self.missed_heartbeats)
    }
}

/// A host as the model knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HostInfo {
    /// Host id (`N…`).
    pub id: String,
    /// Friendly name (empty until the host has announced itself).
    pub friendly_name: String,
    /// Labels.
    pub labels: BTreeMap<String, String>,
    /// Host version.
    pub version: String,
    /// Uptime at the last report.
    pub uptime_seconds: u64,
}

/// Why a host left the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum RemovalReason {
    /// It published `host_stopped`.
    Stopped,
    /// Its heartbeats stopped arriving.
    MissedHeartbeats,
}

/// One change of the model, for the UI. Serialised with a `"change"` tag.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum ModelChange {
    /// A host appeared.
    HostAdded {
        /// The host.
        host: HostInfo,
    },
    /// A host's name, labels or version changed.
    HostUpdated {
        /// The host.
        host: HostInfo,
    },
    /// A host left.
    HostRemoved {
        /// Host id.
        host_id: String,
        /// Why.
        reason: RemovalReason,
    },
    /// A component started or changed (instances, image) on a host.
    ComponentChanged {
        /// Host id.
        host_id: String,
        /// The component as the host reports it.
        component: ComponentDescription,
    },
    /// A component stopped on a host.
    ComponentRemoved {
        /// Host id.
        host_id: String,
        /// Component id.
        component_id: String,
    },
    /// A provider started or changed on a host.
    ProviderChanged {
        /// Host id.
        host_id: String,
        /// The provider as the host reports it.
        provider: ProviderDescription,
    },
    /// A provider stopped on a host.
    ProviderRemoved {
        /// Host id.
        host_id: String,
        /// Provider id.
        provider_id: String,
    },
    /// A link was put (new or replaced).
    LinkSet {
        /// The link.
        link: Link,
    },
    /// A link was deleted.
    LinkDeleted {
        /// Its key.
        key: LinkKey,
    },
    /// A named config was created or changed.
    ConfigSet {
        /// Config name.
        name: String,
    },
    /// A named config was deleted.
    ConfigDeleted {
        /// Config name.
        name: String,
    },
}

/// A host's entry: its info, what it runs, and when it was last heard from.
#[derive(Debug, Clone)]
struct HostEntry {
    info: HostInfo,
    components: BTreeMap<String, ComponentDescription>,
    providers: BTreeMap<String, ProviderDescription>,
    last_seen: Instant,
}

/// A serialisable copy of the whole model.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ModelSnapshot {
    /// Every host with what it runs.
    pub hosts: Vec<HostSnapshot>,
    /// Every link.
    pub links: Vec<Link>,
    /// Known config names.
    pub configs: Vec<String>,
}

/// One host in a [`ModelSnapshot`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HostSnapshot {
    /// The host.
    pub host: HostInfo,
    /// Its components.
    pub components: Vec<ComponentDescription>,
    /// Its providers.
    pub providers: Vec<ProviderDescription>,
}

/// A node of [`LatticeModel::graph`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Node {
    /// A host.
    Host {
        /// Host id.
        id: String,
        /// Friendly name.
        friendly_name: String,
    },
    /// A component (one node however many hosts run it).
    Component {
        /// Component id.
        id: String,
        /// Image reference.
        image_ref: String,
    },
    /// A provider.
    Provider {
        /// Provider id.
        id: String,
        /// Image reference, if reported.
        image_ref: Option<String>,
    },
    /// A link endpoint that no host reports running.
    Missing {
        /// The id named by the link.
        id: String,
    },
    /// A named config.
    Config {
        /// Config name.
        name: String,
    },
}

/// An edge of [`LatticeModel::graph`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Edge {
    /// Host → component or provider it runs.
    Runs {
        /// Instances (components only).
        max_instances: Option<u32>,
    },
    /// Link source → target.
    Link {
        /// The link.
        link: Link,
    },
    /// Link source or target → a config the link gives it.
    UsesConfig,
}

/// The lattice: hosts, components, providers, links and config.
#[derive(Debug, Clone)]
pub struct LatticeModel {
    options: ModelOptions,
    hosts: BTreeMap<String, HostEntry>,
    links: BTreeMap<LinkKey, Link>,
    configs: BTreeSet<String>,
}

impl LatticeModel {
    /// An empty model.
    pub fn new(options: ModelOptions) -> Self {
        LatticeModel {
            options,
            hosts: BTreeMap::new(),
            links: BTreeMap::new(),
            configs: BTreeSet::new(),
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
        gone.into_iter()
            .map(|id| {
                self.hosts.remove(&id);
                ModelChange::HostRemoved {
                    host_id: id,
                    reason: RemovalReason::MissedHeartbeats,
                }
            })
            .collect()
    }

    /// The lattice as a graph: hosts → what they run, link source → target, link
    /// endpoints → the configs the link names.
    pub fn graph(&self) -> DiGraph<Node, Edge> {
        let mut graph = DiGraph::new();
        let mut workloads: BTreeMap<String, NodeIndex> = BTreeMap::new();
        let mut configs: BTreeMap<String, NodeIndex> = BTreeMap::new();
        for name in &self.configs {
            configs.insert(
                name.clone(),
                graph.add_node(Node::Config { name: name.clone() }),
            );
        }
        for host in self.hosts.values() {
            let h = graph.add_node(Node::Host {
                id: host.info.id.clone(),
                friendly_name: host.info.friendly_name.clone(),
            });
            for c in host.components.values() {
                let n = *workloads.entry(c.id.clone()).or_insert_with(|| {
                    graph.add_node(Node::Component {
                        id: c.id.clone(),
                        image_ref: c.image_ref.clone(),
                    })
                });
                graph.add_edge(
                    h,
                    n,
                    Edge::Runs {
                        max_instances: Some(c.max_instances),
                    },
                );
            }
            for p in host.providers.values() {
                let n = *workloads.entry(p.id.clone()).or_insert_with(|| {
                    graph.add_node(Node::Provider {
                        id: p.id.clone(),
                        image_ref: p.image_ref.clone(),
                    })
                });
                graph.add_edge(
                    h,
                    n,
                    Edge::Runs {
                        max_instances: None,
                    },
                );
            }
        }
        for link in self.links.values() {
            let mut endpoint = |id: &str, graph: &mut DiGraph<Node, Edge>| {
                *workloads
                    .entry(id.to_owned())
                    .or_insert_with(|| graph.add_node(Node::Missing { id: id.to_owned() }))
            };
            let s = endpoint(&link.source_id, &mut graph);
            let t = endpoint(&link.target, &mut graph);
            graph.add_edge(s, t, Edge::Link { link: link.clone() });
            for (node, names) in [(s, &link.source_config), (t, &link.target_config)] {
                for name in names {
                    let c = *configs
                        .entry(name.clone())
                        .or_insert_with(|| graph.add_node(Node::Config { name: name.clone() }));
                    if graph.find_edge(node, c).is_none() {
                        graph.add_edge(node, c, Edge::UsesConfig);
                    }
                }
            }
        }
        graph
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

/// A [`LatticeModel`] kept current in the background from a [`Client`].
///
/// Dropping the watcher stops its task (and so its event subscription).
pub struct ModelWatcher {
    model: Arc<Mutex<LatticeModel>>,
    changes: broadcast::Sender<ModelChange>,
    task: tokio::task::JoinHandle<()>,
}

impl ModelWatcher {
    /// Subscribes to events, builds the model from ping, inventories, `link.get` and the
    /// config bucket's keys, then follows events and expires silent hosts. After each
    /// reconnect it reads all of that again ([`LatticeModel::resync`]).
    pub async fn start(client: &Client, options: ModelOptions) -> Result<ModelWatcher> {
        // Subscribe first so nothing that happens during the snapshot is lost.
        let mut events = client.events().await?;
        let mut model = LatticeModel::new(options);
        let (inventories, links, configs) = read_lattice(client).await?;
        model.resync(&inventories, links.as_deref(), configs, Instant::now());
        let mut state = client.connection_state();
        let client = client.clone();

        let model = Arc::new(Mutex::new(model));
        let (changes, _) = broadcast::channel(1024);
        let task = {
            let model = model.clone();
            let changes = changes.clone();
            // Check often enough that a host is dropped soon after its deadline.
            let tick = (options.heartbeat_interval / 4)
                .clamp(Duration::from_millis(50), Duration::from_secs(1));
            tokio::spawn(async move {
                let mut timer = tokio::time::interval(tick);
                loop {
                    let found = tokio::select! {
                        next = events.next() => match next {
                            Some(Ok(message)) => lock(&model).apply_event(&message, Instant::now()),
                            Some(Err(err)) => {
                                tracing::debug!(%err, "undecodable event skipped");
                                continue;
                            }
                            None => break,
                        },
                        _ = timer.tick() => lock(&model).expire(Instant::now()),
                        changed = state.changed() => {
                            if changed.is_err() {
                                break;
                            }
                            // Events sent while we were away are lost: re-read the lattice.
                            let reconnected = state.borrow_and_update().is_connected();
                            if !reconnected {
                                continue;
                            }
                            match read_lattice(&client).await {
                                Ok((inventories, links, configs)) => lock(&model).resync(
                                    &inventories,
                                    links.as_deref(),
                                    configs,
                                    Instant::now(),
                                ),
                                Err(err) => {
                                    tracing::warn!(%err, "cannot re-read the lattice after a reconnect");
                                    continue;
                                }
                            }
                        }
                    };
                    for change in found {
                        // No receivers is fine: the model itself is still current.
                        let _ = changes.send(change);
                    }
                }
            })
        };
        Ok(ModelWatcher {
            model,
            changes,
            task,
        })
    }

    /// Changes from now on. A receiver that falls behind gets `Lagged` and should
    /// re-read [`ModelWatcher::snapshot`].
    pub fn subscribe(&self) -> broadcast::Receiver<ModelChange> {
        self.changes.subscribe()
    }

    /// A copy of the current model.
    pub fn snapshot(&self) -> ModelSnapshot {
        lock(&self.model).snapshot()
    }

    /// Runs `f` with the current model (e.g. to build its graph).
    pub fn with_model<T>(&self, f: impl FnOnce(&LatticeModel) -> T) -> T {
        f(&lock(&self.model))
    }
}

impl Drop for ModelWatcher {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn lock(model: &Mutex<LatticeModel>) -> std::sync::MutexGuard<'_, LatticeModel> {
    // A panic while holding the lock cannot leave the model half-updated in a way that
    // matters more than stopping the UI, so keep going.
    model
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Inventories of every host, the links (`None` when `link.get` failed) and config
/// names (`None` when JetStream did not answer).
async fn read_lattice(
    client: &Client,
) -> Result<(Vec<HostInventory>, Option<Vec<Link>>, Option<Vec<String>>)> {
    let inventories = client.host_inventories().await?;
    let links = match client.links().await {
        Ok(links) => Some(links),
        Err(err) => {
            tracing::debug!(%err, "no links in the lattice snapshot");
            None
        }
    };
    Ok((inventories, links, config_names(client).await))
}

/// Keys of `CONFIGDATA_<lattice>`, when JetStream is reachable.
async fn config_names(client: &Client) -> Option<Vec<String>> {
    let nats = client.nats().clone();
    let js = match &client.context().js_domain {
        Some(domain) => async_nats::jetstream::with_domain(nats, domain),
        None => async_nats::jetstream::new(nats),
    };
    let bucket = trellis_proto::kv::config_data_bucket(client.lattice());
    let lookup = async {
        let store = js.get_key_value(bucket).await.ok()?;
        let keys = store.keys().await.ok()?;
        Some(
            keys.filter_map(|k| async move { k.ok() })
                .collect::<Vec<_>>()
                .await,
        )
    };
    tokio::time::timeout(client.context().timeout(), lookup)
        .await
        .ok()
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;
    use trellis_proto::{CloudEvent, ComponentScaled, ConfigChanged};

    fn message(source: &str, event: LatticeEvent) -> EventMessage {
        EventMessage {
            cloud_event: CloudEvent::from_event(source, &event),
            event,
        }
    }

    fn scaled(host: &str, id: &str, count: u32) -> LatticeEvent {
        LatticeEvent::ComponentScaled(ComponentScaled {
            annotations: BTreeMap::new(),
            component_id: id.into(),
            host_id: host.into(),
            image_ref: "file:///a.wasm".into(),
            max_instances: count,
            public_key: None,
            claims: None,
        })
    }

    #[test]
    fn events_produce_diffs_and_silence_expires_hosts() {
        let options = ModelOptions {
            heartbeat_interval: Duration::from_secs(10),
            missed_heartbeats: 2.5,
        };
        let mut model = LatticeModel::new(options);
        let t0 = Instant::now();

        let changes = model.apply_event(&message("NA", scaled("NA", "hello", 2)), t0);
        assert!(matches!(&changes[0], ModelChange::HostAdded { host } if host.id == "NA"));
        assert!(
            matches!(&changes[1], ModelChange::ComponentChanged { component, .. } if component.max_instances == 2)
        );
        // The same event again (hosts publish component_scaled twice) changes nothing.
        assert!(model
            .apply_event(&message("NA", scaled("NA", "hello", 2)), t0)
            .is_empty());

        let set = LatticeEvent::ConfigSet(ConfigChanged {
            config_name: "web".into(),
        });
        assert_eq!(
            model.apply_event(&message("NA", set), t0),
            [ModelChange::ConfigSet { name: "web".into() }]
        );
        let graph = model.graph();
        assert_eq!(graph.node_count(), 3, "host, component, config");
        assert_eq!(graph.edge_count(), 1, "host runs component");

        let changes = model.apply_event(&message("NA", scaled("NA", "hello", 0)), t0);
        assert_eq!(
            changes,
            [ModelChange::ComponentRemoved {
                host_id: "NA".into(),
                component_id: "hello".into()
            }]
        );

        assert!(
            model.expire(t0 + Duration::from_secs(24)).is_empty(),
            "within 2.5 intervals"
        );
        assert_eq!(
            model.expire(t0 + Duration::from_secs(26)),
            [ModelChange::HostRemoved {
                host_id: "NA".into(),
                reason: RemovalReason::MissedHeartbeats
            }]
        );
    }
}
