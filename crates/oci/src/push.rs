//! Pushing a component file as a wasm OCI artifact (one `application/wasm` layer and a
//! `application/vnd.wasm.config.v0+json` config describing its WIT, as `wash push` does),
//! and a provider archive as wasmCloud's provider artifact (one
//! [`PROVIDER_ARCHIVE_LAYER_MEDIA_TYPE`] layer holding the file as it is, a `{}` config of
//! type [`PROVIDER_ARCHIVE_CONFIG_MEDIA_TYPE`]).

use oci_wasm::{WasmClient, WasmConfig};

use crate::auth::classify;
use crate::cache::{sha256_digest, Cache};
use crate::par::{
    ArchiveInfo, PROVIDER_ARCHIVE_CONFIG_MEDIA_TYPE, PROVIDER_ARCHIVE_LAYER_MEDIA_TYPE,
};
use crate::{parse_reference, OciError, OciOptions};

/// A pushed component.
#[derive(Debug, Clone)]
pub struct Pushed {
    /// The reference pushed to.
    pub reference: String,
    /// The layer's digest.
    pub digest: String,
    /// The manifest's URL in the registry.
    pub manifest_url: String,
}

/// Pushes `bytes` (a component, read from `what`) to `reference`.
///
/// The layer is also put in the pull cache, so this machine can start the reference
/// at once.
pub async fn push(
    bytes: Vec<u8>,
    what: &str,
    reference: &str,
    options: &OciOptions,
) -> Result<Pushed, OciError> {
    let parsed = parse_reference(reference)?;
    let whole = parsed.whole();
    let registry = parsed.resolve_registry().to_owned();
    if bytes.len() as u64 > options.max_bytes {
        return Err(OciError::TooLarge {
            reference: whole,
            size: bytes.len() as u64,
            max: options.max_bytes,
        });
    }
    if !is_component(&bytes) {
        return Err(OciError::NotAComponent {
            what: what.to_owned(),
            reason: if bytes.starts_with(b"\0asm") {
                "it is a core WebAssembly module, not a component".into()
            } else {
                "it is not WebAssembly (no \\0asm header)".into()
            },
        });
    }
    let digest = sha256_digest(&bytes);
    let (config, layer) =
        WasmConfig::from_raw_component(bytes, None).map_err(|error| OciError::NotAComponent {
            what: what.to_owned(),
            reason: format!("{error:#}"),
        })?;
    let cached = layer.data.clone();
    let (auth, credentials) = options.credentials.resolve(&registry);
    let client = WasmClient::new(options.client(&registry));
    let response = client
        .push(&parsed, &auth, layer, config, None)
        .await
        .map_err(
            |error| match error.downcast::<oci_client::errors::OciDistributionError>() {
                Ok(error) => classify(error, &registry, &whole, &credentials),
                Err(error) => OciError::Registry {
                    registry: registry.clone(),
                    reason: format!("{error:#}"),
                },
            },
        )?;
    if let Ok(dir) = options.cache_dir() {
        // Only a convenience: a push that worked is not failed by a full cache disk.
        if let Err(error) = Cache::new(dir).put_blob(&digest, &cached).await {
            tracing::warn!(%error, "could not keep the pushed component in the pull cache");
        }
    }
    Ok(Pushed {
        reference: whole,
        digest,
        manifest_url: response.manifest_url,
    })
}

/// Pushes provider archive `bytes` (read from `what`, gzipped or not) to `reference`,
/// after checking it as a start would ([`crate::par::inspect`]: signed claims, every
/// binary's hash); returns what it holds too. Capped by `options.max_bytes`.
pub async fn push_provider_archive(
    bytes: Vec<u8>,
    what: &str,
    reference: &str,
    options: &OciOptions,
) -> Result<(Pushed, ArchiveInfo), OciError> {
    let parsed = parse_reference(reference)?;
    let whole = parsed.whole();
    let registry = parsed.resolve_registry().to_owned();
    if bytes.len() as u64 > options.max_bytes {
        return Err(OciError::TooLarge {
            reference: whole,
            size: bytes.len() as u64,
            max: options.max_bytes,
        });
    }
    let (bytes, info) = {
        let name = what.to_owned();
        let max = options.max_bytes;
        tokio::task::spawn_blocking(move || {
            let info = crate::par::inspect(&bytes, &name, max);
            (bytes, info)
        })
        .await
        .map_err(|error| OciError::NotAProviderArchive {
            what: what.to_owned(),
            reason: format!("reading it failed: {error}"),
        })?
    };
    let info = info?;
    let digest = sha256_digest(&bytes);
    let layers = [oci_client::client::ImageLayer::new(
        bytes,
        PROVIDER_ARCHIVE_LAYER_MEDIA_TYPE.to_owned(),
        None,
    )];
    let config = oci_client::client::Config::new(
        b"{}".to_vec(),
        PROVIDER_ARCHIVE_CONFIG_MEDIA_TYPE.to_owned(),
        None,
    );
    let manifest = oci_client::manifest::OciImageManifest::build(&layers, &config, None);
    let (auth, credentials) = options.credentials.resolve(&registry);
    let response = options
        .client(&registry)
        .push(&parsed, &layers, config, &auth, Some(manifest))
        .await
        .map_err(|error| classify(error, &registry, &whole, &credentials))?;
    Ok((
        Pushed {
            reference: whole,
            digest,
            manifest_url: response.manifest_url,
        },
        info,
    ))
}

/// A component's preamble: `\0asm`, then version 0x0d and layer 1 (a core module has
/// layer 0).
fn is_component(bytes: &[u8]) -> bool {
    bytes.len() >= 8 && bytes.starts_with(b"\0asm") && bytes[6..8] == [0x01, 0x00]
}
