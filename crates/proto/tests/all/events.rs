//! CloudEvents envelope and per-type data, with the data keys observed on a 1.9.2 host.

use std::collections::BTreeSet;

use serde_json::{json, Value};
use trellis_proto::*;

const HOST: &str = "ND2ZDV7G3AC7WVOWRQ2VSH2YV7EVF3U5ER6WYU76624VVWQ4B435DFOB";

fn envelope(event_type: &str, data: Value) -> CloudEvent {
    serde_json::from_value(json!({
        "specversion": "1.0",
        "id": "01933c7e-9d2a-7a5b-8c1e-2f3a4b5c6d7e",
        "source": HOST,
        "type": format!("com.wasmcloud.lattice.{event_type}"),
        "time": "2026-02-10T12:00:00.123456789Z",
        "datacontenttype": "application/json",
        "data": data,
    }))
    .unwrap()
}

fn keys(v: &Value) -> BTreeSet<String> {
    v.as_object().unwrap().keys().cloned().collect()
}

/// Decodes `data` as `event_type`, checks the variant with `is`, and checks
/// that the data re-encodes to exactly the same JSON.
fn check(event_type: &str, data: Value, is: fn(&LatticeEvent) -> bool) -> LatticeEvent {
    let ev = LatticeEvent::from_cloud_event(&envelope(event_type, data.clone()))
        .unwrap_or_else(|e| panic!("{event_type}: {e}"));
    assert!(is(&ev), "{event_type} decoded as {ev:?}");
    assert_eq!(ev.event_type(), event_type);
    assert_eq!(ev.data(), data, "{event_type} data changed");
    ev
}

#[test]
fn every_observed_event_type_round_trips() {
    let labels = json!({"hostcore.arch":"x86_64","hostcore.os":"linux","hostcore.osfamily":"unix"});
    check(
        "host_started",
        json!({"friendly_name":"f","labels":labels,"uptime_seconds":0,"version":"1.9.2"}),
        |e| matches!(e, LatticeEvent::HostStarted(_)),
    );
    check("host_stopped", json!({"labels":labels}), |e| {
        matches!(e, LatticeEvent::HostStopped(_))
    });
    let hb = check(
        "host_heartbeat",
        json!({"components":[{"annotations":{},"id":"hello","image_ref":"file:///a.wasm","limits":null,"max_instances":1,"revision":0}],
               "friendly_name":"f","host_id":HOST,"labels":labels,
               "providers":[{"annotations":{},"id":"http","image_ref":"http-server","revision":0}],
               "uptime_human":"30s","uptime_seconds":30,"version":"1.9.2"}),
        |e| matches!(e, LatticeEvent::HostHeartbeat(_)),
    );
    let LatticeEvent::HostHeartbeat(inv) = hb else {
        unreachable!()
    };
    assert_eq!(inv.components[0].id, "hello");

    for t in ["config_set", "config_deleted"] {
        check(t, json!({"config_name":"web"}), |e| {
            matches!(
                e,
                LatticeEvent::ConfigSet(_) | LatticeEvent::ConfigDeleted(_)
            )
        });
    }
    check(
        "provider_started",
        json!({"annotations":{},"host_id":HOST,"image_ref":"http-server","provider_id":"http"}),
        |e| matches!(e, LatticeEvent::ProviderStarted(_)),
    );
    check(
        "provider_start_failed",
        json!({"error":"unknown builtin name: nope","host_id":HOST,"link_name":"default","provider_id":"p","provider_ref":"wasmcloud+builtin://nope"}),
        |e| matches!(e, LatticeEvent::ProviderStartFailed(_)),
    );
    check(
        "provider_stopped",
        json!({"annotations":{},"host_id":HOST,"instance_id":"http","link_name":"default","provider_id":"http","public_key":"http","reason":"stop"}),
        |e| matches!(e, LatticeEvent::ProviderStopped(_)),
    );
    let scaled = json!({"annotations":{},"component_id":"hello","host_id":HOST,"image_ref":"file:///a.wasm","max_instances":0});
    check("component_scaled", scaled.clone(), |e| {
        matches!(e, LatticeEvent::ComponentScaled(_))
    });
    let mut failed = scaled.clone();
    failed["error"] = json!("failed to fetch component: failed to read component: No such file or directory (os error 2)");
    let f = check("component_scale_failed", failed, |e| {
        matches!(e, LatticeEvent::ComponentScaleFailed(_))
    });
    let LatticeEvent::ComponentScaleFailed(f) = f else {
        unreachable!()
    };
    assert_eq!(f.scale.component_id, "hello");
    assert!(f.error.contains("os error 2"));

    let link = json!({"interfaces":["incoming-handler"],"name":"default","source_config":["web"],"source_id":"http",
                      "target":"hello","target_config":[],"wit_namespace":"wasi","wit_package":"http"});
    check("linkdef_set", link.clone(), |e| {
        matches!(e, LatticeEvent::LinkdefSet(_))
    });
    let mut link_failed = link.clone();
    link_failed["error"] = json!("link already exists with different target, consider deleting the existing link or using a different link name");
    check("linkdef_set_failed", link_failed, |e| {
        matches!(e, LatticeEvent::LinkdefSetFailed(_))
    });
    check(
        "linkdef_deleted",
        json!({"interfaces":["incoming-handler"],"name":"default","source_id":"http","target":"hello","wit_namespace":"wasi","wit_package":"http"}),
        |e| {
            matches!(
                e,
                LatticeEvent::LinkdefDeleted(LinkdefDeleted {
                    target: Some(_),
                    ..
                })
            )
        },
    );
    // A repeated delete carries only the key.
    check(
        "linkdef_deleted",
        json!({"name":"default","source_id":"http","wit_namespace":"wasi","wit_package":"http"}),
        |e| {
            matches!(
                e,
                LatticeEvent::LinkdefDeleted(LinkdefDeleted {
                    target: None,
                    interfaces: None,
                    ..
                })
            )
        },
    );
    check(
        "labels_changed",
        json!({"host_id":HOST,"labels":{"zone":"a","hostcore.os":"linux"}}),
        |e| matches!(e, LatticeEvent::LabelsChanged(_)),
    );
    for t in [
        "health_check_passed",
        "health_check_failed",
        "health_check_status",
    ] {
        check(t, json!({"host_id":HOST,"provider_id":"http"}), |e| {
            matches!(
                e,
                LatticeEvent::HealthCheckPassed(_)
                    | LatticeEvent::HealthCheckFailed(_)
                    | LatticeEvent::HealthCheckStatus(_)
            )
        });
    }
}

#[test]
fn signed_artifact_extras_are_kept() {
    let data = json!({"annotations":{},"component_id":"c","host_id":HOST,"image_ref":"r","max_instances":1,
        "public_key":"MABC","claims":{"call_alias":null,"issuer":"AABC","tags":["x"],"name":"Hello","version":"0.1.0","revision":1,
        "not_before_human":"never","expires_human":"never"}});
    check("component_scaled", data, |e| {
        matches!(e, LatticeEvent::ComponentScaled(_))
    });
    check(
        "provider_started",
        json!({"annotations":{},"host_id":HOST,"image_ref":"ghcr.io/x:1","provider_id":"p","instance_id":"i","public_key":"VABC","link_name":"default","claims":{"name":"P"}}),
        |e| matches!(e, LatticeEvent::ProviderStarted(_)),
    );
}

#[test]
fn from_event_builds_a_cloudevents_1_0_envelope() {
    let ev = LatticeEvent::LabelsChanged(LabelsChanged {
        host_id: HOST.into(),
        labels: [("zone".to_owned(), "a".to_owned())].into(),
    });
    let ce = CloudEvent::from_event(HOST, &ev);
    let v = serde_json::to_value(&ce).unwrap();
    assert_eq!(
        keys(&v),
        [
            "data",
            "datacontenttype",
            "id",
            "source",
            "specversion",
            "time",
            "type"
        ]
        .map(String::from)
        .into()
    );
    assert_eq!(v["specversion"], "1.0");
    assert_eq!(v["type"], "com.wasmcloud.lattice.labels_changed");
    assert_eq!(v["source"], HOST);
    assert_eq!(v["datacontenttype"], "application/json");
    assert_eq!(v["data"], json!({"host_id":HOST,"labels":{"zone":"a"}}));
    uuid::Uuid::parse_str(&ce.id).expect("id is UUID-shaped");

    // RFC 3339 with nanoseconds, UTC, close to now.
    let frac = ce.time.split('.').nth(1).expect("fractional seconds");
    assert_eq!(frac.len(), 10, "nine digits and 'Z': {}", ce.time);
    let t = ce.timestamp().unwrap();
    let age = time::OffsetDateTime::now_utc() - t;
    assert!(age.whole_seconds().abs() < 5, "{}", ce.time);

    // Round trip through JSON text and back into the typed event.
    let text = serde_json::to_string(&ce).unwrap();
    let parsed: CloudEvent = serde_json::from_str(&text).unwrap();
    assert_eq!(LatticeEvent::from_cloud_event(&parsed).unwrap(), ev);
}

#[test]
fn event_ids_are_unique_and_time_ordered() {
    let a = new_event_id();
    std::thread::sleep(std::time::Duration::from_millis(3));
    let b = new_event_id();
    assert_ne!(a, b);
    assert!(a < b, "{a} !< {b}");
    let ua = uuid::Uuid::parse_str(&a).unwrap();
    let ub = uuid::Uuid::parse_str(&b).unwrap();
    assert!(ua < ub);
}

#[test]
fn unknown_event_types_are_kept_not_rejected() {
    let data = json!({"something":"new","n":1});
    let ev =
        LatticeEvent::from_cloud_event(&envelope("component_teleported", data.clone())).unwrap();
    assert_eq!(
        ev,
        LatticeEvent::Other {
            event_type: "component_teleported".into(),
            data: data.clone()
        }
    );
    assert_eq!(ev.event_type(), "component_teleported");
    // Re-publishing keeps type and data.
    let ce = CloudEvent::from_event(HOST, &ev);
    assert_eq!(ce.r#type, "com.wasmcloud.lattice.component_teleported");
    assert_eq!(ce.data, data);
}

#[test]
fn foreign_and_malformed_events_are_clear_errors() {
    let mut ce = envelope("config_set", json!({"config_name":"x"}));
    ce.r#type = "com.wadm.manifest_published".into();
    let err = LatticeEvent::from_cloud_event(&ce).unwrap_err();
    assert_eq!(
        err.to_string(),
        "not a wasmCloud lattice event type: \"com.wadm.manifest_published\""
    );

    let ce = envelope("component_scaled", json!({"host_id":HOST}));
    let err = LatticeEvent::from_cloud_event(&ce).unwrap_err().to_string();
    assert!(
        err.starts_with(
            "invalid data for lattice event component_scaled: missing field `component_id`"
        ),
        "{err}"
    );
    let ce = envelope("host_heartbeat", json!("not an object"));
    assert!(LatticeEvent::from_cloud_event(&ce).is_err());
}

#[test]
fn envelope_without_datacontenttype_parses() {
    let ce: CloudEvent = serde_json::from_value(json!({
        "specversion":"1.0","id":"x","source":HOST,"type":"com.wasmcloud.lattice.host_stopped",
        "time":"2026-02-10T12:00:00Z","data":{"labels":{}}
    }))
    .unwrap();
    assert_eq!(ce.datacontenttype, "application/json");
    assert!(ce.timestamp().is_ok());
    let bad = CloudEvent {
        time: "yesterday".into(),
        ..ce
    };
    assert!(bad
        .timestamp()
        .unwrap_err()
        .to_string()
        .starts_with("invalid RFC 3339 time \"yesterday\""));
}

#[test]
fn format_time_pads_nanoseconds() {
    let t = time::macros::datetime!(2026-01-02 03:04:05.000000007 +02:00);
    assert_eq!(format_time(t), "2026-01-02T01:04:05.000000007Z");
}
