//! The error type of the local lattice.

use std::path::PathBuf;

use trellis_nats_server::LocalNatsError;

/// Why the local lattice could not be started or joined.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LocalError {
    /// No data directory could be found.
    #[error(
        "cannot find a data directory for Trellis; set {}",
        crate::DATA_DIR_ENV
    )]
    NoDataDir,
    /// A file of the data directory could not be used.
    #[error("{action} {path}: {source}")]
    Io {
        /// What was being done.
        action: &'static str,
        /// The file or directory.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The server could not be started.
    #[error(transparent)]
    Nats(#[from] LocalNatsError),
    /// Another Trellis process holds the local lattice but it could not be joined.
    #[error(
        "another Trellis process (pid {pid}) holds the local lattice in {dir} but it could not be \
         joined: {reason}"
    )]
    CannotJoin {
        /// The owner's process id, as it wrote it (0 when unknown).
        pid: u32,
        /// The data directory.
        dir: PathBuf,
        /// Why.
        reason: String,
    },
    /// A port was asked for, but the running local lattice listens elsewhere.
    #[error(
        "the local lattice already runs at {url} (started by another Trellis process); \
         --nats-port and --nats-websocket-port apply only when starting it"
    )]
    PortsOfRunningLattice {
        /// Where it listens.
        url: String,
    },
    /// Connecting to the server failed.
    #[error("cannot connect to the local nats-server at {url}: {reason}")]
    Connect {
        /// The server URL.
        url: String,
        /// Why.
        reason: String,
    },
    /// The embedded host failed to start.
    #[error("cannot start the host: {0}")]
    Host(#[from] trellis_host::HostError),
}
