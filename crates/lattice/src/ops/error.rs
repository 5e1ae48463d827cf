//! The error type of the shared workflows.

use crate::LatticeError;

/// Why a workflow could not do what it was asked.
///
/// Each message is one line naming what it is about, fit to show as it is; callers
/// branch on the variant (the app maps them to its error codes, the CLI to exit codes).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OpsError {
    /// The request itself is wrong: an empty or unusable id, a path that is not a file,
    /// an unknown built-in provider.
    #[error("{0}")]
    InvalidInput(String),
    /// The component, provider or host named is not in the lattice.
    #[error("{0}")]
    NotFound(String),
    /// No host answered on the lattice.
    #[error("no hosts on lattice {lattice:?}: start one with `trellis up`")]
    NoHosts {
        /// The lattice name.
        lattice: String,
    },
    /// The WIT of the two ends of a link do not fit; the reason is the sentence the
    /// app shows when it refuses the same drag.
    #[error("cannot link: {reason}")]
    LinkRefused {
        /// Why, as a sentence.
        reason: String,
    },
    /// The host reported that the operation failed (a `*_failed` event).
    #[error("{message}")]
    Failed {
        /// The host's reason, with what failed.
        message: String,
    },
    /// Talking to the lattice failed.
    #[error(transparent)]
    Lattice(#[from] LatticeError),
}

/// The result type of the workflows.
pub type Result<T, E = OpsError> = std::result::Result<T, E>;
