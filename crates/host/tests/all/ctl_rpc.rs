//! The provider RPC messages a host sends besides the ctl replies: `linkdefs.put` and
//! `linkdefs.del` on link changes, `default.shutdown` on `provider.stop` (answered by
//! a builtin with `shutting down`). Observed with a plain async-nats client.

use std::time::Duration;

use futures::StreamExt as _;
use serde_json::{json, Value};
use trellis_testkit::NatsServer;

use crate::ctl_support::*;

/// The next message on `sub` as (subject, JSON body).
async fn next_json(sub: &mut async_nats::Subscriber) -> (String, Value) {
    let message = tokio::time::timeout(WAIT, sub.next())
        .await
        .expect("a provider RPC message in time")
        .expect("subscription open");
    let body = serde_json::from_slice(&message.payload)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", message.payload));
    (message.subject.to_string(), body)
}

#[tokio::test]
async fn link_put_and_del_reach_source_and_target_over_rpc() {
    let nats = NatsServer::start().unwrap();
    let client = nats.client().await.unwrap();
    let _host = start_host(&nats).await;
    let mut rpc = client.subscribe("wasmbus.rpc.default.>").await.unwrap();
    client.flush().await.unwrap();

    request(
        &client,
        &format!("{CTL}.config.put.web-addr"),
        r#"{"address":"127.0.0.1:0"}"#,
    )
    .await;
    let link = json!({
        "source_id": "web", "target": "hello", "name": "default",
        "wit_namespace": "wasi", "wit_package": "http", "interfaces": ["incoming-handler"],
        "source_config": ["web-addr"], "target_config": []
    });
    let reply = request_json(&client, &format!("{CTL}.link.put"), link).await;
    assert_eq!(reply["success"], true, "{reply}");

    let mut seen = vec![next_json(&mut rpc).await, next_json(&mut rpc).await];
    seen.sort_by(|a, b| a.0.cmp(&b.0));
    let subjects: Vec<&str> = seen.iter().map(|(s, _)| s.as_str()).collect();
    assert_eq!(
        subjects,
        [
            "wasmbus.rpc.default.hello.linkdefs.put",
            "wasmbus.rpc.default.web.linkdefs.put"
        ]
    );
    for (_, body) in &seen {
        assert_eq!(
            body,
            &json!({
                "source_id": "web", "target": "hello", "name": "default",
                "wit_namespace": "wasi", "wit_package": "http",
                "interfaces": ["incoming-handler"],
                "source_config": {"address": "127.0.0.1:0"}, "target_config": {},
                "source_secrets": null, "target_secrets": null
            })
        );
    }

    let del = json!({"source_id": "web", "wit_namespace": "wasi", "wit_package": "http", "name": "default"});
    let reply = request_json(&client, &format!("{CTL}.link.del"), del).await;
    assert_eq!(reply["success"], true, "{reply}");
    let mut seen = vec![next_json(&mut rpc).await, next_json(&mut rpc).await];
    seen.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(seen[0].0, "wasmbus.rpc.default.hello.linkdefs.del");
    assert_eq!(seen[1].0, "wasmbus.rpc.default.web.linkdefs.del");
    for (_, body) in &seen {
        assert_eq!(body["source_id"], "web");
        assert_eq!(body["source_config"], json!({}));
        assert_eq!(body["target_config"], json!({}));
    }
}

#[tokio::test]
async fn provider_stop_sends_default_shutdown_and_the_builtin_answers() {
    let nats = NatsServer::start().unwrap();
    let client = nats.client().await.unwrap();
    let host = start_host(&nats).await;
    let id = host.id().to_owned();
    let start = json!({"provider_id": "http", "provider_ref": "builtin://http-server", "host_id": id, "config": []});
    let reply = request_json(&client, &format!("{CTL}.provider.start.{id}"), start).await;
    assert_eq!(reply["success"], true, "{reply}");
    eventually("provider runs", || !host.runtime().providers().is_empty()).await;

    // The builtin answers a shutdown request with plain text; another id gets nothing.
    let subject = "wasmbus.rpc.default.http.default.shutdown";
    let body = json!({"host_id": id}).to_string();
    let answer = tokio::time::timeout(WAIT, client.request(subject, body.into()))
        .await
        .expect("answer in time")
        .expect("answered");
    assert_eq!(&answer.payload[..], b"shutting down");
    let none = tokio::time::timeout(
        Duration::from_millis(300),
        client.request("wasmbus.rpc.default.other.default.shutdown", "{}".into()),
    )
    .await;
    assert!(!matches!(none, Ok(Ok(_))), "nobody runs `other`");

    // provider.stop sends the request with this host's id.
    let mut shutdowns = client.subscribe(subject).await.unwrap();
    client.flush().await.unwrap();
    let stop = json!({"host_id": id, "provider_id": "http"});
    let reply = request_json(&client, &format!("{CTL}.provider.stop.{id}"), stop).await;
    assert_eq!(reply["success"], true, "{reply}");
    let (_, body) = next_json(&mut shutdowns).await;
    assert_eq!(body, json!({"host_id": id}));
    assert!(host.runtime().providers().is_empty());
}
