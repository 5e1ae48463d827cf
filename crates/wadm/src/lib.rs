//! wasmCloud's application deployment manager (wadm) in Trellis.
//!
//! # Brief overview
//! - [`start`] runs the real wadm (crate `wadm` 0.21.1) inside this process, against a
//!   NATS server with JetStream: the local lattice's, usually. It drives hosts through
//!   the ctl interface exactly as it drives wasmCloud 1.x hosts. The returned
//!   [`WadmHandle`] stops it when dropped.
//! - [`apps`] talks to any wadm (embedded here or running elsewhere) over its NATS API,
//!   `wadm.api.<lattice>.model.*`, with the official `wadm-client`: put, deploy,
//!   undeploy, delete, list, status, get and version history of applications.
//! - [`gallery`] lists the examples a newcomer deploys in one step and deploys one.
//! - [`manifest`] loads an OAM manifest (`core.oam.dev/v1beta1`) from YAML or JSON and
//!   validates it with wadm's own rules (`wadm-types`) before anything is sent, so a
//!   mistake is named with its line or field.
//!
//! wadm serves every lattice of the server it is connected to (lattices are told apart
//! by subject), so one embedded wadm covers the local lattice whatever its name.
//!
//! # Layout
//! - `embed.rs`: [`start`], [`start_local`], [`WadmOptions`], [`WadmHandle`].
//! - `connect.rs`: a NATS 0.39 connection (the async-nats wadm-client is built on) from
//!   a [`trellis_lattice::Context`].
//! - `manifest.rs`, `apps.rs`: manifests and the API.
//! - `gallery.rs`: the examples gallery.

#![deny(missing_docs)]

pub mod apps;
mod embed;
pub mod export;
pub mod gallery;
pub mod manifest;

pub use apps::{AppSummary, AppVersion, Apps};
pub use embed::{start, start_local, WadmHandle, WadmOptions};
pub use export::{export_lattice, ExportOptions, Exported};
pub use gallery::{deploy_example, examples_dir, list_examples, Example, ExampleDeployment};
pub use manifest::{load_manifest, parse_manifest, ManifestError};

/// Manifest and API types, as wadm defines them.
pub use wadm_types as types;

/// Errors of this crate.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The embedded wadm could not start (its NATS connection, JetStream streams or
    /// buckets). The text never holds the password.
    #[error("wadm did not start: {0}")]
    Start(String),
    /// Credentials that cannot travel in a URL to wadm.
    #[error("{0}")]
    Credentials(String),
    /// Connecting to NATS for the wadm API failed.
    #[error("cannot reach NATS at {url}: {reason}")]
    Connect {
        /// The URL, without user info.
        url: String,
        /// Why.
        reason: String,
    },
    /// No wadm answers on this lattice's API subjects.
    #[error(
        "no wadm answers on lattice {lattice:?} (wadm.api.{lattice}.>): start the local \
         lattice with `trellis up` (it runs wadm) or run wadm next to the lattice"
    )]
    NoWadm {
        /// The lattice.
        lattice: String,
    },
    /// wadm answered with an error.
    #[error("wadm: {0}")]
    Api(String),
    /// The named application (or version) does not exist.
    #[error("no application {0:?}")]
    NotFound(String),
    /// The manifest is not valid.
    #[error(transparent)]
    Manifest(#[from] ManifestError),
    /// The examples gallery: no examples directory, or no such example.
    #[error("{0}")]
    Examples(String),
    /// Anything else from the client (transport, decoding).
    #[error("{0}")]
    Other(String),
}

/// This crate's result.
pub type Result<T, E = Error> = std::result::Result<T, E>;
