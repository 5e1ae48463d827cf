//! Components and providers driven over ctl v1 on a real runtime: auctions, scale
//! (acknowledged first, outcome as events), provider start/stop, and an HTTP request
//! reaching a component through a link set over ctl.

use std::time::Duration;

use serde_json::json;
use trellis_testkit::NatsServer;

use crate::ctl_support::*;

/// Writes the http-hello fixture to a temporary file; returns the dir guard and path.
fn hello_file() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hello.wasm");
    std::fs::write(&path, trellis_testkit::fixtures::http_hello().unwrap()).unwrap();
    let path = path.to_str().unwrap().to_owned();
    (dir, path)
}

#[tokio::test]
async fn auctions_reply_only_when_the_host_qualifies() {
    let nats = NatsServer::start().unwrap();
    let client = nats.client().await.unwrap();
    let host = start_host_with(&nats, |c| {
        c.labels.insert("zone".into(), "a".into());
    })
    .await;
    let _silent = start_host_with(&nats, |c| c.enable_auctions = false).await;
    let window = Duration::from_millis(400);
    let auction = |constraints: serde_json::Value| json!({"component_ref": "file:///x.wasm", "component_id": "hello", "constraints": constraints});

    let replies = gather(
        &client,
        &format!("{CTL}.component.auction"),
        auction(json!({"zone": "a"})).to_string().as_bytes(),
        window,
    )
    .await;
    assert_eq!(
        replies.len(),
        1,
        "only the host with auctions on answers: {replies:?}"
    );
    let ack = &replies[0]["response"];
    assert_eq!(ack["host_id"], host.id());
    assert_eq!(ack["component_ref"], "file:///x.wasm");
    assert_eq!(ack["constraints"], json!({"zone": "a"}));

    let replies = gather(
        &client,
        &format!("{CTL}.component.auction"),
        auction(json!({"zone": "b"})).to_string().as_bytes(),
        window,
    )
    .await;
    assert!(replies.is_empty(), "{replies:?}");

    let provider =
        json!({"provider_ref": "builtin://http-server", "provider_id": "web", "constraints": {}});
    let replies = gather(
        &client,
        &format!("{CTL}.provider.auction"),
        provider.to_string().as_bytes(),
        window,
    )
    .await;
    assert_eq!(replies.len(), 1);
    assert_eq!(replies[0]["response"]["provider_id"], "web");

    // Once the provider runs here, this host no longer qualifies for it.
    let start = json!({"provider_id": "web", "provider_ref": "builtin://http-server", "host_id": host.id(), "config": []});
    request_json(
        &client,
        &format!("{CTL}.provider.start.{}", host.id()),
        start,
    )
    .await;
    eventually("provider runs", || !host.runtime().providers().is_empty()).await;
    let replies = gather(
        &client,
        &format!("{CTL}.provider.auction"),
        provider.to_string().as_bytes(),
        window,
    )
    .await;
    assert!(replies.is_empty(), "{replies:?}");
}

#[tokio::test]
async fn provider_start_and_stop_follow_the_protocol() {
    let nats = NatsServer::start().unwrap();
    let client = nats.client().await.unwrap();
    let host = start_host(&nats).await;
    let id = host.id().to_owned();
    let mut events = events(&client).await;
    let start = json!({"provider_id": "http", "provider_ref": "wasmcloud+builtin://http-server", "host_id": id, "config": []});

    let reply = request_json(
        &client,
        &format!("{CTL}.provider.start.{id}"),
        start.clone(),
    )
    .await;
    assert_eq!(
        reply,
        json!({"success": true, "message": "successfully started provider"})
    );
    let started = next_event(&mut events, "provider_started").await;
    assert_eq!(started["data"]["provider_id"], "http");
    assert_eq!(started["data"]["image_ref"], "http-server");
    assert_eq!(started["data"]["host_id"], id.as_str());
    let healthy = next_event(&mut events, "health_check_passed").await;
    assert_eq!(
        healthy["data"],
        json!({"host_id": id, "provider_id": "http"})
    );

    let again = request_json(&client, &format!("{CTL}.provider.start.{id}"), start).await;
    assert_eq!(
        again,
        json!({"success": false, "message": "provider with that ID is already running"})
    );

    let inv = request(&client, &format!("{CTL}.host.get.{id}"), "").await;
    assert_eq!(inv["response"]["providers"][0]["id"], "http");

    let unknown =
        json!({"provider_id": "x", "provider_ref": "wasmcloud+builtin://nope", "host_id": id});
    let reply = request_json(&client, &format!("{CTL}.provider.start.{id}"), unknown).await;
    assert_eq!(reply["success"], true, "acknowledged first");
    let failed = next_event(&mut events, "provider_start_failed").await;
    assert_eq!(failed["data"]["provider_id"], "x");
    assert_eq!(failed["data"]["link_name"], "default");
    assert!(
        failed["data"]["error"].as_str().unwrap().contains("nope"),
        "{failed}"
    );

    let stop = json!({"host_id": id, "provider_id": "http"});
    let reply = request_json(&client, &format!("{CTL}.provider.stop.{id}"), stop.clone()).await;
    assert_eq!(
        reply,
        json!({"success": true, "message": "successfully stopped provider"})
    );
    let stopped = next_event(&mut events, "provider_stopped").await;
    assert_eq!(stopped["data"]["reason"], "stop");
    assert_eq!(stopped["data"]["instance_id"], "http");
    let reply = request_json(&client, &format!("{CTL}.provider.stop.{id}"), stop).await;
    assert_eq!(
        reply,
        json!({"success": false, "message": "provider with that ID is not running"})
    );
}

#[tokio::test]
async fn scale_acks_first_and_reports_by_event() {
    let nats = NatsServer::start().unwrap();
    let client = nats.client().await.unwrap();
    let host = start_host(&nats).await;
    let id = host.id().to_owned();
    let mut events = events(&client).await;
    let (_dir, path) = hello_file();
    let scale = |reference: &str, count: u32| json!({"component_ref": reference, "component_id": "hello", "count": count, "host_id": id, "config": [], "allow_update": false});

    let reply = request_json(
        &client,
        &format!("{CTL}.component.scale.{id}"),
        scale("/nonexistent/x.wasm", 1),
    )
    .await;
    assert_eq!(reply, json!({"success": true, "message": ""}));
    let failed = next_event(&mut events, "component_scale_failed").await;
    assert_eq!(failed["data"]["component_id"], "hello");
    assert!(
        failed["data"]["error"]
            .as_str()
            .unwrap()
            .contains("nonexistent"),
        "{failed}"
    );

    let reply = request_json(
        &client,
        &format!("{CTL}.component.scale.{id}"),
        scale(&path, 2),
    )
    .await;
    assert_eq!(reply, json!({"success": true, "message": ""}));
    let scaled = next_event(&mut events, "component_scaled").await;
    assert_eq!(scaled["data"]["max_instances"], 2);
    assert_eq!(scaled["data"]["host_id"], id.as_str());
    let inv = request(&client, &format!("{CTL}.host.get.{id}"), "").await;
    let component = &inv["response"]["components"][0];
    assert_eq!(component["id"], "hello");
    assert_eq!(component["max_instances"], 2);

    // Recorded in LATTICEDATA.
    let js = async_nats::jetstream::new(client.clone());
    let kv = js.get_key_value("LATTICEDATA_default").await.unwrap();
    let spec: serde_json::Value =
        serde_json::from_slice(&kv.get("COMPONENT_hello").await.unwrap().unwrap()).unwrap();
    assert_eq!(spec, json!({"url": path, "links": []}));

    // count 0 stops it and still reports component_scaled.
    request_json(
        &client,
        &format!("{CTL}.component.scale.{id}"),
        scale(&path, 0),
    )
    .await;
    let scaled = next_event(&mut events, "component_scaled").await;
    assert_eq!(scaled["data"]["max_instances"], 0);
    assert!(host.runtime().components().is_empty());
}

#[tokio::test]
async fn http_request_reaches_a_component_linked_over_ctl() {
    let nats = NatsServer::start().unwrap();
    let client = nats.client().await.unwrap();
    let host = start_host(&nats).await;
    let id = host.id().to_owned();
    let mut events = events(&client).await;
    let (_dir, path) = hello_file();
    let port = crate::free_port();

    let cfg = request(
        &client,
        &format!("{CTL}.config.put.web"),
        format!(r#"{{"address":"127.0.0.1:{port}"}}"#),
    )
    .await;
    assert_eq!(cfg["success"], true);
    let start =
        json!({"provider_id": "http", "provider_ref": "builtin://http-server", "host_id": id});
    request_json(&client, &format!("{CTL}.provider.start.{id}"), start).await;
    next_event(&mut events, "provider_started").await;
    let scale = json!({"component_ref": path, "component_id": "hello", "count": 1, "host_id": id});
    request_json(&client, &format!("{CTL}.component.scale.{id}"), scale).await;
    next_event(&mut events, "component_scaled").await;
    let link = json!({"source_id": "http", "target": "hello", "wit_namespace": "wasi", "wit_package": "http",
        "interfaces": ["incoming-handler"], "source_config": ["web"], "target_config": []});
    let reply = request_json(&client, &format!("{CTL}.link.put"), link).await;
    assert_eq!(reply["success"], true, "{reply}");

    // The link is applied through the KV watch; poll until the listener answers.
    let deadline = tokio::time::Instant::now() + WAIT;
    let (status, body) = loop {
        match crate::get(port, "/hi?x=1").await {
            Ok(answer) => break answer,
            Err(err) if tokio::time::Instant::now() < deadline => {
                let _ = err;
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(err) => panic!("no HTTP answer on {port}: {err}"),
        }
    };
    assert_eq!(status, 200);
    assert!(body.contains("path=/hi?x=1"), "{body}");
}
