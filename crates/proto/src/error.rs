//! The one error type of this crate.

use thiserror::Error;

/// Everything that can go wrong while decoding or validating wire data.
///
/// Messages are meant to be shown to a user as they are (a ctl reply's
/// `message`, a CLI error line), so each names the offending value.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ProtoError {
    /// A ctl request body could not be decoded into the expected type.
    #[error("invalid {what} request: {source}")]
    Request {
        /// Which request was being decoded, e.g. `component.scale`.
        what: &'static str,
        /// The JSON error, naming the field and position.
        #[source]
        source: serde_json::Error,
    },
    /// A JSON document (reply, event, KV entry) could not be decoded.
    #[error("invalid JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// A config body was not a flat object of string values.
    ///
    /// The message starts with the exact text a wasmCloud 1.x host replies with,
    /// then names what was wrong (the key whose value is not a string, say).
    #[error("config data should be a map of string -> string: {0}")]
    InvalidConfig(String),
    /// A lattice name that cannot be used as one NATS subject token.
    #[error("invalid lattice name {name:?}: {reason}")]
    InvalidLatticeName {
        /// The rejected name.
        name: String,
        /// Why it was rejected.
        reason: &'static str,
    },
    /// A config name that cannot be used in a subject or as a KV key.
    #[error("invalid config name {name:?}: {reason}")]
    InvalidConfigName {
        /// The rejected name.
        name: String,
        /// Why it was rejected.
        reason: &'static str,
    },
    /// A host id that is not a public server nkey (`N…`).
    #[error("invalid host id {id:?}: {reason}")]
    InvalidHostId {
        /// The rejected id.
        id: String,
        /// Why it was rejected.
        reason: &'static str,
    },
    /// A link definition with an empty or malformed field.
    #[error("invalid link: {0}")]
    InvalidLink(String),
    /// A CloudEvent whose `type` is not `com.wasmcloud.lattice.<event_type>`.
    #[error("not a wasmCloud lattice event type: {0:?}")]
    NotALatticeEvent(String),
    /// A known lattice event whose `data` does not have the expected shape.
    #[error("invalid data for lattice event {event_type}: {source}")]
    EventData {
        /// The event type, e.g. `component_scaled`.
        event_type: String,
        /// The JSON error, naming the field.
        #[source]
        source: serde_json::Error,
    },
    /// A timestamp that is not RFC 3339.
    #[error("invalid RFC 3339 time {value:?}: {reason}")]
    InvalidTime {
        /// The rejected text.
        value: String,
        /// The parser's explanation.
        reason: String,
    },
    /// A log level name that is not one of trace, debug, info, warn, error, critical.
    #[error("unknown log level {0:?} (expected trace, debug, info, warn, error or critical)")]
    UnknownLogLevel(String),
}
