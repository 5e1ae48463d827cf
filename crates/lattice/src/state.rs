//! Connection state, observable through a `tokio::sync::watch` channel.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Where the client's NATS connection stands.
///
/// Serialised as `{"state":"connected"}` or `{"state":"failed","reason":"…"}` for the UI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ConnectionState {
    /// The first connection attempt is under way.
    Connecting,
    /// Connected; requests flow.
    Connected,
    /// The connection was lost; the client keeps retrying by itself.
    Reconnecting,
    /// The client gave up or was closed.
    Failed {
        /// Why.
        reason: String,
    },
}

impl ConnectionState {
    /// Whether requests can be sent now.
    pub fn is_connected(&self) -> bool {
        matches!(self, ConnectionState::Connected)
    }
}

impl fmt::Display for ConnectionState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConnectionState::Connecting => f.write_str("connecting"),
            ConnectionState::Connected => f.write_str("connected"),
            ConnectionState::Reconnecting => f.write_str("reconnecting"),
            ConnectionState::Failed { reason } => write!(f, "failed: {reason}"),
        }
    }
}

/// The state after an async-nats connection event, or `None` when the event does not
/// change it (slow consumers, server notices).
pub(crate) fn next_state(event: &async_nats::Event) -> Option<ConnectionState> {
    use async_nats::Event;
    match event {
        Event::Connected => Some(ConnectionState::Connected),
        Event::Disconnected => Some(ConnectionState::Reconnecting),
        Event::Closed => Some(ConnectionState::Failed {
            reason: "connection closed".into(),
        }),
        Event::ClientError(async_nats::ClientError::MaxReconnects) => {
            Some(ConnectionState::Failed {
                reason: "gave up reconnecting".into(),
            })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_map_to_states() {
        assert_eq!(
            next_state(&async_nats::Event::Disconnected),
            Some(ConnectionState::Reconnecting)
        );
        assert_eq!(
            next_state(&async_nats::Event::Connected),
            Some(ConnectionState::Connected)
        );
        assert!(matches!(
            next_state(&async_nats::Event::Closed),
            Some(ConnectionState::Failed { .. })
        ));
        assert_eq!(next_state(&async_nats::Event::SlowConsumer(1)), None);
    }

    #[test]
    fn json_shape() {
        let json = serde_json::to_string(&ConnectionState::Failed { reason: "x".into() }).unwrap();
        assert_eq!(json, r#"{"state":"failed","reason":"x"}"#);
        assert_eq!(
            serde_json::to_string(&ConnectionState::Reconnecting).unwrap(),
            r#"{"state":"reconnecting"}"#
        );
    }
}
