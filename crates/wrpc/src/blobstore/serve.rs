//! Serving a blobstore as `wrpc:blobstore/blobstore@0.2.0`, as wasmCloud 1.x blobstore
//! providers do, for components on other hosts.

use std::sync::Arc;
use std::time::Duration;

use ::bytes::Bytes;
use async_nats_wrpc as nats;
use futures::future::BoxFuture;
use futures::stream::BoxStream;
use futures::{FutureExt as _, StreamExt as _};
use tokio::sync::{oneshot, Semaphore};
use tokio::task::JoinSet;
use tokio_util::codec::Encoder;
use wasmtime::component::Val;
use wrpc_transport::{Encode, ServeExt as _, TupleDecode, TupleEncode};

use super::{
    IncomingBytes, NameChunks, ObjectId, ObjectInfo, OutgoingBytes, Status, WireId, DATA_PARAM,
    INSTANCE,
};
use crate::client::{LINK_NAME_HEADER, SOURCE_ID_HEADER, SPIED_HEADER};
use crate::names::target_prefix;
use crate::server::Serving;

/// Calls one served blobstore may have in progress at once (each may hold a transfer);
/// past it, invocations wait in the NATS subscription.
const MAX_IN_FLIGHT: usize = 64;

/// The longest one call may stay open, transfers included, before it is dropped (the
/// service's own per-chunk timeouts normally end a stalled one much sooner).
const CALL_LIMIT: Duration = Duration::from_secs(30 * 60);

/// Names per chunk of a listing's stream.
const NAMES_PER_CHUNK: usize = 256;

/// Bytes as the service hands them out or takes them in; an error ends the stream.
pub type Data = BoxStream<'static, Result<Bytes, String>>;

/// Who calls: the `source-id` and `link-name` headers (absent from peers that do not
/// send them).
#[derive(Clone, Debug, Default)]
pub struct Caller {
    /// The calling component.
    pub source: Option<String>,
    /// The link it calls under.
    pub link_name: Option<String>,
    /// The caller's host records the call for the message spy itself (a Trellis host
    /// sends [`SPIED_HEADER`]).
    pub spied: bool,
}

/// How a watched call ended, for the message spy: the function's result (`ok` with its
/// value, or `err` with the string), as a component value.
pub type CallEnd = Box<dyn FnOnce(Val) + Send>;

/// A blobstore to serve. Every call is first [admitted](BlobstoreService::admit); its
/// error is the function's `string` error. Names come as the caller sent them: the
/// service checks them.
pub trait BlobstoreService: Send + Sync + 'static {
    /// Whether `caller` may call `func` (`Err`: why not, e.g. no link to this provider).
    fn admit(&self, caller: &Caller, func: &str) -> Result<(), String>;
    /// `clear-container`.
    fn clear_container(&self, name: String) -> BoxFuture<'static, Result<(), String>>;
    /// `container-exists`.
    fn container_exists(&self, name: String) -> BoxFuture<'static, Result<bool, String>>;
    /// `create-container`.
    fn create_container(&self, name: String) -> BoxFuture<'static, Result<(), String>>;
    /// `delete-container`.
    fn delete_container(&self, name: String) -> BoxFuture<'static, Result<(), String>>;
    /// `get-container-info`: the container's creation time (seconds since the epoch).
    fn container_created_at(&self, name: String) -> BoxFuture<'static, Result<u64, String>>;
    /// `list-container-objects`: the names, `offset` skipped, at most `limit`.
    fn list_objects(
        &self,
        name: String,
        limit: Option<u64>,
        offset: Option<u64>,
    ) -> BoxFuture<'static, Result<Vec<String>, String>>;
    /// `copy-object`.
    fn copy_object(&self, src: ObjectId, dest: ObjectId) -> BoxFuture<'static, Result<(), String>>;
    /// `move-object`.
    fn move_object(&self, src: ObjectId, dest: ObjectId) -> BoxFuture<'static, Result<(), String>>;
    /// `delete-object`.
    fn delete_object(&self, id: ObjectId) -> BoxFuture<'static, Result<(), String>>;
    /// `delete-objects`.
    fn delete_objects(
        &self,
        container: String,
        objects: Vec<String>,
    ) -> BoxFuture<'static, Result<(), String>>;
    /// `get-object-info`.
    fn object_info(&self, id: ObjectId) -> BoxFuture<'static, Result<ObjectInfo, String>>;
    /// `has-object`.
    fn has_object(&self, id: ObjectId) -> BoxFuture<'static, Result<bool, String>>;
    /// `get-container-data`: bytes `start..=end` of the object, as a stream.
    fn read_object(
        &self,
        id: ObjectId,
        start: u64,
        end: u64,
    ) -> BoxFuture<'static, Result<Data, String>>;
    /// `write-container-data`: stores `data` as the object; resolves once it is stored.
    fn write_object(&self, id: ObjectId, data: Data) -> BoxFuture<'static, Result<(), String>>;
    /// A call to `func` that could not be taken or answered: `reason` says why.
    fn refused(&self, func: &str, source: Option<&str>, reason: &str);
    /// An admitted call of `func` from `caller` with `args` (asked for only when wanted),
    /// for the message spy: answers what hears how it ended, or `None` when nobody
    /// watches (the default).
    fn watch(&self, caller: &Caller, func: &str, args: &dyn Fn() -> Vec<Val>) -> Option<CallEnd> {
        let _ = (caller, func, args);
        None
    }
}

/// Serves `service` as blobstore provider `id` on `lattice`, in queue group
/// `<lattice>.<id>` as wasmCloud does. When this returns, every subscription is in place.
pub async fn serve_blobstore(
    nats: nats::Client,
    lattice: &str,
    id: &str,
    service: Arc<dyn BlobstoreService>,
) -> anyhow::Result<Serving> {
    let prefix = target_prefix(lattice, id);
    let client =
        wrpc_transport_nats::Client::new(nats.clone(), prefix.clone(), Some(prefix.into())).await?;
    let mut server = Server {
        client,
        tasks: JoinSet::new(),
        in_flight: Arc::new(Semaphore::new(MAX_IN_FLIGHT)),
        service,
    };
    server
        .one(
            "clear-container",
            &[],
            Shown {
                args: name_val,
                result: nothing,
            },
            |s, (name,): (String,)| s.clear_container(name),
        )
        .await?;
    server
        .one(
            "container-exists",
            &[],
            Shown {
                args: name_val,
                result: |b| Some(Val::Bool(*b)),
            },
            |s, (name,): (String,)| s.container_exists(name),
        )
        .await?;
    server
        .one(
            "create-container",
            &[],
            Shown {
                args: name_val,
                result: nothing,
            },
            |s, (name,): (String,)| s.create_container(name),
        )
        .await?;
    server
        .one(
            "delete-container",
            &[],
            Shown {
                args: name_val,
                result: nothing,
            },
            |s, (name,): (String,)| s.delete_container(name),
        )
        .await?;
    server
        .one(
            "get-container-info",
            &[],
            Shown {
                args: name_val,
                result: |(at,)| Some(Val::U64(*at)),
            },
            |s, (name,): (String,)| {
                s.container_created_at(name)
                    .map(|r| r.map(|created_at| (created_at,)))
                    .boxed()
            },
        )
        .await?;
    server
        .one(
            "list-container-objects",
            &[],
            Shown {
                args: |(name, limit, offset): &(String, Option<u64>, Option<u64>)| {
                    let opt = |v: &Option<u64>| Val::Option(v.map(|n| Box::new(Val::U64(n))));
                    vec![Val::String(name.clone()), opt(limit), opt(offset)]
                },
                result: nothing,
            },
            |s, (name, limit, offset): (String, Option<u64>, Option<u64>)| {
                s.list_objects(name, limit, offset)
                    .map(|r| r.map(name_stream))
                    .boxed()
            },
        )
        .await?;
    server
        .one(
            "copy-object",
            &[],
            Shown {
                args: |(src, dest)| vec![id_val(src), id_val(dest)],
                result: nothing,
            },
            |s, (src, dest): (WireId, WireId)| {
                s.copy_object(ObjectId::from_wire(src), ObjectId::from_wire(dest))
            },
        )
        .await?;
    server
        .one(
            "move-object",
            &[],
            Shown {
                args: |(src, dest)| vec![id_val(src), id_val(dest)],
                result: nothing,
            },
            |s, (src, dest): (WireId, WireId)| {
                s.move_object(ObjectId::from_wire(src), ObjectId::from_wire(dest))
            },
        )
        .await?;
    server
        .one(
            "delete-object",
            &[],
            Shown {
                args: |(id,)| vec![id_val(id)],
                result: nothing,
            },
            |s, (id,): (WireId,)| s.delete_object(ObjectId::from_wire(id)),
        )
        .await?;
    server
        .one(
            "delete-objects",
            &[],
            Shown {
                args: |(container, objects): &(String, Vec<String>)| {
                    let names = objects.iter().cloned().map(Val::String).collect();
                    vec![Val::String(container.clone()), Val::List(names)]
                },
                result: nothing,
            },
            |s, (container, objects): (String, Vec<String>)| s.delete_objects(container, objects),
        )
        .await?;
    server
        .one(
            "get-object-info",
            &[],
            Shown {
                args: |(id,)| vec![id_val(id)],
                result: |(created_at, size)| {
                    Some(Val::Record(vec![
                        ("created-at".into(), Val::U64(*created_at)),
                        ("size".into(), Val::U64(*size)),
                    ]))
                },
            },
            |s, (id,): (WireId,)| {
                s.object_info(ObjectId::from_wire(id))
                    .map(|r| r.map(|info| (info.created_at, info.size)))
                    .boxed()
            },
        )
        .await?;
    server
        .one(
            "has-object",
            &[],
            Shown {
                args: |(id,)| vec![id_val(id)],
                result: |b| Some(Val::Bool(*b)),
            },
            |s, (id,): (WireId,)| s.has_object(ObjectId::from_wire(id)),
        )
        .await?;
    server
        .one(
            "get-container-data",
            &[],
            Shown {
                args: |(id, start, end)| vec![id_val(id), Val::U64(*start), Val::U64(*end)],
                // The bytes stream to the caller; the spy leaves them out.
                result: nothing,
            },
            |s, (id, start, end): (WireId, u64, u64)| {
                s.read_object(ObjectId::from_wire(id), start, end)
                    .map(|r| r.map(data_stream))
                    .boxed()
            },
        )
        .await?;
    server
        .one(
            "write-container-data",
            &DATA_PARAM,
            // The bytes stream from the caller; the spy leaves them out.
            Shown {
                args: |(id, _)| vec![id_val(id)],
                result: nothing,
            },
            |s, (id, data): (WireId, IncomingBytes)| {
                let data: Data = data.map(|chunk| chunk.map_err(|e| e.to_string())).boxed();
                // The answer goes at once; the status follows when the bytes are stored.
                let status: Status = s.write_object(ObjectId::from_wire(id), data);
                futures::future::ready(Ok(status)).boxed()
            },
        )
        .await?;
    // Reachable by the time the start returns, as other served exports are.
    crate::server::round_trip(&nats).await?;
    Ok(Serving::new(server.tasks, nats))
}

struct Server {
    client: wrpc_transport_nats::Client,
    tasks: JoinSet<()>,
    in_flight: Arc<Semaphore>,
    service: Arc<dyn BlobstoreService>,
}

impl Server {
    /// Serves function `func` (`paths`: where its parameters carry streams) with
    /// `answer`, which gets the decoded parameters of admitted calls.
    async fn one<P, T, F>(
        &mut self,
        func: &'static str,
        paths: &[&[Option<usize>]],
        shown: Shown<P, T>,
        answer: F,
    ) -> anyhow::Result<()>
    where
        P: TupleDecode<wrpc_transport_nats::Reader> + Send + 'static,
        (Result<T, String>,): TupleEncode<wrpc_transport_nats::SubjectWriter> + Send + 'static,
        <P::Decoder as tokio_util::codec::Decoder>::Error: std::error::Error + Send + Sync + 'static,
        <<(Result<T, String>,) as Encode<wrpc_transport_nats::SubjectWriter>>::Encoder as Encoder<
            (Result<T, String>,),
        >>::Error: std::error::Error + Send + Sync + 'static,
        T: Send + 'static,
        F: Fn(&dyn BlobstoreService, P) -> BoxFuture<'static, Result<T, String>>
            + Send
            + Sync
            + 'static,
    {
        let paths: Arc<[Box<[Option<usize>]>]> = paths.iter().map(|p| Box::from(*p)).collect();
        let invocations = self
            .client
            .serve_values::<P, (Result<T, String>,)>(INSTANCE, func, paths)
            .await?;
        let service = Arc::clone(&self.service);
        let in_flight = Arc::clone(&self.in_flight);
        let answer = Arc::new(answer);
        self.tasks.spawn(async move {
            let mut invocations = std::pin::pin!(invocations);
            let mut running = JoinSet::new();
            while let Some(next) = invocations.next().await {
                while running.try_join_next().is_some() {}
                let (context, params, rx, respond) = match next {
                    Ok(parts) => parts,
                    Err(err) => {
                        let reason = format!("its arguments do not match the WIT: {err:#}");
                        service.refused(func, None, &reason);
                        continue;
                    }
                };
                let Ok(permit) = Arc::clone(&in_flight).acquire_owned().await else {
                    return;
                };
                let service = Arc::clone(&service);
                let answer = Arc::clone(&answer);
                running.spawn(async move {
                    let caller = caller_of(context.headers.as_ref());
                    let work = async {
                        let result = match service.admit(&caller, func) {
                            Ok(()) => {
                                let watched = {
                                    let args = || (shown.args)(&params);
                                    service.watch(&caller, func, &args)
                                };
                                let result = answer(&*service, params).await;
                                if let Some(end) = watched {
                                    end(result_val(&result, shown.result));
                                }
                                result
                            }
                            Err(reason) => {
                                service.refused(func, caller.source.as_deref(), &reason);
                                Err(reason)
                            }
                        };
                        respond((result,)).await
                    };
                    let outcome = tokio::time::timeout(CALL_LIMIT, with_incoming(work, rx)).await;
                    let reason = match outcome {
                        Ok(Ok(())) => None,
                        Ok(Err(err)) => Some(format!("its results could not be sent: {err:#}")),
                        Err(_) => Some(format!(
                            "it was still open after {} s and was dropped",
                            CALL_LIMIT.as_secs()
                        )),
                    };
                    if let Some(reason) = reason {
                        service.refused(func, caller.source.as_deref(), &reason);
                    }
                    drop(permit);
                });
            }
        });
        Ok(())
    }
}

/// How one function's arguments and result show in the message spy.
struct Shown<P, T> {
    args: fn(&P) -> Vec<Val>,
    result: fn(&T) -> Option<Val>,
}

impl<P, T> Clone for Shown<P, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<P, T> Copy for Shown<P, T> {}

/// A function result as the spy shows it: `ok(value)` or `err("reason")`.
fn result_val<T>(result: &Result<T, String>, ok: fn(&T) -> Option<Val>) -> Val {
    Val::Result(match result {
        Ok(value) => Ok(ok(value).map(Box::new)),
        Err(reason) => Err(Some(Box::new(Val::String(reason.clone())))),
    })
}

/// An object id as the spy shows it.
fn id_val((container, object): &WireId) -> Val {
    Val::Record(vec![
        ("container".into(), Val::String(container.clone())),
        ("object".into(), Val::String(object.clone())),
    ])
}

/// A container's name as the spy shows it.
fn name_val((name,): &(String,)) -> Vec<Val> {
    vec![Val::String(name.clone())]
}

/// Nothing to show (no value, or a stream the spy leaves out).
fn nothing<T>(_: &T) -> Option<Val> {
    None
}

/// Runs `work` while the call's incoming streams (`rx`) are read; once `work` is done,
/// whatever the caller still sends is dropped.
async fn with_incoming<W, R>(work: W, rx: Option<R>) -> anyhow::Result<()>
where
    W: std::future::Future<Output = anyhow::Result<()>>,
    R: std::future::Future<Output = std::io::Result<()>> + Unpin,
{
    let mut work = std::pin::pin!(work);
    let Some(mut rx) = rx else {
        return work.await;
    };
    tokio::select! {
        done = &mut work => return done,
        // A failure shows to the service through the stream itself.
        _ = &mut rx => {}
    }
    work.await
}

fn caller_of(headers: Option<&nats::HeaderMap>) -> Caller {
    let header = |name: &str| {
        headers
            .and_then(|h| h.get(name))
            .map(|value| value.as_str().to_owned())
    };
    Caller {
        source: header(SOURCE_ID_HEADER),
        link_name: header(LINK_NAME_HEADER),
        spied: header(SPIED_HEADER).is_some(),
    }
}

/// A listing as `stream<string>` and its status (complete already).
fn name_stream(names: Vec<String>) -> (NameChunks, Status) {
    let chunks: Vec<Vec<String>> = names
        .chunks(NAMES_PER_CHUNK)
        .map(<[String]>::to_vec)
        .collect();
    (
        Box::pin(futures::stream::iter(chunks)),
        Box::pin(futures::future::ready(Ok(()))),
    )
}

/// The service's bytes as `stream<u8>` and the status that says how they ended: an
/// error in the middle ends the stream and becomes the status.
fn data_stream(data: Data) -> (OutgoingBytes, Status) {
    let (done, status) = oneshot::channel();
    let bytes = futures::stream::unfold((data, Some(done)), |(mut data, mut done)| async move {
        let ending = match data.next().await {
            Some(Ok(chunk)) => return Some((chunk, (data, done))),
            Some(Err(err)) => Err(err),
            None => Ok(()),
        };
        if let Some(done) = done.take() {
            let _ = done.send(ending);
        }
        None
    });
    let status = async move {
        status
            .await
            .unwrap_or_else(|_| Err("the provider dropped the object's data".to_owned()))
    };
    (Box::pin(bytes), Box::pin(status))
}
