//! What can go wrong speaking to a 2.x host, naming the host and the reason.

use std::time::Duration;

/// A failed exchange with a wasmCloud 2.x host.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum V2Error {
    /// Nobody listens on the host's subjects: no such host is connected.
    #[error("no wasmCloud 2.x host {host} is connected to this NATS server")]
    NoSuchHost {
        /// The host id asked for.
        host: String,
    },
    /// No host with that id, hostname or friendly name sent a heartbeat in time.
    #[error(
        "no wasmCloud 2.x host named {wanted:?} sent a heartbeat within {waited:?} \
         (hosts heartbeat every 15 s; known: {known})"
    )]
    HostNotSeen {
        /// What was asked for.
        wanted: String,
        /// How long Trellis listened.
        waited: Duration,
        /// The hosts that were seen, or "none".
        known: String,
    },
    /// The host sent nothing back in time.
    #[error(
        "host {host} sent no reply to {command} within {waited:?} \
         (a 2.x host does not answer a request it cannot parse; its own log says why)"
    )]
    NoReply {
        /// The host id.
        host: String,
        /// `workload.start`, `workload.status`, `workload.stop`, `heartbeat`.
        command: String,
        /// The timeout.
        waited: Duration,
    },
    /// The reply did not parse.
    #[error("host {host} sent a {command} reply that does not parse: {reason}")]
    BadReply {
        /// The host id.
        host: String,
        /// The command answered.
        command: String,
        /// The parser's reason.
        reason: String,
    },
    /// The workload reached an error state (or was not found).
    #[error("workload {workload} on host {host}: {state}: {message}")]
    Workload {
        /// The host id.
        host: String,
        /// The workload id.
        workload: String,
        /// The state name (`WORKLOAD_STATE_ERROR`, …).
        state: String,
        /// The host's message.
        message: String,
    },
    /// The request could not be made (input or connection).
    #[error("{0}")]
    Invalid(String),
    /// NATS failed.
    #[error("NATS: {0}")]
    Nats(String),
    /// Reading or writing the record of started workloads failed.
    #[error("workload record {path}: {error}")]
    Record {
        /// The file.
        path: std::path::PathBuf,
        /// Why.
        error: std::io::Error,
    },
}
