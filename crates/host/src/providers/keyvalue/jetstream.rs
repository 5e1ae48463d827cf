//! The JetStream KV keyvalue backend: one KV bucket per keyvalue bucket, created on
//! first open. `increment` is a compare-and-set loop on the entry's revision.

use std::collections::HashMap;

use async_nats::jetstream::{self, kv};
use futures::future::{BoxFuture, FutureExt};
use futures::TryStreamExt;

use super::{add_counter, parse_counter, KvBackend, Quota};

/// How often `increment` retries when another writer wins the race.
const MAX_CAS_ATTEMPTS: usize = 64;

/// Opens (and creates) buckets on one JetStream context.
pub(crate) struct JetStreamKv {
    js: jetstream::Context,
    /// Opened buckets, so a request does not look the stream up each time.
    opened: tokio::sync::Mutex<HashMap<String, kv::Store>>,
}

impl std::fmt::Debug for JetStreamKv {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("JetStreamKv")
    }
}

impl JetStreamKv {
    pub(crate) fn new(client: async_nats::Client) -> Self {
        JetStreamKv {
            js: jetstream::new(client),
            opened: Default::default(),
        }
    }

    /// The bucket `name`, created with history 1 and `quota` if it does not exist.
    pub(crate) async fn open(&self, name: &str, quota: Quota) -> Result<JetStreamBucket, String> {
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(format!(
                "invalid bucket name {name:?}: JetStream KV allows only letters, digits, - and _"
            ));
        }
        let mut opened = self.opened.lock().await;
        if let Some(store) = opened.get(name) {
            return Ok(JetStreamBucket {
                store: store.clone(),
            });
        }
        let store = match self.js.get_key_value(name).await {
            Ok(store) => store,
            Err(_) => self
                .js
                .create_key_value(kv::Config {
                    bucket: name.to_owned(),
                    history: 1,
                    max_value_size: i32::try_from(quota.max_value_bytes).unwrap_or(i32::MAX),
                    max_bytes: i64::try_from(quota.max_bucket_bytes).unwrap_or(i64::MAX),
                    ..Default::default()
                })
                .await
                .map_err(|e| format!("cannot open JetStream KV bucket {name:?}: {e}"))?,
        };
        opened.insert(name.to_owned(), store.clone());
        Ok(JetStreamBucket { store })
    }
}

/// One JetStream KV bucket.
#[derive(Clone)]
pub(crate) struct JetStreamBucket {
    store: kv::Store,
}

impl std::fmt::Debug for JetStreamBucket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JetStreamBucket")
            .field("bucket", &self.store.name)
            .finish()
    }
}

impl JetStreamBucket {
    async fn increment_inner(&self, key: &str, delta: u64) -> Result<u64, String> {
        for _ in 0..MAX_CAS_ATTEMPTS {
            let entry = self
                .store
                .entry(key)
                .await
                .map_err(|e| format!("cannot read key {key:?}: {e}"))?;
            let live = entry.filter(|e| e.operation == kv::Operation::Put);
            let current = parse_counter(key, live.as_ref().map(|e| e.value.as_ref()))?;
            let next = add_counter(key, current, delta)?;
            let value = bytes::Bytes::from(next.to_string());
            let written = match &live {
                // `create` also replaces a delete marker, and fails if someone created it first.
                None => self.store.create(key, value).await.map_err(|e| {
                    (e.kind() == kv::CreateErrorKind::AlreadyExists)
                        .then_some(())
                        .ok_or_else(|| e.to_string())
                }),
                Some(entry) => self
                    .store
                    .update(key, value, entry.revision)
                    .await
                    .map_err(|e| {
                        (e.kind() == kv::UpdateErrorKind::WrongLastRevision)
                            .then_some(())
                            .ok_or_else(|| e.to_string())
                    }),
            };
            match written {
                Ok(_) => return Ok(next),
                // Lost the race: read again.
                Err(Ok(())) => continue,
                Err(Err(e)) => return Err(format!("cannot increment key {key:?}: {e}")),
            }
        }
        Err(format!(
            "cannot increment key {key:?}: still contended after {MAX_CAS_ATTEMPTS} attempts"
        ))
    }
}

impl KvBackend for JetStreamBucket {
    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<Vec<u8>>, String>> {
        async move {
            self.store
                .get(key)
                .await
                .map(|v| v.map(|b| b.to_vec()))
                .map_err(|e| format!("cannot read key {key:?}: {e}"))
        }
        .boxed()
    }

    fn set<'a>(&'a self, key: &'a str, value: Vec<u8>) -> BoxFuture<'a, Result<(), String>> {
        async move {
            self.store
                .put(key, value.into())
                .await
                .map(|_| ())
                .map_err(|e| format!("cannot write key {key:?}: {e}"))
        }
        .boxed()
    }

    fn delete<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<(), String>> {
        async move {
            self.store
                .delete(key)
                .await
                .map_err(|e| format!("cannot delete key {key:?}: {e}"))
        }
        .boxed()
    }

    fn keys(&self) -> BoxFuture<'_, Result<Vec<String>, String>> {
        async move {
            let keys = self
                .store
                .keys()
                .await
                .map_err(|e| format!("cannot list keys: {e}"))?;
            let mut keys: Vec<String> = keys
                .try_collect()
                .await
                .map_err(|e| format!("cannot list keys: {e}"))?;
            keys.sort();
            Ok(keys)
        }
        .boxed()
    }

    fn increment<'a>(&'a self, key: &'a str, delta: u64) -> BoxFuture<'a, Result<u64, String>> {
        self.increment_inner(key, delta).boxed()
    }
}
