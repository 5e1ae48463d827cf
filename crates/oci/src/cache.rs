//! The pull cache: layers stored by digest, and what each reference last resolved to.
//!
//! Layout under the cache directory:
//! - `blobs/sha256/<hex>`: a layer's bytes, checked against its name on every read;
//! - `refs/<sha256 of the reference>.json`: the [`RefEntry`] of the last pull;
//! - `providers/sha256/<hex>/<name>`: a provider binary taken out of an archive,
//!   executable, addressed by its own digest (see [`install_provider_binary`]).
//!
//! Files are written to a temporary name and renamed, so a crash never leaves a
//! half-written layer under its digest.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use crate::OciError;

/// Overrides the user's cache directory for everything Trellis caches (tests, CI).
pub const CACHE_DIR_ENV: &str = "TRELLIS_CACHE_DIR";

/// The default cache: `$TRELLIS_CACHE_DIR/oci`, else `<user cache dir>/trellis/oci`.
pub fn default_cache_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os(CACHE_DIR_ENV).filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir).join("oci"));
    }
    directories::ProjectDirs::from("dev", "trellis", "trellis")
        .map(|dirs| dirs.cache_dir().join("oci"))
}

/// What a reference resolved to when it was last pulled.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct RefEntry {
    /// The reference as pulled.
    pub reference: String,
    /// The manifest's digest.
    pub manifest_digest: String,
    /// The layer's digest (`sha256:…`).
    pub layer_digest: String,
    /// The layer's media type (absent in entries written before provider archives:
    /// those are components).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layer_media_type: Option<String>,
    /// When (RFC 3339).
    pub pulled_at: String,
}

/// The cache directory of one pull or push.
pub(crate) struct Cache {
    dir: PathBuf,
}

impl Cache {
    pub(crate) fn new(dir: PathBuf) -> Cache {
        Cache { dir }
    }

    fn blob_path(&self, digest: &str) -> Option<PathBuf> {
        let hex = digest.strip_prefix("sha256:")?;
        if hex.len() != 64 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        Some(self.dir.join("blobs").join("sha256").join(hex))
    }

    fn ref_path(&self, reference: &str) -> PathBuf {
        let key = hex(&Sha256::digest(reference.as_bytes()));
        self.dir.join("refs").join(format!("{key}.json"))
    }

    /// The layer with `digest`, if cached and intact. A file whose bytes no longer match
    /// its digest is removed and reported as missing, so it is fetched again.
    pub(crate) async fn blob(&self, digest: &str) -> Option<Vec<u8>> {
        let path = self.blob_path(digest)?;
        let bytes = tokio::fs::read(&path).await.ok()?;
        if sha256_digest(&bytes) == digest {
            return Some(bytes);
        }
        tracing::warn!(path = %path.display(), "cached layer does not match its digest; removing it");
        let _ = tokio::fs::remove_file(&path).await;
        None
    }

    /// Stores a layer under its digest (which the caller has verified).
    pub(crate) async fn put_blob(&self, digest: &str, bytes: &[u8]) -> Result<PathBuf, OciError> {
        let path = self.blob_path(digest).ok_or_else(|| OciError::Cache {
            path: self.dir.clone(),
            error: std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("unsupported digest {digest:?} (only sha256 is cached)"),
            ),
        })?;
        write_atomically(&path, bytes).await?;
        Ok(path)
    }

    /// What `reference` resolved to at its last pull.
    pub(crate) async fn entry(&self, reference: &str) -> Option<RefEntry> {
        let text = tokio::fs::read(self.ref_path(reference)).await.ok()?;
        serde_json::from_slice::<RefEntry>(&text)
            .ok()
            .filter(|entry| entry.reference == reference)
    }

    /// Records what `entry.reference` resolved to.
    pub(crate) async fn put_entry(&self, entry: &RefEntry) -> Result<(), OciError> {
        let text = serde_json::to_vec_pretty(entry).expect("a RefEntry serialises");
        write_atomically(&self.ref_path(&entry.reference), &text).await
    }
}

/// Keeps provider binary `binary` (taken out of an archive) in the cache under `dir`,
/// executable, at `providers/sha256/<its hex digest>/<name>` (`name` made a safe file
/// name, so a process list shows which provider it is). A copy already there with the
/// same bytes is reused (`true`); one that no longer matches is written again.
pub async fn install_provider_binary(
    dir: &Path,
    name: &str,
    binary: &[u8],
) -> Result<(PathBuf, bool), OciError> {
    let digest = sha256_digest(binary);
    let hex = digest.trim_start_matches("sha256:");
    let file: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let file = if file.trim_matches('-').is_empty() {
        "provider".to_owned()
    } else {
        file
    };
    let path = dir.join("providers").join("sha256").join(hex).join(file);
    if let Ok(existing) = tokio::fs::read(&path).await {
        if sha256_digest(&existing) == digest && is_executable(&path) {
            return Ok((path, true));
        }
        tracing::warn!(path = %path.display(), "cached provider binary does not match its digest; writing it again");
    }
    write_file(&path, binary, true).await?;
    Ok((path, false))
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o100 != 0)
}

#[cfg(not(unix))]
fn is_executable(_path: &Path) -> bool {
    true
}

async fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), OciError> {
    write_file(path, bytes, false).await
}

/// Writes `bytes` to a temporary name beside `path` (mode 0755 when `executable`),
/// then renames it into place: a reader never sees half a file, and a provider already
/// running from the old file keeps it.
async fn write_file(path: &Path, bytes: &[u8], executable: bool) -> Result<(), OciError> {
    let fail = |error| OciError::Cache {
        path: path.to_path_buf(),
        error,
    };
    let parent = path.parent().expect("cache paths have a parent");
    tokio::fs::create_dir_all(parent).await.map_err(fail)?;
    // Unique per write: two starts of one archive in this process may install its
    // binary at the same moment.
    static WRITES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let write = WRITES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let temporary = path.with_extension(format!("partial-{}-{write}", std::process::id()));
    tokio::fs::write(&temporary, bytes).await.map_err(fail)?;
    #[cfg(unix)]
    if executable {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::Permissions::from_mode(0o755);
        tokio::fs::set_permissions(&temporary, mode)
            .await
            .map_err(fail)?;
    }
    #[cfg(not(unix))]
    let _ = executable;
    tokio::fs::rename(&temporary, path).await.map_err(fail)
}

/// `sha256:<hex>` of `bytes`.
pub(crate) fn sha256_digest(bytes: &[u8]) -> String {
    format!("sha256:{}", hex(&Sha256::digest(bytes)))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_tampered_layer_is_not_served() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path().to_path_buf());
        let digest = sha256_digest(b"\0asm component");
        let path = cache.put_blob(&digest, b"\0asm component").await.unwrap();
        assert_eq!(
            cache.blob(&digest).await.as_deref(),
            Some(&b"\0asm component"[..])
        );
        std::fs::write(&path, b"\0asm tampered").unwrap();
        assert_eq!(cache.blob(&digest).await, None);
        assert!(!path.exists(), "the tampered file is removed");
    }

    #[tokio::test]
    async fn a_provider_binary_is_kept_executable_by_digest_and_reused() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let (path, reused) = install_provider_binary(dir.path(), "my counter", b"\x7fELF 1")
            .await
            .unwrap();
        assert!(!reused);
        assert_eq!(path.file_name().unwrap(), "my-counter");
        let hex = sha256_digest(b"\x7fELF 1").replace("sha256:", "");
        assert!(path.starts_with(dir.path().join("providers/sha256").join(hex)));
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o755);
        let (again, reused) = install_provider_binary(dir.path(), "my counter", b"\x7fELF 1")
            .await
            .unwrap();
        assert!(reused && again == path);
        // A damaged copy is replaced.
        std::fs::write(&path, b"damaged").unwrap();
        let (_, reused) = install_provider_binary(dir.path(), "my counter", b"\x7fELF 1")
            .await
            .unwrap();
        assert!(!reused);
        assert_eq!(std::fs::read(&path).unwrap(), b"\x7fELF 1");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_provider_binary_installed_by_several_starts_at_once_ends_up_whole() {
        let dir = tempfile::tempdir().unwrap();
        let binary = std::sync::Arc::new(vec![7u8; 4 << 20]);
        let installs = (0..16).map(|_| {
            let (dir, binary) = (dir.path().to_owned(), binary.clone());
            tokio::spawn(async move { install_provider_binary(&dir, "p", &binary).await })
        });
        for install in futures::future::join_all(installs).await {
            let (path, _) = install.unwrap().expect("every install succeeds");
            assert_eq!(std::fs::read(&path).unwrap(), *binary);
        }
    }

    #[tokio::test]
    async fn entries_are_kept_per_reference() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path().to_path_buf());
        let entry = RefEntry {
            reference: "127.0.0.1:5000/app:dev".into(),
            manifest_digest: "sha256:aa".into(),
            layer_digest: "sha256:bb".into(),
            layer_media_type: None,
            pulled_at: "2026-12-07T00:00:00Z".into(),
        };
        cache.put_entry(&entry).await.unwrap();
        assert_eq!(
            cache
                .entry("127.0.0.1:5000/app:dev")
                .await
                .unwrap()
                .layer_digest,
            "sha256:bb"
        );
        assert!(cache.entry("127.0.0.1:5000/app:other").await.is_none());
    }
}
