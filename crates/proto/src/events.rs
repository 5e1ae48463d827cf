//! Lattice events: the CloudEvents 1.0 envelope and the typed `data` of each event type.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::{HostInventory, Link, ProtoError};

/// The prefix of every wasmCloud lattice CloudEvent `type`.
pub const EVENT_TYPE_PREFIX: &str = "com.wasmcloud.lattice.";

/// A CloudEvents 1.0 JSON envelope as published on `wasmbus.evt.<lattice>.<event_type>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CloudEvent {
    /// Always `"1.0"`.
    pub specversion: String,
    /// Unique, time-ordered id (a ULID shaped as a UUID).
    pub id: String,
    /// The publishing host's id.
    pub source: String,
    /// `com.wasmcloud.lattice.<event_type>`.
    pub r#type: String,
    /// RFC 3339 time with nanoseconds.
    pub time: String,
    /// Always `"application/json"`.
    #[serde(default = "default_content_type")]
    pub datacontenttype: String,
    /// The event data, a JSON object.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(type = "unknown"))]
    pub data: Value,
}

fn default_content_type() -> String {
    "application/json".to_owned()
}

impl CloudEvent {
    /// Wraps `event` in an envelope from `source_host_id`, stamped now.
    pub fn from_event(source_host_id: &str, event: &LatticeEvent) -> Self {
        Self {
            specversion: "1.0".to_owned(),
            id: new_event_id(),
            source: source_host_id.to_owned(),
            r#type: format!("{EVENT_TYPE_PREFIX}{}", event.event_type()),
            time: format_time(OffsetDateTime::now_utc()),
            datacontenttype: default_content_type(),
            data: event.data(),
        }
    }

    /// The event type without the `com.wasmcloud.lattice.` prefix, if it has that prefix.
    pub fn event_type(&self) -> Option<&str> {
        self.r#type.strip_prefix(EVENT_TYPE_PREFIX)
    }

    /// Parses `time`.
    pub fn timestamp(&self) -> Result<OffsetDateTime, ProtoError> {
        OffsetDateTime::parse(&self.time, &Rfc3339).map_err(|e| ProtoError::InvalidTime {
            value: self.time.clone(),
            reason: e.to_string(),
        })
    }
}

/// A fresh event id: a ULID (so ids sort by time) rendered as a UUID.
pub fn new_event_id() -> String {
    uuid::Uuid::from_u128(ulid::Ulid::new().0).to_string()
}

/// Formats `t` as RFC 3339 in UTC with nine fractional digits, e.g.
/// `2026-01-02T03:04:05.123456789Z`.
pub fn format_time(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:09}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.nanosecond()
    )
}

/// `host_started` data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostStarted {
    /// The host's human name.
    #[serde(default)]
    pub friendly_name: String,
    /// Host labels.
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    /// Always 0.
    #[serde(default)]
    pub uptime_seconds: u64,
    /// Host software version.
    #[serde(default)]
    pub version: String,
}

/// `host_stopped` data.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct HostStopped {
    /// Host labels.
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
}

/// `component_scaled` data (also sent for scale-to-0 and updates).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComponentScaled {
    /// Component annotations.
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
    /// The component id.
    pub component_id: String,
    /// The publishing host.
    #[serde(default)]
    pub host_id: String,
    /// The component's reference.
    #[serde(default)]
    pub image_ref: String,
    /// New instance count (0 when stopped).
    #[serde(default)]
    pub max_instances: u32,
    /// The component's `M…` key, when signed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_key: Option<String>,
    /// Embedded claims, when signed (`call_alias, issuer, tags, name, version, revision, …`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claims: Option<Value>,
}

/// `component_scale_failed` data: [`ComponentScaled`] plus `error`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComponentScaleFailed {
    /// What was being attempted.
    #[serde(flatten)]
    pub scale: ComponentScaled,
    /// Why it failed.
    pub error: String,
}

/// `provider_started` data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProviderStarted {
    /// Provider annotations.
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
    /// The publishing host.
    #[serde(default)]
    pub host_id: String,
    /// The provider reference (builtins: the bare name).
    #[serde(default)]
    pub image_ref: String,
    /// The provider id.
    pub provider_id: String,
    /// Embedded claims, when signed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claims: Option<Value>,
    /// Legacy instance id, sent by signed providers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_id: Option<String>,
    /// Legacy `V…` key, sent by signed providers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_key: Option<String>,
    /// Legacy link name, sent by signed providers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link_name: Option<String>,
}

/// `provider_start_failed` data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderStartFailed {
    /// Why it failed.
    pub error: String,
    /// The publishing host.
    #[serde(default)]
    pub host_id: String,
    /// Always `"default"`.
    #[serde(default = "crate::link::default_link_name")]
    pub link_name: String,
    /// The provider id.
    pub provider_id: String,
    /// The reference that failed.
    #[serde(default)]
    pub provider_ref: String,
}

/// `provider_stopped` data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderStopped {
    /// Provider annotations.
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
    /// The publishing host.
    #[serde(default)]
    pub host_id: String,
    /// Equals the provider id on 1.9 hosts.
    #[serde(default)]
    pub instance_id: String,
    /// Always `"default"`.
    #[serde(default = "crate::link::default_link_name")]
    pub link_name: String,
    /// The provider id.
    pub provider_id: String,
    /// Equals the provider id on 1.9 hosts for unsigned providers.
    #[serde(default)]
    pub public_key: String,
    /// Why it stopped, e.g. `"stop"`.
    #[serde(default)]
    pub reason: String,
}

/// `linkdef_set_failed` data: the [`Link`] plus `error`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkdefSetFailed {
    /// The rejected link.
    #[serde(flatten)]
    pub link: Link,
    /// Why it was rejected.
    pub error: String,
}

/// `linkdef_deleted` data. `target` and `interfaces` are only present when a link was removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkdefDeleted {
    /// The link source.
    pub source_id: String,
    /// Link name.
    #[serde(default = "crate::link::default_link_name")]
    pub name: String,
    /// WIT namespace.
    pub wit_namespace: String,
    /// WIT package.
    pub wit_package: String,
    /// The removed link's target.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// The removed link's interfaces.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interfaces: Option<Vec<String>>,
}

/// `config_set` / `config_deleted` data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigChanged {
    /// The config name.
    pub config_name: String,
}

/// `labels_changed` data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LabelsChanged {
    /// The host whose labels changed.
    pub host_id: String,
    /// The full label set after the change.
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
}

/// `health_check_passed` / `_failed` / `_status` data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthCheck {
    /// The host running the provider.
    pub host_id: String,
    /// The provider checked.
    pub provider_id: String,
    /// Why a check failed, or the provider's own message (a Trellis addition; wasmCloud
    /// 1.x hosts send none, and readers ignore it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// A lattice event, one variant per event type a 1.9 host emits.
///
/// Unknown types parse as [`LatticeEvent::Other`] so a client keeps working
/// against newer hosts.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum LatticeEvent {
    /// `host_started`.
    HostStarted(HostStarted),
    /// `host_stopped`.
    HostStopped(HostStopped),
    /// `host_heartbeat`, carrying the full inventory.
    HostHeartbeat(HostInventory),
    /// `component_scaled`.
    ComponentScaled(ComponentScaled),
    /// `component_scale_failed`.
    ComponentScaleFailed(ComponentScaleFailed),
    /// `provider_started`.
    ProviderStarted(ProviderStarted),
    /// `provider_start_failed`.
    ProviderStartFailed(ProviderStartFailed),
    /// `provider_stopped`.
    ProviderStopped(ProviderStopped),
    /// `linkdef_set`.
    LinkdefSet(Link),
    /// `linkdef_set_failed`.
    LinkdefSetFailed(LinkdefSetFailed),
    /// `linkdef_deleted`.
    LinkdefDeleted(LinkdefDeleted),
    /// `config_set`.
    ConfigSet(ConfigChanged),
    /// `config_deleted`.
    ConfigDeleted(ConfigChanged),
    /// `labels_changed`.
    LabelsChanged(LabelsChanged),
    /// `health_check_passed`.
    HealthCheckPassed(HealthCheck),
    /// `health_check_failed`.
    HealthCheckFailed(HealthCheck),
    /// `health_check_status`.
    HealthCheckStatus(HealthCheck),
    /// Any other event type, kept verbatim.
    Other {
        /// The type without the `com.wasmcloud.lattice.` prefix.
        event_type: String,
        /// The raw data.
        data: Value,
    },
}

impl LatticeEvent {
    /// The event type as used in subjects and `type`, e.g. `component_scaled`.
    pub fn event_type(&self) -> &str {
        match self {
            Self::HostStarted(_) => "host_started",
            Self::HostStopped(_) => "host_stopped",
            Self::HostHeartbeat(_) => "host_heartbeat",
            Self::ComponentScaled(_) => "component_scaled",
            Self::ComponentScaleFailed(_) => "component_scale_failed",
            Self::ProviderStarted(_) => "provider_started",
            Self::ProviderStartFailed(_) => "provider_start_failed",
            Self::ProviderStopped(_) => "provider_stopped",
            Self::LinkdefSet(_) => "linkdef_set",
            Self::LinkdefSetFailed(_) => "linkdef_set_failed",
            Self::LinkdefDeleted(_) => "linkdef_deleted",
            Self::ConfigSet(_) => "config_set",
            Self::ConfigDeleted(_) => "config_deleted",
            Self::LabelsChanged(_) => "labels_changed",
            Self::HealthCheckPassed(_) => "health_check_passed",
            Self::HealthCheckFailed(_) => "health_check_failed",
            Self::HealthCheckStatus(_) => "health_check_status",
            Self::Other { event_type, .. } => event_type,
        }
    }

    /// The event's `data` as JSON.
    pub fn data(&self) -> Value {
        // Serialising these plain structs with string-keyed maps cannot fail,
        // so `Null` is unreachable in practice rather than a silent fallback.
        fn to<T: Serialize>(t: &T) -> Value {
            serde_json::to_value(t).unwrap_or(Value::Null)
        }
        match self {
            Self::HostStarted(d) => to(d),
            Self::HostStopped(d) => to(d),
            Self::HostHeartbeat(d) => to(d),
            Self::ComponentScaled(d) => to(d),
            Self::ComponentScaleFailed(d) => to(d),
            Self::ProviderStarted(d) => to(d),
            Self::ProviderStartFailed(d) => to(d),
            Self::ProviderStopped(d) => to(d),
            Self::LinkdefSet(d) => to(d),
            Self::LinkdefSetFailed(d) => to(d),
            Self::LinkdefDeleted(d) => to(d),
            Self::ConfigSet(d) | Self::ConfigDeleted(d) => to(d),
            Self::LabelsChanged(d) => to(d),
            Self::HealthCheckPassed(d)
            | Self::HealthCheckFailed(d)
            | Self::HealthCheckStatus(d) => to(d),
            Self::Other { data, .. } => data.clone(),
        }
    }

    /// Decodes a CloudEvent. Unknown event types become [`LatticeEvent::Other`];
    /// a `type` outside `com.wasmcloud.lattice.` or a known type with malformed
    /// data is an error.
    pub fn from_cloud_event(event: &CloudEvent) -> Result<Self, ProtoError> {
        let event_type = event
            .event_type()
            .ok_or_else(|| ProtoError::NotALatticeEvent(event.r#type.clone()))?;
        Self::from_parts(event_type, event.data.clone())
    }

    /// Decodes `data` of the given event type (without prefix).
    pub fn from_parts(event_type: &str, data: Value) -> Result<Self, ProtoError> {
        fn parse<T: DeserializeOwned>(event_type: &str, data: Value) -> Result<T, ProtoError> {
            serde_json::from_value(data).map_err(|source| ProtoError::EventData {
                event_type: event_type.to_owned(),
                source,
            })
        }
        let t = event_type;
        Ok(match t {
            "host_started" => Self::HostStarted(parse(t, data)?),
            "host_stopped" => Self::HostStopped(parse(t, data)?),
            "host_heartbeat" => Self::HostHeartbeat(parse(t, data)?),
            "component_scaled" => Self::ComponentScaled(parse(t, data)?),
            "component_scale_failed" => Self::ComponentScaleFailed(parse(t, data)?),
            "provider_started" => Self::ProviderStarted(parse(t, data)?),
            "provider_start_failed" => Self::ProviderStartFailed(parse(t, data)?),
            "provider_stopped" => Self::ProviderStopped(parse(t, data)?),
            "linkdef_set" => Self::LinkdefSet(parse(t, data)?),
            "linkdef_set_failed" => Self::LinkdefSetFailed(parse(t, data)?),
            "linkdef_deleted" => Self::LinkdefDeleted(parse(t, data)?),
            "config_set" => Self::ConfigSet(parse(t, data)?),
            "config_deleted" => Self::ConfigDeleted(parse(t, data)?),
            "labels_changed" => Self::LabelsChanged(parse(t, data)?),
            "health_check_passed" => Self::HealthCheckPassed(parse(t, data)?),
            "health_check_failed" => Self::HealthCheckFailed(parse(t, data)?),
            "health_check_status" => Self::HealthCheckStatus(parse(t, data)?),
            other => Self::Other {
                event_type: other.to_owned(),
                data,
            },
        })
    }
}
