//! trellis-lattice: the client side of a wasmCloud 1.x lattice.
//!
//! What it is: a NATS client that speaks the ctl v1 control interface, reads lattice
//! events and host logs, and keeps a live model of the lattice. What it is not: a host
//! (that is `trellis-host`) or a wire-type crate (that is `trellis-proto`, whose types
//! every call takes and returns).
//!
//! - [`Context`]: how to reach a lattice (NATS URLs, lattice name, ctl prefix, auth, TLS,
//!   websocket URLs, JetStream domain, timeouts); saved by name in a [`ContextStore`],
//!   which also imports `nats` CLI and wash 1.x contexts.
//! - [`Client`]: [`Client::connect`], then one typed method per ctl v1 operation
//!   ([`Client::ping_hosts`], [`Client::host_inventory`], [`Client::scale_component`],
//!   [`Client::link_put`], …), [`Client::events`], [`Client::logs`] and
//!   [`Client::connection_state`].
//! - [`LatticeModel`]: hosts, components, providers, links and config as a graph, kept
//!   current from events and heartbeats, emitting [`ModelChange`]s.
//! - [`ops`]: the workflows the app and the CLI share (start and wait for the outcome,
//!   inspect with import satisfaction, check and put links).
//!
//! ```no_run
//! # async fn demo() -> Result<(), trellis_lattice::LatticeError> {
//! use trellis_lattice::{Client, Context};
//!
//! let client = Client::connect(&Context::new("nats://127.0.0.1:4222")).await?;
//! for host in client.ping_hosts().await? {
//!     let inventory = client.host_inventory(&host.id).await?;
//!     println!("{} runs {} components", host.friendly_name, inventory.components.len());
//! }
//! # Ok(()) }
//! ```
#![deny(missing_docs)]

mod client;
mod connect;
mod context;
mod diagnose;
mod error;
mod legacy_nats;
mod model;
mod state;
mod store;
mod stream;
mod sync;

pub mod ops;

pub use client::Client;
pub use connect::effective_auth;
pub use context::{
    Auth, Context, TlsOptions, DEFAULT_CONNECT_TIMEOUT, DEFAULT_SCATTER_WINDOW, DEFAULT_TIMEOUT,
};
pub use diagnose::{test_connection, CheckStep, ConnectionReport, StepKind, StepOutcome};
pub use error::{LatticeError, Result};
pub use legacy_nats::{connect_legacy_nats, connect_wrpc_nats};
pub use model::{
    Edge, HostInfo, HostSnapshot, LatticeModel, ModelChange, ModelOptions, ModelSnapshot,
    ModelWatcher, Node, RemovalReason, V2HostInfo,
};
pub use state::ConnectionState;
pub use store::{
    write_private, ContextStore, ContextSummary, ImportFormat, ImportReport, CONFIG_DIR_ENV,
    CONTEXTS_FILE,
};
pub use stream::{EventMessage, EventStream, LogStream};
pub use sync::{round_trip, ROUND_TRIP_TIMEOUT};
