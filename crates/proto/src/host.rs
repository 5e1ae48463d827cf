//! Hosts and what runs on them: `host.ping`, `host.get` and label requests.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One host's answer to `host.ping`.
///
/// Fields other than `id` default when missing so that older hosts still parse.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Host {
    /// The host's public server nkey (`N…`).
    pub id: String,
    /// A random human name such as `aged-field-9725`.
    #[serde(default)]
    pub friendly_name: String,
    /// Host labels, always including `hostcore.arch`, `hostcore.os` and `hostcore.osfamily`.
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    /// The lattice the host belongs to.
    #[serde(default)]
    pub lattice: String,
    /// Host software version, e.g. `1.9.2`.
    #[serde(default)]
    pub version: String,
    /// Seconds since the host started.
    #[serde(default)]
    pub uptime_seconds: u64,
    /// Uptime as text, e.g. `6s`.
    #[serde(default)]
    pub uptime_human: String,
    /// NATS URL of the host's control connection.
    #[serde(default)]
    pub ctl_host: String,
    /// NATS URL of the host's RPC connection.
    #[serde(default)]
    pub rpc_host: String,
    /// JetStream domain, left out of the JSON when none is set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub js_domain: Option<String>,
}

/// A host's full inventory: the `host.get` reply and the `host_heartbeat` event data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostInventory {
    /// The host's public server nkey (`N…`).
    pub host_id: String,
    /// The host's human name.
    #[serde(default)]
    pub friendly_name: String,
    /// Host labels.
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    /// Host software version.
    #[serde(default)]
    pub version: String,
    /// Seconds since the host started.
    #[serde(default)]
    pub uptime_seconds: u64,
    /// Uptime as text.
    #[serde(default)]
    pub uptime_human: String,
    /// Running components (`actors` in pre-1.0 data).
    #[serde(default, alias = "actors")]
    pub components: Vec<ComponentDescription>,
    /// Running capability providers.
    #[serde(default)]
    pub providers: Vec<ProviderDescription>,
}

/// A component entry in a host inventory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ComponentDescription {
    /// Component id (free-form; wadm uses `<app>-<component>`).
    pub id: String,
    /// The reference the component was started from.
    #[serde(default)]
    pub image_ref: String,
    /// Name from embedded claims; absent for unsigned components.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Annotations given at scale time; always serialised, `{}` when empty.
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
    /// Claims revision, 0 when unsigned.
    #[serde(default)]
    pub revision: i32,
    /// Maximum concurrent instances.
    #[serde(default)]
    pub max_instances: u32,
    /// Per-component limits; serialised as `null` when unset, as real hosts do.
    #[serde(default, deserialize_with = "crate::lenient::opt_string_map")]
    pub limits: Option<BTreeMap<String, String>>,
}

/// A capability provider entry in a host inventory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ProviderDescription {
    /// Provider id.
    pub id: String,
    /// Image reference; for builtins the bare name such as `http-server`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_ref: Option<String>,
    /// Name from embedded claims; absent for unsigned providers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Annotations given at start; always serialised, `{}` when empty.
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
    /// Claims revision, 0 when unsigned.
    #[serde(default)]
    pub revision: i32,
}

/// `label.put.<host_id>` request body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostLabel {
    /// Label key; keys starting `hostcore.` are refused by hosts.
    pub key: String,
    /// Label value.
    pub value: String,
}

/// `label.del.<host_id>` request body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostLabelKey {
    /// Label key to remove.
    pub key: String,
}

/// Label keys with this prefix are owned by the host and cannot be changed over ctl.
pub const HOSTCORE_LABEL_PREFIX: &str = "hostcore.";
