//! Pulling an artifact: resolve the reference, fetch its one layer — a component's wasm,
//! or a provider archive — into the cache (or find it there), verify its digest.

use std::time::{Duration, Instant};

use futures::TryStreamExt as _;
use oci_client::errors::DigestError;
use oci_client::manifest::OciDescriptor;

use crate::auth::classify;
use crate::cache::{sha256_digest, Cache, RefEntry};
use crate::par::{PROVIDER_ARCHIVE_CONFIG_MEDIA_TYPE, PROVIDER_ARCHIVE_LAYER_MEDIA_TYPE};
use crate::{parse_reference, OciError, OciOptions, WASM_LAYER_MEDIA_TYPES};

/// How a pull is going, for a progress line.
#[derive(Debug, Clone, PartialEq)]
pub enum Progress {
    /// Asking the registry what the reference points to.
    Resolving,
    /// Downloading the layer.
    Downloading {
        /// Bytes received so far.
        done: u64,
        /// The layer's size.
        total: u64,
        /// The average rate so far.
        bytes_per_second: f64,
    },
    /// The layer was already in the cache.
    Cached {
        /// Its digest.
        digest: String,
    },
    /// The registry could not be reached; the copy pulled earlier is used.
    Offline {
        /// Why the registry could not be reached.
        reason: String,
        /// When the cached copy was pulled (RFC 3339).
        pulled_at: String,
    },
}

/// What a pulled artifact holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArtifactKind {
    /// A WebAssembly component (a wasm layer).
    Component,
    /// A capability provider archive (a `.par` layer, see [`crate::par`]).
    ProviderArchive,
}

impl ArtifactKind {
    /// The kind of a layer of `media_type`, if it is one Trellis can use.
    fn of_layer(media_type: &str) -> Option<ArtifactKind> {
        if WASM_LAYER_MEDIA_TYPES.contains(&media_type) {
            Some(ArtifactKind::Component)
        } else if media_type == PROVIDER_ARCHIVE_LAYER_MEDIA_TYPE {
            Some(ArtifactKind::ProviderArchive)
        } else {
            None
        }
    }
}

/// Which artifacts a pull takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Accept {
    Component,
    Any,
}

/// A pulled artifact: a component, or a provider archive ([`pull_artifact`]).
#[derive(Debug, Clone)]
pub struct Pulled {
    /// The reference, normalised (`docker.io/library/x:latest` style).
    pub reference: String,
    /// What it is.
    pub kind: ArtifactKind,
    /// The layer's bytes: the component, or the archive as pushed.
    pub bytes: Vec<u8>,
    /// The layer's digest (`sha256:…`), verified.
    pub digest: String,
    /// The manifest's digest: `REF@<this>` pins exactly this component.
    pub manifest_digest: String,
    /// Whether the bytes came from the cache rather than the network.
    pub from_cache: bool,
}

/// How often a download reports progress.
const PROGRESS_EVERY: Duration = Duration::from_millis(250);

/// Pulls the component `reference` names; an artifact that is no component (a provider
/// archive included) is refused, naming what it is.
///
/// A reference pinned by digest that is in the cache needs no network. A tag is
/// resolved with the registry each time (tags move); when the registry cannot be
/// reached, the copy pulled last is used and [`Progress::Offline`] says so. A registry
/// that answers "unauthorized" or "not found" is believed, never papered over by the
/// cache.
pub async fn pull(
    reference: &str,
    options: &OciOptions,
    progress: &mut (dyn FnMut(Progress) + Send),
) -> Result<Pulled, OciError> {
    pull_as(reference, options, progress, Accept::Component).await
}

/// Pulls a component or a provider archive, as [`pull`] does; [`Pulled::kind`] says
/// which it is. Anything else is refused naming its media types.
pub async fn pull_artifact(
    reference: &str,
    options: &OciOptions,
    progress: &mut (dyn FnMut(Progress) + Send),
) -> Result<Pulled, OciError> {
    pull_as(reference, options, progress, Accept::Any).await
}

async fn pull_as(
    reference: &str,
    options: &OciOptions,
    progress: &mut (dyn FnMut(Progress) + Send),
    accept: Accept,
) -> Result<Pulled, OciError> {
    let parsed = parse_reference(reference)?;
    let whole = parsed.whole();
    let registry = parsed.resolve_registry().to_owned();
    let cache = Cache::new(options.cache_dir()?);

    if parsed.digest().is_some() {
        if let Some((pulled, _)) = from_cache(&cache, &whole, accept).await {
            progress(Progress::Cached {
                digest: pulled.digest.clone(),
            });
            return Ok(pulled);
        }
    }

    let (auth, credentials) = options.credentials.resolve(&registry);
    let client = options.client(&registry);
    progress(Progress::Resolving);
    let (manifest, manifest_digest) = match client.pull_image_manifest(&parsed, &auth).await {
        Ok(found) => found,
        Err(error) => {
            let error = classify(error, &registry, &whole, &credentials);
            if let OciError::Unreachable { reason, .. } = &error {
                if let Some((pulled, pulled_at)) = from_cache(&cache, &whole, accept).await {
                    progress(Progress::Offline {
                        reason: reason.clone(),
                        pulled_at,
                    });
                    return Ok(pulled);
                }
            }
            return Err(error);
        }
    };
    let (layer, kind) = artifact_layer(
        &manifest.layers,
        &manifest.config.media_type,
        &whole,
        accept,
    )?;
    let size = u64::try_from(layer.size).unwrap_or(0);
    if size > options.max_bytes {
        return Err(OciError::TooLarge {
            reference: whole,
            size,
            max: options.max_bytes,
        });
    }

    let (bytes, from_cache) = match cache.blob(&layer.digest).await {
        Some(bytes) => {
            progress(Progress::Cached {
                digest: layer.digest.clone(),
            });
            (bytes, true)
        }
        None => {
            let bytes = download(&client, &parsed, layer, options.max_bytes, progress)
                .await
                .map_err(|error| match error {
                    Download::Client(error) => classify(error, &registry, &whole, &credentials),
                    Download::Failed(reason) => OciError::Registry {
                        registry: registry.clone(),
                        reason,
                    },
                    Download::TooLarge(size) => OciError::TooLarge {
                        reference: whole.clone(),
                        size,
                        max: options.max_bytes,
                    },
                    Download::Mismatch { expected, actual } => OciError::DigestMismatch {
                        reference: whole.clone(),
                        expected,
                        actual,
                    },
                })?;
            // The client verifies as it streams; this also covers a registry that
            // sends no body or a manifest that names another algorithm.
            let actual = sha256_digest(&bytes);
            if actual != layer.digest {
                return Err(OciError::DigestMismatch {
                    reference: whole,
                    expected: layer.digest.clone(),
                    actual,
                });
            }
            cache.put_blob(&layer.digest, &bytes).await?;
            (bytes, false)
        }
    };
    let pulled_at = time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    cache
        .put_entry(&RefEntry {
            reference: whole.clone(),
            manifest_digest: manifest_digest.clone(),
            layer_digest: layer.digest.clone(),
            layer_media_type: Some(layer.media_type.clone()),
            pulled_at,
        })
        .await?;
    Ok(Pulled {
        reference: whole,
        kind,
        bytes,
        digest: layer.digest.clone(),
        manifest_digest,
        from_cache,
    })
}

/// The one layer of a component artifact (or, when `accept` is `Any`, of a provider
/// archive), and what it is.
fn artifact_layer<'a>(
    layers: &'a [OciDescriptor],
    config_media_type: &str,
    reference: &str,
    accept: Accept,
) -> Result<(&'a OciDescriptor, ArtifactKind), OciError> {
    let of_kind = |kind| -> Vec<&OciDescriptor> {
        layers
            .iter()
            .filter(|layer| ArtifactKind::of_layer(&layer.media_type) == Some(kind))
            .collect()
    };
    let (wasm, archives) = (
        of_kind(ArtifactKind::Component),
        of_kind(ArtifactKind::ProviderArchive),
    );
    let not_wasm = |reason: String| OciError::NotWasm {
        reference: reference.to_owned(),
        reason,
    };
    match (wasm.as_slice(), archives.as_slice(), accept) {
        ([layer], [], _) => Ok((layer, ArtifactKind::Component)),
        ([], [layer], Accept::Any) => Ok((layer, ArtifactKind::ProviderArchive)),
        ([], [_], Accept::Component) => Err(not_wasm(format!(
            "it is a capability provider archive ({PROVIDER_ARCHIVE_LAYER_MEDIA_TYPE}); \
             start it as a provider"
        ))),
        ([], [], Accept::Component) => Err(not_wasm(format!(
            "no layer of type {} ({})",
            WASM_LAYER_MEDIA_TYPES.join(" or "),
            media_types(layers, config_media_type)
        ))),
        ([], [], Accept::Any) => Err(OciError::UnsupportedArtifact {
            reference: reference.to_owned(),
            reason: format!(
                "no layer of type {} or {PROVIDER_ARCHIVE_LAYER_MEDIA_TYPE} ({})",
                WASM_LAYER_MEDIA_TYPES.join(", "),
                media_types(layers, config_media_type)
            ),
        }),
        (wasm, archives, _) => Err(not_wasm(format!(
            "{} wasm and {} provider archive layers, expected one layer",
            wasm.len(),
            archives.len()
        ))),
    }
}

/// `its layers: …; its config: …`, for an artifact Trellis cannot use.
fn media_types(layers: &[OciDescriptor], config_media_type: &str) -> String {
    let types: Vec<_> = layers.iter().map(|l| l.media_type.as_str()).collect();
    let config = match config_media_type {
        PROVIDER_ARCHIVE_CONFIG_MEDIA_TYPE => "a provider archive's config, yet no archive",
        "" => "none",
        other => other,
    };
    format!(
        "its layers: {}; its config: {config}",
        if types.is_empty() {
            "none".into()
        } else {
            types.join(", ")
        }
    )
}

/// The copy of `reference` pulled last, if its layer is still intact in the cache and
/// of a kind `accept` takes, and when it was pulled.
async fn from_cache(cache: &Cache, reference: &str, accept: Accept) -> Option<(Pulled, String)> {
    let entry = cache.entry(reference).await?;
    // Entries from before provider archives were pulled name no type: components.
    let kind = entry
        .layer_media_type
        .as_deref()
        .map_or(Some(ArtifactKind::Component), ArtifactKind::of_layer)?;
    if accept == Accept::Component && kind != ArtifactKind::Component {
        return None;
    }
    let bytes = cache.blob(&entry.layer_digest).await?;
    let pulled = Pulled {
        reference: entry.reference,
        kind,
        bytes,
        digest: entry.layer_digest,
        manifest_digest: entry.manifest_digest,
        from_cache: true,
    };
    Some((pulled, entry.pulled_at))
}

enum Download {
    Client(oci_client::errors::OciDistributionError),
    Failed(String),
    TooLarge(u64),
    Mismatch { expected: String, actual: String },
}

async fn download(
    client: &oci_client::Client,
    reference: &oci_client::Reference,
    layer: &OciDescriptor,
    max_bytes: u64,
    progress: &mut (dyn FnMut(Progress) + Send),
) -> Result<Vec<u8>, Download> {
    let total = u64::try_from(layer.size).unwrap_or(0);
    let mut stream = client
        .pull_blob_stream(reference, layer)
        .await
        .map_err(Download::Client)?
        .stream;
    let mut bytes = Vec::with_capacity(usize::try_from(total.min(max_bytes)).unwrap_or(0));
    let started = Instant::now();
    let mut last_report = started;
    progress(Progress::Downloading {
        done: 0,
        total,
        bytes_per_second: 0.0,
    });
    loop {
        let chunk = match stream.try_next().await {
            Ok(Some(chunk)) => chunk,
            Ok(None) => break,
            Err(error) => return Err(stream_error(error)),
        };
        bytes.extend_from_slice(&chunk);
        // The manifest's size is the registry's claim; the cap holds whatever arrives.
        if bytes.len() as u64 > max_bytes {
            return Err(Download::TooLarge(bytes.len() as u64));
        }
        if last_report.elapsed() >= PROGRESS_EVERY {
            last_report = Instant::now();
            progress(Progress::Downloading {
                done: bytes.len() as u64,
                total,
                bytes_per_second: bytes.len() as f64 / started.elapsed().as_secs_f64(),
            });
        }
    }
    progress(Progress::Downloading {
        done: bytes.len() as u64,
        total,
        bytes_per_second: bytes.len() as f64 / started.elapsed().as_secs_f64().max(1e-6),
    });
    Ok(bytes)
}

fn stream_error(error: std::io::Error) -> Download {
    if let Some(DigestError::VerificationError { expected, actual }) = error
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<DigestError>())
    {
        return Download::Mismatch {
            expected: expected.clone(),
            actual: actual.clone(),
        };
    }
    Download::Failed(format!("the download broke off: {error}"))
}

impl std::fmt::Display for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Progress::Resolving => f.write_str("resolving"),
            Progress::Downloading {
                done,
                total,
                bytes_per_second,
            } => write!(
                f,
                "downloading {} of {} at {}/s",
                megabytes(*done),
                megabytes(*total),
                megabytes(*bytes_per_second as u64)
            ),
            Progress::Cached { digest } => write!(f, "in the cache ({})", short(digest)),
            Progress::Offline { reason, pulled_at } => write!(
                f,
                "registry unreachable ({reason}); using the copy pulled at {pulled_at}"
            ),
        }
    }
}

fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1_000_000.0)
}

fn short(digest: &str) -> &str {
    let end = digest.len().min("sha256:".len() + 12);
    &digest[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn descriptor(media_type: &str) -> OciDescriptor {
        OciDescriptor {
            media_type: media_type.into(),
            digest: "sha256:00".into(),
            size: 1,
            urls: None,
            annotations: None,
        }
    }

    #[test]
    fn an_artifact_must_hold_one_wasm_or_provider_archive_layer() {
        let image = [descriptor("application/vnd.oci.image.layer.v1.tar+gzip")];
        let config = "application/vnd.oci.image.config.v1+json";
        let err = artifact_layer(&image, config, "r", Accept::Component)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("its layers: application/vnd.oci.image.layer.v1.tar+gzip")
                && err.contains(config),
            "{err}"
        );
        let err = artifact_layer(&image, config, "r", Accept::Any)
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("r is neither a wasm component nor a provider archive")
                && err.contains("application/vnd.oci.image.layer.v1.tar+gzip"),
            "{err}"
        );
        let legacy = [descriptor(
            "application/vnd.module.wasm.content.layer.v1+wasm",
        )];
        assert!(artifact_layer(&legacy, "", "r", Accept::Component).is_ok());
        let two = [
            descriptor("application/wasm"),
            descriptor("application/wasm"),
        ];
        assert!(artifact_layer(&two, "", "r", Accept::Any)
            .unwrap_err()
            .to_string()
            .contains("2 wasm and 0 provider archive layers"));

        let archive = [descriptor(PROVIDER_ARCHIVE_LAYER_MEDIA_TYPE)];
        let (_, kind) = artifact_layer(
            &archive,
            PROVIDER_ARCHIVE_CONFIG_MEDIA_TYPE,
            "r",
            Accept::Any,
        )
        .unwrap();
        assert_eq!(kind, ArtifactKind::ProviderArchive);
        let err = artifact_layer(&archive, "", "r", Accept::Component)
            .unwrap_err()
            .to_string();
        assert!(err.contains("start it as a provider"), "{err}");
    }

    #[test]
    fn progress_reads_as_a_line() {
        let line = Progress::Downloading {
            done: 3_100_000,
            total: 18_000_000,
            bytes_per_second: 9_200_000.0,
        }
        .to_string();
        assert_eq!(line, "downloading 3.1 MB of 18.0 MB at 9.2 MB/s");
    }
}
