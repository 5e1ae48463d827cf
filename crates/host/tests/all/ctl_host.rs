//! Host identity over ctl v1: ping, inventory, lifecycle events, heartbeats, labels,
//! stop, malformed input.

use std::time::{Duration, Instant};

use serde_json::json;
use trellis_testkit::NatsServer;

use crate::ctl_support::*;

#[tokio::test]
async fn ping_get_and_lifecycle_events_match_protocol() {
    let nats = NatsServer::start().unwrap();
    let client = nats.client().await.unwrap();
    let mut events = events(&client).await;
    let host = start_host(&nats).await;
    let id = host.id().to_owned();

    let started = next_event(&mut events, "host_started").await;
    assert_eq!(started["specversion"], "1.0");
    assert_eq!(started["source"], id.as_str());
    assert_eq!(started["datacontenttype"], "application/json");
    assert_eq!(
        keys(&started["data"]),
        ["friendly_name", "labels", "uptime_seconds", "version"]
    );
    assert_eq!(started["data"]["uptime_seconds"], 0);

    let ping = request(&client, &format!("{CTL}.host.ping"), "").await;
    assert_eq!(ping["success"], true);
    assert_eq!(ping["message"], "");
    let h = &ping["response"];
    assert_eq!(
        keys(h),
        [
            "ctl_host",
            "friendly_name",
            "id",
            "labels",
            "lattice",
            "rpc_host",
            "uptime_human",
            "uptime_seconds",
            "version"
        ],
        "no js_domain key without a domain"
    );
    assert_eq!(h["id"], id.as_str());
    assert!(id.starts_with('N') && id.len() == 56, "{id}");
    assert_eq!(h["friendly_name"], host.friendly_name());
    assert_eq!(h["lattice"], "default");
    assert_eq!(h["ctl_host"], nats.url());
    assert_eq!(h["rpc_host"], nats.url());
    assert_eq!(h["labels"]["hostcore.os"], std::env::consts::OS);
    assert_eq!(h["labels"]["hostcore.arch"], std::env::consts::ARCH);
    assert_eq!(h["labels"]["hostcore.osfamily"], std::env::consts::FAMILY);
    assert!(h["uptime_seconds"].is_u64());
    assert!(h["uptime_human"].as_str().unwrap().ends_with('s'));

    let get = request(&client, &format!("{CTL}.host.get.{id}"), "").await;
    assert_eq!(get["success"], true);
    let inv = &get["response"];
    assert_eq!(
        keys(inv),
        [
            "components",
            "friendly_name",
            "host_id",
            "labels",
            "providers",
            "uptime_human",
            "uptime_seconds",
            "version"
        ]
    );
    assert_eq!(inv["host_id"], id.as_str());
    assert_eq!(inv["components"], json!([]));
    assert_eq!(inv["providers"], json!([]));

    host.shutdown().await;
    let stopped = next_event(&mut events, "host_stopped").await;
    assert_eq!(stopped["source"], id.as_str());
    assert_eq!(keys(&stopped["data"]), ["labels"]);
    // Stopped hosts no longer answer.
    let replies = gather(
        &client,
        &format!("{CTL}.host.ping"),
        b"",
        Duration::from_millis(300),
    )
    .await;
    assert!(replies.is_empty(), "{replies:?}");
}

#[tokio::test]
async fn two_hosts_on_one_server_both_answer_ping() {
    let nats = NatsServer::start().unwrap();
    let client = nats.client().await.unwrap();
    let a = start_host(&nats).await;
    let b = start_host(&nats).await;
    let replies = gather(
        &client,
        &format!("{CTL}.host.ping"),
        b"",
        Duration::from_millis(500),
    )
    .await;
    let mut ids: Vec<&str> = replies
        .iter()
        .map(|r| r["response"]["id"].as_str().unwrap())
        .collect();
    ids.sort();
    let mut expected = vec![a.id(), b.id()];
    expected.sort();
    assert_eq!(ids, expected);
    // host.get is addressed: only the named host answers.
    let replies = gather(
        &client,
        &format!("{CTL}.host.get.{}", b.id()),
        b"",
        Duration::from_millis(300),
    )
    .await;
    assert_eq!(replies.len(), 1);
    assert_eq!(replies[0]["response"]["host_id"], b.id());
}

#[tokio::test]
async fn heartbeat_comes_one_interval_after_start_with_the_inventory() {
    let nats = NatsServer::start().unwrap();
    let client = nats.client().await.unwrap();
    let mut events = events(&client).await;
    let started = Instant::now();
    let host = start_host_with(&nats, |c| c.heartbeat_interval = Duration::from_millis(400)).await;
    let beat = next_event(&mut events, "host_heartbeat").await;
    assert!(
        started.elapsed() >= Duration::from_millis(350),
        "first heartbeat too early"
    );
    assert_eq!(beat["source"], host.id());
    assert_eq!(beat["data"]["host_id"], host.id());
    assert_eq!(beat["data"]["components"], json!([]));
    // And it repeats.
    let again = next_event(&mut events, "host_heartbeat").await;
    assert_ne!(again["id"], beat["id"]);
}

#[tokio::test]
async fn labels_change_and_hostcore_labels_are_refused() {
    let nats = NatsServer::start().unwrap();
    let client = nats.client().await.unwrap();
    let host = start_host_with(&nats, |c| {
        c.labels.insert("team".into(), "blue".into());
        c.labels.insert("hostcore.os".into(), "fake".into());
    })
    .await;
    let id = host.id().to_owned();
    assert_eq!(host.labels()["team"], "blue");
    assert_eq!(
        host.labels()["hostcore.os"],
        std::env::consts::OS,
        "configured hostcore.* ignored"
    );
    let mut events = events(&client).await;

    let put = request_json(
        &client,
        &format!("{CTL}.label.put.{id}"),
        json!({"key": "zone", "value": "a"}),
    )
    .await;
    assert_eq!(put["success"], true, "{put}");
    let changed = next_event(&mut events, "labels_changed").await;
    assert_eq!(changed["data"]["host_id"], id.as_str());
    assert_eq!(changed["data"]["labels"]["zone"], "a");
    assert_eq!(changed["data"]["labels"]["team"], "blue");
    let get = request(&client, &format!("{CTL}.host.get.{id}"), "").await;
    assert_eq!(get["response"]["labels"]["zone"], "a");

    for (verb, body) in [
        ("put", json!({"key": "hostcore.os", "value": "mac"})),
        ("put", json!({"key": "HOSTCORE.arch", "value": "arm"})),
        ("del", json!({"key": "hostcore.arch"})),
    ] {
        let reply = request_json(&client, &format!("{CTL}.label.{verb}.{id}"), body).await;
        assert_eq!(reply["success"], false, "{reply}");
        assert!(
            reply["message"].as_str().unwrap().contains("reserved"),
            "{reply}"
        );
    }
    assert_eq!(host.labels()["hostcore.os"], std::env::consts::OS);

    let del = request_json(
        &client,
        &format!("{CTL}.label.del.{id}"),
        json!({"key": "zone"}),
    )
    .await;
    assert_eq!(del["success"], true);
    let changed = next_event(&mut events, "labels_changed").await;
    assert!(changed["data"]["labels"].get("zone").is_none());
}

#[tokio::test]
async fn malformed_requests_get_errors_and_the_host_keeps_serving() {
    let nats = NatsServer::start().unwrap();
    let client = nats.client().await.unwrap();
    let host = start_host(&nats).await;
    let id = host.id().to_owned();

    let cases = [
        (
            format!("{CTL}.component.scale.{id}"),
            &b"{not json"[..],
            "component.scale",
        ),
        (
            format!("{CTL}.component.scale.{id}"),
            &br#"{"component_id":"x"}"#[..],
            "component_ref",
        ),
        (
            format!("{CTL}.provider.start.{id}"),
            &b"[]"[..],
            "provider.start",
        ),
        (
            format!("{CTL}.label.put.{id}"),
            &br#"{"key":1}"#[..],
            "label.put",
        ),
        (format!("{CTL}.link.put"), &b""[..], "link.put"),
        (format!("{CTL}.link.del"), &b"\xff\xfe"[..], "link.del"),
        (format!("{CTL}.host.stop.{id}"), &b"nope"[..], "host.stop"),
    ];
    for (subject, body, needle) in cases {
        let reply = request(&client, &subject, body.to_vec()).await;
        assert_eq!(reply["success"], false, "{subject}: {reply}");
        let message = reply["message"].as_str().unwrap();
        assert!(
            message.contains(needle),
            "{subject}: {message:?} should name {needle:?}"
        );
    }
    for subject in [
        format!("{CTL}.host.frobnicate.{id}"),
        format!("{CTL}.link.frob"),
        format!("{CTL}.component.zap.{id}"),
    ] {
        let reply = request(&client, &subject, "").await;
        assert_eq!(
            reply,
            json!({"success": false, "message": "unsupported subject"}),
            "{subject}"
        );
    }
    // Still serving.
    let ping = request(&client, &format!("{CTL}.host.ping"), "").await;
    assert_eq!(ping["response"]["id"], id.as_str());
}

#[tokio::test]
async fn host_stop_replies_then_signals_the_owner() {
    let nats = NatsServer::start().unwrap();
    let client = nats.client().await.unwrap();
    let host = start_host(&nats).await;
    let mut events = events(&client).await;
    let stop = request_json(
        &client,
        &format!("{CTL}.host.stop.{}", host.id()),
        json!({"host_id": host.id(), "timeout": 1000}),
    )
    .await;
    assert_eq!(
        stop,
        json!({"success": true, "message": "successfully handled stop host"})
    );
    tokio::time::timeout(WAIT, host.wait_stop_requested())
        .await
        .expect("stop requested");
    host.shutdown().await;
    next_event(&mut events, "host_stopped").await;
}

#[tokio::test]
async fn claims_get_is_empty_and_registry_put_is_silent() {
    let nats = NatsServer::start().unwrap();
    let client = nats.client().await.unwrap();
    let _host = start_host(&nats).await;
    let claims = request(&client, &format!("{CTL}.claims.get"), "").await;
    assert_eq!(
        claims,
        json!({"success": true, "message": "", "response": []})
    );
    let replies = gather(
        &client,
        &format!("{CTL}.registry.put"),
        br#"{"ghcr.io":{"username":"u","password":"p","registryType":"oci"}}"#,
        Duration::from_millis(300),
    )
    .await;
    assert!(replies.is_empty(), "{replies:?}");
}

#[tokio::test]
async fn host_reannounces_itself_and_keeps_serving_after_a_nats_restart() {
    let mut nats = NatsServer::start().unwrap();
    let client = nats.client().await.unwrap();
    // A long interval: a heartbeat within the test can only be the reconnect one.
    let host = start_host_with(&nats, |c| c.heartbeat_interval = Duration::from_secs(3600)).await;
    let link = json!({"source_id": "a", "target": "b", "wit_namespace": "x", "wit_package": "y", "interfaces": ["i"]});
    request_json(&client, &format!("{CTL}.link.put"), link).await;

    // Subscribed before the restart: the client restores it when it reconnects.
    let mut events = events(&client).await;
    nats.restart().unwrap();
    let beat = next_event(&mut events, "host_heartbeat").await;
    assert_eq!(beat["source"], host.id());

    // Ctl, KV state and the KV watch all work again.
    let ping = request(&client, &format!("{CTL}.host.ping"), "").await;
    assert_eq!(ping["response"]["id"], host.id());
    let links = request(&client, &format!("{CTL}.link.get"), "").await;
    assert_eq!(links["response"][0]["source_id"], "a", "{links}");
    let link = json!({"source_id": "c", "target": "d", "wit_namespace": "x", "wit_package": "y", "interfaces": ["i"]});
    request_json(&client, &format!("{CTL}.link.put"), link).await;
    let applied = || host.runtime().links().iter().any(|l| l.source_id == "c");
    eventually("a link put after the restart reaches the runtime", applied).await;
}
