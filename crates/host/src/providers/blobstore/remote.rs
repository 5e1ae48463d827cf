//! A blobstore provider on another host, reached over wRPC as
//! `wrpc:blobstore/blobstore@0.2.0` (what a wasmCloud 1.x host sends a blobstore
//! provider): the guest's values and streams on this side, the wire calls in
//! `trellis_wrpc::blobstore`.

use std::collections::VecDeque;
use std::time::Duration;

use bytes::Bytes;
use trellis_wrpc::blobstore::{BlobstoreClient, ObjectData, ObjectId};
use wasmtime_wasi_io::poll::Pollable;
use wasmtime_wasi_io::streams::{InputStream, StreamError, StreamResult};

use super::MAX_VALUE_BYTES;
use crate::providers::remote::{RemoteRoute, CALL_TIMEOUT};
use crate::providers::ProviderCtx;

/// The slowest upload tolerated before a write gives up: bytes per second on top of
/// [`CALL_TIMEOUT`].
const MIN_UPLOAD_RATE: u64 = 1 << 20;

/// Most names one `read-stream-object-names` returns from a remote listing.
const MAX_NAMES_PER_READ: usize = 4096;

/// Chunks an upload is cut into (what wasmCloud's hosts send, about).
const UPLOAD_CHUNK: usize = 64 << 10;

impl ProviderCtx {
    /// When this component's link for `interface` leads to a provider that is not on
    /// this host and the host calls other hosts, that provider (`None`: a local
    /// provider, no link, or no wRPC connection).
    pub(crate) fn remote_blobstore(&self, interface: &str) -> Option<BlobstoreClient> {
        self.remote_route(interface).map(RemoteRoute::blobstore)
    }
}

/// Sends `contents` as object `id`, in chunks, within a deadline that grows with its
/// size.
pub(crate) async fn upload(
    client: &BlobstoreClient,
    id: &ObjectId,
    contents: Bytes,
) -> Result<(), String> {
    let deadline = CALL_TIMEOUT + Duration::from_secs(contents.len() as u64 / MIN_UPLOAD_RATE);
    let chunks = || {
        let chunks: Vec<Bytes> = (0..contents.len())
            .step_by(UPLOAD_CHUNK)
            .map(|at| contents.slice(at..(at + UPLOAD_CHUNK).min(contents.len())))
            .collect();
        Box::pin(futures::stream::iter(chunks)) as _
    };
    client.write_container_data(id, chunks, deadline).await
}

/// An `incoming-value` whose bytes are on another host.
pub struct RemoteValue {
    pub(crate) client: BlobstoreClient,
    pub(crate) id: ObjectId,
    pub(crate) window: (u64, u64),
    pub(crate) data: ObjectData,
}

impl std::fmt::Debug for RemoteValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RemoteValue")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

impl RemoteValue {
    /// How many bytes the value holds: the object's size, clamped to the window asked
    /// for (the provider reads the same window).
    /// (The future owns what it needs: the value itself stays in the guest's table.)
    pub(crate) fn size(&self) -> impl std::future::Future<Output = Result<u64, String>> + Send {
        let (client, id, (start, end)) = (self.client.clone(), self.id.clone(), self.window);
        async move {
            let size = client.object_info(&id).await?.size;
            Ok(if start >= size || start > end {
                0
            } else {
                end.min(size - 1) - start + 1
            })
        }
    }

    /// Every byte, at most [`MAX_VALUE_BYTES`] of them.
    pub(crate) async fn collect(mut self) -> Result<Vec<u8>, String> {
        let mut all = Vec::new();
        while let Some(chunk) = self.data.next_chunk().await? {
            if all.len() + chunk.len() > MAX_VALUE_BYTES {
                return Err(format!(
                    "object {} is over the {MAX_VALUE_BYTES}-byte limit of one value; read \
                     it in ranges",
                    self.id.display()
                ));
            }
            all.extend_from_slice(&chunk);
        }
        Ok(all)
    }

    /// The value as a WASI input stream that reads from the provider as the guest reads.
    pub(crate) fn into_stream(self) -> RemoteInput {
        RemoteInput {
            data: self.data,
            ready: Bytes::new(),
            end: None,
        }
    }
}

/// An input stream over a remote object's data; at most one chunk is held here, the
/// rest waits in the transport.
pub(crate) struct RemoteInput {
    data: ObjectData,
    ready: Bytes,
    /// `Some(None)`: ended well; `Some(Some(reason))`: failed.
    end: Option<Option<String>>,
}

#[wasmtime_wasi_io::async_trait]
impl Pollable for RemoteInput {
    async fn ready(&mut self) {
        if !self.ready.is_empty() || self.end.is_some() {
            return;
        }
        match self.data.next_chunk().await {
            Ok(Some(chunk)) => self.ready = chunk,
            Ok(None) => self.end = Some(None),
            Err(reason) => self.end = Some(Some(reason)),
        }
    }
}

impl InputStream for RemoteInput {
    fn read(&mut self, size: usize) -> StreamResult<Bytes> {
        if !self.ready.is_empty() {
            let take = size.min(self.ready.len());
            return Ok(self.ready.split_to(take));
        }
        match &mut self.end {
            None => Ok(Bytes::new()),
            Some(None) => Err(StreamError::Closed),
            Some(Some(reason)) => {
                let reason = std::mem::take(reason);
                self.end = Some(None);
                Err(StreamError::LastOperationFailed(wasmtime::format_err!(
                    "{reason}"
                )))
            }
        }
    }
}

/// A `stream-object-names` whose names come from another host in batches.
pub struct RemoteNames {
    pub(crate) names: trellis_wrpc::blobstore::ObjectNames,
    pub(crate) buffered: VecDeque<String>,
    pub(crate) done: bool,
}

impl std::fmt::Debug for RemoteNames {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RemoteNames")
            .field("buffered", &self.buffered.len())
            .finish_non_exhaustive()
    }
}

impl RemoteNames {
    /// Fetches batches until `want` names are here or the listing ended.
    async fn fill(&mut self, want: usize) -> Result<(), String> {
        while self.buffered.len() < want && !self.done {
            match self.names.next_names().await? {
                Some(batch) => self.buffered.extend(batch),
                None => self.done = true,
            }
        }
        Ok(())
    }

    /// Up to `len` names (at most [`MAX_NAMES_PER_READ`]: a provider's listing may be
    /// endless), and whether the listing has ended after them.
    pub(crate) async fn read(&mut self, len: u64) -> Result<(Vec<String>, bool), String> {
        let len = usize::try_from(len)
            .unwrap_or(usize::MAX)
            .min(MAX_NAMES_PER_READ);
        // One more than asked: an empty rest then means the end.
        self.fill(len + 1).await?;
        let batch: Vec<String> = self
            .buffered
            .drain(..len.min(self.buffered.len()))
            .collect();
        Ok((batch, self.done && self.buffered.is_empty()))
    }

    /// Skips up to `num` names, batch by batch; how many, and whether the listing has
    /// ended.
    pub(crate) async fn skip(&mut self, num: u64) -> Result<(u64, bool), String> {
        let mut skipped = 0u64;
        while skipped < num {
            let (batch, end) = self.read(num - skipped).await?;
            skipped += batch.len() as u64;
            if end || batch.is_empty() {
                return Ok((skipped, end));
            }
        }
        self.fill(1).await?;
        Ok((skipped, self.done && self.buffered.is_empty()))
    }
}
