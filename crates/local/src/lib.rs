//! trellis-local: the user's one local lattice, shared by the desktop app and `trellis up`.
//!
//! What it is: one launcher for the local lattice. The first Trellis process to start it
//! (the app or `trellis up`) starts a `nats-server` on loopback with its store and
//! generated credentials in the data directory ([`data_dir`]: `$TRELLIS_DATA_DIR`, else
//! `~/.local/share/trellis`), holds the data directory's lock, and saves the `local`
//! context (making it current when none is), so every `trellis` command reaches it with
//! no flags. Any later start joins that server instead of starting another, and adds
//! its own host to the same lattice. Every host started here sends its components'
//! messaging traffic as the server's guest user, on a connection of its own, so the
//! server too keeps components off the lattice's subjects (issue 11, item 1; see
//! [`trellis_nats_server::GUEST_DENIED_SUBJECTS`]). What it is not: the process launcher of
//! `nats-server` itself (that is `trellis-nats-server`) or a lattice client (that is
//! `trellis-lattice`).
//!
//! - [`LocalLattice::start`]: start or join, then start the embedded host; reports each
//!   step through a callback. The starting process's host runs again the components
//!   and providers it ran when the local lattice last stopped, crash or `kill -9`
//!   included ([`WORKLOAD_FILE`]); links and config were already kept by JetStream.
//! - [`LocalLattice::context`]: how to reach it (URL and credentials) as a lattice
//!   [`Context`](trellis_lattice::Context).
//! - [`LocalLattice::shutdown`]: stop the host (it publishes `host_stopped`) and, for
//!   the process that started the server, the server.
//!
//! The server lives as long as the process that started it: when that process exits,
//! hosts that joined lose their connection (they keep retrying and come back when a
//! new local lattice is started).
//!
//! ```no_run
//! # async fn demo() -> Result<(), trellis_local::LocalError> {
//! use trellis_local::{LocalLattice, LocalOptions};
//!
//! let local = LocalLattice::start(LocalOptions::new(trellis_local::data_dir()?), |step| {
//!     println!("{step}")
//! })
//! .await?;
//! println!("host {} on {}", local.host().id(), local.url());
//! local.shutdown().await;
//! # Ok(()) }
//! ```
#![deny(missing_docs)]

mod dir;
mod error;
mod grants;
mod launcher;

pub use dir::{data_dir, DATA_DIR_ENV};
pub use error::LocalError;
pub use grants::GRANTS_FILE;
pub use launcher::{LocalLattice, LocalOptions, Role, LOCAL_CONTEXT, WORKLOAD_FILE};
pub use trellis_nats_server::LocalNatsError;
