//! Provider archives (`.par`, `.par.gz`; see [`trellis_oci::par`]) as a source of
//! provider binaries: a file on this machine, or an OCI reference whose artifact is one.
//!
//! The archive is read off the async threads (claims signature and every binary's hash
//! checked), the binary for this machine's target (`x86_64-linux`, …) is kept in the
//! OCI cache, executable and addressed by its digest (`providers/sha256/<hex>/<name>`),
//! and from then on it runs exactly like a provider binary named by path. A second
//! start finds the layer and the binary in the cache and writes nothing.

use std::path::{Path, PathBuf};

use trellis_oci::par::{self, MAX_PROVIDER_ARCHIVE_BYTES};
use trellis_oci::{ArtifactKind, OciOptions};

use crate::HostError;

/// A provider binary ready to run, and how the inventory names it.
#[derive(Debug, Clone)]
pub(crate) struct Binary {
    /// The executable.
    pub path: PathBuf,
    /// The image reference the inventory shows: the binary's or the archive's `file://`
    /// URL, or the OCI reference.
    pub image_ref: String,
    /// The provider's name: its claims' name, or the binary's file name.
    pub name: Option<String>,
    /// The archive's signed claims (none for a plain binary).
    pub claims: Option<par::ArchiveClaims>,
}

impl Binary {
    /// A provider binary named by path, run as it is.
    pub(crate) fn plain(path: PathBuf) -> Binary {
        Binary {
            image_ref: format!("file://{}", path.display()),
            name: path.file_name().map(|n| n.to_string_lossy().into_owned()),
            path,
            claims: None,
        }
    }
}

/// Whether the reference is an OCI reference to be pulled as a provider archive (not a
/// built-in provider's name, not a file).
pub(crate) fn is_image_reference(reference: &str) -> bool {
    let reference = reference.trim();
    crate::builtin_name(reference).is_none()
        && !super::is_file_reference(reference)
        && trellis_oci::is_oci_reference(reference)
}

/// Whether file `path` is a provider archive rather than an executable: named `.par` or
/// `.par.gz`, or starting like a tar or gzip file (an executable does neither).
pub(crate) fn is_archive_file(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if name.ends_with(".par") || name.ends_with(".par.gz") {
        return true;
    }
    let mut head = [0u8; 262];
    let read = std::fs::File::open(path).and_then(|mut file| {
        use std::io::Read as _;
        let mut filled = 0;
        while filled < head.len() {
            match file.read(&mut head[filled..])? {
                0 => break,
                n => filled += n,
            }
        }
        Ok(filled)
    });
    read.is_ok_and(|n| par::looks_like_archive(&head[..n]))
}

/// The binary for this machine out of archive file `path`, for provider `id`.
pub(crate) async fn from_file(
    id: &str,
    path: &Path,
    oci: &OciOptions,
) -> Result<Binary, HostError> {
    let image_ref = format!("file://{}", path.display());
    let fail = |reason: String| HostError::ProviderArchive {
        id: id.to_owned(),
        reference: image_ref.clone(),
        reason,
    };
    let bytes = read_archive_file(path).await.map_err(fail)?;
    install(bytes, &path.display().to_string(), oci)
        .await
        .map_err(fail)
        .map(|(path, claims)| Binary {
            path,
            image_ref: image_ref.clone(),
            name: claims.name.clone(),
            claims: Some(claims),
        })
}

/// The bytes of archive file `path`: a regular file within the cap (checked before it is
/// read, so a device or a FIFO fails at once).
async fn read_archive_file(path: &Path) -> Result<Vec<u8>, String> {
    let metadata = tokio::fs::metadata(path)
        .await
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => "there is no such file".to_owned(),
            _ => format!("cannot read it: {e}"),
        })?;
    if !metadata.is_file() {
        return Err("it is not a regular file".into());
    }
    if metadata.len() > MAX_PROVIDER_ARCHIVE_BYTES {
        return Err(format!(
            "it is {} bytes, over the {MAX_PROVIDER_ARCHIVE_BYTES}-byte cap on provider archives",
            metadata.len()
        ));
    }
    tokio::fs::read(path)
        .await
        .map_err(|e| format!("cannot read it: {e}"))
}

/// The binary for this machine out of the provider archive `reference` names in a
/// registry, for provider `id`; each step of the pull goes to `progress`.
pub(crate) async fn from_image(
    id: &str,
    reference: &str,
    oci: &OciOptions,
    progress: &mut (dyn FnMut(trellis_oci::Progress) + Send),
) -> Result<Binary, HostError> {
    let reference = reference.trim();
    let fail = |reason: String| HostError::ProviderArchive {
        id: id.to_owned(),
        reference: reference.to_owned(),
        reason,
    };
    let options = OciOptions {
        max_bytes: MAX_PROVIDER_ARCHIVE_BYTES,
        ..oci.clone()
    };
    let pulled = trellis_oci::pull_artifact(reference, &options, progress)
        .await
        .map_err(|error| fail(error.to_string()))?;
    if pulled.kind == ArtifactKind::Component {
        return Err(fail(format!(
            "{} is a WebAssembly component, not a provider archive; start it as a component",
            pulled.reference
        )));
    }
    install(pulled.bytes, &pulled.reference, oci)
        .await
        .map_err(fail)
        .map(|(path, claims)| Binary {
            path,
            image_ref: reference.to_owned(),
            name: claims.name.clone(),
            claims: Some(claims),
        })
}

/// Takes this machine's binary out of archive `bytes` and keeps it in the cache;
/// returns its path and the archive's claims.
async fn install(
    bytes: Vec<u8>,
    what: &str,
    oci: &OciOptions,
) -> Result<(PathBuf, par::ArchiveClaims), String> {
    let what = what.to_owned();
    let extracted = tokio::task::spawn_blocking(move || {
        par::extract(
            &bytes,
            &what,
            &par::native_target(),
            MAX_PROVIDER_ARCHIVE_BYTES,
        )
    })
    .await
    .map_err(|error| format!("reading the archive failed: {error}"))?
    .map_err(|error| error.to_string())?;
    let cache = oci.cache_dir().map_err(|error| error.to_string())?;
    let name = extracted.info.name().to_owned();
    let (path, _reused) = trellis_oci::install_provider_binary(&cache, &name, &extracted.binary)
        .await
        .map_err(|error| error.to_string())?;
    Ok((path, extracted.info.claims))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_told_apart() {
        assert!(is_image_reference("127.0.0.1:5000/counter:0.1"));
        assert!(is_image_reference("ghcr.io/wasmcloud/http-server:0.27.0"));
        assert!(!is_image_reference("keyvalue"));
        assert!(!is_image_reference("wasmcloud+builtin://http-server"));
        assert!(!is_image_reference("/opt/providers/counter.par.gz"));
        assert!(!is_image_reference("file:///opt/providers/counter"));

        let dir = tempfile::tempdir().unwrap();
        let named = dir.path().join("counter.par.gz");
        assert!(is_archive_file(&named), "by its name");
        let tar = dir.path().join("counter");
        let mut bytes = vec![0u8; 512];
        bytes[257..262].copy_from_slice(b"ustar");
        std::fs::write(&tar, &bytes).unwrap();
        assert!(is_archive_file(&tar), "by its content");
        let elf = dir.path().join("provider");
        std::fs::write(&elf, b"\x7fELF\x02\x01\x01").unwrap();
        assert!(!is_archive_file(&elf));
    }
}
