//! Lattice state in JetStream KV: links under `LATTICEDATA_<lattice>` and named config
//! under `CONFIGDATA_<lattice>`.
//!
//! Both buckets are created when absent, so the first host on a fresh server sets them
//! up. Every host reads and writes the same buckets; the watcher in `watch.rs` turns
//! changes (from any host) into runtime calls. On a server without JetStream both live
//! in this host's memory instead (see `bucket.rs`).

use std::time::Duration;

use async_nats::jetstream::{self, kv};
use bytes::Bytes;
use trellis_proto::{ComponentSpec, ConfigMap, Link};

use super::bucket::{Bucket, WriteError};
use crate::HostError;

/// How long the JetStream probe may take before the server counts as without it.
const JETSTREAM_PROBE_TIMEOUT: Duration = Duration::from_secs(5);

/// How often a spec write is retried when other hosts keep changing the key.
const MAX_SPEC_RETRIES: usize = 10;

/// Handles on the two buckets of one lattice.
#[derive(Clone)]
pub(crate) struct LatticeState {
    /// `LATTICEDATA_<lattice>`: `COMPONENT_<id>` = `{"url":…,"links":[…]}`.
    pub(crate) data: Bucket,
    /// `CONFIGDATA_<lattice>`: config name = JSON string map.
    pub(crate) config: Bucket,
}

impl LatticeState {
    /// Opens (creating if absent) both buckets of `lattice` in JetStream. When the server
    /// has no JetStream for this account, both are kept in memory instead and the second
    /// value is `false`.
    pub(crate) async fn open(
        js: &jetstream::Context,
        lattice: &str,
    ) -> Result<(Self, bool), HostError> {
        let probe = tokio::time::timeout(JETSTREAM_PROBE_TIMEOUT, js.query_account()).await;
        if !matches!(probe, Ok(Ok(_))) {
            let memory = Self {
                data: Bucket::memory(),
                config: Bucket::memory(),
            };
            return Ok((memory, false));
        }
        let data = open_bucket(js, trellis_proto::kv::lattice_data_bucket(lattice)).await?;
        let config = open_bucket(js, trellis_proto::kv::config_data_bucket(lattice)).await?;
        let state = Self {
            data: Bucket::JetStream(Box::new(data)),
            config: Bucket::JetStream(Box::new(config)),
        };
        Ok((state, true))
    }

    /// The spec stored for `id`, if any. Unreadable JSON counts as absent so one bad
    /// entry written by someone else cannot block link operations on that source.
    pub(crate) async fn component_spec(
        &self,
        id: &str,
    ) -> Result<Option<ComponentSpec>, HostError> {
        let key = trellis_proto::kv::component_key(id);
        let value = self
            .data
            .get(key.as_str())
            .await
            .map_err(|e| HostError::lattice(format!("reading {key}"), e))?;
        Ok(
            value.and_then(|bytes| match serde_json::from_slice(&bytes) {
                Ok(spec) => Some(spec),
                Err(err) => {
                    tracing::warn!(%key, %err, "ignoring an unreadable component spec");
                    None
                }
            }),
        )
    }

    /// Read-modify-write of the spec of `id` with optimistic concurrency: `change`
    /// edits the spec and says whether to write it; if another host wrote the key in
    /// between, the read and `change` are repeated. Link operations go to one host of a
    /// queue group each, so two hosts may edit the same source at once.
    pub(crate) async fn modify_component_spec<R>(
        &self,
        id: &str,
        mut change: impl FnMut(&mut ComponentSpec) -> (bool, R),
    ) -> Result<R, HostError> {
        let key = trellis_proto::kv::component_key(id);
        for _ in 0..MAX_SPEC_RETRIES {
            let entry = self
                .data
                .entry(key.as_str())
                .await
                .map_err(|e| HostError::lattice(format!("reading {key}"), e))?;
            let (mut spec, revision) = match entry {
                Some(entry) => (
                    entry
                        .value
                        .and_then(|v| serde_json::from_slice(&v).ok())
                        .unwrap_or_default(),
                    Some(entry.revision),
                ),
                None => (ComponentSpec::default(), None),
            };
            let (write, result) = change(&mut spec);
            if !write {
                return Ok(result);
            }
            let bytes: Bytes = serde_json::to_vec(&spec)
                .map_err(|e| HostError::lattice(format!("encoding {key}"), e))?
                .into();
            match self.data.write_if(key.as_str(), bytes, revision).await {
                Ok(()) => return Ok(result),
                Err(WriteError::Conflict) => continue,
                Err(WriteError::Failed(err)) => {
                    return Err(HostError::lattice(format!("writing {key}"), err))
                }
            }
        }
        Err(HostError::lattice(
            format!("writing {key}"),
            std::io::Error::other("the key kept changing under concurrent writers; try again"),
        ))
    }

    /// Records the image of a component or provider, keeping the links stored for it.
    pub(crate) async fn set_component_url(&self, id: &str, url: &str) -> Result<(), HostError> {
        self.modify_component_spec(id, |spec| {
            let changed = spec.url != url;
            spec.url = url.to_owned();
            (changed, ())
        })
        .await
    }

    /// Every link in the lattice, read from the bucket (not a cache), so a reply is
    /// current even right after another host changed something.
    pub(crate) async fn all_links(&self) -> Result<Vec<Link>, HostError> {
        let keys = self
            .data
            .keys()
            .await
            .map_err(|e| HostError::lattice("listing LATTICEDATA keys", e))?;
        let mut links = Vec::new();
        for key in keys {
            let Some(id) = trellis_proto::kv::component_id_from_key(&key) else {
                continue;
            };
            if let Some(spec) = self.component_spec(id).await? {
                links.extend(spec.links);
            }
        }
        Ok(links)
    }

    /// The named config, or `None` when it does not exist. A stored value that is not a
    /// string map is reported as an error naming the config.
    pub(crate) async fn config(&self, name: &str) -> Result<Option<ConfigMap>, HostError> {
        let value = self
            .config
            .get(name)
            .await
            .map_err(|e| HostError::lattice(format!("reading config {name}"), e))?;
        match value {
            None => Ok(None),
            Some(bytes) => trellis_proto::parse_config_map(bytes.as_ref())
                .map(Some)
                .map_err(|e| HostError::lattice(format!("config {name} in CONFIGDATA"), e)),
        }
    }

    /// Stores the config body exactly as sent (real hosts keep the bytes, spacing included).
    pub(crate) async fn put_config(&self, name: &str, body: Bytes) -> Result<(), HostError> {
        self.config
            .put(name, body)
            .await
            .map_err(|e| HostError::lattice(format!("writing config {name}"), e))?;
        Ok(())
    }

    /// Deletes the config (a KV delete marker, as wasmCloud does).
    pub(crate) async fn delete_config(&self, name: &str) -> Result<(), HostError> {
        self.config
            .delete(name)
            .await
            .map_err(|e| HostError::lattice(format!("deleting config {name}"), e))
    }

    /// Merges the named configs left to right (the right one wins on equal keys).
    /// A missing name is skipped here; callers that must refuse it check first.
    pub(crate) async fn resolve_config(&self, names: &[String]) -> Result<ConfigMap, HostError> {
        let mut merged = ConfigMap::new();
        for name in names {
            if let Some(map) = self.config(name).await? {
                merged.extend(map);
            }
        }
        Ok(merged)
    }
}

/// `get_key_value`, falling back to creating the bucket. Another host may create it
/// between our two calls, so a failed create is followed by one more get.
async fn open_bucket(js: &jetstream::Context, bucket: String) -> Result<kv::Store, HostError> {
    if let Ok(store) = js.get_key_value(bucket.as_str()).await {
        return Ok(store);
    }
    let created = js
        .create_key_value(kv::Config {
            bucket: bucket.clone(),
            history: 1,
            ..Default::default()
        })
        .await;
    match created {
        Ok(store) => Ok(store),
        Err(create_err) => js
            .get_key_value(bucket.as_str())
            .await
            .map_err(|_| HostError::lattice(format!("creating KV bucket {bucket}"), create_err)),
    }
}
