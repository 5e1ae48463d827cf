//! Messaging between hosts over wRPC: a built-in messaging provider on host B delivers
//! to a component on host A (its `wasmcloud:messaging/handler` export, served over
//! wRPC) and takes that component's `publish`/`request` (served as
//! `wasmcloud:messaging/consumer@0.2.0`), as a wasmCloud 1.x lattice does.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::json;
use trellis_host::LatticeHost;
use trellis_testkit::fixtures::messaging_echo;
use trellis_testkit::NatsServer;
use trellis_wrpc::messaging::{into_result, Message, MessagingTypes};
use wasmtime::component::{Type, Val};

use crate::ctl_support::{request, request_json, CTL};
use crate::wrpc_links::{start, wrpc_host};

/// Puts the two links of the echo component and messaging provider `nats`: the
/// provider delivers `subjects` to `echo`, and `echo` publishes through the provider.
pub(crate) async fn link_echo(client: &async_nats::Client, subjects: &str) {
    let config = json!({ "subscriptions": subjects }).to_string();
    request(client, &format!("{CTL}.config.put.echo-subjects"), config).await;
    let links = [
        json!({
            "source_id": "nats", "target": "echo", "name": "default",
            "wit_namespace": "wasmcloud", "wit_package": "messaging",
            "interfaces": ["handler"], "source_config": ["echo-subjects"],
        }),
        json!({
            "source_id": "echo", "target": "nats", "name": "default",
            "wit_namespace": "wasmcloud", "wit_package": "messaging",
            "interfaces": ["consumer"],
        }),
    ];
    for link in links {
        let reply = request_json(client, &format!("{CTL}.link.put"), link).await;
        assert_eq!(reply["success"], true, "{reply}");
    }
}

/// A NATS request on `subject`, repeated until it is answered (the hosts apply links
/// from the lattice as they arrive) or 10 s pass.
pub(crate) async fn answered(
    client: &async_nats::Client,
    subject: &str,
    body: &str,
) -> Option<Vec<u8>> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while tokio::time::Instant::now() < deadline {
        let reply = tokio::time::timeout(
            Duration::from_secs(1),
            client.request(subject.to_owned(), body.to_owned().into()),
        )
        .await;
        match reply {
            Ok(Ok(reply)) => return Some(reply.payload.to_vec()),
            _ => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
    None
}

/// Calls `func` of provider `nats` as component `source` would from another host.
async fn call_consumer(
    nats: &NatsServer,
    source: &str,
    func: &str,
    params: &[Val],
) -> Result<Option<Val>, String> {
    call_consumer_as(nats, source, func, params, None).await
}

/// [`call_consumer`], sending the arguments as `param_types` instead of the function's.
async fn call_consumer_as(
    nats: &NatsServer,
    source: &str,
    func: &str,
    params: &[Val],
    param_types: Option<&[Type]>,
) -> Result<Option<Val>, String> {
    let types = MessagingTypes::load(&wasmtime::Engine::default()).unwrap();
    let sig = match func {
        "publish" => types.publish(),
        _ => types.request(),
    };
    let invoker = trellis_wrpc::Invoker::new(nats.wrpc_client().await.unwrap(), "default");
    let out = invoker
        .call(trellis_wrpc::Call {
            source,
            target: "nats",
            link_name: "default",
            instance: sig.instance,
            func: sig.func,
            params,
            param_types: param_types.unwrap_or(&sig.params),
            result_types: &sig.results,
            timeout: Duration::from_secs(5),
            spied: false,
        })
        .await
        .map_err(|e| e.to_string())?;
    into_result(out.into_iter().next().unwrap())
}

pub(crate) async fn start_messaging(host: &LatticeHost) {
    host.runtime()
        .start_provider(
            "nats",
            "builtin://messaging",
            BTreeMap::new(),
            BTreeMap::new(),
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn a_messaging_provider_on_another_host_delivers_and_publishes() {
    let nats = NatsServer::start().unwrap();
    let host_a = wrpc_host(&nats).await;
    let host_b = wrpc_host(&nats).await;
    start(&host_a, "echo", messaging_echo().unwrap()).await;
    start_messaging(&host_b).await;
    let client = nats.client().await.unwrap();
    link_echo(&client, "echo.in").await;

    // B's provider takes the request and calls echo on A, whose publish of the answer
    // goes back through B's provider to the requester's inbox.
    let reply = answered(&client, "echo.in", "ping łódź").await;
    assert_eq!(reply.as_deref(), Some("ping łódź".as_bytes()));
    let bodies = futures::future::join_all((0..10).map(|i| {
        let client = client.clone();
        async move { answered(&client, "echo.in", &format!("m{i}")).await }
    }))
    .await;
    for (i, body) in bodies.into_iter().enumerate() {
        assert_eq!(body, Some(format!("m{i}").into_bytes()));
    }

    // Host A goes: B's provider says why the message went nowhere, and keeps serving.
    let mut logs = host_b.runtime().logs().subscribe();
    host_a.shutdown().await;
    client.publish("echo.in", "lost".into()).await.unwrap();
    client.flush().await.unwrap();
    // Deliveries that were under way when A went may fail otherwise first.
    let failed = loop {
        let record = tokio::time::timeout(Duration::from_secs(10), logs.recv())
            .await
            .expect("host B logs that nobody answers for echo")
            .unwrap();
        if record.message.contains("for echo failed")
            && record.message.contains("no responder for echo")
        {
            break record;
        }
    };
    assert_eq!(failed.component.as_deref(), Some("nats"));
    assert!(failed.message.contains("echo.in"), "{}", failed.message);
    start(&host_b, "echo", messaging_echo().unwrap()).await;
    assert_eq!(
        answered(&client, "echo.in", "back").await.as_deref(),
        Some(&b"back"[..])
    );
}

#[tokio::test]
async fn the_served_consumer_answers_linked_callers_only_and_keeps_guests_off_the_lattice() {
    let nats = NatsServer::start().unwrap();
    let host = wrpc_host(&nats).await;
    start_messaging(&host).await;
    let client = nats.client().await.unwrap();
    link_echo(&client, "unused.subject").await;

    // A service the component asks through the provider.
    let mut service = client.subscribe("svc.time").await.unwrap();
    client.flush().await.unwrap();
    let answering = client.clone();
    tokio::spawn(async move {
        use futures::StreamExt as _;
        while let Some(msg) = service.next().await {
            if let Some(reply) = msg.reply {
                answering.publish(reply, "12:00".into()).await.unwrap();
            }
        }
    });
    let request = [
        Val::String("svc.time".into()),
        Val::List(b"now?".iter().map(|b| Val::U8(*b)).collect()),
        Val::U32(2_000),
    ];
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    let answer = loop {
        let answer = call_consumer(&nats, "echo", "request", &request).await;
        match answer {
            Err(e) if e.contains("no link") && tokio::time::Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            other => break other,
        }
    };
    let message = Message::from_val(&answer.expect("the request is answered").unwrap()).unwrap();
    assert_eq!(message.body, b"12:00");

    // No link, no messaging.
    let publish = |subject: &str| {
        [Message {
            subject: subject.into(),
            body: b"x".to_vec(),
            reply_to: None,
        }
        .to_val()]
    };
    let err = call_consumer(&nats, "stranger", "publish", &publish("orders.new"))
        .await
        .unwrap_err();
    assert!(err.contains("no link") && err.contains("stranger"), "{err}");
    // A linked caller still may not touch the lattice's own subjects.
    for reserved in [
        "wasmbus.ctl.v1.default.host.stop",
        "default.echo.wrpc.0.0.1.x.y",
    ] {
        let err = call_consumer(&nats, "echo", "publish", &publish(reserved))
            .await
            .unwrap_err();
        assert!(err.contains("refused") && err.contains(reserved), "{err}");
    }
    // Arguments of the wrong shape end the call without a result; the provider goes on.
    let err = call_consumer_as(
        &nats,
        "echo",
        "request",
        &[Val::String("x".into())],
        Some(&[Type::String]),
    )
    .await
    .unwrap_err();
    assert!(err.contains("without a result"), "{err}");
    let ok = call_consumer(&nats, "echo", "publish", &publish("orders.new")).await;
    assert_eq!(ok, Ok(None));
}
