//! The component runtime: WASI 0.2 components on wasmtime.
//!
//! - [`Runtime`]: the components, built-in providers and links of one host, with
//!   start / scale / update / stop, and the http-server listeners.
//! - [`RuntimeConfig`]: deadline, memory cap, compile cache, NATS connection.
//! - [`ComponentSource`]: a path, a `file://` URL or bytes.
//! - [`LogBus`]: the host's structured log stream (guests and host tracing).
//!
//! Layout: `engine` (the shared wasmtime engine, epochs, compile cache), `linker`
//! (what imports resolve to), `state` (per-invocation store data), `limits` (memory
//! cap and deadline per component, `component_limits`),
//! `component` (a compiled component and its grants), `http` (the http-server
//! built-in), `watch` (hot reload), `logs`, `source`. The runtime itself: `core` (the
//! [`Runtime`] handle, its settings and shared state), `lifecycle` (start, scale,
//! update, stop components), `providers` (start and stop built-in providers),
//! `links` (apply and remove links, routes), `invoke` (calls into components),
//! `spy` (records of linked calls while someone spies), `wrpc` (links to and from
//! other hosts), `wrpc_providers` (built-in providers served to other hosts) with
//! `wrpc_keyvalue`, `wrpc_messaging` and `wrpc_blobstore`, `wrpc_http` (HTTP handlers
//! across hosts) and `wrpc_http_client` (the http-client served to other hosts), and
//! `inventory` (what runs here).

pub(crate) mod component;
mod core;
mod engine;
mod http;
mod inventory;
mod invoke;
mod lifecycle;
mod limits;
mod linker;
mod links;
mod logs;
mod providers;
mod source;
mod spy;
mod state;
mod watch;
mod wrpc;
mod wrpc_blobstore;
mod wrpc_http;
mod wrpc_http_client;
mod wrpc_keyvalue;
mod wrpc_messaging;
mod wrpc_providers;

pub(crate) use self::spy::{SpyCall, SpyTap};
pub(crate) use self::wrpc_keyvalue::keyvalue_types;
pub(crate) use self::wrpc_messaging::messaging_types;

pub use self::component::{ARGS_ANNOTATION, GRANT_DIRS, GRANT_ENV, GRANT_NETWORK};
pub use self::core::{Runtime, RuntimeConfig};
pub use self::http::{HttpLimits, DEFAULT_HTTP_ADDRESS};
pub use self::limits::{
    ComponentLimits, ComponentLoad, DEFAULT_INSTANCE_MEMORY_BYTES, LIMIT_EXECUTION_TIME,
    LIMIT_EXECUTION_TIME_MS, LIMIT_MEMORY, LIMIT_MEMORY_BYTES,
};
pub use self::logs::{LogBus, LogLayer};
pub use self::providers::builtin_name;
pub use self::source::ComponentSource;
pub use self::state::HostState;
pub use self::watch::{ReloadEvent, ReloadWatcher, DEBOUNCE};

pub(crate) use self::core::Inner;
pub(crate) use self::http::parse_address;
