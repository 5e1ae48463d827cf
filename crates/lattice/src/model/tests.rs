//! The model as a pure state machine: events, inventories and expiry in, changes out.

use super::*;
use trellis_proto::{CloudEvent, ComponentScaled, ConfigChanged};

fn message(source: &str, event: LatticeEvent) -> EventMessage {
    EventMessage {
        cloud_event: CloudEvent::from_event(source, &event),
        event,
    }
}

fn scaled(host: &str, id: &str, count: u32) -> LatticeEvent {
    LatticeEvent::ComponentScaled(ComponentScaled {
        annotations: BTreeMap::new(),
        component_id: id.into(),
        host_id: host.into(),
        image_ref: "file:///a.wasm".into(),
        max_instances: count,
        public_key: None,
        claims: None,
    })
}

#[test]
fn events_produce_diffs_and_silence_expires_hosts() {
    let options = ModelOptions {
        heartbeat_interval: Duration::from_secs(10),
        missed_heartbeats: 2.5,
    };
    let mut model = LatticeModel::new(options);
    let t0 = Instant::now();

    let changes = model.apply_event(&message("NA", scaled("NA", "hello", 2)), t0);
    assert!(matches!(&changes[0], ModelChange::HostAdded { host } if host.id == "NA"));
    assert!(
        matches!(&changes[1], ModelChange::ComponentChanged { component, .. } if component.max_instances == 2)
    );
    // The same event again (hosts publish component_scaled twice) changes nothing.
    assert!(model
        .apply_event(&message("NA", scaled("NA", "hello", 2)), t0)
        .is_empty());

    let set = LatticeEvent::ConfigSet(ConfigChanged {
        config_name: "web".into(),
    });
    assert_eq!(
        model.apply_event(&message("NA", set), t0),
        [ModelChange::ConfigSet { name: "web".into() }]
    );
    let graph = model.graph();
    assert_eq!(graph.node_count(), 3, "host, component, config");
    assert_eq!(graph.edge_count(), 1, "host runs component");

    let changes = model.apply_event(&message("NA", scaled("NA", "hello", 0)), t0);
    assert_eq!(
        changes,
        [ModelChange::ComponentRemoved {
            host_id: "NA".into(),
            component_id: "hello".into()
        }]
    );

    assert!(
        model.expire(t0 + Duration::from_secs(24)).is_empty(),
        "within 2.5 intervals"
    );
    assert_eq!(
        model.expire(t0 + Duration::from_secs(26)),
        [ModelChange::HostRemoved {
            host_id: "NA".into(),
            reason: RemovalReason::MissedHeartbeats
        }]
    );
}

#[test]
fn a_component_is_found_on_every_host_that_runs_it() {
    let mut model = LatticeModel::new(ModelOptions::default());
    let t0 = Instant::now();
    model.apply_event(&message("NA", scaled("NA", "hello", 1)), t0);
    model.apply_event(&message("NB", scaled("NB", "hello", 2)), t0);
    model.apply_event(&message("NB", scaled("NB", "other", 1)), t0);
    let placed = |id: &str| model.component_placements(id);
    assert_eq!(
        placed("hello"),
        [
            ("NA".to_owned(), "file:///a.wasm".to_owned()),
            ("NB".to_owned(), "file:///a.wasm".to_owned())
        ]
    );
    assert_eq!(
        placed("other"),
        [("NB".to_owned(), "file:///a.wasm".to_owned())]
    );
    assert!(placed("absent").is_empty());
    assert_eq!(model.hosts_running("hello"), ["NA", "NB"]);
    assert!(model.hosts_running("absent").is_empty());
}

#[test]
fn wasmcloud_2x_hosts_come_by_heartbeat_and_go_after_four_missed() {
    let mut model = LatticeModel::new(ModelOptions::default());
    let start = Instant::now();
    let beat = br#"{"id":"01a20c1b-0e69-7bf1-af4a-5ee33c9e4d6a","hostname":"edge-host-b",
      "friendlyName":"nervous-body-5122","version":"2.10.3","labels":{"hostgroup":"edge"},
      "osArch":"x86_64","osName":"linux","workloadCount":"2","componentCount":"3",
      "imports":[{"namespace":"wasmcloud","package":"messaging","version":"0.3.0","interfaces":["consumer","types"]},
                 {"namespace":"wasmcloud","package":"messaging","version":"0.3.0","interfaces":["consumer","types"]}],
      "httpPort":18180,"environment":"dev-ns"}"#;
    let changes = model.apply_v2_heartbeat(beat, start);
    let [ModelChange::V2HostSeen { host }] = changes.as_slice() else {
        panic!("{changes:?}");
    };
    assert_eq!(host.hostname, "edge-host-b");
    assert_eq!((host.workload_count, host.component_count), (2, 3));
    assert_eq!(
        host.imports,
        ["wasmcloud:messaging/consumer,types@0.3.0"],
        "deduplicated"
    );
    assert_eq!(host.os, "linux/x86_64");
    assert_eq!(model.snapshot().v2_hosts.len(), 1);
    assert!(
        model.snapshot().hosts.is_empty(),
        "no 1.x host came with it"
    );

    assert!(
        model.apply_v2_heartbeat(b"not json", start).is_empty(),
        "a broken heartbeat changes nothing"
    );
    assert!(model.expire(start + Duration::from_secs(59)).is_empty());
    assert_eq!(
        model.expire(start + Duration::from_secs(61)),
        [ModelChange::V2HostRemoved {
            host_id: "01a20c1b-0e69-7bf1-af4a-5ee33c9e4d6a".into()
        }]
    );
    assert!(model.snapshot().v2_hosts.is_empty());
}
