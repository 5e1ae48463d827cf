//! Serving a component's exported functions on the lattice over wRPC.

use std::sync::Arc;

use async_nats_wrpc as nats;
use bytes::BytesMut;
use futures::future::BoxFuture;
use futures::{StreamExt as _, TryStreamExt as _};
use tokio::io::AsyncWriteExt as _;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tokio_util::codec::FramedRead;
use wasmtime::component::{Type, Val};
use wrpc_transport::Serve as _;

use crate::client::{LINK_NAME_HEADER, SOURCE_ID_HEADER, SPIED_HEADER};
use crate::codec::{encode_values, ValuesDecoder};
use crate::names::target_prefix;

/// Calls one served target may have in progress at once; past it, invocations wait in
/// the NATS subscription (whose buffer is bounded) instead of becoming tasks.
const MAX_IN_FLIGHT: usize = 256;

/// How long [`round_trip`] waits for its echo.
const ROUND_TRIP_WAIT: std::time::Duration = std::time::Duration::from_millis(500);

/// How long [`Serving::stop`] leaves async-nats to queue its unsubscriptions.
const UNSUBSCRIBE_SETTLE: std::time::Duration = std::time::Duration::from_millis(20);

/// One exported function to serve.
#[derive(Clone)]
pub struct Export {
    /// The wire instance name (`ns:pkg/iface@version`, or a `wrpc:` name).
    pub instance: String,
    /// The function's name in that instance.
    pub func: String,
    /// Its parameter types.
    pub param_types: Vec<Type>,
    /// Its result types.
    pub result_types: Vec<Type>,
}

/// A call that arrived, its arguments decoded.
pub struct Invocation {
    /// The `source-id` header: who calls (absent from peers that do not send it).
    pub source: Option<String>,
    /// The `link-name` header.
    pub link_name: Option<String>,
    /// Whether a Trellis caller records this call for the message spy itself (the
    /// `trellis-spied` header): then the serving host does not.
    pub spied_by_caller: bool,
    /// The arguments.
    pub params: Vec<Val>,
}

/// What serves the calls: the host's runtime.
pub trait Handler: Send + Sync + 'static {
    /// Runs `export` with `invocation`'s arguments; `Err` carries the reason.
    fn call(
        &self,
        export: &Export,
        invocation: Invocation,
    ) -> BoxFuture<'static, Result<Vec<Val>, String>>;

    /// A call to `export` that could not be taken (its frame or arguments were bad, or
    /// its results could not be sent): `reason` says why, `source` who sent it.
    fn refused(&self, export: &Export, source: Option<&str>, reason: &str);
}

/// A target being served; dropping it stops serving (its subscriptions end soon
/// after), [`Serving::stop`] stops it for certain.
pub struct Serving {
    tasks: JoinSet<()>,
    nats: nats::Client,
    /// Other functions of the same target, served and stopped with these.
    joined: Vec<Serving>,
}

impl Serving {
    /// Serving by `tasks`, whose subscriptions are on `nats`.
    pub(crate) fn new(tasks: JoinSet<()>, nats: nats::Client) -> Serving {
        Serving {
            tasks,
            nats,
            joined: Vec::new(),
        }
    }

    /// Adds `other` (more functions of the same target): stopping this stops it too.
    pub fn join(&mut self, other: Serving) {
        self.joined.push(other);
    }

    /// Stops serving and returns once the NATS server has dropped the subscriptions,
    /// so that a call made after this finds no responder instead of a listener that
    /// has gone.
    pub async fn stop(mut self) {
        self.tasks.shutdown().await;
        for other in std::mem::take(&mut self.joined) {
            Box::pin(other.stop()).await;
        }
        // async-nats sends a dropped subscription's UNSUB from a task of its own; give it
        // its turn, then a round trip confirms the server has it.
        tokio::time::sleep(UNSUBSCRIBE_SETTLE).await;
        let _ = round_trip(&self.nats).await;
    }
}

/// Serves `exports` as target `id` on `lattice`, in queue group `<lattice>.<id>` so that
/// replicas on several hosts share the calls. When this returns, every subscription is
/// in place.
pub async fn serve(
    nats: nats::Client,
    lattice: &str,
    id: &str,
    exports: Vec<Export>,
    handler: Arc<dyn Handler>,
) -> anyhow::Result<Serving> {
    let prefix = target_prefix(lattice, id);
    let client =
        wrpc_transport_nats::Client::new(nats.clone(), prefix.clone(), Some(prefix.into())).await?;
    let mut tasks = JoinSet::new();
    let in_flight = Arc::new(Semaphore::new(MAX_IN_FLIGHT));
    for export in exports {
        let no_paths: [Box<[Option<usize>]>; 0] = [];
        let invocations = client
            .serve(&export.instance, &export.func, no_paths)
            .await?;
        let export = Arc::new(export);
        let handler = Arc::clone(&handler);
        let in_flight = Arc::clone(&in_flight);
        tasks.spawn(async move {
            let mut invocations = std::pin::pin!(invocations);
            let mut running = JoinSet::new();
            while let Some(next) = invocations.next().await {
                while running.try_join_next().is_some() {}
                let (context, outgoing, incoming) = match next {
                    Ok(parts) => parts,
                    Err(err) => {
                        handler.refused(&export, None, &format!("{err:#}"));
                        continue;
                    }
                };
                let Ok(permit) = Arc::clone(&in_flight).acquire_owned().await else {
                    return;
                };
                let export = Arc::clone(&export);
                let handler = Arc::clone(&handler);
                running.spawn(async move {
                    answer(&*handler, &export, context.headers, outgoing, incoming).await;
                    drop(permit);
                });
            }
        });
    }
    // The subscriptions are made; make sure the server has them before callers try.
    round_trip(&nats).await?;
    Ok(Serving::new(tasks, nats))
}

async fn answer(
    handler: &dyn Handler,
    export: &Export,
    headers: Option<nats::HeaderMap>,
    mut outgoing: wrpc_transport_nats::SubjectWriter,
    incoming: wrpc_transport_nats::Reader,
) {
    let header = |name: &str| {
        headers
            .as_ref()
            .and_then(|h| h.get(name))
            .map(|value| value.as_str().to_owned())
    };
    let source = header(SOURCE_ID_HEADER);
    let mut params = FramedRead::new(incoming, ValuesDecoder::new(export.param_types.clone()));
    let params = match params.try_next().await {
        Ok(Some(params)) => params,
        Ok(None) => {
            handler.refused(
                export,
                source.as_deref(),
                "the call ended before its arguments",
            );
            return;
        }
        Err(err) => {
            let reason = format!("its arguments do not match the WIT: {err}");
            handler.refused(export, source.as_deref(), &reason);
            return;
        }
    };
    let invocation = Invocation {
        source: source.clone(),
        link_name: header(LINK_NAME_HEADER),
        spied_by_caller: header(SPIED_HEADER).is_some(),
        params,
    };
    // A failed call sends no results: the caller sees the call end without one.
    let Ok(results) = handler.call(export, invocation).await else {
        let _ = outgoing.shutdown().await;
        return;
    };
    let mut bytes = BytesMut::new();
    if let Err(err) = encode_values(&export.result_types, &results, &mut bytes) {
        let reason = format!("its results cannot be encoded: {err:#}");
        handler.refused(export, source.as_deref(), &reason);
        return;
    }
    let sent = async {
        outgoing.write_all(&bytes).await?;
        outgoing.shutdown().await
    };
    if let Err(err) = sent.await {
        let reason = format!("its results could not be sent: {err}");
        handler.refused(export, source.as_deref(), &reason);
    }
}

/// Returns once the NATS server has handled everything sent on `nats` so far (its
/// subscriptions included): `flush` only empties the client's buffer, so a caller on
/// another connection could otherwise still find no responder for a moment. The server
/// handles one connection's messages in order, so a message to ourselves that comes
/// back proves the earlier ones were handled. A connection that may not use inboxes
/// gets a flush after a short wait instead.
pub(crate) async fn round_trip(nats: &nats::Client) -> anyhow::Result<()> {
    let echoed = async {
        let inbox = nats.new_inbox();
        let mut echo = nats.subscribe(inbox.clone()).await?;
        nats.publish(inbox, bytes::Bytes::new()).await?;
        nats.flush().await?;
        echo.next()
            .await
            .ok_or_else(|| anyhow::anyhow!("the echo subscription ended"))
    };
    match tokio::time::timeout(ROUND_TRIP_WAIT, echoed).await {
        Ok(Ok(_)) => Ok(()),
        _ => Ok(nats.flush().await?),
    }
}
