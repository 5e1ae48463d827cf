//! The data directory, the lock that says who runs the local lattice, and the endpoint
//! file that tells the others where it listens.

use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::LocalError;

/// Environment variable overriding the data directory of the local lattice.
pub const DATA_DIR_ENV: &str = "TRELLIS_DATA_DIR";

/// `$TRELLIS_DATA_DIR`, else the platform's data directory for Trellis
/// (`~/.local/share/trellis` on Linux).
pub fn data_dir() -> Result<PathBuf, LocalError> {
    if let Some(dir) = std::env::var_os(DATA_DIR_ENV).filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("dev", "trellis", "Trellis")
        .map(|dirs| dirs.data_dir().to_path_buf())
        .ok_or(LocalError::NoDataDir)
}

/// Where the running local lattice listens, written by the process that started it.
/// Holds no secret: the credentials stay in the server's own `credentials.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Endpoint {
    /// The client URL.
    pub url: String,
    /// The websocket URL, if any.
    pub websocket_url: Option<String>,
    /// The owning process.
    pub pid: u32,
}

/// The lock on a data directory's local lattice, held by the process that runs its
/// server for as long as it runs (released by the kernel if that process dies).
pub(crate) struct OwnerLock {
    file: File,
    endpoint_path: PathBuf,
}

impl OwnerLock {
    /// Takes the lock if no other process holds it; `None` when one does.
    pub fn try_take(nats_dir: &Path) -> Result<Option<OwnerLock>, LocalError> {
        let io_error = |action, path: &Path| {
            let path = path.to_path_buf();
            move |source| LocalError::Io {
                action,
                path,
                source,
            }
        };
        create_private_dir(nats_dir).map_err(io_error("cannot create", nats_dir))?;
        let path = nats_dir.join("owner.lock");
        let file = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(io_error("cannot open", &path))?;
        if !try_lock_exclusive(&file).map_err(io_error("cannot lock", &path))? {
            return Ok(None);
        }
        let endpoint_path = nats_dir.join("endpoint.json");
        // Left by an owner that crashed: no one may join through it.
        let _ = fs::remove_file(&endpoint_path);
        Ok(Some(OwnerLock {
            file,
            endpoint_path,
        }))
    }

    /// Tells the others where the server listens.
    pub fn publish(&self, endpoint: &Endpoint) -> Result<(), LocalError> {
        let text = serde_json::to_string_pretty(endpoint).expect("an endpoint serialises");
        let partial = self.endpoint_path.with_extension("json.partial");
        fs::write(&partial, text)
            .and_then(|()| fs::rename(&partial, &self.endpoint_path))
            .map_err(|source| LocalError::Io {
                action: "cannot write",
                path: self.endpoint_path.clone(),
                source,
            })
    }

    /// Withdraws the endpoint and releases the lock.
    pub fn release(self) {
        let _ = fs::remove_file(&self.endpoint_path);
        drop(self.file);
    }
}

/// The endpoint the owner published, if it has yet.
pub(crate) fn read_endpoint(nats_dir: &Path) -> Option<Endpoint> {
    let text = fs::read_to_string(nats_dir.join("endpoint.json")).ok()?;
    serde_json::from_str(&text).ok()
}

/// Creates the server's directory (and missing parents) mode 0700, narrowing it when it
/// existed: it holds `nats.conf`, `credentials.json` and `guest-credentials.json` with
/// the passwords. The lock and the endpoint file in it hold no secret.
fn create_private_dir(dir: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        builder.mode(0o700);
        builder.create(dir)?;
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700))
    }
    #[cfg(not(unix))]
    builder.create(dir)
}

/// `flock(LOCK_EX | LOCK_NB)`: `Ok(false)` when another open file holds it.
fn try_lock_exclusive(file: &File) -> io::Result<bool> {
    #[cfg(unix)]
    {
        use std::os::fd::AsRawFd;
        // SAFETY: flock on a file descriptor we own; no memory is shared.
        let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
        if rc == 0 {
            return Ok(true);
        }
        let err = io::Error::last_os_error();
        if err.raw_os_error() == Some(libc::EWOULDBLOCK) {
            Ok(false)
        } else {
            Err(err)
        }
    }
    #[cfg(not(unix))]
    {
        let _ = file;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_owner_at_a_time_and_the_endpoint_goes_with_it() {
        let dir = tempfile::tempdir().unwrap();
        let first = OwnerLock::try_take(dir.path()).unwrap().expect("free");
        assert!(
            OwnerLock::try_take(dir.path()).unwrap().is_none(),
            "a second open of the lock file must not take it"
        );
        let endpoint = Endpoint {
            url: "nats://127.0.0.1:4999".into(),
            websocket_url: None,
            pid: std::process::id(),
        };
        first.publish(&endpoint).unwrap();
        assert_eq!(read_endpoint(dir.path()), Some(endpoint));
        first.release();
        assert_eq!(read_endpoint(dir.path()), None);
        assert!(OwnerLock::try_take(dir.path()).unwrap().is_some());
    }
}
