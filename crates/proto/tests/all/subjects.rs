//! Subject builders, queue groups and KV names (protocol.md §1, §2, §4).

use trellis_proto::{kv, subject};

const P: &str = subject::DEFAULT_CTL_PREFIX;
const L: &str = subject::DEFAULT_LATTICE;
const H: &str = "NHOST";

#[test]
fn ctl_subjects() {
    let cases = [
        (subject::host_ping(P, L), "wasmbus.ctl.v1.default.host.ping"),
        (
            subject::host_get(P, L, H),
            "wasmbus.ctl.v1.default.host.get.NHOST",
        ),
        (
            subject::host_stop(P, L, H),
            "wasmbus.ctl.v1.default.host.stop.NHOST",
        ),
        (
            subject::claims_get(P, L),
            "wasmbus.ctl.v1.default.claims.get",
        ),
        (
            subject::component_auction(P, L),
            "wasmbus.ctl.v1.default.component.auction",
        ),
        (
            subject::component_scale(P, L, H),
            "wasmbus.ctl.v1.default.component.scale.NHOST",
        ),
        (
            subject::component_update(P, L, H),
            "wasmbus.ctl.v1.default.component.update.NHOST",
        ),
        (
            subject::provider_auction(P, L),
            "wasmbus.ctl.v1.default.provider.auction",
        ),
        (
            subject::provider_start(P, L, H),
            "wasmbus.ctl.v1.default.provider.start.NHOST",
        ),
        (
            subject::provider_stop(P, L, H),
            "wasmbus.ctl.v1.default.provider.stop.NHOST",
        ),
        (subject::link_put(P, L), "wasmbus.ctl.v1.default.link.put"),
        (subject::link_del(P, L), "wasmbus.ctl.v1.default.link.del"),
        (subject::link_get(P, L), "wasmbus.ctl.v1.default.link.get"),
        (
            subject::config_put(P, L, "web"),
            "wasmbus.ctl.v1.default.config.put.web",
        ),
        (
            subject::config_get(P, L, "web"),
            "wasmbus.ctl.v1.default.config.get.web",
        ),
        (
            subject::config_del(P, L, "web"),
            "wasmbus.ctl.v1.default.config.del.web",
        ),
        (
            subject::label_put(P, L, H),
            "wasmbus.ctl.v1.default.label.put.NHOST",
        ),
        (
            subject::label_del(P, L, H),
            "wasmbus.ctl.v1.default.label.del.NHOST",
        ),
        (
            subject::registry_put(P, L),
            "wasmbus.ctl.v1.default.registry.put",
        ),
        (subject::link_all(P, L), "wasmbus.ctl.v1.default.link.*"),
        (subject::config_all(P, L), "wasmbus.ctl.v1.default.config.>"),
        (
            subject::host_scoped(P, L, "component", H),
            "wasmbus.ctl.v1.default.component.*.NHOST",
        ),
        (subject::ctl_root("acme.ctl", "prod"), "acme.ctl.v1.prod"),
        (
            subject::host_ping("acme.ctl", "prod"),
            "acme.ctl.v1.prod.host.ping",
        ),
    ];
    for (got, want) in cases {
        assert_eq!(got, want);
    }
}

#[test]
fn queue_groups() {
    assert_eq!(
        subject::queue_group(P, L, "link"),
        "wasmbus.ctl.v1.default.link"
    );
    assert_eq!(
        subject::queue_group(P, L, "claims"),
        "wasmbus.ctl.v1.default.claims"
    );
    assert_eq!(
        subject::queue_group(P, "x", "config"),
        "wasmbus.ctl.v1.x.config"
    );
}

#[test]
fn event_log_and_rpc_subjects() {
    assert_eq!(
        subject::event(L, "host_heartbeat"),
        "wasmbus.evt.default.host_heartbeat"
    );
    assert_eq!(subject::events_all("prod"), "wasmbus.evt.prod.>");
    assert_eq!(subject::logs(L, H), "trellis.logs.default.NHOST");
    assert_eq!(subject::logs_all(L), "trellis.logs.default.*");
    assert_eq!(
        subject::rpc_linkdefs_put(L, "http"),
        "wasmbus.rpc.default.http.linkdefs.put"
    );
    assert_eq!(
        subject::rpc_linkdefs_del(L, "hello"),
        "wasmbus.rpc.default.hello.linkdefs.del"
    );
    assert_eq!(
        subject::rpc_health(L, "http"),
        "wasmbus.rpc.default.http.health"
    );
    assert_eq!(
        subject::rpc_config_update(L, "http"),
        "wasmbus.rpc.default.http.config.update"
    );
    assert_eq!(
        subject::rpc_shutdown(L, "http"),
        "wasmbus.rpc.default.http.default.shutdown"
    );
    assert_eq!(
        subject::wrpc(
            L,
            "hello-http_component",
            "wrpc:http/incoming-handler@0.1.0",
            "handle"
        ),
        "default.hello-http_component.wrpc.0.0.1.wrpc:http/incoming-handler@0.1.0.handle"
    );
    assert_eq!(subject::wrpc_queue_group(L, "hello"), "default.hello");
}

#[test]
fn kv_names() {
    assert_eq!(kv::lattice_data_bucket(L), "LATTICEDATA_default");
    assert_eq!(kv::config_data_bucket(L), "CONFIGDATA_default");
    assert_eq!(kv::component_key("http"), "COMPONENT_http");
    assert_eq!(kv::claims_key("MABC"), "CLAIMS_MABC");
    assert_eq!(kv::component_id_from_key("COMPONENT_http"), Some("http"));
    assert_eq!(kv::component_id_from_key("CLAIMS_MABC"), None);
    assert_eq!(kv::component_id_from_key("COMPONENT_"), None);
    assert_eq!(kv::component_id_from_key("LINKDEF_x"), None);
}
