//! Issue 14, part 3: the message spy on links inside one host. A spied link shows each
//! call with its arguments and result decoded as WAVE, a failing call shows its error,
//! and with no spy nothing is published at all.
//!
//! See: issue 14 ("Past one machine"), section 3.

use std::collections::BTreeMap;
use std::time::Duration;

use futures::StreamExt as _;
use trellis_host::{ComponentSource, Runtime};
use trellis_lattice::{ops, Client, Context};
use trellis_testkit::fixtures::{greeter_broken, greeter_consumer, greeter_provider};
use trellis_testkit::NatsServer;
use wasmtime::component::Val;

use crate::ctl_support::{start_host, WAIT};
use crate::runtime_links::greeter_link;

/// How long a test listens to be sure nothing is published.
const QUIET: Duration = Duration::from_millis(600);

async fn start(rt: &Runtime, id: &str, bytes: Vec<u8>) -> anyhow::Result<()> {
    rt.start_component(
        id,
        ComponentSource::Bytes(bytes.into()),
        1,
        BTreeMap::new(),
        BTreeMap::new(),
    )
    .await?;
    Ok(())
}

async fn run(rt: &Runtime, name: &str) -> Result<Vec<Val>, trellis_host::HostError> {
    rt.call_function("consumer", "run", vec![Val::String(name.into())])
        .await
}

/// Messages on `trellis.spy.>` other than lease requests, within [`QUIET`].
async fn records_heard(raw: &mut async_nats::Subscriber) -> Vec<String> {
    let mut heard = Vec::new();
    let until = tokio::time::Instant::now() + QUIET;
    while let Ok(Some(message)) = tokio::time::timeout_at(until, raw.next()).await {
        if !message.subject.ends_with(".lease") {
            heard.push(message.subject.to_string());
        }
    }
    heard
}

#[tokio::test]
async fn a_spied_link_shows_each_call_and_an_unspied_one_publishes_nothing() -> anyhow::Result<()> {
    let nats = NatsServer::start()?;
    let host = start_host(&nats).await;
    let rt = host.runtime();
    start(rt, "consumer", greeter_consumer()?).await?;
    start(rt, "provider", greeter_provider()?).await?;
    start(rt, "broken", greeter_broken()?).await?;
    rt.set_link(&greeter_link("provider"), BTreeMap::new(), BTreeMap::new())
        .await?;

    let watcher = nats.client().await?;
    let mut raw = watcher.subscribe("trellis.spy.>").await?;
    trellis_lattice::round_trip(&watcher).await?;

    // Nobody spies: the call works and nothing at all is published.
    assert_eq!(run(rt, "Ada").await?, vec![Val::String("Hi, Ada!".into())]);
    let heard = records_heard(&mut raw).await;
    assert!(heard.is_empty(), "published with no spy: {heard:?}");

    // Spied: the call comes with its arguments and result as WAVE.
    let client = Client::connect(&Context::new(nats.url())).await?;
    let mut spy = ops::spy(&client, "provider", None).await?;
    assert!(spy
        .hosts()
        .iter()
        .any(|h| h.running && h.host_id == host.id()));
    run(rt, "Ada").await?;
    let record = tokio::time::timeout(WAIT, spy.next())
        .await?
        .expect("the stream goes on")?;
    assert_eq!(
        (
            record.source_id.as_str(),
            record.target_id.as_str(),
            record.link_name.as_str(),
            record.interface.as_str(),
            record.function.as_str(),
        ),
        (
            "consumer",
            "provider",
            "default",
            "trellis:fwd/greeter",
            "greet"
        )
    );
    assert_eq!(record.args, vec![r#""Ada""#.to_owned()]);
    assert_eq!(record.results, vec![r#""Hi, Ada!""#.to_owned()]);
    assert_eq!((record.error.as_deref(), record.truncated), (None, false));
    assert!(record.duration_us > 0 && record.host_id == host.id());

    // Another link name filters this call out.
    let mut other = ops::spy(&client, "provider", Some("other")).await?;
    run(rt, "Bo").await?;
    let seen = tokio::time::timeout(WAIT, spy.next()).await?.unwrap()?;
    assert_eq!(seen.args, vec![r#""Bo""#.to_owned()]);
    assert!(tokio::time::timeout(QUIET, other.next()).await.is_err());
    other.stop().await;
    // One spy ending its lease leaves the other's running.
    run(rt, "Bea").await?;
    let seen = tokio::time::timeout(WAIT, spy.next()).await?.unwrap()?;
    assert_eq!(seen.args, vec![r#""Bea""#.to_owned()]);

    // A spy on the broken target sees the call fail, with the reason.
    spy.stop().await;
    let mut broken = ops::spy(&client, "broken", None).await?;
    rt.set_link(&greeter_link("broken"), BTreeMap::new(), BTreeMap::new())
        .await?;
    let err = run(rt, "Cy").await.unwrap_err().to_string();
    let record = tokio::time::timeout(WAIT, broken.next())
        .await?
        .expect("the stream goes on")?;
    assert_eq!(record.args, vec![r#""Cy""#.to_owned()]);
    assert!(record.results.is_empty());
    let reason = record.error.expect("the failure is recorded");
    assert!(
        reason.contains("unreachable"),
        "{reason} (caller saw {err})"
    );

    // Once the last spy stops, calls publish nothing again.
    broken.stop().await;
    let _ = records_heard(&mut raw).await;
    let _ = run(rt, "Di").await;
    let heard = records_heard(&mut raw).await;
    assert!(
        heard.is_empty(),
        "published after the spy stopped: {heard:?}"
    );
    Ok(())
}

/// A lease request with a TTL over the cap is shortened, and a lease expires on its own.
#[tokio::test]
async fn leases_are_capped_and_lapse() -> anyhow::Result<()> {
    let rt = crate::runtime(Duration::from_secs(5));
    let granted = rt.spy_lease("x", "test", Duration::from_secs(3600))?;
    assert_eq!(
        granted,
        Duration::from_millis(trellis_proto::SPY_MAX_TTL_MS)
    );
    start(&rt, "consumer", greeter_consumer()?).await?;
    start(&rt, "provider", greeter_provider()?).await?;
    rt.set_link(&greeter_link("provider"), BTreeMap::new(), BTreeMap::new())
        .await?;
    let mut records = rt.spy_records();
    rt.spy_lease("provider", "test", Duration::from_millis(300))?;
    run(&rt, "Ed").await?;
    let record = tokio::time::timeout(WAIT, records.recv()).await??;
    assert_eq!(record.results, vec![r#""Hi, Ed!""#.to_owned()]);
    tokio::time::sleep(Duration::from_millis(400)).await;
    run(&rt, "Flo").await?;
    assert!(
        tokio::time::timeout(QUIET, records.recv()).await.is_err(),
        "a lapsed lease still records"
    );
    Ok(())
}

/// A spy on `target` of the lattice on `nats`, as `trellis spy` starts one.
pub(crate) async fn spy_on(nats: &NatsServer, target: &str) -> ops::SpyStream {
    let client = Client::connect(&Context::new(nats.url())).await.unwrap();
    ops::spy(&client, target, None).await.unwrap()
}

/// The next record `spy` hears (within [`WAIT`]).
pub(crate) async fn next_record(spy: &mut ops::SpyStream) -> trellis_proto::SpyRecord {
    tokio::time::timeout(WAIT, spy.next())
        .await
        .expect("a call is recorded")
        .expect("the spy goes on")
        .unwrap()
}

/// Fails with `what` if `spy` hears one more record within half a second (a call that
/// should be recorded once, and was just heard).
pub(crate) async fn no_second_record(spy: &mut ops::SpyStream, what: &str) {
    let more = tokio::time::timeout(Duration::from_millis(500), spy.next()).await;
    assert!(more.is_err(), "{what}: {more:?}");
}

/// Who called what in `record`: (source, target, interface, function).
pub(crate) fn call_of(record: &trellis_proto::SpyRecord) -> (&str, &str, &str, &str) {
    (
        &record.source_id,
        &record.target_id,
        &record.interface,
        &record.function,
    )
}

/// A spy on a built-in keyvalue provider shows the calls into it: a component's call on
/// the same host, and one from a component on another host over wRPC (recorded once, by
/// the calling host, named as the caller imports it), each with its arguments and result.
#[tokio::test]
async fn calls_into_a_keyvalue_provider_show_in_its_spy_here_and_from_another_host(
) -> anyhow::Result<()> {
    let nats = NatsServer::start()?;
    let host_b = crate::wrpc_links::wrpc_host(&nats).await;
    let host_a = crate::wrpc_links::wrpc_host(&nats).await;
    let memory = BTreeMap::from([("backend".to_owned(), "memory".to_owned())]);
    host_b
        .runtime()
        .start_provider("kv", "builtin://keyvalue", memory, BTreeMap::new())
        .await?;
    let probe = crate::providers_support::probe_bytes()?;
    start(host_b.runtime(), "probe", probe.clone()).await?;
    start(host_a.runtime(), "probe", probe).await?;
    crate::wrpc_links::link_probe_to_kv(&nats).await;
    let client = Client::connect(&Context::new(nats.url())).await?;
    let mut spy = ops::spy(&client, "kv", None).await?;

    let local = crate::wrpc_links::bump(&host_b).await;
    assert_eq!(local, Val::Result(Ok(Some(Box::new(Val::U64(1))))));
    let record = tokio::time::timeout(WAIT, spy.next()).await?.unwrap()?;
    assert_eq!(
        call_of(&record),
        ("probe", "kv", "wasi:keyvalue/atomics", "increment")
    );
    assert_eq!(record.host_id, host_b.id());
    assert_eq!(record.args, [r#""counts""#, r#""hits""#, "1"]);
    assert_eq!(record.results, ["ok(1)"]);

    let remote = crate::wrpc_links::bump(&host_a).await;
    assert_eq!(remote, Val::Result(Ok(Some(Box::new(Val::U64(2))))));
    let record = tokio::time::timeout(WAIT, spy.next()).await?.unwrap()?;
    assert_eq!(
        call_of(&record),
        ("probe", "kv", "wasi:keyvalue/atomics", "increment")
    );
    // Recorded where it is made (the provider's host could be a wasmCloud host).
    assert_eq!(record.host_id, host_a.id());
    assert_eq!(record.args, [r#""counts""#, r#""hits""#, "1"]);
    assert_eq!(record.results, ["ok(2)"]);
    // Once: the serving host does not record it a second time.
    assert!(tokio::time::timeout(QUIET, spy.next()).await.is_err());
    spy.stop().await;
    Ok(())
}

/// A spy on a component behind an http-server link sees each request the link brings:
/// the method and path in, the status out.
#[tokio::test]
async fn requests_through_an_http_server_link_show_in_the_components_spy() -> anyhow::Result<()> {
    let nats = NatsServer::start()?;
    let host = start_host(&nats).await;
    let port = crate::serve(
        host.runtime(),
        "hello",
        trellis_testkit::fixtures::http_hello()?,
    )
    .await?;
    let client = Client::connect(&Context::new(nats.url())).await?;
    let mut spy = ops::spy(&client, "hello", None).await?;
    let (status, _) = trellis_testkit::http_get(port, "127.0.0.1", "/items?id=3").await?;
    assert_eq!(status, 200);
    let record = tokio::time::timeout(WAIT, spy.next()).await?.unwrap()?;
    assert_eq!(
        call_of(&record),
        (
            "http-server-hello",
            "hello",
            "wasi:http/incoming-handler",
            "handle"
        )
    );
    assert_eq!(record.args, [r#""GET /items?id=3""#]);
    assert_eq!(record.results, ["200"]);
    spy.stop().await;
    Ok(())
}

/// A call to a component on another host is recorded once, by the host that makes it
/// (the target's host leaves it out: the call says it is recorded).
#[tokio::test]
async fn a_call_to_another_host_is_recorded_once_where_it_is_made() -> anyhow::Result<()> {
    use crate::wrpc_links::{link_catalog, start as start_on, wrpc_host};
    use trellis_testkit::fixtures::{catalog_client, catalog_server};
    let nats = NatsServer::start()?;
    let host_a = wrpc_host(&nats).await;
    let host_b = wrpc_host(&nats).await;
    start_on(&host_a, "shop", catalog_client()?).await;
    start_on(&host_b, "catalog", catalog_server()?).await;
    link_catalog(&nats, "shop", "catalog").await;
    let client = Client::connect(&Context::new(nats.url())).await?;
    let mut spy = ops::spy(&client, "catalog", None).await?;
    let item = Val::Record(vec![
        ("name".into(), Val::String("kite".into())),
        ("tags".into(), Val::List(vec![Val::String("red".into())])),
        ("size".into(), Val::U32(3)),
    ]);
    let deadline = tokio::time::Instant::now() + WAIT;
    let _answer = loop {
        match host_a
            .runtime()
            .call_function("shop", "run", vec![item.clone()])
            .await
        {
            Err(e)
                if e.to_string().contains("no link") && tokio::time::Instant::now() < deadline =>
            {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            other => break other?,
        }
    };
    let record = tokio::time::timeout(WAIT, spy.next()).await?.unwrap()?;
    assert_eq!(
        call_of(&record),
        ("shop", "catalog", "trellis:xhost/catalog@0.1.0", "describe")
    );
    assert_eq!(record.host_id, host_a.id());
    assert_eq!(record.args, [r#"{name: "kite", tags: ["red"], size: 3}"#]);
    assert_eq!(
        record.results,
        [r#"{name: "kite", tags: ["red"], weight: 4}"#]
    );
    assert!(
        tokio::time::timeout(QUIET, spy.next()).await.is_err(),
        "the call was recorded twice"
    );
    spy.stop().await;
    Ok(())
}

/// A messaging provider's deliveries show in the spy of the component they reach,
/// recorded by the provider's host: to a component on another host (once) and to one on
/// its own host.
#[tokio::test]
async fn messaging_deliveries_show_in_the_receiving_components_spy() -> anyhow::Result<()> {
    use crate::wrpc_links::{start as start_on, wrpc_host};
    use crate::wrpc_messaging::{answered, link_echo, start_messaging};
    let nats = NatsServer::start()?;
    let host_a = wrpc_host(&nats).await;
    let host_b = wrpc_host(&nats).await;
    start_on(
        &host_a,
        "echo",
        trellis_testkit::fixtures::messaging_echo()?,
    )
    .await;
    start_messaging(&host_b).await;
    let nc = nats.client().await?;
    link_echo(&nc, "echo.in").await;
    let client = Client::connect(&Context::new(nats.url())).await?;
    // Once the link works, so that only the spied deliveries below are recorded.
    assert_eq!(
        answered(&nc, "echo.in", "warm").await.as_deref(),
        Some(&b"warm"[..])
    );
    let mut spy = ops::spy(&client, "echo", None).await?;

    assert_eq!(
        answered(&nc, "echo.in", "ping").await.as_deref(),
        Some(&b"ping"[..])
    );
    let record = tokio::time::timeout(WAIT, spy.next()).await?.unwrap()?;
    assert_eq!(
        call_of(&record),
        (
            "nats",
            "echo",
            "wasmcloud:messaging/handler@0.2.0",
            "handle-message"
        )
    );
    assert_eq!(record.host_id, host_b.id());
    assert!(
        record.args[0].starts_with(r#"{subject: "echo.in", body: [112, 105, 110, 103]"#),
        "{:?}",
        record.args
    );
    assert_eq!(
        (record.results.as_slice(), record.error.as_deref()),
        (&["ok".to_owned()][..], None)
    );
    assert!(
        tokio::time::timeout(QUIET, spy.next()).await.is_err(),
        "the delivery was recorded twice"
    );

    // The component on the provider's own host: delivered there, recorded there.
    host_a.shutdown().await;
    start_on(
        &host_b,
        "echo",
        trellis_testkit::fixtures::messaging_echo()?,
    )
    .await;
    assert_eq!(
        answered(&nc, "echo.in", "pong").await.as_deref(),
        Some(&b"pong"[..])
    );
    let record = loop {
        let record = tokio::time::timeout(WAIT, spy.next()).await?.unwrap()?;
        // Deliveries that failed while host A went are recorded with their error.
        if record.error.is_none() {
            break record;
        }
    };
    assert_eq!(record.host_id, host_b.id());
    assert!(
        record.args[0].contains("body: [112, 111, 110, 103]"),
        "{:?}",
        record.args
    );
    spy.stop().await;
    Ok(())
}

/// A spy on a blobstore provider shows a component's calls into it: on its own host and
/// from another host (recorded by the caller's host), the container's name first.
#[tokio::test]
async fn calls_into_a_blobstore_provider_show_in_its_spy() -> anyhow::Result<()> {
    use crate::wrpc_blobstore::{blob_host, blobber, link_blobstore, start_blobstore, text};
    let nats = NatsServer::start()?;
    let dir = tempfile::tempdir()?;
    let host_a = blob_host(&nats, dir.path()).await;
    let host_b = blob_host(&nats, dir.path()).await;
    let blobber_bytes = crate::wrpc_blobstore_guest::blobber_bytes()?;
    start(host_b.runtime(), "blobber", blobber_bytes.clone()).await?;
    start_blobstore(&host_b, "blobs", &dir.path().join("b")).await;
    link_blobstore(&nats, "blobber", "blobs").await;
    let client = Client::connect(&Context::new(nats.url())).await?;
    let mut spy = ops::spy(&client, "blobs", None).await?;

    let put = |name: &str, size: u32| vec![text("photos"), text(name), Val::U32(size)];
    blobber(&host_b, "put", put("a.bin", 5000))
        .await
        .map_err(anyhow::Error::msg)?;
    let write = written(&mut spy).await?;
    assert_eq!(write.host_id, host_b.id());
    assert_eq!(write.source_id, "blobber");
    assert_eq!(write.args, [r#""photos""#, r#""a.bin""#, "5000"]);
    assert_eq!(write.results, ["ok"]);

    start(host_a.runtime(), "blobber", blobber_bytes).await?;
    blobber(&host_a, "put", put("b.bin", 7))
        .await
        .map_err(anyhow::Error::msg)?;
    let write = written(&mut spy).await?;
    assert_eq!(write.host_id, host_a.id());
    assert_eq!(write.args, [r#""photos""#, r#""b.bin""#, "7"]);
    spy.stop().await;
    Ok(())
}

/// The next `write-data` record of a blobstore spy (a put also opens its container).
async fn written(spy: &mut ops::SpyStream) -> anyhow::Result<trellis_proto::SpyRecord> {
    loop {
        let record = tokio::time::timeout(WAIT, spy.next()).await?.unwrap()?;
        if record.function == "write-data" {
            assert_eq!(record.interface, "wasi:blobstore/container");
            return Ok(record);
        }
        assert_eq!(record.interface, "wasi:blobstore/blobstore", "{record:?}");
        // The serving host names the call as the wire does; it leaves a spied call out.
        assert_ne!(
            record.function, "write-container-data",
            "recorded by the serving host as well: {record:?}"
        );
    }
}
