//! Components and provider archives as OCI artifacts.
//!
//! A component can live in an OCI registry (`ghcr.io/org/app:1.2`,
//! `127.0.0.1:5000/app:dev`) as well as in a file. This crate pulls one into a cache
//! addressed by its layer digest (so a second start needs no network), pushes a
//! component file as the wasm artifact `wash` and wasmCloud use, and finds registry
//! credentials (flags, or docker's `config.json` and its helpers).
//!
//! wasmCloud 1.x ships capability providers as provider archives ([`par`]): this crate
//! pulls and pushes them too ([`pull_artifact`], [`push_provider_archive`]), reads them
//! (signature and hashes checked) and keeps the binary for this machine in the cache,
//! executable ([`install_provider_binary`]).
//!
//! Plain HTTP is used only for loopback registries; every other registry is HTTPS.
//!
//! ```no_run
//! # async fn demo() -> Result<(), trellis_oci::OciError> {
//! let options = trellis_oci::OciOptions::default();
//! let pulled = trellis_oci::pull("127.0.0.1:5000/hello:dev", &options, &mut |_| {}).await?;
//! println!("{} bytes, {}", pulled.bytes.len(), pulled.digest);
//! # Ok(()) }
//! ```

mod auth;
mod cache;
mod error;
pub mod par;
mod pull;
mod push;
mod reference;

pub use auth::Credentials;
pub use cache::{default_cache_dir, install_provider_binary, CACHE_DIR_ENV};
pub use error::OciError;
pub use pull::{pull, pull_artifact, ArtifactKind, Progress, Pulled};
pub use push::{push, push_provider_archive, Pushed};
pub use reference::{is_oci_reference, parse_reference, OCI_SCHEME};

use std::path::PathBuf;
use std::time::Duration;

/// Layer media types accepted as a component: the OCI wasm artifact type (`wash` 0.30+,
/// wasmCloud 1.x, `oci-wasm`) and the one older wasmCloud tools pushed.
pub const WASM_LAYER_MEDIA_TYPES: [&str; 2] = [
    oci_wasm::WASM_LAYER_MEDIA_TYPE,
    "application/vnd.module.wasm.content.layer.v1+wasm",
];

/// How to reach registries and where to keep what was pulled.
#[derive(Debug, Clone)]
pub struct OciOptions {
    /// The pull cache; `None`: [`default_cache_dir`] (`<user cache dir>/trellis/oci`).
    pub cache_dir: Option<PathBuf>,
    /// Which credentials to present.
    pub credentials: Credentials,
    /// The largest layer accepted (default 50 MiB, as wasmCloud's component cap).
    pub max_bytes: u64,
    /// How long to wait for a registry to accept a connection (default 5 s); past it a
    /// tag is served from the cache when it was pulled before.
    pub connect_timeout: Duration,
}

impl Default for OciOptions {
    fn default() -> Self {
        OciOptions {
            cache_dir: None,
            credentials: Credentials::Auto,
            max_bytes: 50 * 1024 * 1024,
            connect_timeout: Duration::from_secs(5),
        }
    }
}

impl OciOptions {
    /// The cache directory these options use.
    pub fn cache_dir(&self) -> Result<PathBuf, OciError> {
        match &self.cache_dir {
            Some(dir) => Ok(dir.clone()),
            None => default_cache_dir().ok_or(OciError::NoCacheDir),
        }
    }

    /// A registry client for `registry`: plain HTTP only when it is a loopback address.
    fn client(&self, registry: &str) -> oci_client::Client {
        let protocol = if reference::is_loopback_registry(registry) {
            oci_client::client::ClientProtocol::HttpsExcept(vec![registry.to_owned()])
        } else {
            oci_client::client::ClientProtocol::Https
        };
        oci_client::Client::new(oci_client::client::ClientConfig {
            protocol,
            connect_timeout: Some(self.connect_timeout),
            read_timeout: Some(Duration::from_secs(60)),
            // An image index is not a component; say so instead of picking a platform.
            platform_resolver: None,
            ..Default::default()
        })
    }
}
