//! The keyvalue builtin: `wasi:keyvalue/{store,atomics,batch}@0.2.0-draft`.
//!
//! Buckets live in a backend ([`KvBackend`]): in memory (shared per provider, so values
//! persist across requests and instances) or a JetStream KV bucket (so they survive host
//! restarts). The provider config `backend` = `memory` | `jetstream` picks one; the
//! default is JetStream when the host has a NATS connection, memory otherwise.
//!
//! The bucket name is the link's target config `bucket`, else the `open` identifier
//! (`default` when empty). Counters are stored as decimal ASCII so `get` shows them.

mod host;
mod jetstream;
mod memory;

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};

use futures::future::BoxFuture;
use trellis_proto::ConfigMap;

use crate::HostError;

/// Keys returned per `list-keys` page.
const LIST_PAGE: usize = 1000;

/// One bucket of a backend. Errors are guest-facing messages.
pub(crate) trait KvBackend: Send + Sync + fmt::Debug {
    /// The value of `key`, if set.
    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<Vec<u8>>, String>>;
    /// Sets `key` to `value`.
    fn set<'a>(&'a self, key: &'a str, value: Vec<u8>) -> BoxFuture<'a, Result<(), String>>;
    /// Deletes `key` (no error if absent).
    fn delete<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<(), String>>;
    /// Every key, sorted.
    fn keys(&self) -> BoxFuture<'_, Result<Vec<String>, String>>;
    /// Atomically adds `delta` to the counter at `key` (absent = 0); returns the new value.
    fn increment<'a>(&'a self, key: &'a str, delta: u64) -> BoxFuture<'a, Result<u64, String>>;
}

/// The `wasi:keyvalue/store.bucket` resource.
#[derive(Debug, Clone)]
pub struct KvBucket {
    #[allow(dead_code)] // shown in Debug output and checked by tests
    pub(crate) name: String,
    pub(crate) backend: Arc<dyn KvBackend>,
}

/// Which backend a keyvalue provider uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BackendKind {
    Memory,
    JetStream,
}

/// State of one keyvalue provider.
#[derive(Debug)]
pub(crate) struct KvProvider {
    kind: BackendKind,
    memory: Mutex<HashMap<String, Arc<memory::MemoryBucket>>>,
    jetstream: Option<jetstream::JetStreamKv>,
}

impl KvProvider {
    /// Reads the provider config; `nats` enables the JetStream backend.
    pub(crate) fn new(
        id: &str,
        config: &ConfigMap,
        nats: Option<async_nats::Client>,
    ) -> Result<Self, HostError> {
        let kind = match config.get("backend").map(|s| s.trim()) {
            None | Some("") => {
                if nats.is_some() {
                    BackendKind::JetStream
                } else {
                    BackendKind::Memory
                }
            }
            Some("memory") => BackendKind::Memory,
            Some("jetstream") | Some("nats") => {
                if nats.is_none() {
                    return Err(HostError::InvalidConfig(format!(
                        "keyvalue provider {id:?}: backend=jetstream needs a lattice (NATS) \
                         connection, and this host has none"
                    )));
                }
                BackendKind::JetStream
            }
            Some(other) => {
                return Err(HostError::InvalidConfig(format!(
                    "keyvalue provider {id:?}: unknown backend {other:?} (memory or jetstream)"
                )))
            }
        };
        Ok(KvProvider {
            kind,
            memory: Mutex::default(),
            jetstream: nats.map(jetstream::JetStreamKv::new),
        })
    }

    /// Opens bucket `identifier`, or the link's `bucket` target config if set.
    pub(crate) async fn open(
        &self,
        identifier: &str,
        target_config: &ConfigMap,
    ) -> Result<KvBucket, String> {
        let name = target_config
            .get("bucket")
            .map(String::as_str)
            .filter(|b| !b.trim().is_empty())
            .unwrap_or(identifier)
            .trim();
        let name = if name.is_empty() { "default" } else { name };
        let backend: Arc<dyn KvBackend> = match (self.kind, &self.jetstream) {
            (BackendKind::JetStream, Some(js)) => Arc::new(js.open(name).await?),
            _ => {
                let mut buckets = self.memory.lock().unwrap_or_else(|p| p.into_inner());
                buckets.entry(name.to_owned()).or_default().clone()
            }
        };
        Ok(KvBucket {
            name: name.to_owned(),
            backend,
        })
    }
}

/// Parses a stored counter; absent counts as 0.
pub(crate) fn parse_counter(key: &str, value: Option<&[u8]>) -> Result<u64, String> {
    let Some(value) = value else { return Ok(0) };
    std::str::from_utf8(value)
        .ok()
        .and_then(|s| s.trim().parse::<u64>().ok())
        .ok_or_else(|| format!("cannot increment key {key:?}: its value is not a decimal number"))
}

/// Adds with an error instead of wrapping.
pub(crate) fn add_counter(key: &str, current: u64, delta: u64) -> Result<u64, String> {
    current
        .checked_add(delta)
        .ok_or_else(|| format!("cannot increment key {key:?}: the counter would overflow u64"))
}

/// One `list-keys` page starting at `cursor`.
pub(crate) fn page(keys: Vec<String>, cursor: Option<u64>) -> (Vec<String>, Option<u64>) {
    let start = usize::try_from(cursor.unwrap_or(0)).unwrap_or(usize::MAX);
    let end = start.saturating_add(LIST_PAGE).min(keys.len());
    if start >= keys.len() {
        return (Vec::new(), None);
    }
    let next = (end < keys.len()).then_some(end as u64);
    (keys[start..end].to_vec(), next)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn memory_buckets_are_shared_per_provider_and_increment() {
        let provider = KvProvider::new("kv", &ConfigMap::new(), None).unwrap();
        let a = provider.open("counts", &ConfigMap::new()).await.unwrap();
        assert_eq!(a.backend.increment("hits", 2).await.unwrap(), 2);
        let b = provider.open("counts", &ConfigMap::new()).await.unwrap();
        assert_eq!(b.backend.increment("hits", 1).await.unwrap(), 3);
        assert_eq!(b.backend.get("hits").await.unwrap().unwrap(), b"3");
        // The link's bucket config wins over the identifier.
        let linked = ConfigMap::from([("bucket".to_string(), "counts".to_string())]);
        let c = provider.open("other", &linked).await.unwrap();
        assert_eq!(c.name, "counts");
        assert!(c.backend.get("hits").await.unwrap().is_some());
        c.backend.set("text", b"x".to_vec()).await.unwrap();
        assert!(c
            .backend
            .increment("text", 1)
            .await
            .unwrap_err()
            .contains("not a decimal"));
    }

    #[test]
    fn config_errors_name_the_problem() {
        let bad = ConfigMap::from([("backend".to_string(), "redis".to_string())]);
        let err = KvProvider::new("kv", &bad, None).unwrap_err().to_string();
        assert!(err.contains("unknown backend \"redis\""), "{err}");
        let js = ConfigMap::from([("backend".to_string(), "jetstream".to_string())]);
        let err = KvProvider::new("kv", &js, None).unwrap_err().to_string();
        assert!(err.contains("needs a lattice"), "{err}");
    }

    #[test]
    fn pages_cover_all_keys() {
        let keys: Vec<String> = (0..2500).map(|i| format!("{i:05}")).collect();
        let (first, next) = page(keys.clone(), None);
        assert_eq!((first.len(), next), (1000, Some(1000)));
        let (_, next) = page(keys.clone(), next);
        let (last, next) = page(keys.clone(), next);
        assert_eq!((last.len(), next), (500, None));
        assert_eq!(page(keys, Some(9999)), (vec![], None));
    }
}
