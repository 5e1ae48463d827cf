//! The one error type commands return to the webview.
//!
//! It serialises as `{"code": "...", "message": "..."}`: `code` is a stable snake_case
//! string the frontend branches on (generated into `frontend/src/api/generated.ts`), `message`
//! is one line fit to show as it is.

use serde::Serialize;
use trellis_host::HostError;
use trellis_lattice::ops::OpsError;
use trellis_lattice::LatticeError;
use trellis_local::{LocalError, LocalNatsError};

/// What kind of failure a [`CommandError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The lattice is still starting (or failed to start); try again later.
    NotReady,
    /// No `nats-server` binary was found for the local lattice.
    NatsNotFound,
    /// The local `nats-server` could not be started.
    LocalNats,
    /// The embedded host failed.
    Host,
    /// Talking to the lattice failed.
    Lattice,
    /// The request itself is wrong (an empty id, a path that is not a file).
    InvalidInput,
    /// The component (or other item) named is not in the lattice.
    NotFound,
    /// Anything else (a bug, an I/O error of the app itself).
    Internal,
}

/// A failed command, as the webview sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[error("{message}")]
pub struct CommandError {
    /// The kind of failure.
    pub code: ErrorCode,
    /// A one-line explanation for the user.
    pub message: String,
}

impl CommandError {
    /// An error with this code and message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        CommandError {
            code,
            message: message.into(),
        }
    }
}

impl From<LocalNatsError> for CommandError {
    fn from(err: LocalNatsError) -> Self {
        let code = match err {
            LocalNatsError::NotFound => ErrorCode::NatsNotFound,
            _ => ErrorCode::LocalNats,
        };
        CommandError::new(code, err.to_string())
    }
}

impl From<LocalError> for CommandError {
    fn from(err: LocalError) -> Self {
        match err {
            LocalError::Nats(err) => err.into(),
            LocalError::Host(err) => err.into(),
            other => CommandError::new(ErrorCode::LocalNats, other.to_string()),
        }
    }
}

impl From<OpsError> for CommandError {
    fn from(err: OpsError) -> Self {
        let code = match &err {
            OpsError::InvalidInput(_) | OpsError::LinkRefused { .. } => ErrorCode::InvalidInput,
            OpsError::NotFound(_) | OpsError::NoHosts { .. } => ErrorCode::NotFound,
            OpsError::Failed { .. } => ErrorCode::Host,
            _ => ErrorCode::Lattice,
        };
        CommandError::new(code, err.to_string())
    }
}

impl From<HostError> for CommandError {
    fn from(err: HostError) -> Self {
        CommandError::new(ErrorCode::Host, err.to_string())
    }
}

impl From<LatticeError> for CommandError {
    fn from(err: LatticeError) -> Self {
        CommandError::new(ErrorCode::Lattice, err.to_string())
    }
}

impl From<trellis_wadm::Error> for CommandError {
    fn from(err: trellis_wadm::Error) -> Self {
        let code = match &err {
            trellis_wadm::Error::Manifest(_) => ErrorCode::InvalidInput,
            trellis_wadm::Error::NotFound(_) => ErrorCode::NotFound,
            trellis_wadm::Error::Examples(_) => ErrorCode::NotFound,
            _ => ErrorCode::Lattice,
        };
        CommandError::new(code, err.to_string())
    }
}

impl From<trellis_v2::V2Error> for CommandError {
    fn from(err: trellis_v2::V2Error) -> Self {
        let code = match &err {
            trellis_v2::V2Error::Invalid(_) => ErrorCode::InvalidInput,
            trellis_v2::V2Error::NoSuchHost { .. } | trellis_v2::V2Error::HostNotSeen { .. } => {
                ErrorCode::NotFound
            }
            _ => ErrorCode::Lattice,
        };
        CommandError::new(code, err.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_as_code_and_message() {
        let err = CommandError::new(ErrorCode::NotReady, "the local lattice is still starting");
        assert_eq!(
            serde_json::to_value(&err).unwrap(),
            serde_json::json!({"code": "not_ready", "message": "the local lattice is still starting"})
        );
    }

    #[test]
    fn every_code_has_its_wire_name() {
        // The frontend names these strings in `ErrorCode` (frontend/src/api/index.ts).
        let names: Vec<String> = [
            ErrorCode::NotReady,
            ErrorCode::NatsNotFound,
            ErrorCode::LocalNats,
            ErrorCode::Host,
            ErrorCode::Lattice,
            ErrorCode::InvalidInput,
            ErrorCode::NotFound,
            ErrorCode::Internal,
        ]
        .iter()
        .map(|c| {
            serde_json::to_value(c)
                .unwrap()
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
        assert_eq!(
            names,
            [
                "not_ready",
                "nats_not_found",
                "local_nats",
                "host",
                "lattice",
                "invalid_input",
                "not_found",
                "internal"
            ]
        );
    }

    #[test]
    fn missing_nats_server_gets_its_own_code() {
        let err = CommandError::from(LocalNatsError::NotFound);
        assert_eq!(err.code, ErrorCode::NatsNotFound);
        assert!(
            err.message.starts_with("nats-server not found"),
            "{}",
            err.message
        );
    }
}
