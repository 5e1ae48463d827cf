//! Named config over ctl v1 (`CONFIGDATA_<lattice>`), with the exact replies of a
//! wasmCloud 1.x host.

use serde_json::json;
use trellis_testkit::NatsServer;

use crate::ctl_support::*;

#[tokio::test]
async fn config_put_get_del_follow_the_protocol() {
    let nats = NatsServer::start().unwrap();
    let client = nats.client().await.unwrap();
    let _host = start_host(&nats).await;
    let mut events = events(&client).await;

    let body = r#"{"address": "127.0.0.1:18088"}"#;
    let put = request(&client, &format!("{CTL}.config.put.web"), body).await;
    assert_eq!(
        put,
        json!({"success": true, "message": "successfully put config"})
    );
    let set = next_event(&mut events, "config_set").await;
    assert_eq!(set["data"], json!({"config_name": "web"}));

    // Stored byte for byte, spacing included.
    let js = async_nats::jetstream::new(client.clone());
    let kv = js.get_key_value("CONFIGDATA_default").await.unwrap();
    assert_eq!(&kv.get("web").await.unwrap().unwrap()[..], body.as_bytes());

    let get = request(&client, &format!("{CTL}.config.get.web"), "").await;
    assert_eq!(
        get,
        json!({"success": true, "message": "", "response": {"address": "127.0.0.1:18088"}})
    );

    let missing = request(&client, &format!("{CTL}.config.get.nope"), "").await;
    assert_eq!(
        missing,
        json!({"success": true, "message": "Configuration not found"})
    );

    for (bad, detail) in [
        (
            r#"{"a": 1}"#,
            r#"the value of "a" is a number, not a string"#,
        ),
        ("[]", "got an array, not an object"),
        ("not json", "not valid JSON"),
        ("", "not valid JSON"),
    ] {
        let reply = request(&client, &format!("{CTL}.config.put.bad"), bad).await;
        assert_eq!(reply["success"], false, "{bad:?}");
        let message = reply["message"].as_str().unwrap_or_default();
        assert!(
            message.starts_with("config data should be a map of string -> string: ")
                && message.contains(detail),
            "{bad:?}: {message}"
        );
    }

    let del = request(&client, &format!("{CTL}.config.del.web"), "").await;
    assert_eq!(
        del,
        json!({"success": true, "message": "successfully deleted config"})
    );
    let deleted = next_event(&mut events, "config_deleted").await;
    assert_eq!(deleted["data"], json!({"config_name": "web"}));
    let gone = request(&client, &format!("{CTL}.config.get.web"), "").await;
    assert_eq!(gone["message"], "Configuration not found");
}

#[tokio::test]
async fn config_is_answered_by_one_host_of_the_queue_group() {
    let nats = NatsServer::start().unwrap();
    let client = nats.client().await.unwrap();
    let _a = start_host(&nats).await;
    let _b = start_host(&nats).await;
    let replies = gather(
        &client,
        &format!("{CTL}.config.get.nope"),
        b"",
        std::time::Duration::from_millis(400),
    )
    .await;
    assert_eq!(replies.len(), 1, "{replies:?}");
}

#[tokio::test]
async fn without_jetstream_the_host_serves_with_links_and_config_in_memory() {
    // A plain nats-server, started without -js.
    let nats = NatsServer::start_with(|options| options.jetstream = false).unwrap();
    let client = nats.client().await.unwrap();
    let host = start_host(&nats).await;

    let pong = gather(
        &client,
        &format!("{CTL}.host.ping"),
        b"",
        std::time::Duration::from_millis(500),
    )
    .await;
    assert_eq!(pong.len(), 1, "{pong:?}");
    assert_eq!(pong[0]["response"]["id"], host.id());

    let put = request(&client, &format!("{CTL}.config.put.web"), r#"{"a":"1"}"#).await;
    assert_eq!(put["success"], true, "{put}");
    let get = request(&client, &format!("{CTL}.config.get.web"), "").await;
    assert_eq!(get["response"], json!({"a": "1"}));

    let link = json!({
        "source_id": "http", "target": "hello", "name": "default",
        "wit_namespace": "wasi", "wit_package": "http", "interfaces": ["incoming-handler"],
        "source_config": ["web"], "target_config": []
    });
    let put = request(&client, &format!("{CTL}.link.put"), link.to_string()).await;
    assert_eq!(put["success"], true, "{put}");
    let links = request(&client, &format!("{CTL}.link.get"), "").await;
    assert_eq!(links["response"], json!([link]));

    let del = request(&client, &format!("{CTL}.config.del.web"), "").await;
    assert_eq!(del["success"], true, "{del}");
    let gone = request(&client, &format!("{CTL}.config.get.web"), "").await;
    assert_eq!(gone["message"], "Configuration not found");
    host.shutdown().await;
}
