//! The keyvalue builtin: `wasi:keyvalue/{store,atomics,batch}@0.2.0-draft`.
//!
//! Buckets live in a backend ([`KvBackend`]): in memory (shared per provider, so values
//! persist across requests and instances) or a JetStream KV bucket (so they survive host
//! restarts). The provider config `backend` = `memory` | `jetstream` picks one; the
//! default is JetStream when the host has a NATS connection, memory otherwise.
//!
//! # Bucket names
//!
//! Guests never name a backend bucket directly, so no identifier reaches a bucket the
//! lattice (`CONFIGDATA_*`, `LATTICEDATA_*`), wadm or another namespace owns. A bucket
//! is `trellis-kv-<namespace>-<identifier>` (see [`bucket_name`]):
//! - `identifier` is the link's target config `bucket`, else the guest's `open`
//!   identifier, trimmed (`default` when empty). It must then be 1 to 64 letters,
//!   digits, `-` or `_`; anything else is refused with an error naming it.
//! - `namespace` is the link's target config `namespace`, else the provider config
//!   `namespace`, else the provider id, with every character other than a letter, digit
//!   or `_` replaced by `_` (so the first `-` after the prefix ends it). Components
//!   linked to the same provider and namespace share buckets; give a link its own
//!   `namespace` to keep a component's buckets to itself.
//!
//! # Quotas
//!
//! Each bucket has a value size cap and a total size cap, read from the link's target
//! config, else the provider config, else the defaults:
//! - `max_value_bytes`, default [`DEFAULT_MAX_VALUE_BYTES`] (1 MiB);
//! - `max_bucket_bytes`, default [`DEFAULT_MAX_BUCKET_BYTES`] (64 MiB).
//!
//! A larger value is refused before it reaches the backend, naming the key and the
//! limit. JetStream buckets are created with these as `max_value_size` and `max_bytes`
//! (a bucket that already exists keeps the limits it was created with); memory buckets
//! count their keys and values and refuse a write that would go over.
//!
//! Counters are stored as decimal ASCII so `get` shows them.

mod host;
mod jetstream;
mod memory;
mod remote;

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};

use futures::future::BoxFuture;
use trellis_proto::ConfigMap;

use crate::HostError;

/// Keys returned per `list-keys` page.
const LIST_PAGE: usize = 1000;

/// What every guest bucket name starts with; nothing the lattice or wadm owns does.
pub(crate) const BUCKET_PREFIX: &str = "trellis-kv-";

/// Longest identifier and namespace accepted, so a bucket name stays well inside
/// JetStream's limits on stream names.
const MAX_NAME_PART: usize = 64;

/// Default `max_value_bytes`: one value, as NATS's default max payload.
pub const DEFAULT_MAX_VALUE_BYTES: u64 = 1 << 20;

/// Default `max_bucket_bytes`: everything one bucket holds.
pub const DEFAULT_MAX_BUCKET_BYTES: u64 = 64 << 20;

/// Size limits of one bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Quota {
    /// Largest value, in bytes (`max_value_bytes`).
    pub(crate) max_value_bytes: u64,
    /// Largest total of keys and values, in bytes (`max_bucket_bytes`).
    pub(crate) max_bucket_bytes: u64,
}

impl Default for Quota {
    fn default() -> Self {
        Quota {
            max_value_bytes: DEFAULT_MAX_VALUE_BYTES,
            max_bucket_bytes: DEFAULT_MAX_BUCKET_BYTES,
        }
    }
}

impl Quota {
    /// The quota `config` sets over `base`; the error names the key and its value.
    fn from_config(base: Quota, config: &ConfigMap) -> Result<Quota, String> {
        let read = |key: &str, default: u64| -> Result<u64, String> {
            match config.get(key).map(|v| v.trim()).filter(|v| !v.is_empty()) {
                None => Ok(default),
                Some(v) => v
                    .parse::<u64>()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| format!("{key} = {v:?} is not a positive number of bytes")),
            }
        };
        Ok(Quota {
            max_value_bytes: read("max_value_bytes", base.max_value_bytes)?,
            max_bucket_bytes: read("max_bucket_bytes", base.max_bucket_bytes)?,
        })
    }

    /// Refuses a value over `max_value_bytes`, naming the key and the limit.
    pub(crate) fn check_value(&self, key: &str, value: &[u8]) -> Result<(), String> {
        if value.len() as u64 > self.max_value_bytes {
            return Err(format!(
                "cannot write key {key:?}: its value is {} bytes, over this bucket's limit of \
                 {} bytes (max_value_bytes)",
                value.len(),
                self.max_value_bytes
            ));
        }
        Ok(())
    }
}

/// The backend bucket for a guest's `identifier` in `namespace` (see the module docs).
///
/// The error names the identifier (or namespace) and what is allowed.
pub(crate) fn bucket_name(namespace: &str, identifier: &str) -> Result<String, String> {
    let namespace: String = namespace
        .trim()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if namespace.is_empty() || namespace.len() > MAX_NAME_PART {
        return Err(format!(
            "invalid keyvalue namespace {namespace:?}: it must be 1 to {MAX_NAME_PART} \
             letters, digits or _"
        ));
    }
    let identifier = match identifier.trim() {
        "" => "default",
        id => id,
    };
    let valid = identifier.len() <= MAX_NAME_PART
        && identifier
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !valid {
        return Err(format!(
            "invalid bucket name {identifier:?}: a keyvalue bucket identifier must be 1 to \
             {MAX_NAME_PART} letters, digits, - or _"
        ));
    }
    Ok(format!("{BUCKET_PREFIX}{namespace}-{identifier}"))
}

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
    /// The backend bucket's name, `trellis-kv-<namespace>-<identifier>`.
    #[allow(dead_code)] // shown in Debug output and checked by tests
    pub(crate) name: String,
    /// What the guest opened it by (what a call on the wire carries, and the spy shows).
    pub(crate) identifier: String,
    pub(crate) backend: Arc<dyn KvBackend>,
    pub(crate) quota: Quota,
}

impl KvBucket {
    /// Sets `key` after checking the value against the bucket's quota.
    pub(crate) async fn set(&self, key: &str, value: Vec<u8>) -> Result<(), String> {
        self.quota.check_value(key, &value)?;
        self.backend.set(key, value).await
    }
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
    /// The namespace buckets go in unless the link names one: provider config
    /// `namespace`, else the provider id.
    namespace: String,
    /// Limits unless the link sets its own.
    quota: Quota,
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
        let quota = Quota::from_config(Quota::default(), config)
            .map_err(|e| HostError::InvalidConfig(format!("keyvalue provider {id:?}: {e}")))?;
        let namespace = config
            .get("namespace")
            .map(|n| n.trim())
            .filter(|n| !n.is_empty())
            .unwrap_or(id)
            .to_owned();
        bucket_name(&namespace, "default")
            .map_err(|e| HostError::InvalidConfig(format!("keyvalue provider {id:?}: {e}")))?;
        Ok(KvProvider {
            kind,
            namespace,
            quota,
            memory: Mutex::default(),
            jetstream: nats.map(jetstream::JetStreamKv::new),
        })
    }

    /// Opens the bucket for `identifier`, or for the link's `bucket` target config if
    /// set, in the link's or the provider's namespace (see the module docs).
    pub(crate) async fn open(
        &self,
        identifier: &str,
        target_config: &ConfigMap,
    ) -> Result<KvBucket, String> {
        let linked = |key: &str| {
            target_config
                .get(key)
                .map(String::as_str)
                .filter(|v| !v.trim().is_empty())
        };
        let opened = identifier.to_owned();
        let identifier = linked("bucket").unwrap_or(identifier);
        let namespace = linked("namespace").unwrap_or(&self.namespace);
        let name = bucket_name(namespace, identifier)?;
        let quota = Quota::from_config(self.quota, target_config)
            .map_err(|e| format!("cannot open bucket {name:?}: link config {e}"))?;
        let backend: Arc<dyn KvBackend> = match (self.kind, &self.jetstream) {
            (BackendKind::JetStream, Some(js)) => Arc::new(js.open(&name, quota).await?),
            _ => {
                let mut buckets = self.memory.lock().unwrap_or_else(|p| p.into_inner());
                buckets
                    .entry(name.clone())
                    .or_insert_with(|| Arc::new(memory::MemoryBucket::new(&name, quota)))
                    .clone()
            }
        };
        Ok(KvBucket {
            name,
            identifier: opened,
            backend,
            quota,
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
        assert_eq!(c.name, "trellis-kv-kv-counts");
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
    fn guest_identifiers_stay_inside_their_namespace() {
        assert_eq!(bucket_name("kv", "counts").unwrap(), "trellis-kv-kv-counts");
        assert_eq!(bucket_name("kv", "  ").unwrap(), "trellis-kv-kv-default");
        // The lattice's and wadm's buckets are only ever a suffix.
        assert_eq!(
            bucket_name("kv", "CONFIGDATA_default").unwrap(),
            "trellis-kv-kv-CONFIGDATA_default"
        );
        // A namespace cannot contain the separator, so namespaces never collide.
        assert_eq!(
            bucket_name("my-app.kv", "x").unwrap(),
            "trellis-kv-my_app_kv-x"
        );
        assert_ne!(
            bucket_name("a", "b-c").unwrap(),
            bucket_name("a-b", "c").unwrap()
        );
        for bad in ["$KV.x", "a.b", "../etc", "no spaces", "a>", &"x".repeat(65)] {
            let err = bucket_name("kv", bad).unwrap_err();
            assert!(
                err.contains(&format!("invalid bucket name {:?}", bad.trim())),
                "{bad}: {err}"
            );
        }
    }

    #[tokio::test]
    async fn memory_buckets_keep_their_quota_and_links_their_namespace() {
        let config = ConfigMap::from([
            ("max_value_bytes".to_string(), "8".to_string()),
            ("max_bucket_bytes".to_string(), "20".to_string()),
        ]);
        let provider = KvProvider::new("kv", &config, None).unwrap();
        let bucket = provider.open("q", &ConfigMap::new()).await.unwrap();
        let err = bucket.set("big", vec![0; 9]).await.unwrap_err();
        assert!(
            err.contains("\"big\"") && err.contains("9 bytes") && err.contains("max_value_bytes"),
            "{err}"
        );
        // Even past the resource wrapper, the backend holds the value size.
        let err = bucket.backend.set("big", vec![0; 9]).await.unwrap_err();
        assert!(err.contains("max_value_bytes"), "{err}");
        bucket.set("a", vec![0; 8]).await.unwrap();
        bucket.set("b", vec![0; 8]).await.unwrap();
        let err = bucket.set("c", vec![0; 8]).await.unwrap_err();
        assert!(
            err.contains("max_bucket_bytes") && err.contains("27 bytes"),
            "{err}"
        );
        // Overwriting and deleting give the space back.
        bucket.set("a", vec![0; 1]).await.unwrap();
        bucket.backend.delete("b").await.unwrap();
        bucket.set("c", vec![0; 8]).await.unwrap();

        // A link's quota and namespace win over the provider's.
        let linked = ConfigMap::from([
            ("namespace".to_string(), "shop".to_string()),
            ("max_value_bytes".to_string(), "2".to_string()),
        ]);
        let other = provider.open("q", &linked).await.unwrap();
        assert_eq!(other.name, "trellis-kv-shop-q");
        assert!(other.backend.get("a").await.unwrap().is_none());
        assert!(other.set("k", vec![0; 3]).await.is_err());
        let bad = ConfigMap::from([("max_value_bytes".to_string(), "lots".to_string())]);
        let err = provider.open("q", &bad).await.unwrap_err();
        assert!(err.contains("max_value_bytes = \"lots\""), "{err}");
    }

    #[test]
    fn config_errors_name_the_problem() {
        let bad = ConfigMap::from([("backend".to_string(), "redis".to_string())]);
        let err = KvProvider::new("kv", &bad, None).unwrap_err().to_string();
        assert!(err.contains("unknown backend \"redis\""), "{err}");
        let js = ConfigMap::from([("backend".to_string(), "jetstream".to_string())]);
        let err = KvProvider::new("kv", &js, None).unwrap_err().to_string();
        assert!(err.contains("needs a lattice"), "{err}");
        let quota = ConfigMap::from([("max_bucket_bytes".to_string(), "0".to_string())]);
        let err = KvProvider::new("kv", &quota, None).unwrap_err().to_string();
        assert!(err.contains("max_bucket_bytes = \"0\""), "{err}");
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
