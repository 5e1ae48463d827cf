//! A blobstore provider across hosts over wRPC (`wrpc:blobstore/blobstore@0.2.0`): two
//! Trellis hosts on one nats-server, a component on host A whose `wasi:blobstore` link
//! leads to the built-in blobstore provider on host B, and bad calls into that provider.
//! With wasmCloud 1.9's own wRPC libraries: `wrpc_blobstore_interop`.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use futures::StreamExt as _;
use serde_json::json;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use trellis_host::{ComponentSource, LatticeHost};
use trellis_testkit::NatsServer;
use trellis_wrpc::blobstore::{BlobstoreClient, ObjectId, INSTANCE};
use wasmtime::component::{Type, Val};
use wrpc_transport_wasmcloud::{Index as _, Invoke as _};

use crate::ctl_support::{request_json, start_host_with, CTL};
use crate::wrpc_blobstore_guest::blobber_bytes;

/// More than one NATS message (1 MiB by default), so the bytes must stream.
pub(crate) const BIG: u32 = 3 * 1024 * 1024 + 17;

/// A host that calls other hosts over wRPC and may root blobstores under `root`.
pub(crate) async fn blob_host(nats: &NatsServer, root: &Path) -> LatticeHost {
    let wrpc = nats.wrpc_client().await.expect("wRPC client");
    let root = root.to_owned();
    start_host_with(nats, move |config| {
        config.runtime.wrpc = Some(wrpc);
        config.runtime.grants.blobstore_roots = vec![root];
    })
    .await
}

pub(crate) async fn start_blobstore(host: &LatticeHost, id: &str, root: &Path) {
    let config = BTreeMap::from([("root".to_owned(), root.display().to_string())]);
    host.runtime()
        .start_provider(id, "builtin://blobstore", config, BTreeMap::new())
        .await
        .unwrap_or_else(|e| panic!("starting {id}: {e}"));
}

/// Links `source`'s `wasi:blobstore` imports to `target` through ctl.
pub(crate) async fn link_blobstore(nats: &NatsServer, source: &str, target: &str) {
    let client = nats.client().await.unwrap();
    let reply = request_json(
        &client,
        &format!("{CTL}.link.put"),
        json!({
            "source_id": source, "target": target, "name": "default",
            "wit_namespace": "wasi", "wit_package": "blobstore",
            "interfaces": ["blobstore", "container", "types"],
        }),
    )
    .await;
    assert_eq!(reply["success"], true, "{reply}");
}

/// Calls `func` of the blobber on `host` until the link has reached it; its one result.
pub(crate) async fn blobber(host: &LatticeHost, func: &str, args: Vec<Val>) -> Result<Val, String> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let out = host
            .runtime()
            .call_function("blobber", func, args.clone())
            .await
            .map_err(|e| e.to_string())?;
        match out.into_iter().next() {
            Some(Val::Result(Ok(payload))) => return Ok(payload.map_or(Val::Bool(true), |v| *v)),
            Some(Val::Result(Err(Some(error)))) => {
                let Val::String(error) = *error else {
                    return Err(format!("{error:?}"));
                };
                if !(error.contains("no link") && tokio::time::Instant::now() < deadline) {
                    return Err(error);
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            other => return Err(format!("unexpected result {other:?}")),
        }
    }
}

pub(crate) fn text(s: &str) -> Val {
    Val::String(s.into())
}

fn names(items: &[&str]) -> Val {
    Val::List(items.iter().map(|n| text(n)).collect())
}

/// The bytes the blobber writes: byte `k` is `k mod 251`.
pub(crate) fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|k| (k % 251) as u8).collect()
}

/// Waits for a log record of `host` that contains every part of `needles`.
async fn logged(
    logs: &mut tokio::sync::broadcast::Receiver<trellis_proto::LogRecord>,
    needles: &[&str],
) -> String {
    loop {
        let record = tokio::time::timeout(Duration::from_secs(10), logs.recv())
            .await
            .unwrap_or_else(|_| panic!("no log with {needles:?}"))
            .unwrap();
        if needles.iter().all(|n| record.message.contains(n)) {
            return record.message;
        }
    }
}

#[tokio::test]
async fn a_component_streams_blobs_through_a_blobstore_provider_on_another_host() {
    let nats = NatsServer::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let host_a = blob_host(&nats, dir.path()).await;
    let host_b = blob_host(&nats, dir.path()).await;
    host_a
        .runtime()
        .start_component(
            "blobber",
            ComponentSource::Bytes(blobber_bytes().unwrap().into()),
            1,
            BTreeMap::new(),
            BTreeMap::new(),
        )
        .await
        .unwrap();
    let root_b = dir.path().join("b");
    start_blobstore(&host_b, "blobs", &root_b).await;

    // An independent listener sees the calls on wasmCloud's subjects, with their headers.
    let watcher = nats.client().await.unwrap();
    let mut seen = watcher
        .subscribe(format!(
            "default.blobs.wrpc.0.0.1.{INSTANCE}.write-container-data"
        ))
        .await
        .unwrap();
    watcher.flush().await.unwrap();

    link_blobstore(&nats, "blobber", "blobs").await;
    let put = [text("photos"), text("big.bin"), Val::U32(BIG)];
    blobber(&host_a, "put", put.to_vec())
        .await
        .expect("the component writes 3 MiB to host B");
    let call = tokio::time::timeout(Duration::from_secs(5), seen.next())
        .await
        .expect("the write went out on wasmCloud's subject")
        .unwrap();
    let headers = call.headers.expect("wRPC headers");
    assert_eq!(headers.get("source-id").unwrap().as_str(), "blobber");
    assert_eq!(headers.get("link-name").unwrap().as_str(), "default");
    seen.unsubscribe().await.unwrap();
    watcher.flush().await.unwrap();

    // The bytes are in host B's directory, whole and in order.
    let stored = std::fs::read(root_b.join("photos/big.bin")).unwrap();
    assert!(stored == pattern(BIG as usize), "host B stored other bytes");

    // Read back through the component: every byte checked, as many as written.
    let read = blobber(&host_a, "check", vec![text("photos"), text("big.bin")])
        .await
        .unwrap();
    assert_eq!(read, Val::U64(BIG.into()));

    blobber(
        &host_a,
        "put",
        vec![text("photos"), text("small.txt"), Val::U32(10)],
    )
    .await
    .unwrap();
    let listed = blobber(&host_a, "names", vec![text("photos")]).await;
    assert_eq!(listed, Ok(names(&["big.bin", "small.txt"])));
    let still_there = blobber(&host_a, "remove", vec![text("photos"), text("small.txt")]).await;
    assert_eq!(still_there, Ok(Val::Bool(false)));
    assert!(!root_b.join("photos/small.txt").exists());
    let listed = blobber(&host_a, "names", vec![text("photos")]).await;
    assert_eq!(listed, Ok(names(&["big.bin"])));
    let err = blobber(&host_a, "check", vec![text("photos"), text("gone.bin")])
        .await
        .unwrap_err();
    assert!(
        err.contains("\"gone.bin\"") && err.contains("not found"),
        "{err}"
    );

    // A caller with no link to the provider is refused, and told which link is missing.
    let invoker = trellis_wrpc::Invoker::new(nats.wrpc_client().await.unwrap(), "default");
    let stranger = BlobstoreClient::new(
        invoker,
        "stranger",
        "blobs",
        "default",
        Duration::from_secs(5),
    );
    let err = stranger.container_exists("photos").await.unwrap_err();
    assert!(
        err.contains("no link \"default\" for wasi:blobstore from \"stranger\"")
            && err.contains("blobs"),
        "{err}"
    );
    let id = ObjectId {
        container: "photos".into(),
        object: "big.bin".into(),
    };
    let err = stranger
        .get_container_data(&id, 0, u64::MAX)
        .await
        .unwrap_err();
    assert!(err.contains("access denied"), "{err}");

    // The provider stops: the component's next call says nobody answers...
    host_b.runtime().stop_provider("blobs").await.unwrap();
    let err = blobber(&host_a, "check", vec![text("photos"), text("big.bin")])
        .await
        .unwrap_err();
    assert!(err.contains("no responder for blobs"), "{err}");
    // ...and host A goes on: with a blobstore of the same id on A, the link leads there.
    let root_a = dir.path().join("a");
    start_blobstore(&host_a, "blobs", &root_a).await;
    blobber(
        &host_a,
        "put",
        vec![text("photos"), text("a.bin"), Val::U32(5000)],
    )
    .await
    .unwrap();
    assert_eq!(
        std::fs::read(root_a.join("photos/a.bin")).unwrap(),
        pattern(5000)
    );
}

/// A wasmCloud 1.9 caller: wrpc-transport-nats 0.29 on async-nats 0.39.
pub(crate) async fn wasmcloud_client(
    nats: &NatsServer,
    target: &str,
) -> wrpc_transport_nats_wasmcloud::Client {
    let connection = async_nats_wasmcloud::connect(nats.url()).await.unwrap();
    wrpc_transport_nats_wasmcloud::Client::new(connection, format!("default.{target}"), None)
        .await
        .unwrap()
}

pub(crate) fn headers(source: &str) -> async_nats_wasmcloud::HeaderMap {
    let mut headers = async_nats_wasmcloud::HeaderMap::new();
    headers.insert("source-id", source);
    headers.insert("link-name", "default");
    headers
}

/// A string as wRPC encodes it.
fn put_string(buf: &mut BytesMut, s: &str) {
    assert!(s.len() < 128);
    buf.extend_from_slice(&[s.len() as u8]);
    buf.extend_from_slice(s.as_bytes());
}

#[tokio::test]
async fn bad_blobstore_calls_are_refused_and_the_provider_keeps_serving() {
    let nats = NatsServer::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let host = blob_host(&nats, dir.path()).await;
    let root = dir.path().join("root");
    start_blobstore(&host, "blobs", &root).await;
    link_blobstore(&nats, "prober", "blobs").await;
    let mut logs = host.runtime().logs().subscribe();
    let invoker = trellis_wrpc::Invoker::new(nats.wrpc_client().await.unwrap(), "default");
    let prober = BlobstoreClient::new(
        invoker.clone(),
        "prober",
        "blobs",
        "default",
        Duration::from_secs(5),
    );
    // Links reach the host from the lattice's KV: wait until the prober is admitted.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while let Err(err) = prober.create_container("photos").await {
        assert!(tokio::time::Instant::now() < deadline, "{err}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // A value of the wrong shape: a number where the container's name goes.
    let call = trellis_wrpc::Call {
        source: "prober",
        target: "blobs",
        link_name: "default",
        instance: INSTANCE,
        func: "container-exists",
        params: &[Val::U64(u64::MAX)],
        param_types: &[Type::U64],
        result_types: &[Type::String],
        timeout: Duration::from_secs(5),
        spied: false,
    };
    let err = invoker.call(call).await.unwrap_err().to_string();
    assert!(
        err.contains("blobs ended") && err.contains("without a result"),
        "{err}"
    );
    let refused = logged(&mut logs, &["was refused"]).await;
    assert!(
        refused.contains("container-exists") && refused.contains("do not match"),
        "{refused}"
    );

    // A function the provider does not have: nobody serves it.
    let call = trellis_wrpc::Call {
        source: "prober",
        target: "blobs",
        link_name: "default",
        instance: INSTANCE,
        func: "rename-object",
        params: &[],
        param_types: &[],
        result_types: &[],
        timeout: Duration::from_secs(5),
        spied: false,
    };
    let err = invoker.call(call).await.unwrap_err().to_string();
    assert!(
        err.contains("no responder for blobs") && err.contains("rename-object"),
        "{err}"
    );

    // An upload whose stream stops without its end mark, as a sender that died would
    // leave it: refused, and no object is left behind.
    let client = wasmcloud_client(&nats, "blobs").await;
    let mut params = BytesMut::new();
    put_string(&mut params, "photos");
    put_string(&mut params, "cut.bin");
    params.extend_from_slice(&[0x00]); // the data stream: pending
    let (mut outgoing, mut incoming) = client
        .invoke(
            Some(headers("prober")),
            INSTANCE,
            "write-container-data",
            params.freeze(),
            [[Some(0)].as_slice()],
        )
        .await
        .unwrap();
    let mut data = outgoing.index(&[1]).unwrap();
    let mut status = incoming.index(&[0]).unwrap();
    outgoing.shutdown().await.unwrap();
    data.write_all(&[3, b'a', b'b', b'c']).await.unwrap();
    data.shutdown().await.unwrap();
    let mut answer = Vec::new();
    incoming.read_to_end(&mut answer).await.unwrap();
    assert_eq!(answer, [0x00, 0x00], "ok, with the status to follow");
    let mut ended = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), status.read_to_end(&mut ended))
        .await
        .expect("the status comes")
        .unwrap();
    let ended = String::from_utf8_lossy(&ended);
    assert!(ended.contains("ended before its end mark"), "{ended}");
    let failed = logged(&mut logs, &["photos/cut.bin", "failed"]).await;
    assert!(failed.contains("did not arrive whole"), "{failed}");
    assert!(std::fs::read_dir(root.join("photos"))
        .unwrap()
        .next()
        .is_none());

    // Still serving: a whole upload and its read-back work.
    let id = ObjectId {
        container: "photos".into(),
        object: "ok.bin".into(),
    };
    let payload = Bytes::from(pattern(200_000));
    let chunks = || {
        let chunks = vec![payload.slice(..100_000), payload.slice(100_000..)];
        Box::pin(futures::stream::iter(chunks)) as _
    };
    prober
        .write_container_data(&id, chunks, Duration::from_secs(10))
        .await
        .unwrap();
    let mut data = prober.get_container_data(&id, 0, u64::MAX).await.unwrap();
    let mut back = Vec::new();
    while let Some(chunk) = data.next_chunk().await.unwrap() {
        back.extend_from_slice(&chunk);
    }
    assert!(back == payload, "the read-back differs");
}

/// Reads all of `id` through `client`.
async fn read_all(client: &BlobstoreClient, id: &ObjectId, start: u64, end: u64) -> Vec<u8> {
    let mut data = client.get_container_data(id, start, end).await.unwrap();
    let mut back = Vec::new();
    while let Some(chunk) = data.next_chunk().await.unwrap() {
        back.extend_from_slice(&chunk);
    }
    back
}

#[tokio::test]
async fn every_blobstore_function_works_across_hosts_within_its_container() {
    let nats = NatsServer::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let host = blob_host(&nats, dir.path()).await;
    let root = dir.path().join("root");
    start_blobstore(&host, "blobs", &root).await;
    link_blobstore(&nats, "prober", "blobs").await;
    let invoker = trellis_wrpc::Invoker::new(nats.wrpc_client().await.unwrap(), "default");
    let prober = BlobstoreClient::new(
        invoker,
        "prober",
        "blobs",
        "default",
        Duration::from_secs(5),
    );
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while let Err(err) = prober.create_container("docs").await {
        assert!(tokio::time::Instant::now() < deadline, "{err}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let id = |object: &str| ObjectId {
        container: "docs".into(),
        object: object.into(),
    };
    let err = prober.create_container("docs").await.unwrap_err();
    assert!(err.contains("already exists"), "{err}");
    assert_eq!(prober.container_exists("docs").await, Ok(true));
    assert!(prober.container_created_at("docs").await.unwrap() > 0);

    let text = Bytes::from_static(b"hello, blobs");
    let one = || Box::pin(futures::stream::iter([text.clone()])) as _;
    prober
        .write_container_data(&id("a.txt"), one, Duration::from_secs(5))
        .await
        .unwrap();
    // A window: bytes 7..=10, inclusive as for this host's own components.
    assert_eq!(read_all(&prober, &id("a.txt"), 7, 10).await, b"blob");
    let info = prober.object_info(&id("a.txt")).await.unwrap();
    assert_eq!(info.size, 12);
    prober
        .copy_object(&id("a.txt"), &id("b.txt"))
        .await
        .unwrap();
    prober
        .move_object(&id("b.txt"), &id("c.txt"))
        .await
        .unwrap();
    assert_eq!(prober.has_object(&id("b.txt")).await, Ok(false));
    assert_eq!(prober.has_object(&id("c.txt")).await, Ok(true));
    let mut names = prober.list_container_objects("docs").await.unwrap();
    let mut listed = Vec::new();
    while let Some(batch) = names.next_names().await.unwrap() {
        listed.extend(batch);
    }
    assert_eq!(listed, ["a.txt", "c.txt"]);

    // Names that would leave the provider's root are refused by name.
    let err = prober.has_object(&id("../../etc")).await.unwrap_err();
    assert!(err.contains("invalid object name"), "{err}");
    let err = prober.container_exists("..").await.unwrap_err();
    assert!(err.contains("invalid container name"), "{err}");
    assert!(!dir.path().join("etc").exists());

    prober
        .delete_objects("docs", vec!["a.txt".into(), "missing".into()])
        .await
        .unwrap();
    assert_eq!(prober.has_object(&id("a.txt")).await, Ok(false));
    prober.clear_container("docs").await.unwrap();
    assert!(std::fs::read_dir(root.join("docs"))
        .unwrap()
        .next()
        .is_none());
    prober.delete_container("docs").await.unwrap();
    assert_eq!(prober.container_exists("docs").await, Ok(false));
}
