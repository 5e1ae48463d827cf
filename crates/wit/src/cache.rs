//! Decoded WIT of component files, kept while the file is unchanged.
//!
//! The app's graph asks for every component's WIT (for its pins) and again whenever links
//! change, and the CLI's link checks and inspections decode the same files; decoding a
//! large component (componentize-py) takes a noticeable time, so a file whose size and
//! modification time are unchanged is not decoded twice.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use crate::ComponentWit;

/// What identifies one version of a file.
type Stamp = (Option<SystemTime>, u64);

/// A cache of [`decode_file`](crate::decode_file) results by path.
#[derive(Default)]
pub struct WitCache {
    entries: Mutex<HashMap<PathBuf, (Stamp, Arc<ComponentWit>)>>,
}

impl WitCache {
    /// The WIT of the component at `path`, decoded now or taken from the cache.
    ///
    /// Blocking (file I/O and decoding): call it from a blocking thread. The error is a
    /// sentence naming the file.
    pub fn decode(&self, path: &Path) -> Result<Arc<ComponentWit>, String> {
        let meta = std::fs::metadata(path)
            .map_err(|e| format!("cannot read component file {}: {e}", path.display()))?;
        let stamp = (meta.modified().ok(), meta.len());
        if let Some((seen, wit)) = self.lock().get(path) {
            if *seen == stamp {
                return Ok(wit.clone());
            }
        }
        let wit = Arc::new(
            crate::decode_file(path)
                .map_err(|e| format!("cannot decode {}: {e}", path.display()))?,
        );
        self.lock().insert(path.to_owned(), (stamp, wit.clone()));
        Ok(wit)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<PathBuf, (Stamp, Arc<ComponentWit>)>> {
        self.entries.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The local path of a `file://` image reference; `None` for any other scheme.
pub fn file_path(image_ref: &str) -> Option<PathBuf> {
    let path = image_ref.strip_prefix("file://")?;
    (!path.is_empty()).then(|| PathBuf::from(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_file_references_have_a_path() {
        assert_eq!(
            file_path("file:///tmp/a.wasm"),
            Some(PathBuf::from("/tmp/a.wasm"))
        );
        assert_eq!(file_path("ghcr.io/x/y:1"), None);
        assert_eq!(file_path("builtin://keyvalue"), None);
        assert_eq!(file_path("file://"), None);
    }

    #[test]
    fn decodes_once_and_again_after_a_change() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hello.wasm");
        std::fs::write(&path, trellis_testkit::fixtures::http_hello().unwrap()).unwrap();
        let cache = WitCache::default();
        let first = cache.decode(&path).expect("the fixture decodes");
        assert!(first
            .exported_interfaces()
            .any(|i| i.name.starts_with("wasi:http/incoming-handler")));
        let again = cache.decode(&path).unwrap();
        assert!(
            Arc::ptr_eq(&first, &again),
            "an unchanged file is not decoded twice"
        );

        std::fs::write(&path, b"not wasm at all").unwrap();
        let err = cache.decode(&path).expect_err("garbage does not decode");
        assert!(err.contains("hello.wasm"), "{err}");
        let missing = cache.decode(&dir.path().join("gone.wasm")).unwrap_err();
        assert!(missing.contains("gone.wasm"), "{missing}");
    }
}
