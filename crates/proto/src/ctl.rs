//! The reply envelope every ctl v1 subject answers with.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::ProtoError;

/// `{"success":bool,"message":string,"response":<T>?}`, the ctl v1 reply envelope.
///
/// `response` is left out of the JSON entirely when `None`, as real hosts do
/// (`{"success":true,"message":""}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CtlResponse<T> {
    /// Whether the host accepted the request.
    pub success: bool,
    /// Human-readable outcome; empty on most successes.
    #[serde(default)]
    pub message: String,
    /// The payload, for operations that return one.
    #[serde(default = "Option::default", skip_serializing_if = "Option::is_none")]
    pub response: Option<T>,
}

impl<T> CtlResponse<T> {
    /// A success carrying `response`, with an empty message.
    pub fn ok(response: T) -> Self {
        Self {
            success: true,
            message: String::new(),
            response: Some(response),
        }
    }

    /// Turns the envelope into a `Result`: the response (if any) on success,
    /// the host's message on failure.
    pub fn into_result(self) -> Result<Option<T>, String> {
        if self.success {
            Ok(self.response)
        } else {
            Err(self.message)
        }
    }
}

impl CtlResponse<()> {
    /// `{"success":true,"message":""}`.
    pub fn success() -> Self {
        Self::success_with_message(String::new())
    }

    /// `{"success":true,"message":<message>}`, e.g. "successfully set link".
    pub fn success_with_message(message: impl Into<String>) -> Self {
        Self {
            success: true,
            message: message.into(),
            response: None,
        }
    }

    /// `{"success":false,"message":<message>}`.
    pub fn error(message: impl Into<String>) -> Self {
        Self {
            success: false,
            message: message.into(),
            response: None,
        }
    }
}

/// Decodes a ctl request body, naming the operation in the error.
///
/// `what` is the operation as it appears in the subject (e.g. `"component.scale"`),
/// so a host can reply `success:false` with a message such as
/// `invalid component.scale request: missing field `count` at line 1 column 42`.
pub fn decode_request<T: DeserializeOwned>(
    what: &'static str,
    body: &[u8],
) -> Result<T, ProtoError> {
    serde_json::from_slice(body).map_err(|source| ProtoError::Request { what, source })
}
