//! Links over ctl v1: validation, replacement and conflict rules, idempotent delete,
//! state shared between hosts through `LATTICEDATA_<lattice>` and kept across restarts.

use serde_json::{json, Value};
use trellis_testkit::NatsServer;

use crate::ctl_support::*;

fn link(target: &str, interfaces: &[&str], source_config: &[&str]) -> Value {
    json!({
        "source_id": "http", "target": target, "wit_namespace": "wasi", "wit_package": "http",
        "interfaces": interfaces, "source_config": source_config,
    })
}

#[tokio::test]
async fn link_rules_and_events() {
    let nats = NatsServer::start().unwrap();
    let client = nats.client().await.unwrap();
    let _host = start_host(&nats).await;
    let mut events = events(&client).await;
    let put = |body: Value| {
        let client = client.clone();
        async move { request_json(&client, &format!("{CTL}.link.put"), body).await }
    };

    // A config name that does not exist.
    let reply = put(link("hello", &["incoming-handler"], &["does-not-exist"])).await;
    assert_eq!(
        reply,
        json!({"success": false, "message": "Failed to validate configuration and secrets. Configuration does-not-exist not found in config store. "})
    );
    let failed = next_event(&mut events, "linkdef_set_failed").await;
    assert!(failed["data"]["error"]
        .as_str()
        .unwrap()
        .contains("does-not-exist"));

    // A valid link (name left out: "default"), between ids that do not exist.
    request(
        &client,
        &format!("{CTL}.config.put.web"),
        r#"{"address":"127.0.0.1:0"}"#,
    )
    .await;
    let reply = put(link("hello", &["incoming-handler"], &["web"])).await;
    assert_eq!(
        reply,
        json!({"success": true, "message": "successfully set link"})
    );
    let set = next_event(&mut events, "linkdef_set").await;
    assert_eq!(
        keys(&set["data"]),
        [
            "interfaces",
            "name",
            "source_config",
            "source_id",
            "target",
            "target_config",
            "wit_namespace",
            "wit_package"
        ]
    );
    assert_eq!(set["data"]["name"], "default");

    // Same key, overlapping interfaces, another target: refused.
    let reply = put(link("other", &["incoming-handler"], &[])).await;
    assert_eq!(
        reply,
        json!({"success": false, "message": "link already exists with different target, consider deleting the existing link or using a different link name"})
    );
    next_event(&mut events, "linkdef_set_failed").await;

    // Same key and target: replaced, not duplicated.
    let reply = put(link("hello", &["incoming-handler"], &[])).await;
    assert_eq!(reply["success"], true);
    let links = request(&client, &format!("{CTL}.link.get"), "").await;
    assert_eq!(links["success"], true);
    let list = links["response"].as_array().unwrap();
    assert_eq!(list.len(), 1, "{links}");
    assert_eq!(list[0]["source_config"], json!([]));

    // Stored under the source in KV.
    let js = async_nats::jetstream::new(client.clone());
    let kv = js.get_key_value("LATTICEDATA_default").await.unwrap();
    let spec: Value =
        serde_json::from_slice(&kv.get("COMPONENT_http").await.unwrap().unwrap()).unwrap();
    assert_eq!(spec["links"][0]["target"], "hello");

    // Delete twice: both succeed, both publish linkdef_deleted.
    let del = json!({"source_id": "http", "wit_namespace": "wasi", "wit_package": "http"});
    for round in 0..2 {
        let reply = request_json(&client, &format!("{CTL}.link.del"), del.clone()).await;
        assert_eq!(
            reply,
            json!({"success": true, "message": "successfully deleted link"})
        );
        let deleted = next_event(&mut events, "linkdef_deleted").await;
        if round == 0 {
            assert_eq!(deleted["data"]["target"], "hello");
        } else {
            assert!(deleted["data"].get("target").is_none(), "{deleted}");
        }
    }
    let links = request(&client, &format!("{CTL}.link.get"), "").await;
    assert_eq!(
        links,
        json!({"success": true, "message": "", "response": []})
    );
}

#[tokio::test]
async fn links_reach_every_host_and_survive_a_restart() {
    let nats = NatsServer::start().unwrap();
    let client = nats.client().await.unwrap();
    let a = start_host(&nats).await;
    let b = start_host(&nats).await;

    let reply = request_json(
        &client,
        &format!("{CTL}.link.put"),
        link("hello", &["incoming-handler"], &[]),
    )
    .await;
    assert_eq!(reply["success"], true, "{reply}");
    // Whichever host answered, both runtimes get the link through the KV watch.
    let has_link = |host: &trellis_host::LatticeHost| {
        host.runtime()
            .links()
            .iter()
            .any(|l| l.source_id == "http" && l.target == "hello")
    };
    eventually("host a applies the link", || has_link(&a)).await;
    eventually("host b applies the link", || has_link(&b)).await;

    a.shutdown().await;
    b.shutdown().await;
    let c = start_host(&nats).await;
    eventually("a restarted host gets the link back", || has_link(&c)).await;

    // A delete reaches the runtime too.
    let del = json!({"source_id": "http", "wit_namespace": "wasi", "wit_package": "http"});
    request_json(&client, &format!("{CTL}.link.del"), del).await;
    eventually("the link is removed", || !has_link(&c)).await;
}

/// Issue 11, item 1: a messaging link whose subscriptions reach the lattice's subjects
/// is refused over ctl, naming the subject.
#[tokio::test]
async fn a_messaging_link_on_the_lattice_subjects_is_refused_by_name() {
    let nats = NatsServer::start().unwrap();
    let client = nats.client().await.unwrap();
    let _host = start_host(&nats).await;
    let mut events = events(&client).await;
    request(
        &client,
        &format!("{CTL}.config.put.snoop"),
        r#"{"subscriptions":"orders.in, wasmbus.ctl.>"}"#,
    )
    .await;
    let link = json!({
        "source_id": "nats", "target": "spy", "wit_namespace": "wasmcloud",
        "wit_package": "messaging", "interfaces": ["handler"], "source_config": ["snoop"],
    });
    let reply = request_json(&client, &format!("{CTL}.link.put"), link).await;
    assert_eq!(reply["success"], json!(false), "{reply}");
    let message = reply["message"].as_str().unwrap();
    assert!(
        message.contains("\"wasmbus.ctl.>\"") && message.contains("reserved"),
        "{message}"
    );
    let failed = next_event(&mut events, "linkdef_set_failed").await;
    assert!(failed["data"]["error"]
        .as_str()
        .unwrap()
        .contains("wasmbus.ctl.>"));

    // Ordinary subjects still link.
    request(
        &client,
        &format!("{CTL}.config.put.orders"),
        r#"{"subscriptions":"orders.>"}"#,
    )
    .await;
    let link = json!({
        "source_id": "nats", "target": "shop", "wit_namespace": "wasmcloud",
        "wit_package": "messaging", "interfaces": ["handler"], "source_config": ["orders"],
    });
    let reply = request_json(&client, &format!("{CTL}.link.put"), link).await;
    assert_eq!(reply["success"], json!(true), "{reply}");
}
