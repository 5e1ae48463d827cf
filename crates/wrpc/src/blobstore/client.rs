//! Calling a blobstore provider over `wrpc:blobstore/blobstore@0.2.0`.
//!
//! Errors are the text a guest sees: the provider's own `string` errors as they are,
//! transport failures as [`CallError`]'s messages (which name the provider and the
//! function). Byte streams go chunk by chunk both ways; a download is read as the guest
//! reads it, each chunk within the call timeout. Chunks the guest has not read yet wait
//! in the transport (a few here, the rest in the NATS subscription), so what a download
//! can hold is bounded by the provider's read window (64 MiB on Trellis hosts).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use ::bytes::Bytes;
use futures::{FutureExt, Stream, StreamExt as _};
use tokio::sync::oneshot;
use tokio_util::codec::{Decoder, Encoder};
use wrpc_transport::{InvokeExt as _, TupleDecode, TupleEncode};

use super::{
    IncomingBytes, NameChunks, ObjectId, ObjectInfo, OutgoingBytes, Status, INSTANCE, INSTANCE_0_1,
    RESULT_PAYLOAD, STREAM_AND_STATUS,
};
use crate::client::{call_headers, CallError, Invoker};

/// The I/O that carries a call's streams and futures; it must run while they are read.
type Io = Pin<Box<dyn Future<Output = anyhow::Result<()>> + Send>>;

/// Calls one blobstore provider for one component's link.
#[derive(Clone)]
pub struct BlobstoreClient {
    invoker: Invoker,
    source: Arc<str>,
    target: Arc<str>,
    link_name: Arc<str>,
    timeout: Duration,
    spied: bool,
}

impl std::fmt::Debug for BlobstoreClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BlobstoreClient")
            .field("target", &self.target)
            .field("source", &self.source)
            .finish_non_exhaustive()
    }
}

impl BlobstoreClient {
    /// Calls to provider `target` for component `source`'s link `link_name`; each call
    /// (and each wait for a chunk of a stream) may take `timeout`.
    pub fn new(
        invoker: Invoker,
        source: &str,
        target: &str,
        link_name: &str,
        timeout: Duration,
    ) -> BlobstoreClient {
        BlobstoreClient {
            invoker,
            source: source.into(),
            target: target.into(),
            link_name: link_name.into(),
            timeout,
            spied: false,
        }
    }

    /// Marks the calls as recorded by the caller for the message spy (see
    /// [`crate::client::SPIED_HEADER`]).
    pub fn spied(mut self, spied: bool) -> BlobstoreClient {
        self.spied = spied;
        self
    }

    /// The provider called.
    pub fn target(&self) -> &str {
        &self.target
    }

    /// Invokes `func` and returns its results with the I/O still to run for their
    /// streams and futures (`paths`: where those are in the results).
    async fn invoke<Params, Results>(
        &self,
        instance: &str,
        func: &str,
        params: Params,
        paths: &[&[Option<usize>]],
    ) -> Result<(Results, Option<Io>), CallError>
    where
        Params: TupleEncode<wrpc_transport_nats::ParamWriter> + Send,
        Results: TupleDecode<wrpc_transport_nats::Reader> + Send,
        <Params::Encoder as Encoder<Params>>::Error: std::error::Error + Send + Sync + 'static,
        <Results::Decoder as Decoder>::Error: std::error::Error + Send + Sync + 'static,
    {
        let function = format!("{instance}.{func}");
        let transport = |reason: String| CallError::Transport {
            target: self.target.to_string(),
            function: function.clone(),
            reason,
        };
        let client = self
            .invoker
            .client_for(&self.target)
            .await
            .map_err(|e| transport(format!("{e:#}")))?;
        let headers = call_headers(&self.source, &self.link_name, self.spied);
        let call = client.invoke_values::<_, Params, Results>(
            Some(headers),
            instance,
            func,
            params,
            paths,
        );
        match tokio::time::timeout(self.timeout, call).await {
            Err(_) => Err(CallError::Timeout {
                target: self.target.to_string(),
                function,
                timeout: self.timeout,
            }),
            Ok(Ok((results, io))) => Ok((results, io.map(|io| Box::pin(io) as Io))),
            Ok(Err(err)) => Err(self.call_error(function, &err)),
        }
    }

    /// What a failed invocation means for the caller.
    fn call_error(&self, function: String, err: &anyhow::Error) -> CallError {
        let io_kind = err
            .chain()
            .find_map(|e| e.downcast_ref::<std::io::Error>())
            .map(std::io::Error::kind);
        let target = self.target.to_string();
        match io_kind {
            // The handshake found nobody on the subject.
            Some(std::io::ErrorKind::NotConnected) => CallError::NoResponder { target, function },
            _ if format!("{err:#}").contains("incomplete results") => {
                CallError::NoResult { target, function }
            }
            Some(std::io::ErrorKind::InvalidData) => CallError::BadResults {
                target,
                function,
                reason: format!("{err:#}"),
            },
            _ => CallError::Transport {
                target,
                function,
                reason: format!("{err:#}"),
            },
        }
    }

    /// Runs `current` (a call of [`INSTANCE`]), or `older` (of [`INSTANCE_0_1`]) when
    /// nobody serves the first, as wasmCloud hosts do for providers built before 0.2.0.
    /// When neither is served, the error is the first one's.
    async fn with_fallback<T, B>(
        &self,
        current: impl Future<Output = Result<T, CallError>>,
        older: impl FnOnce() -> B,
    ) -> Result<T, String>
    where
        B: Future<Output = Result<T, CallError>>,
    {
        match current.await {
            Err(first @ CallError::NoResponder { .. }) => match older().await {
                Err(CallError::NoResponder { .. }) => Err(first.to_string()),
                other => other.map_err(|e| e.to_string()),
            },
            other => other.map_err(|e| e.to_string()),
        }
    }

    /// A function whose results are complete in the answer (the same at 0.1.0).
    async fn simple<Params, T>(&self, func: &str, params: Params) -> Result<T, String>
    where
        Params: TupleEncode<wrpc_transport_nats::ParamWriter> + Clone + Send,
        (Result<T, String>,): TupleDecode<wrpc_transport_nats::Reader> + Send,
        <Params::Encoder as Encoder<Params>>::Error: std::error::Error + Send + Sync + 'static,
        <<(Result<T, String>,) as wrpc_transport::Decode<wrpc_transport_nats::Reader>>::Decoder as Decoder>::Error:
            std::error::Error + Send + Sync + 'static,
    {
        type Answer<T> = (Result<T, String>,);
        let ((result,), _) = self
            .with_fallback(
                self.invoke::<Params, Answer<T>>(INSTANCE, func, params.clone(), &[]),
                || self.invoke::<Params, Answer<T>>(INSTANCE_0_1, func, params, &[]),
            )
            .await?;
        result
    }

    /// `clear-container`: removes every object of container `name`.
    pub async fn clear_container(&self, name: &str) -> Result<(), String> {
        self.simple("clear-container", (name.to_owned(),)).await
    }

    /// `container-exists`.
    pub async fn container_exists(&self, name: &str) -> Result<bool, String> {
        self.simple("container-exists", (name.to_owned(),)).await
    }

    /// `create-container`.
    pub async fn create_container(&self, name: &str) -> Result<(), String> {
        self.simple("create-container", (name.to_owned(),)).await
    }

    /// `delete-container`.
    pub async fn delete_container(&self, name: &str) -> Result<(), String> {
        self.simple("delete-container", (name.to_owned(),)).await
    }

    /// `get-container-info`: when container `name` was created (seconds since the epoch).
    pub async fn container_created_at(&self, name: &str) -> Result<u64, String> {
        let (created_at,): (u64,) = self
            .simple("get-container-info", (name.to_owned(),))
            .await?;
        Ok(created_at)
    }

    /// `copy-object`.
    pub async fn copy_object(&self, src: &ObjectId, dest: &ObjectId) -> Result<(), String> {
        self.simple("copy-object", (src.wire(), dest.wire())).await
    }

    /// `move-object`.
    pub async fn move_object(&self, src: &ObjectId, dest: &ObjectId) -> Result<(), String> {
        self.simple("move-object", (src.wire(), dest.wire())).await
    }

    /// `delete-object`.
    pub async fn delete_object(&self, id: &ObjectId) -> Result<(), String> {
        self.simple("delete-object", (id.wire(),)).await
    }

    /// `delete-objects`.
    pub async fn delete_objects(
        &self,
        container: &str,
        objects: Vec<String>,
    ) -> Result<(), String> {
        self.simple("delete-objects", (container.to_owned(), objects))
            .await
    }

    /// `get-object-info`.
    pub async fn object_info(&self, id: &ObjectId) -> Result<ObjectInfo, String> {
        let (created_at, size): (u64, u64) = self.simple("get-object-info", (id.wire(),)).await?;
        Ok(ObjectInfo { created_at, size })
    }

    /// `has-object`.
    pub async fn has_object(&self, id: &ObjectId) -> Result<bool, String> {
        self.simple("has-object", (id.wire(),)).await
    }

    /// `get-container-data`: bytes `start..=end` of object `id`, to read chunk by chunk.
    pub async fn get_container_data(
        &self,
        id: &ObjectId,
        start: u64,
        end: u64,
    ) -> Result<ObjectData, String> {
        type Answer = (Result<(IncomingBytes, Status), String>,);
        type Answer01 = (Result<IncomingBytes, String>,);
        let func = "get-container-data";
        let params = (id.wire(), start, end);
        let (result, io) = self
            .with_fallback(
                async {
                    let ((result,), io) = self
                        .invoke::<_, Answer>(INSTANCE, func, params.clone(), &STREAM_AND_STATUS)
                        .await?;
                    Ok((result, io))
                },
                || async {
                    let ((result,), io) = self
                        .invoke::<_, Answer01>(INSTANCE_0_1, func, params.clone(), &RESULT_PAYLOAD)
                        .await?;
                    // 0.1.0 has no status: the stream's end mark is all it says.
                    Ok((result.map(|chunks| (chunks, done())), io))
                },
            )
            .await?;
        let (chunks, status) = result?;
        Ok(ObjectData {
            chunks,
            tail: Tail::new(status, io),
            idle: self.timeout,
            what: format!("object {} from {}", id.display(), self.target),
        })
    }

    /// `write-container-data`: sends the stream `data` makes as object `id` and returns
    /// once the provider has stored it (or said why not). The whole write may take
    /// `deadline`. (`data` may be asked twice: for 0.2.0, then for 0.1.0 if nobody
    /// serves 0.2.0; a stream is gone once offered.)
    pub async fn write_container_data(
        &self,
        id: &ObjectId,
        data: impl Fn() -> Pin<Box<dyn Stream<Item = Bytes> + Send>>,
        deadline: Duration,
    ) -> Result<(), String> {
        type Answer = (Result<Status, String>,);
        type Answer01 = (Result<(), String>,);
        let what = format!("object {} to {}", id.display(), self.target);
        // Ends the upload early when the provider refuses it up front.
        let (stop, stopped) = oneshot::channel::<()>();
        let stopped = stopped.shared();
        let outgoing = || -> OutgoingBytes { Box::pin(data().take_until(stopped.clone())) };
        let func = "write-container-data";
        let write = async {
            let (result, io) = self
                .with_fallback(
                    async {
                        let params = (id.wire(), outgoing());
                        let ((result,), io) = self
                            .invoke::<_, Answer>(INSTANCE, func, params, &RESULT_PAYLOAD)
                            .await?;
                        Ok((result, io))
                    },
                    || async {
                        let params = (id.wire(), outgoing());
                        let ((result,), io) = self
                            .invoke::<_, Answer01>(INSTANCE_0_1, func, params, &[])
                            .await?;
                        // 0.1.0 answers once the data is stored: that is its status.
                        Ok((result.map(|()| done()), io))
                    },
                )
                .await?;
            let status = match result {
                Ok(status) => status,
                Err(err) => {
                    drop(stop);
                    return Err(err);
                }
            };
            Tail::new(status, io).finish(&what).await
        };
        match tokio::time::timeout(deadline, write).await {
            Ok(outcome) => outcome,
            Err(_) => Err(format!(
                "writing {what} did not finish within {} ms",
                deadline.as_millis()
            )),
        }
    }

    /// `list-container-objects`: the names in container `name`, to read in batches.
    pub async fn list_container_objects(&self, name: &str) -> Result<ObjectNames, String> {
        type Answer = (Result<(NameChunks, Status), String>,);
        type Answer01 = (Result<NameChunks, String>,);
        let func = "list-container-objects";
        let params: (String, Option<u64>, Option<u64>) = (name.to_owned(), None, None);
        let (result, io) = self
            .with_fallback(
                async {
                    let ((result,), io) = self
                        .invoke::<_, Answer>(INSTANCE, func, params.clone(), &STREAM_AND_STATUS)
                        .await?;
                    Ok((result, io))
                },
                || async {
                    let ((result,), io) = self
                        .invoke::<_, Answer01>(INSTANCE_0_1, func, params.clone(), &RESULT_PAYLOAD)
                        .await?;
                    Ok((result.map(|chunks| (chunks, done())), io))
                },
            )
            .await?;
        let (chunks, status) = result?;
        Ok(ObjectNames {
            chunks,
            tail: Tail::new(status, io),
            idle: self.timeout,
            what: format!("the objects of {name} on {}", self.target),
        })
    }
}

/// The status of a stream that has none of its own (0.1.0).
fn done() -> Status {
    Box::pin(futures::future::ready(Ok(())))
}

/// What follows a stream: the provider's word on how it ended, and the transport's I/O.
struct Tail {
    status: Option<futures::future::Fuse<Status>>,
    io: Option<futures::future::Fuse<Io>>,
}

impl Tail {
    /// Nothing left to wait for.
    const DONE: Tail = Tail {
        status: None,
        io: None,
    };

    fn new(status: Status, io: Option<Io>) -> Tail {
        Tail {
            status: Some(status.fuse()),
            io: io.map(FutureExt::fuse),
        }
    }

    /// Runs the I/O until `next` is ready; an I/O failure comes first.
    async fn drive<T>(&mut self, what: &str, next: impl Future<Output = T>) -> Result<T, String> {
        let mut next = std::pin::pin!(next);
        loop {
            let Some(io) = self.io.as_mut() else {
                return Ok(next.await);
            };
            tokio::select! {
                biased;
                outcome = io => {
                    self.io = None;
                    if let Err(err) = outcome {
                        return Err(format!("transferring {what} failed: {err:#}"));
                    }
                }
                value = &mut next => return Ok(value),
            }
        }
    }

    /// Waits for the provider's status (running the I/O meanwhile); the provider's
    /// error comes back naming `what` it was about.
    async fn finish(mut self, what: &str) -> Result<(), String> {
        let Some(status) = self.status.take() else {
            return Ok(());
        };
        let outcome = self.drive(what, status).await?;
        // Whatever I/O is left (the status's own subject) ends with it.
        if let Some(io) = self.io.take() {
            io.await
                .map_err(|err| format!("transferring {what} failed: {err:#}"))?;
        }
        outcome.map_err(|err| format!("{what}: {err}"))
    }
}

/// An object's bytes as they arrive from the provider.
pub struct ObjectData {
    chunks: IncomingBytes,
    tail: Tail,
    idle: Duration,
    what: String,
}

impl ObjectData {
    /// The next chunk; `None` once the provider said the object ended well. An error
    /// names the object and why (cut short, the provider's error, no chunk in time).
    pub async fn next_chunk(&mut self) -> Result<Option<Bytes>, String> {
        let ObjectData {
            chunks,
            tail,
            idle,
            what,
        } = self;
        let (what, idle): (&str, Duration) = (what, *idle);
        let step = async {
            match tail.drive(what, chunks.next()).await? {
                Some(Ok(chunk)) => Ok(Some(chunk)),
                Some(Err(err)) => Err(format!("reading {what}: {err}")),
                None => {
                    let done = std::mem::replace(tail, Tail::DONE);
                    done.finish(what).await.map(|()| None)
                }
            }
        };
        match tokio::time::timeout(idle, step).await {
            Ok(outcome) => outcome,
            Err(_) => Err(format!(
                "reading {what}: no data within {} ms",
                idle.as_millis()
            )),
        }
    }
}

impl std::fmt::Debug for ObjectData {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ObjectData")
            .field("what", &self.what)
            .finish_non_exhaustive()
    }
}

/// A container's object names as they arrive from the provider.
pub struct ObjectNames {
    chunks: NameChunks,
    tail: Tail,
    idle: Duration,
    what: String,
}

impl ObjectNames {
    /// The next batch of names; `None` once the listing ended well.
    pub async fn next_names(&mut self) -> Result<Option<Vec<String>>, String> {
        let ObjectNames {
            chunks,
            tail,
            idle,
            what,
        } = self;
        let (what, idle): (&str, Duration) = (what, *idle);
        let step = async {
            match tail.drive(what, chunks.next()).await? {
                Some(names) => Ok(Some(names)),
                None => {
                    let done = std::mem::replace(tail, Tail::DONE);
                    done.finish(what).await.map(|()| None)
                }
            }
        };
        match tokio::time::timeout(idle, step).await {
            Ok(outcome) => outcome,
            Err(_) => Err(format!(
                "listing {what}: no names within {} ms",
                idle.as_millis()
            )),
        }
    }
}

impl std::fmt::Debug for ObjectNames {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ObjectNames")
            .field("what", &self.what)
            .finish_non_exhaustive()
    }
}
