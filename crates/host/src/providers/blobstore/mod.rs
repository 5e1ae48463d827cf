//! The blobstore builtin: `wasi:blobstore/*@0.2.0-draft` over a directory.
//!
//! Root: provider config `root`, default `<data dir>/blobstore/<provider id>`; a `root`
//! outside the data dir must lie under one of the host's [`GrantPolicy`] blobstore roots. A
//! container is a subdirectory, an object a file in it. Names are single path
//! components (no `/`, `\`, `.` or `..`), so a guest cannot leave the root. Values are
//! whole in memory: writes collect an output stream into a buffer of at most
//! [`MAX_VALUE_BYTES`], reads hand out the requested range as a list or an input stream.
//!
//! A link to a blobstore provider on another host goes there over wRPC (`remote`): the
//! value a guest writes is streamed to it, and a read streams back as the guest reads.
//! This host's providers are served to other hosts by `runtime::wrpc_blobstore`, on the
//! same directory code (`fs`).

pub(crate) mod fs;
mod host;
#[cfg(test)]
mod host_tests;
pub(crate) mod remote;
mod spy;

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use trellis_proto::ConfigMap;
use trellis_wrpc::blobstore::BlobstoreClient;
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;

use crate::{GrantPolicy, HostError};

/// Largest value one `outgoing-value` may hold: the guest controls the size, and the
/// value sits in host memory until it is written.
pub const MAX_VALUE_BYTES: usize = 64 * 1024 * 1024;

/// State of one blobstore provider.
#[derive(Debug)]
pub(crate) struct BlobProvider {
    root: PathBuf,
}

impl BlobProvider {
    /// Reads the provider config and creates the root directory.
    /// A `root` outside `data_dir` and the policy's blobstore roots is refused.
    pub(crate) fn new(
        id: &str,
        config: &ConfigMap,
        data_dir: &Path,
        policy: &GrantPolicy,
    ) -> Result<Self, HostError> {
        let root = match config.get("root").map(|r| r.trim()) {
            Some(root) if !root.is_empty() => {
                let root = PathBuf::from(root);
                policy.check_blobstore_root(id, &root, data_dir)?;
                root
            }
            _ => data_dir.join("blobstore").join(sanitize(id)),
        };
        std::fs::create_dir_all(&root).map_err(|e| {
            HostError::InvalidConfig(format!(
                "blobstore provider {id:?}: cannot create root directory {}: {e}",
                root.display()
            ))
        })?;
        Ok(BlobProvider { root })
    }

    /// The directory of container `name` (which may not exist).
    pub(crate) fn container_dir(&self, name: &str) -> Result<PathBuf, String> {
        check_name("container", name)?;
        Ok(self.root.join(name))
    }
}

/// A provider id as a directory name.
fn sanitize(id: &str) -> String {
    id.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Refuses names that are not one plain path component.
pub(crate) fn check_name(what: &str, name: &str) -> Result<(), String> {
    if name.is_empty() || name == "." || name == ".." || name.contains(['/', '\\', '\0']) {
        return Err(format!(
            "invalid {what} name {name:?}: must be one non-empty path component without / or \\"
        ));
    }
    Ok(())
}

/// Seconds since the Unix epoch (0 if unknown).
pub(crate) fn timestamp(time: std::io::Result<SystemTime>) -> u64 {
    time.ok()
        .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_secs())
}

/// The `wasi:blobstore/container.container` resource.
#[derive(Debug, Clone)]
pub struct Container {
    pub(crate) name: String,
    /// Its directory, for a container of a provider on this host.
    pub(crate) dir: PathBuf,
    /// The provider on another host that holds it (then `dir` is empty and unused).
    pub(crate) remote: Option<BlobstoreClient>,
}

/// The `wasi:blobstore/container.stream-object-names` resource.
#[derive(Debug)]
pub enum ObjectNames {
    /// Listed from this host's directory.
    Local(std::vec::IntoIter<String>),
    /// Arriving from a provider on another host.
    Remote(remote::RemoteNames),
}

/// The `wasi:blobstore/types.outgoing-value` resource.
#[derive(Debug)]
pub struct OutgoingValue {
    pub(crate) pipe: MemoryOutputPipe,
    pub(crate) body_taken: bool,
}

/// The `wasi:blobstore/types.incoming-value` resource.
#[derive(Debug)]
pub enum IncomingValue {
    /// Read from this host's directory.
    Local(bytes::Bytes),
    /// Arriving from a provider on another host.
    Remote(Box<remote::RemoteValue>),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_escape_the_root_are_refused() {
        for bad in ["", ".", "..", "a/b", "..\\x", "nul\0"] {
            assert!(check_name("object", bad).is_err(), "{bad:?}");
        }
        check_name("object", "photo.jpg").unwrap();
        assert_eq!(sanitize("kv/1:x"), "kv_1_x");
    }
}
