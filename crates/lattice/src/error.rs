//! The one error type of this crate.

use std::path::PathBuf;
use std::time::Duration;

/// Everything that can go wrong while talking to a lattice.
///
/// Each message is one line meant to be shown to a user as it is: it names the URL,
/// subject, host or file concerned.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LatticeError {
    /// Nothing answered at the NATS URL (refused, unreachable, DNS, timed out).
    #[error("cannot reach NATS at {url}: {reason}")]
    Unreachable {
        /// The URL(s) tried.
        url: String,
        /// Why, e.g. "connection refused".
        reason: String,
    },
    /// The server refused the credentials.
    #[error("NATS at {url} refused the credentials: {reason}")]
    Auth {
        /// The URL(s) tried.
        url: String,
        /// The server's or signer's explanation.
        reason: String,
    },
    /// The TLS handshake or TLS setup failed.
    #[error("TLS with NATS at {url} failed: {reason}")]
    Tls {
        /// The URL(s) tried.
        url: String,
        /// What went wrong (bad CA file, unknown issuer, ...).
        reason: String,
    },
    /// A file named by the context (creds, seed, certificate) could not be used.
    #[error("cannot use {what} {path}: {reason}")]
    File {
        /// What the file is for, e.g. "creds file".
        what: &'static str,
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// The context itself is invalid (bad URL, bad lattice name, bad seed, ...).
    #[error("invalid context: {0}")]
    InvalidContext(String),
    /// An argument that cannot be used (e.g. an id with a '.' that would break the subject).
    #[error("{0}")]
    InvalidArgument(String),
    /// The client is not connected right now (it keeps reconnecting by itself).
    #[error("not connected to NATS at {url} ({state})")]
    NotConnected {
        /// The server URL(s).
        url: String,
        /// The current state, e.g. "reconnecting".
        state: String,
    },
    /// No host (or no queue-group member) listens on the subject.
    #[error("no responders on {subject}: {hint}")]
    NoResponders {
        /// The ctl subject.
        subject: String,
        /// Who should have answered.
        hint: String,
    },
    /// A request got no reply in time.
    #[error("no reply on {subject} within {} ms", .after.as_millis())]
    Timeout {
        /// The ctl subject.
        subject: String,
        /// How long we waited.
        after: Duration,
    },
    /// The host answered `success:false`.
    #[error("{operation} failed: {message}")]
    Rejected {
        /// The operation, e.g. "link.put".
        operation: String,
        /// The host's message.
        message: String,
    },
    /// A reply, event or log record could not be decoded.
    #[error("bad reply on {subject}: {reason}")]
    BadReply {
        /// Where it came from.
        subject: String,
        /// The decoding error.
        reason: String,
    },
    /// A successful reply lacked the `response` it should carry.
    #[error("reply on {subject} has no response")]
    MissingResponse {
        /// The ctl subject.
        subject: String,
    },
    /// An outcome event did not arrive in time.
    #[error("no {what} event within {} s", .after.as_secs())]
    NoOutcome {
        /// The events waited for.
        what: String,
        /// How long we waited.
        after: Duration,
    },
    /// A NATS operation (publish, subscribe, flush) failed.
    #[error("NATS {operation} failed: {reason}")]
    Nats {
        /// What was being done.
        operation: &'static str,
        /// The client's error text.
        reason: String,
    },
    /// The contexts file could not be read or written.
    #[error("{action} {path}: {reason}")]
    Store {
        /// What was being done.
        action: &'static str,
        /// The file or directory.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// A context name that is not saved.
    #[error("no context named {0:?} (see `trellis context list`)")]
    UnknownContext(String),
    /// Wire data that trellis-proto rejected.
    #[error(transparent)]
    Proto(#[from] trellis_proto::ProtoError),
}

/// A `Result` with [`LatticeError`].
pub type Result<T, E = LatticeError> = std::result::Result<T, E>;
