//! trellis-proto: wire types of the wasmCloud 1.x lattice, serde only, no I/O.
//!
//! Everything a Trellis host and client exchange over NATS is typed here,
//! with JSON field names exactly as real wasmCloud 1.9 hosts send them:
//!
//! - the ctl v1 reply envelope [`CtlResponse`] and every request body
//!   ([`ScaleComponentCommand`], [`Link`], [`HostLabel`], …);
//! - what hosts report: [`Host`] (`host.ping`), [`HostInventory`] (`host.get`
//!   and heartbeats), [`ComponentDescription`], [`ProviderDescription`];
//! - lattice events: the [`CloudEvent`] envelope and the typed [`LatticeEvent`];
//! - JetStream state: [`ComponentSpec`] (`LATTICEDATA_<lattice>`) and
//!   [`ConfigMap`] (`CONFIGDATA_<lattice>`), with bucket and key names in [`kv`];
//! - subject builders in [`subject`], and Trellis' own [`LogRecord`] and message-spy
//!   [`SpyRecord`].
//!
//! Parsing is lenient where real hosts differ (missing `limits` or
//! `js_domain`, `actors` for `components`, an omitted link `name`), and
//! unknown event types decode to [`LatticeEvent::Other`].
//!
//! # Example
//!
//! ```
//! use trellis_proto::{subject, CloudEvent, CtlResponse, Host, LatticeEvent, ConfigChanged};
//!
//! // A host.ping reply as a wasmCloud 1.9 host sends it.
//! let reply = r#"{"success":true,"message":"","response":{"id":"NB6R","friendly_name":"aged-field",
//!     "labels":{},"lattice":"default","version":"1.9.2","uptime_seconds":6,"uptime_human":"6s",
//!     "ctl_host":"nats://127.0.0.1:4222","rpc_host":"nats://127.0.0.1:4222"}}"#;
//! let reply: CtlResponse<Host> = serde_json::from_str(reply).unwrap();
//! assert_eq!(reply.response.unwrap().version, "1.9.2");
//!
//! assert_eq!(
//!     subject::host_get(subject::DEFAULT_CTL_PREFIX, "default", "NB6R"),
//!     "wasmbus.ctl.v1.default.host.get.NB6R"
//! );
//!
//! // Events round-trip through the CloudEvents envelope.
//! let event = LatticeEvent::ConfigSet(ConfigChanged { config_name: "web".into() });
//! let envelope = CloudEvent::from_event("NB6R", &event);
//! assert_eq!(envelope.r#type, "com.wasmcloud.lattice.config_set");
//! assert_eq!(LatticeEvent::from_cloud_event(&envelope).unwrap(), event);
//!
//! // Success replies without a payload carry no `response` key.
//! let ack = serde_json::to_string(&CtlResponse::success()).unwrap();
//! assert_eq!(ack, r#"{"success":true,"message":""}"#);
//! ```
#![deny(missing_docs)]

mod auction;
mod commands;
mod config;
mod ctl;
mod error;
mod events;
mod host;
mod lenient;
mod link;
mod logs;
mod spy;
mod url;
mod v2;
mod validate;

pub mod kv;
pub mod subject;

pub use auction::{
    labels_satisfy, ComponentAuctionAck, ComponentAuctionRequest, ProviderAuctionAck,
    ProviderAuctionRequest,
};
pub use commands::{
    ComponentCallRequest, ComponentCallResult, ComponentWitRequest, RegistryCredential,
    RegistryCredentials, ScaleComponentCommand, StartProviderCommand, StopHostCommand,
    StopProviderCommand, UpdateComponentCommand,
};
pub use config::{
    config_map_from_value, parse_config_map, ComponentSpec, ConfigMap, SECRET_CONFIG_PREFIX,
};
pub use ctl::{decode_request, CtlResponse};
pub use error::ProtoError;
pub use events::{
    format_time, new_event_id, CloudEvent, ComponentScaleFailed, ComponentScaled, ConfigChanged,
    HealthCheck, HostStarted, HostStopped, LabelsChanged, LatticeEvent, LinkdefDeleted,
    LinkdefSetFailed, ProviderStartFailed, ProviderStarted, ProviderStopped, EVENT_TYPE_PREFIX,
};
pub use host::{
    ComponentDescription, Host, HostInventory, HostLabel, HostLabelKey, ProviderDescription,
    HOSTCORE_LABEL_PREFIX,
};
pub use link::{DeleteLinkRequest, Link, LinkDefinition, LinkKey};
pub use logs::{LogLevel, LogRecord};
pub use spy::{
    SpyLeaseReply, SpyLeaseRequest, SpyRecord, SPY_MAX_RECORD_VALUE_BYTES, SPY_MAX_TTL_MS,
    SPY_MAX_VALUE_BYTES,
};
pub use subject::{DEFAULT_CTL_PREFIX, DEFAULT_LATTICE, DEFAULT_LINK_NAME};
pub use url::{redact_url, url_without_user_info};
pub use v2::{v2_heartbeat_subject, HostHeartbeatV2, WitInterfaceV2, V2_HEARTBEAT_ALL};
pub use validate::{validate_config_name, validate_host_id, validate_lattice_name};
