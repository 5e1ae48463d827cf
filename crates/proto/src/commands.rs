//! Per-host ctl commands: scale, update, provider start/stop, host stop, registry credentials.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// `component.scale.<host_id>` body. `count: 0` stops the component.
///
/// Note the count field is `count`, not `max_instances` (the upstream docs are wrong).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScaleComponentCommand {
    /// Reference to fetch the component from.
    pub component_ref: String,
    /// Id to run it under.
    pub component_id: String,
    /// Maximum concurrent instances; 0 stops.
    ///
    /// Washboard and older clients send `max_instances` (or `max_concurrent`),
    /// so both are accepted on input; `count` is always written.
    #[serde(alias = "max_instances", alias = "max_concurrent")]
    pub count: u32,
    /// The addressed host.
    #[serde(default)]
    pub host_id: String,
    /// Named configs, merged left to right (right wins).
    #[serde(default)]
    pub config: Vec<String>,
    /// Whether a different `component_ref` should update the running image.
    #[serde(default)]
    pub allow_update: bool,
    /// Annotations to attach.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotations: Option<BTreeMap<String, String>>,
    /// Per-component limits.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_string_map"
    )]
    pub component_limits: Option<BTreeMap<String, String>>,
}

/// `component.update.<host_id>` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateComponentCommand {
    /// The running component to update.
    pub component_id: String,
    /// The reference to update it to.
    pub new_component_ref: String,
    /// The addressed host.
    #[serde(default)]
    pub host_id: String,
    /// Annotations to replace the old ones with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotations: Option<BTreeMap<String, String>>,
}

/// `provider.start.<host_id>` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StartProviderCommand {
    /// Id to run the provider under.
    pub provider_id: String,
    /// Provider reference, e.g. `wasmcloud+builtin://http-server`.
    pub provider_ref: String,
    /// The addressed host.
    #[serde(default)]
    pub host_id: String,
    /// Named configs for the provider.
    #[serde(default)]
    pub config: Vec<String>,
    /// Annotations to attach.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotations: Option<BTreeMap<String, String>>,
}

/// `provider.stop.<host_id>` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StopProviderCommand {
    /// The running provider to stop.
    pub provider_id: String,
    /// The addressed host.
    #[serde(default)]
    pub host_id: String,
}

/// `host.stop.<host_id>` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StopHostCommand {
    /// The addressed host.
    #[serde(default)]
    pub host_id: String,
    /// Graceful shutdown deadline in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<u64>,
}

fn default_registry_type() -> String {
    "oci".to_owned()
}

/// One registry's credentials in a `registry.put` body
/// (`{"<registry>": RegistryCredential}`; see [`RegistryCredentials`]).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistryCredential {
    /// User name for basic auth.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// Password for basic auth.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    /// Bearer token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// Registry kind; always `oci` in 1.x.
    #[serde(rename = "registryType", default = "default_registry_type")]
    pub registry_type: String,
}

// Hand-written so that secrets never reach logs.
impl std::fmt::Debug for RegistryCredential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegistryCredential")
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .field("registry_type", &self.registry_type)
            .finish()
    }
}

/// A whole `registry.put` body: registry host -> credentials.
pub type RegistryCredentials = BTreeMap<String, RegistryCredential>;

/// `trellis.call.<lattice>.<host_id>` body (a Trellis extension): call one exported
/// function of a running component with arguments in WAVE text. The reply is a ctl
/// envelope whose `response` is a [`ComponentCallResult`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComponentCallRequest {
    /// The running component.
    pub component_id: String,
    /// `ns:pkg/iface.name`, `ns:pkg/iface#name`, or a root export's `name`.
    pub function: String,
    /// One WAVE value per parameter.
    #[serde(default)]
    pub args: Vec<String>,
}

/// What a `trellis.call` returns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ComponentCallResult {
    /// Each result as WAVE text.
    pub results: Vec<String>,
    /// How long the call took on the host, instantiation included, in milliseconds.
    pub duration_ms: f64,
}

/// `trellis.wit.<lattice>.<host_id>` body (a Trellis extension): which running
/// component's WIT to send. The reply is a ctl envelope whose `response` is the
/// component's decoded WIT (the `trellis-wit` crate's `ComponentWit`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComponentWitRequest {
    /// The running component.
    pub component_id: String,
}
