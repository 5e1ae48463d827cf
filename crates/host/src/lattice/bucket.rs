//! One lattice KV bucket: JetStream KV, or an in-memory stand-in when the NATS server
//! has no JetStream.
//!
//! wasmCloud keeps links and config in JetStream, so hosts share them and a restarted
//! host gets them back. A server started without `-js` has none; rather than refuse to
//! start, a host then keeps both buckets in its own memory (shared with nobody, gone on
//! exit) and says so once. The state and watch code see one interface either way.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use async_nats::jetstream::kv;
use bytes::Bytes;
use futures::stream::{self, BoxStream};
use futures::StreamExt as _;
use tokio::sync::broadcast;

/// A change of one key, as watchers see it: the new value, or `None` when deleted.
#[derive(Debug, Clone)]
pub(crate) struct KvChange {
    pub(crate) key: String,
    pub(crate) value: Option<Bytes>,
}

/// A key's current state for optimistic writes: its value (`None` once deleted) and the
/// revision a conditional update must name.
pub(crate) struct KvEntry {
    pub(crate) value: Option<Bytes>,
    pub(crate) revision: u64,
}

/// Why a conditional write failed.
pub(crate) enum WriteError {
    /// Someone else wrote the key first: read again and retry.
    Conflict,
    /// Anything else.
    Failed(async_nats::Error),
}

/// One bucket, in JetStream or in memory.
#[derive(Clone)]
pub(crate) enum Bucket {
    JetStream(Box<kv::Store>),
    Memory(Arc<MemoryBucket>),
}

impl Bucket {
    /// A new, empty in-memory bucket.
    pub(crate) fn memory() -> Bucket {
        Bucket::Memory(Arc::new(MemoryBucket::default()))
    }

    pub(crate) async fn get(&self, key: &str) -> Result<Option<Bytes>, async_nats::Error> {
        match self {
            Bucket::JetStream(store) => Ok(store.get(key).await?),
            Bucket::Memory(memory) => Ok(memory.lock().entries.get(key).map(|(v, _)| v.clone())),
        }
    }

    pub(crate) async fn entry(&self, key: &str) -> Result<Option<KvEntry>, async_nats::Error> {
        match self {
            Bucket::JetStream(store) => Ok(store.entry(key).await?.map(|entry| KvEntry {
                value: (entry.operation == kv::Operation::Put).then_some(entry.value),
                revision: entry.revision,
            })),
            Bucket::Memory(memory) => {
                let state = memory.lock();
                Ok(state.entries.get(key).map(|(value, revision)| KvEntry {
                    value: Some(value.clone()),
                    revision: *revision,
                }))
            }
        }
    }

    /// Writes `value` only if the key is still at `revision` (`None`: only if absent).
    pub(crate) async fn write_if(
        &self,
        key: &str,
        value: Bytes,
        revision: Option<u64>,
    ) -> Result<(), WriteError> {
        match self {
            Bucket::JetStream(store) => match revision {
                Some(revision) => store
                    .update(key, value, revision)
                    .await
                    .map(drop)
                    .map_err(|e| {
                        if e.kind() == kv::UpdateErrorKind::WrongLastRevision {
                            WriteError::Conflict
                        } else {
                            WriteError::Failed(e.into())
                        }
                    }),
                None => store.create(key, value).await.map(drop).map_err(|e| {
                    if e.kind() == kv::CreateErrorKind::AlreadyExists {
                        WriteError::Conflict
                    } else {
                        WriteError::Failed(e.into())
                    }
                }),
            },
            Bucket::Memory(memory) => {
                let current = memory.lock().entries.get(key).map(|(_, r)| *r);
                if current != revision {
                    return Err(WriteError::Conflict);
                }
                memory.put(key, value);
                Ok(())
            }
        }
    }

    pub(crate) async fn put(&self, key: &str, value: Bytes) -> Result<(), async_nats::Error> {
        match self {
            Bucket::JetStream(store) => store.put(key, value).await.map(drop).map_err(Into::into),
            Bucket::Memory(memory) => {
                memory.put(key, value);
                Ok(())
            }
        }
    }

    pub(crate) async fn delete(&self, key: &str) -> Result<(), async_nats::Error> {
        match self {
            Bucket::JetStream(store) => store.delete(key).await.map_err(Into::into),
            Bucket::Memory(memory) => {
                memory.delete(key);
                Ok(())
            }
        }
    }

    /// Every key that has a value.
    pub(crate) async fn keys(&self) -> Result<Vec<String>, async_nats::Error> {
        match self {
            Bucket::JetStream(store) => {
                let mut keys = store.keys().await?;
                let mut all = Vec::new();
                while let Some(key) = keys.next().await {
                    all.push(key?);
                }
                Ok(all)
            }
            Bucket::Memory(memory) => Ok(memory.lock().entries.keys().cloned().collect()),
        }
    }

    /// The latest value of every key, then every change as it happens. The stream ends
    /// (or yields an error) when the watch breaks; the caller watches again.
    pub(crate) async fn watch(
        &self,
    ) -> Result<BoxStream<'static, Result<KvChange, String>>, async_nats::Error> {
        match self {
            Bucket::JetStream(store) => {
                let entries = store.watch_with_history(">").await?;
                Ok(entries
                    .map(|entry| {
                        entry.map_err(|e| e.to_string()).map(|entry| KvChange {
                            value: (entry.operation == kv::Operation::Put).then_some(entry.value),
                            key: entry.key,
                        })
                    })
                    .boxed())
            }
            Bucket::Memory(memory) => {
                // Subscribe before reading the current values, so nothing falls between
                // the two; a change seen twice is harmless to the watchers.
                let changes = memory.changes.subscribe();
                let current: Vec<Result<KvChange, String>> = memory
                    .lock()
                    .entries
                    .iter()
                    .map(|(key, (value, _))| {
                        Ok(KvChange {
                            key: key.clone(),
                            value: Some(value.clone()),
                        })
                    })
                    .collect();
                let live = stream::unfold(changes, |mut changes| async move {
                    match changes.recv().await {
                        Ok(change) => Some((Ok(change), changes)),
                        Err(broadcast::error::RecvError::Lagged(n)) => {
                            Some((Err(format!("{n} changes missed")), changes))
                        }
                        Err(broadcast::error::RecvError::Closed) => None,
                    }
                });
                Ok(stream::iter(current).chain(live).boxed())
            }
        }
    }
}

/// The in-memory bucket: values with revisions, and a channel of changes for watchers.
pub(crate) struct MemoryBucket {
    state: Mutex<MemoryState>,
    changes: broadcast::Sender<KvChange>,
}

#[derive(Default)]
struct MemoryState {
    entries: BTreeMap<String, (Bytes, u64)>,
    last_revision: u64,
}

impl Default for MemoryBucket {
    fn default() -> Self {
        MemoryBucket {
            state: Mutex::default(),
            changes: broadcast::channel(256).0,
        }
    }
}

impl MemoryBucket {
    fn lock(&self) -> std::sync::MutexGuard<'_, MemoryState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn put(&self, key: &str, value: Bytes) {
        {
            let mut state = self.lock();
            state.last_revision += 1;
            let revision = state.last_revision;
            state
                .entries
                .insert(key.to_owned(), (value.clone(), revision));
        }
        // No watcher yet is fine: a watch starts from the current values.
        let _ = self.changes.send(KvChange {
            key: key.to_owned(),
            value: Some(value),
        });
    }

    fn delete(&self, key: &str) {
        self.lock().entries.remove(key);
        let _ = self.changes.send(KvChange {
            key: key.to_owned(),
            value: None,
        });
    }
}
