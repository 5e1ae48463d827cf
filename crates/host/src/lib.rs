//! trellis-host: the embedded Trellis host.
//!
//! It runs WebAssembly components (WASI 0.2, wasmCloud 1.x compatible) on wasmtime
//! and is not a client: the lattice client lives in `trellis-lattice`.
//!
//! - `runtime`: [`Runtime`] — components on wasmtime, lifecycle, limits, links, the
//!   http-server built-in and the [`LogBus`].
//! - `providers`: built-in capability providers and host-internal interfaces.
//! - `lattice`: the wasmCloud 1.x control interface server, events, heartbeats and KV state.
//! - [`GrantPolicy`]: which grants control requests may give components and providers.
//! - [`HostError`]: the one error type.
//!
//! ```no_run
//! # async fn demo() -> Result<(), trellis_host::HostError> {
//! use trellis_host::{ComponentSource, Runtime, RuntimeConfig};
//! let runtime = Runtime::new(RuntimeConfig::default())?;
//! let source = ComponentSource::from_reference("./hello.wasm")?;
//! runtime
//!     .start_component("hello", source, 4, Default::default(), Default::default())
//!     .await?;
//! # Ok(()) }
//! ```

#![deny(missing_docs)]

mod error;
mod lattice;
mod policy;
mod providers;
mod runtime;

pub use error::HostError;
pub use lattice::*;
pub use policy::{is_grant_refusal, GrantPolicy};
pub use providers::*;
pub use runtime::*;
