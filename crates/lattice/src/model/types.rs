//! What the model tells: options, host info, changes and snapshots.

use super::*;

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
    /// A wasmCloud 2.x host heartbeat (a new host, or new counts).
    V2HostSeen {
        /// The host.
        host: super::V2HostInfo,
    },
    /// A wasmCloud 2.x host missed four heartbeats (2.x hosts say no goodbye).
    V2HostRemoved {
        /// Host id.
        host_id: String,
    },
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
    /// wasmCloud 2.x hosts heard on the same NATS server.
    #[serde(default)]
    pub v2_hosts: Vec<super::V2HostInfo>,
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
