//! trellis-host: the embedded Trellis host.
//!
//! - `runtime`: WASI 0.2 components on wasmtime, lifecycle, limits, links, the log bus.
//! - `providers`: built-in capability providers and host-internal interfaces.
//! - `lattice`: the wasmCloud 1.x control interface server, events, heartbeats and KV state.

mod lattice;
mod providers;
mod runtime;

pub use lattice::*;
pub use providers::*;
pub use runtime::*;
