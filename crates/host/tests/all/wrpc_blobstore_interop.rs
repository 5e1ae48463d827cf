//! The blobstore across hosts against wasmCloud 1.9's own wRPC libraries
//! (`wrpc-transport` 0.28's typed values and streams on `wrpc-transport-nats` 0.29): they
//! write and read a blob through a Trellis host's provider, and serve a blobstore the way
//! wasmCloud's providers do for a Trellis component to write and read.

use std::collections::BTreeMap;
use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::time::Duration;

use bytes::Bytes;
use futures::{Stream, StreamExt as _};
use trellis_host::ComponentSource;
use trellis_testkit::NatsServer;
use trellis_wrpc::blobstore::{INSTANCE, INSTANCE_0_1};
use wasmtime::component::Val;
use wrpc_transport_wasmcloud::InvokeExt as _;

use crate::spy::{call_of, next_record, spy_on};
use crate::wrpc_blobstore::{
    blob_host, blobber, headers, link_blobstore, pattern, start_blobstore, text, wasmcloud_client,
    BIG,
};
use crate::wrpc_blobstore_guest::blobber_bytes;

type Status = Pin<Box<dyn Future<Output = Result<(), String>> + Send>>;
type ByteStream = Pin<Box<dyn Stream<Item = Bytes> + Send>>;

#[tokio::test]
async fn wasmclouds_own_wrpc_writes_and_reads_a_blob_on_a_trellis_host() {
    let nats = NatsServer::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let host = blob_host(&nats, dir.path()).await;
    let root: PathBuf = dir.path().join("root");
    start_blobstore(&host, "blobs", &root).await;
    std::fs::create_dir_all(root.join("photos")).unwrap();
    link_blobstore(&nats, "wasmcloud-caller", "blobs").await;
    // A wasmCloud caller records nothing: the provider's host does, for the spy.
    let mut spy = spy_on(&nats, "blobs").await;
    let client = wasmcloud_client(&nats, "blobs").await;
    let id = ("photos".to_owned(), "wc.bin".to_owned());
    let payload = Bytes::from(pattern(2 * 1024 * 1024 + 3));

    // As wit-bindgen-wrpc's bindings call it: the data stream at parameter 1, the
    // status future at result 0.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let chunks: Vec<Bytes> = payload
            .chunks(64 << 10)
            .map(Bytes::copy_from_slice)
            .collect();
        let data: ByteStream = Box::pin(futures::stream::iter(chunks));
        let ((result,), io) = client
            .invoke_values::<_, ((String, String), ByteStream), (Result<Status, String>,)>(
                Some(headers("wasmcloud-caller")),
                INSTANCE,
                "write-container-data",
                (id.clone(), data),
                [[Some(0)].as_slice()],
            )
            .await
            .unwrap();
        match result {
            Ok(status) => {
                let (written, io) = tokio::join!(status, io.expect("the stream's I/O"));
                assert_eq!(written, Ok(()));
                io.unwrap();
                break;
            }
            // The link reaches the host from the lattice's KV.
            Err(err) if err.contains("no link") && tokio::time::Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(err) => panic!("{err}"),
        }
    }
    assert!(std::fs::read(root.join("photos/wc.bin")).unwrap() == payload);

    let ((result,), io) = client
        .invoke_values::<_, ((String, String), u64, u64), (Result<(ByteStream, Status), String>,)>(
            Some(headers("wasmcloud-caller")),
            INSTANCE,
            "get-container-data",
            (id, 0, u64::MAX),
            [[Some(0), Some(0)].as_slice(), [Some(0), Some(1)].as_slice()],
        )
        .await
        .unwrap();
    let (stream, status) = result.unwrap();
    let read = async {
        let chunks: Vec<Bytes> = stream.collect().await;
        chunks.concat()
    };
    let (back, ended, io) = tokio::join!(read, status, io.expect("the stream's I/O"));
    io.unwrap();
    assert_eq!(ended, Ok(()));
    assert!(back == payload, "the read-back differs");

    // Refused tries (the link not there yet) were not calls; the write and the read were.
    let blob = r#"{container: "photos", object: "wc.bin"}"#;
    let write = next_record(&mut spy).await;
    assert_eq!(
        call_of(&write),
        (
            "wasmcloud-caller",
            "blobs",
            "wasi:blobstore/blobstore",
            "write-container-data"
        )
    );
    assert_eq!(
        (write.args.as_slice(), write.results.as_slice()),
        ([blob.to_owned()].as_slice(), ["ok".to_owned()].as_slice())
    );
    assert_eq!(write.host_id, host.id());
    let read = next_record(&mut spy).await;
    assert_eq!(read.function, "get-container-data");
    assert_eq!(
        read.args,
        [blob.to_owned(), "0".into(), u64::MAX.to_string()]
    );
    assert_eq!(read.results, ["ok"]);
    spy.stop().await;
}

/// Objects of the wasmCloud-style provider below, by name.
type Objects = std::sync::Arc<std::sync::Mutex<BTreeMap<String, Vec<u8>>>>;

/// Serves `func` of a blobstore as wasmCloud's providers do (wrpc-transport 0.28's typed
/// serving, queue group and all) with `answer`.
async fn serve_like_wasmcloud<P, R, F, Fut>(
    server: &wrpc_transport_nats_wasmcloud::Client,
    instance: &str,
    func: &str,
    paths: &[&[Option<usize>]],
    answer: F,
) where
    P: wrpc_transport_wasmcloud::TupleDecode<wrpc_transport_nats_wasmcloud::Reader>
        + Send
        + 'static,
    R: wrpc_transport_wasmcloud::TupleEncode<wrpc_transport_nats_wasmcloud::SubjectWriter>
        + Send
        + 'static,
    <P::Decoder as tokio_util::codec::Decoder>::Error: std::error::Error + Send + Sync + 'static,
    <R::Encoder as tokio_util::codec::Encoder<R>>::Error: std::error::Error + Send + Sync + 'static,
    F: Fn(P) -> Fut + Send + 'static,
    Fut: Future<Output = R> + Send,
{
    use wrpc_transport_wasmcloud::ServeExt as _;
    let paths: Vec<Box<[Option<usize>]>> = paths.iter().map(|p| Box::from(*p)).collect();
    let invocations = server
        .serve_values::<P, R>(instance, func, paths)
        .await
        .unwrap();
    tokio::spawn(async move {
        let mut invocations = std::pin::pin!(invocations);
        while let Some(Ok((_, params, rx, reply))) = invocations.next().await {
            // The parameters' streams arrive while the answer is made.
            let rx = rx.map(tokio::spawn);
            let _ = reply(answer(params).await).await;
            if let Some(rx) = rx {
                let _ = rx.await;
            }
        }
    });
}

#[tokio::test]
async fn a_component_streams_blobs_through_a_wasmcloud_blobstore_provider() {
    let nats = NatsServer::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let connection = async_nats_wasmcloud::connect(nats.url()).await.unwrap();
    let prefix = "default.wc-blobs".to_owned();
    let server = wrpc_transport_nats_wasmcloud::Client::new(
        connection.clone(),
        prefix.clone(),
        Some(prefix.into()),
    )
    .await
    .unwrap();
    let objects = Objects::default();
    serve_like_wasmcloud(
        &server,
        INSTANCE,
        "create-container",
        &[],
        |(_,): (String,)| async { (Err::<(), String>("container already exists".to_owned()),) },
    )
    .await;
    serve_like_wasmcloud(
        &server,
        INSTANCE,
        "container-exists",
        &[],
        |(name,): (String,)| async move { (Ok::<bool, String>(name == "photos"),) },
    )
    .await;
    let store = objects.clone();
    serve_like_wasmcloud(
        &server,
        INSTANCE,
        "write-container-data",
        &[&[Some(1)]],
        move |((_, object), data): ((String, String), ByteStream)| {
            let store = store.clone();
            async move {
                let status: Status = Box::pin(async move {
                    let chunks: Vec<Bytes> = data.collect().await;
                    store.lock().unwrap().insert(object, chunks.concat());
                    Ok(())
                });
                (Ok::<Status, String>(status),)
            }
        },
    )
    .await;
    let store = objects.clone();
    serve_like_wasmcloud(
        &server,
        INSTANCE,
        "get-container-data",
        &[],
        move |((_, object), start, end): ((String, String), u64, u64)| {
            let stored = store.lock().unwrap().get(&object).cloned();
            async move {
                let Some(bytes) = stored else {
                    return (Err::<(ByteStream, Status), String>(format!(
                        "object {object} not found"
                    )),);
                };
                let end = usize::try_from(end.saturating_add(1))
                    .unwrap_or(usize::MAX)
                    .min(bytes.len());
                let bytes = Bytes::from(bytes).slice(usize::try_from(start).unwrap()..end);
                let chunks: Vec<Bytes> = bytes.chunks(4096).map(Bytes::copy_from_slice).collect();
                // A provider that fails part way says so in the status.
                let status: Status = if object == "broken.bin" {
                    Box::pin(async { Err("the disk went away".to_owned()) })
                } else {
                    Box::pin(async { Ok(()) })
                };
                (Ok((
                    Box::pin(futures::stream::iter(chunks)) as ByteStream,
                    status,
                )),)
            }
        },
    )
    .await;
    connection.flush().await.unwrap();

    let host = blob_host(&nats, dir.path()).await;
    host.runtime()
        .start_component(
            "blobber",
            ComponentSource::Bytes(blobber_bytes().unwrap().into()),
            1,
            BTreeMap::new(),
            BTreeMap::new(),
        )
        .await
        .unwrap();
    link_blobstore(&nats, "blobber", "wc-blobs").await;

    blobber(
        &host,
        "put",
        vec![text("photos"), text("big.bin"), Val::U32(BIG)],
    )
    .await
    .expect("the component writes 3 MiB to the wasmCloud provider");
    let stored = objects.lock().unwrap().get("big.bin").cloned().unwrap();
    assert!(
        stored == pattern(BIG as usize),
        "the provider stored other bytes"
    );
    let read = blobber(&host, "check", vec![text("photos"), text("big.bin")]).await;
    assert_eq!(read, Ok(Val::U64(BIG.into())));

    objects
        .lock()
        .unwrap()
        .insert("broken.bin".into(), pattern(10_000));
    let err = blobber(&host, "check", vec![text("photos"), text("broken.bin")])
        .await
        .unwrap_err();
    assert!(
        err.contains("the disk went away") && err.contains("photos/broken.bin"),
        "{err}"
    );
}

#[tokio::test]
async fn a_component_reaches_a_provider_that_serves_only_wrpc_blobstore_0_1() {
    let nats = NatsServer::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let connection = async_nats_wasmcloud::connect(nats.url()).await.unwrap();
    let prefix = "default.old-blobs".to_owned();
    let server = wrpc_transport_nats_wasmcloud::Client::new(
        connection.clone(),
        prefix.clone(),
        Some(prefix.into()),
    )
    .await
    .unwrap();
    let objects = Objects::default();
    serve_like_wasmcloud(
        &server,
        INSTANCE_0_1,
        "container-exists",
        &[],
        |(name,): (String,)| async move { (Ok::<bool, String>(name == "photos"),) },
    )
    .await;
    serve_like_wasmcloud(
        &server,
        INSTANCE_0_1,
        "create-container",
        &[],
        |(_,): (String,)| async { (Err::<(), String>("container already exists".to_owned()),) },
    )
    .await;
    // 0.1.0: the answer comes once the data is stored, and there is no status future.
    let store = objects.clone();
    serve_like_wasmcloud(
        &server,
        INSTANCE_0_1,
        "write-container-data",
        &[&[Some(1)]],
        move |((_, object), data): ((String, String), ByteStream)| {
            let store = store.clone();
            async move {
                let chunks: Vec<Bytes> = data.collect().await;
                store.lock().unwrap().insert(object, chunks.concat());
                (Ok::<(), String>(()),)
            }
        },
    )
    .await;
    let store = objects.clone();
    serve_like_wasmcloud(
        &server,
        INSTANCE_0_1,
        "get-container-data",
        &[],
        move |((_, object), _, _): ((String, String), u64, u64)| {
            let stored = store.lock().unwrap().get(&object).cloned();
            async move {
                let chunks: Vec<Bytes> = stored
                    .unwrap_or_default()
                    .chunks(4096)
                    .map(Bytes::copy_from_slice)
                    .collect();
                (Ok::<ByteStream, String>(Box::pin(futures::stream::iter(
                    chunks,
                ))),)
            }
        },
    )
    .await;
    connection.flush().await.unwrap();

    let host = blob_host(&nats, dir.path()).await;
    host.runtime()
        .start_component(
            "blobber",
            ComponentSource::Bytes(blobber_bytes().unwrap().into()),
            1,
            BTreeMap::new(),
            BTreeMap::new(),
        )
        .await
        .unwrap();
    link_blobstore(&nats, "blobber", "old-blobs").await;
    blobber(
        &host,
        "put",
        vec![text("photos"), text("old.bin"), Val::U32(BIG)],
    )
    .await
    .expect("the component writes through 0.1.0");
    let stored = objects.lock().unwrap().get("old.bin").cloned().unwrap();
    assert!(
        stored == pattern(BIG as usize),
        "the provider stored other bytes"
    );
    let read = blobber(&host, "check", vec![text("photos"), text("old.bin")]).await;
    assert_eq!(read, Ok(Val::U64(BIG.into())));
}
