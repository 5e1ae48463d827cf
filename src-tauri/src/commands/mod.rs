//! Tauri commands: thin adapters from the webview to the Trellis crates, one module per
//! area. Each is listed in `build.rs` and granted in `capabilities/main.json`.

pub mod apps;
pub mod components;
pub mod config;
pub mod export;
pub mod grants;
pub mod http;
pub mod lattice;
pub mod lifecycle;
pub mod links;
pub mod sessions;
pub mod spy;
pub mod telemetry;
pub mod v2;
pub mod watch;
