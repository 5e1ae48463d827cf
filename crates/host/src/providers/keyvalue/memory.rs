//! The in-memory keyvalue backend: one sorted map per bucket, behind a mutex so
//! `increment` is atomic.

use std::collections::BTreeMap;
use std::sync::Mutex;

use futures::future::{self, BoxFuture, FutureExt};

use super::{add_counter, parse_counter, KvBackend, Quota};

/// One in-memory bucket, held to its [`Quota`].
#[derive(Debug)]
pub(crate) struct MemoryBucket {
    name: String,
    quota: Quota,
    entries: Mutex<Entries>,
}

/// The entries and their total size (keys plus values), kept together.
#[derive(Debug, Default)]
struct Entries {
    map: BTreeMap<String, Vec<u8>>,
    bytes: u64,
}

impl Entries {
    /// Sets `key`, refusing a value or a total over `quota`.
    fn insert(
        &mut self,
        name: &str,
        quota: Quota,
        key: &str,
        value: Vec<u8>,
    ) -> Result<(), String> {
        quota.check_value(key, &value)?;
        let old = self
            .map
            .get(key)
            .map_or(0, |v| (key.len() + v.len()) as u64);
        let total = self.bytes - old + (key.len() + value.len()) as u64;
        if total > quota.max_bucket_bytes {
            return Err(format!(
                "cannot write key {key:?}: bucket {name:?} would hold {total} bytes, over its \
                 limit of {} bytes (max_bucket_bytes)",
                quota.max_bucket_bytes
            ));
        }
        self.bytes = total;
        self.map.insert(key.to_owned(), value);
        Ok(())
    }

    fn remove(&mut self, key: &str) {
        if let Some(v) = self.map.remove(key) {
            self.bytes -= (key.len() + v.len()) as u64;
        }
    }
}

impl MemoryBucket {
    /// An empty bucket `name` held to `quota`.
    pub(crate) fn new(name: &str, quota: Quota) -> Self {
        MemoryBucket {
            name: name.to_owned(),
            quota,
            entries: Mutex::default(),
        }
    }

    fn with<R>(&self, f: impl FnOnce(&mut Entries) -> R) -> R {
        f(&mut self.entries.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

impl KvBackend for MemoryBucket {
    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<Vec<u8>>, String>> {
        future::ready(Ok(self.with(|m| m.map.get(key).cloned()))).boxed()
    }

    fn set<'a>(&'a self, key: &'a str, value: Vec<u8>) -> BoxFuture<'a, Result<(), String>> {
        let (name, quota) = (&self.name, self.quota);
        future::ready(self.with(|m| m.insert(name, quota, key, value))).boxed()
    }

    fn delete<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<(), String>> {
        self.with(|m| m.remove(key));
        future::ready(Ok(())).boxed()
    }

    fn keys(&self) -> BoxFuture<'_, Result<Vec<String>, String>> {
        future::ready(Ok(self.with(|m| m.map.keys().cloned().collect()))).boxed()
    }

    fn increment<'a>(&'a self, key: &'a str, delta: u64) -> BoxFuture<'a, Result<u64, String>> {
        let result = self.with(|m| {
            let current = parse_counter(key, m.map.get(key).map(Vec::as_slice))?;
            let next = add_counter(key, current, delta)?;
            m.insert(&self.name, self.quota, key, next.to_string().into_bytes())?;
            Ok(next)
        });
        future::ready(result).boxed()
    }
}
