//! The in-memory keyvalue backend: one sorted map per bucket, behind a mutex so
//! `increment` is atomic.

use std::collections::BTreeMap;
use std::sync::Mutex;

use futures::future::{self, BoxFuture, FutureExt};

use super::{add_counter, parse_counter, KvBackend};

/// One in-memory bucket.
#[derive(Debug, Default)]
pub(crate) struct MemoryBucket {
    entries: Mutex<BTreeMap<String, Vec<u8>>>,
}

impl MemoryBucket {
    fn with<R>(&self, f: impl FnOnce(&mut BTreeMap<String, Vec<u8>>) -> R) -> R {
        f(&mut self.entries.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

impl KvBackend for MemoryBucket {
    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<Vec<u8>>, String>> {
        future::ready(Ok(self.with(|m| m.get(key).cloned()))).boxed()
    }

    fn set<'a>(&'a self, key: &'a str, value: Vec<u8>) -> BoxFuture<'a, Result<(), String>> {
        self.with(|m| m.insert(key.to_owned(), value));
        future::ready(Ok(())).boxed()
    }

    fn delete<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<(), String>> {
        self.with(|m| m.remove(key));
        future::ready(Ok(())).boxed()
    }

    fn keys(&self) -> BoxFuture<'_, Result<Vec<String>, String>> {
        future::ready(Ok(self.with(|m| m.keys().cloned().collect()))).boxed()
    }

    fn increment<'a>(&'a self, key: &'a str, delta: u64) -> BoxFuture<'a, Result<u64, String>> {
        let result = self.with(|m| {
            let current = parse_counter(key, m.get(key).map(Vec::as_slice))?;
            let next = add_counter(key, current, delta)?;
            m.insert(key.to_owned(), next.to_string().into_bytes());
            Ok(next)
        });
        future::ready(result).boxed()
    }
}
