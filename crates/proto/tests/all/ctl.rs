//! ctl v1 replies and requests, exactly as observed.

use std::collections::BTreeMap;

use serde_json::json;
use trellis_proto::*;

use crate::round_trip;

const HOST_ID: &str = "NB6RFLQVYMKWQV67DHBX4BATTT3V6MPRDEKWDTECK2HO7UJ3NFBFFJFA";

#[test]
fn host_ping_reply() {
    let r: CtlResponse<Host> = round_trip(
        r#"{"success":true,"message":"","response":{"rpc_host":"nats://127.0.0.1:14222","ctl_host":"nats://127.0.0.1:14222","friendly_name":"aged-field-9725","id":"NB6RFLQVYMKWQV67DHBX4BATTT3V6MPRDEKWDTECK2HO7UJ3NFBFFJFA","labels":{"hostcore.arch":"x86_64","hostcore.os":"linux","hostcore.osfamily":"unix"},"lattice":"default","uptime_human":"6s","uptime_seconds":6,"version":"1.9.2"}}"#,
    );
    let host = r.response.unwrap();
    assert_eq!(host.id, HOST_ID);
    assert_eq!(host.labels["hostcore.os"], "linux");
    assert_eq!(host.uptime_seconds, 6);
    assert_eq!(host.js_domain, None);
}

#[test]
fn host_js_domain_is_kept_when_set() {
    let r: Host = round_trip(
        r#"{"id":"N1","friendly_name":"a","labels":{},"lattice":"l","version":"1","uptime_seconds":0,"uptime_human":"0s","ctl_host":"c","rpc_host":"r","js_domain":"core"}"#,
    );
    assert_eq!(r.js_domain.as_deref(), Some("core"));
}

#[test]
fn host_get_reply() {
    let r: CtlResponse<HostInventory> = round_trip(
        r#"{"success":true,"message":"","response":{"components":[{"id":"hello","image_ref":"file:///path/to/app.wasm","annotations":{},"revision":0,"max_instances":1,"limits":null}],"providers":[{"id":"http","image_ref":"http-server","revision":0,"annotations":{}}],"host_id":"ND2ZDV7G3AC7WVOWRQ2VSH2YV7EVF3U5ER6WYU76624VVWQ4B435DFOB","friendly_name":"weathered-firefly-4325","labels":{"hostcore.arch":"x86_64","hostcore.os":"linux","hostcore.osfamily":"unix"},"version":"1.9.2","uptime_human":"10s","uptime_seconds":10}}"#,
    );
    let inv = r.response.unwrap();
    assert_eq!(inv.components[0].max_instances, 1);
    assert_eq!(inv.components[0].limits, None);
    assert_eq!(inv.components[0].name, None);
    assert_eq!(inv.providers[0].image_ref.as_deref(), Some("http-server"));
}

#[test]
fn inventory_is_lenient_with_older_hosts() {
    // pre-1.0 `actors`, no `limits`, no `annotations`, no `revision`, no providers.
    let inv: HostInventory = serde_json::from_str(
        r#"{"host_id":"N1","friendly_name":"f","labels":{},"version":"0.82","uptime_seconds":1,"uptime_human":"1s",
            "actors":[{"id":"a","image_ref":"r","max_instances":2}]}"#,
    )
    .unwrap();
    assert_eq!(inv.components.len(), 1);
    let c = &inv.components[0];
    assert_eq!(
        (c.max_instances, c.revision, c.limits.clone()),
        (2, 0, None)
    );
    assert!(c.annotations.is_empty());
    assert!(inv.providers.is_empty());

    // Defaults are written out the way a 1.9 host writes them.
    let v = serde_json::to_value(c).unwrap();
    assert_eq!(v["limits"], json!(null));
    assert_eq!(v["annotations"], json!({}));
    assert!(v.get("name").is_none());

    let p: ProviderDescription = serde_json::from_str(r#"{"id":"p"}"#).unwrap();
    assert_eq!(
        serde_json::to_value(&p).unwrap(),
        json!({"id":"p","annotations":{},"revision":0})
    );
}

#[test]
fn component_limits_and_name_round_trip() {
    round_trip::<ComponentDescription>(
        r#"{"id":"c","image_ref":"r","name":"Hello","annotations":{"a":"b"},"revision":3,"max_instances":4,"limits":{"max_linear_memory":"1048576"}}"#,
    );
}

#[test]
fn numeric_limits_are_accepted_as_text() {
    let c: ComponentDescription = serde_json::from_str(
        r#"{"id":"c","image_ref":"r","max_instances":1,"limits":{"max_linear_memory":1048576,"fuel":true}}"#,
    )
    .unwrap();
    let limits = c.limits.unwrap();
    assert_eq!(limits["max_linear_memory"], "1048576");
    assert_eq!(limits["fuel"], "true");
    let err =
        serde_json::from_str::<ComponentDescription>(r#"{"id":"c","limits":{"nested":{"a":1}}}"#)
            .unwrap_err()
            .to_string();
    assert!(
        err.contains("value of \"nested\" should be a string"),
        "{err}"
    );
    let scale: ScaleComponentCommand = serde_json::from_str(
        r#"{"component_ref":"r","component_id":"c","count":1,"component_limits":{"max_linear_memory":64}}"#,
    )
    .unwrap();
    assert_eq!(scale.component_limits.unwrap()["max_linear_memory"], "64");
}

#[test]
fn link_get_replies() {
    let r: CtlResponse<Vec<Link>> = round_trip(
        r#"{"success":true,"message":"","response":[{"source_id":"http","target":"hello","name":"default","wit_namespace":"wasi","wit_package":"http","interfaces":["incoming-handler"],"source_config":["web"],"target_config":[]}]}"#,
    );
    assert_eq!(r.response.unwrap()[0].source_config, ["web"]);
    let empty: CtlResponse<Vec<Link>> =
        round_trip(r#"{"success":true,"message":"","response":[]}"#);
    assert_eq!(empty.response, Some(vec![]));
    let claims: CtlResponse<Vec<BTreeMap<String, String>>> =
        round_trip(r#"{"success":true,"message":"","response":[]}"#);
    assert_eq!(claims.response, Some(vec![]));
}

#[test]
fn config_replies() {
    let got: CtlResponse<ConfigMap> =
        round_trip(r#"{"success":true,"message":"","response":{"address":"127.0.0.1:18088"}}"#);
    assert_eq!(got.response.unwrap()["address"], "127.0.0.1:18088");
    let missing: CtlResponse<ConfigMap> =
        round_trip(r#"{"success":true,"message":"Configuration not found"}"#);
    assert_eq!(missing.response, None);
    round_trip::<CtlResponse<()>>(r#"{"success":true,"message":"successfully put config"}"#);
    let bad: CtlResponse<()> = round_trip(
        r#"{"success":false,"message":"config data should be a map of string -> string"}"#,
    );
    assert_eq!(
        bad.into_result(),
        Err("config data should be a map of string -> string".to_owned())
    );
}

#[test]
fn envelope_constructors_serialise_like_a_host() {
    let s = |v: &CtlResponse<()>| serde_json::to_string(v).unwrap();
    assert_eq!(
        s(&CtlResponse::success()),
        r#"{"success":true,"message":""}"#
    );
    assert_eq!(
        s(&CtlResponse::success_with_message("successfully set link")),
        r#"{"success":true,"message":"successfully set link"}"#
    );
    assert_eq!(
        s(&CtlResponse::error("unsupported subject")),
        r#"{"success":false,"message":"unsupported subject"}"#
    );
    assert_eq!(
        serde_json::to_string(&CtlResponse::ok(vec![1])).unwrap(),
        r#"{"success":true,"message":"","response":[1]}"#
    );
    // A host that leaves out `message` still parses.
    let r: CtlResponse<()> = serde_json::from_str(r#"{"success":true}"#).unwrap();
    assert!(r.success && r.message.is_empty());
}

#[test]
fn config_map_validation() {
    let ok = parse_config_map(br#"{"address":"127.0.0.1:18088"}"#).unwrap();
    assert_eq!(ok["address"], "127.0.0.1:18088");
    assert!(parse_config_map(b"{}").unwrap().is_empty());
    for (bad, detail) in [
        (
            &br#"{"a": 1}"#[..],
            r#"the value of "a" is a number, not a string"#,
        ),
        (
            br#"{"a":{"b":"c"}}"#,
            r#"the value of "a" is an object, not a string"#,
        ),
        (
            br#"{"ok":"1","port":true}"#,
            r#"the value of "port" is a boolean, not a string"#,
        ),
        (b"[]", "got an array, not an object"),
        (br#""x""#, "got a string, not an object"),
        (b"{not json", "not valid JSON"),
        (b"", "not valid JSON"),
    ] {
        let err = parse_config_map(bad).unwrap_err().to_string();
        assert!(
            err.starts_with("config data should be a map of string -> string: ")
                && err.contains(detail),
            "{}: {err}",
            String::from_utf8_lossy(bad)
        );
    }
    assert!(config_map_from_value(json!({"k":"v","n":null})).is_err());
}

#[test]
fn requests_as_the_official_client_sends_them() {
    let scale: ScaleComponentCommand = round_trip(
        r#"{"component_ref":"file:///tmp/py-http.wasm","component_id":"hello","count":1,"host_id":"NABC","config":[],"allow_update":false}"#,
    );
    assert_eq!(scale.count, 1);
    assert_eq!(scale.annotations, None);
    let full: ScaleComponentCommand = round_trip(
        r#"{"component_ref":"r","component_id":"c","count":0,"host_id":"N","config":["a","b"],"allow_update":true,"annotations":{"k":"v"},"component_limits":{"max_linear_memory":"10"}}"#,
    );
    assert_eq!(full.config, ["a", "b"]);
    // `config` and `allow_update` may be left out.
    let min: ScaleComponentCommand =
        serde_json::from_str(r#"{"component_ref":"r","component_id":"c","count":2,"host_id":"N"}"#)
            .unwrap();
    assert!(min.config.is_empty() && !min.allow_update);
    // Washboard sends `max_instances`; it is written back as `count`.
    let wb: ScaleComponentCommand = serde_json::from_str(
        r#"{"component_ref":"r","component_id":"c","max_instances":3,"host_id":"N","annotations":{},"config":[]}"#,
    )
    .unwrap();
    assert_eq!(wb.count, 3);
    assert_eq!(serde_json::to_value(&wb).unwrap()["count"], 3);

    let start: StartProviderCommand = round_trip(
        r#"{"provider_id":"http","provider_ref":"wasmcloud+builtin://http-server","host_id":"NABC","config":[]}"#,
    );
    assert_eq!(start.provider_ref, "wasmcloud+builtin://http-server");
    round_trip::<StopProviderCommand>(r#"{"host_id":"NABC","provider_id":"http"}"#);
    let link: Link = round_trip(
        r#"{"source_id":"http","target":"hello","name":"default","wit_namespace":"wasi","wit_package":"http","interfaces":["incoming-handler"],"source_config":["http-cfg"],"target_config":[]}"#,
    );
    assert_eq!(link.wit_package_id(), "wasi:http");
    let del: DeleteLinkRequest = round_trip(
        r#"{"source_id":"http","name":"default","wit_namespace":"wasi","wit_package":"http"}"#,
    );
    assert_eq!(del.key(), link.key());
    let stop: StopHostCommand = round_trip(r#"{"host_id":"NABC","timeout":1000}"#);
    assert_eq!(stop.timeout, Some(1000));
    round_trip::<UpdateComponentCommand>(
        r#"{"component_id":"c","new_component_ref":"file:///b.wasm","host_id":"N","annotations":{"x":"y"}}"#,
    );
    round_trip::<HostLabel>(r#"{"key":"zone","value":"a"}"#);
    round_trip::<HostLabelKey>(r#"{"key":"zone"}"#);
}

#[test]
fn link_defaults_when_fields_are_left_out() {
    let link: Link = serde_json::from_str(
        r#"{"source_id":"x","target":"y","wit_namespace":"wasi","wit_package":"http","interfaces":["incoming-handler"],"source_config":["c"]}"#,
    )
    .unwrap();
    assert_eq!(link.name, "default");
    assert!(link.target_config.is_empty());
    let del: DeleteLinkRequest =
        serde_json::from_str(r#"{"source_id":"x","wit_namespace":"wasi","wit_package":"http"}"#)
            .unwrap();
    assert_eq!(del.name, DEFAULT_LINK_NAME);
}

#[test]
fn malformed_requests_name_the_problem() {
    let err = decode_request::<ScaleComponentCommand>(
        "component.scale",
        br#"{"component_ref":"r","component_id":"c","host_id":"N"}"#,
    )
    .unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.starts_with("invalid component.scale request: missing field `count`"),
        "{msg}"
    );

    let err = decode_request::<Link>("link.put", b"{")
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("invalid link.put request: EOF"), "{err}");
    let err = decode_request::<HostLabel>("label.put", br#"{"key":1,"value":"v"}"#)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("invalid type: integer `1`, expected a string"),
        "{err}"
    );
}

#[test]
fn auctions() {
    let req: ComponentAuctionRequest = round_trip(
        r#"{"component_ref":"file:///a.wasm","component_id":"hello2","constraints":{}}"#,
    );
    assert!(req.constraints.is_empty());
    // The 1.9.2 quirk: the ack's component_id is the ref.
    let ack: CtlResponse<ComponentAuctionAck> = round_trip(
        r#"{"success":true,"message":"","response":{"component_ref":"file:///a.wasm","component_id":"file:///a.wasm","host_id":"NABC","constraints":{}}}"#,
    );
    assert_eq!(ack.response.unwrap().host_id, "NABC");
    round_trip::<ProviderAuctionRequest>(
        r#"{"provider_ref":"wasmcloud+builtin://http-server","provider_id":"http2","constraints":{"zone":"a"}}"#,
    );
    round_trip::<ProviderAuctionAck>(
        r#"{"host_id":"NABC","provider_ref":"wasmcloud+builtin://http-server","provider_id":"http2","constraints":{}}"#,
    );

    let labels: BTreeMap<String, String> = [
        ("zone".to_owned(), "a".to_owned()),
        ("gpu".to_owned(), "yes".to_owned()),
    ]
    .into();
    let c = |pairs: &[(&str, &str)]| -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    };
    assert!(labels_satisfy(&labels, &c(&[])));
    assert!(labels_satisfy(&labels, &c(&[("zone", "a")])));
    assert!(!labels_satisfy(&labels, &c(&[("zone", "b")])));
    assert!(!labels_satisfy(
        &labels,
        &c(&[("zone", "a"), ("arch", "arm")])
    ));
}

#[test]
fn registry_credentials() {
    let creds: RegistryCredentials = round_trip(
        r#"{"ghcr.io":{"username":"u","password":"hunter2","registryType":"oci"},"r.example":{"token":"t0k","registryType":"oci"}}"#,
    );
    let debug = format!("{:?}", creds["ghcr.io"]);
    assert!(
        !debug.contains("hunter2") && debug.contains("redacted"),
        "{debug}"
    );
    assert!(!format!("{:?}", creds["r.example"]).contains("t0k"));
    let no_type: RegistryCredential = serde_json::from_str(r#"{"username":"u"}"#).unwrap();
    assert_eq!(no_type.registry_type, "oci");
}

#[test]
fn kv_entries() {
    // The KV value a 1.9.2 host writes for an http-server provider with one link.
    let spec: ComponentSpec = round_trip(
        r#"{"url":"http-server","links":[{"source_id":"http","target":"hello","name":"default","wit_namespace":"wasi","wit_package":"http","interfaces":["incoming-handler"],"source_config":["web"],"target_config":[]}]}"#,
    );
    assert_eq!(spec.links[0].target, "hello");
    round_trip::<ComponentSpec>(r#"{"url":"file:///a.wasm","links":[]}"#);
}

#[test]
fn provider_link_message_has_resolved_config_and_null_secrets() {
    let link: Link = serde_json::from_str(
        r#"{"source_id":"http","target":"hello","wit_namespace":"wasi","wit_package":"http","interfaces":["incoming-handler"],"source_config":["web"]}"#,
    )
    .unwrap();
    let source: ConfigMap = [("address".to_owned(), "127.0.0.1:8080".to_owned())].into();
    let def = LinkDefinition::from_link(&link, source, ConfigMap::new());
    assert_eq!(
        serde_json::to_value(&def).unwrap(),
        json!({"source_id":"http","target":"hello","name":"default","wit_namespace":"wasi","wit_package":"http",
               "interfaces":["incoming-handler"],"source_config":{"address":"127.0.0.1:8080"},"target_config":{},
               "source_secrets":null,"target_secrets":null})
    );
    round_trip::<LinkDefinition>(&serde_json::to_string(&def).unwrap());
}

#[test]
fn link_rules() {
    let mk = |target: &str, name: &str, ifaces: &[&str]| Link {
        source_id: "http".into(),
        target: target.into(),
        name: name.into(),
        wit_namespace: "wasi".into(),
        wit_package: "http".into(),
        interfaces: ifaces.iter().map(|s| s.to_string()).collect(),
        source_config: vec![],
        target_config: vec![],
    };
    let a = mk("hello", "default", &["incoming-handler"]);
    assert!(a.conflicts_with(&mk("other", "default", &["incoming-handler"])));
    assert!(!a.conflicts_with(&mk("other", "second", &["incoming-handler"])));
    assert!(!a.conflicts_with(&mk("other", "default", &["outgoing-handler"])));
    assert!(!a.conflicts_with(&mk("hello", "default", &["incoming-handler"])));
    assert!(a.is_replaced_by(&mk("hello", "default", &["incoming-handler", "types"])));
    assert!(!a.is_replaced_by(&mk("other", "default", &["incoming-handler"])));
    assert!(a.validate().is_ok());
    let err = mk("", "default", &["x"]).validate().unwrap_err();
    assert_eq!(err.to_string(), "invalid link: `target` must not be empty");
    assert!(mk("t", "default", &[""]).validate().is_err());
}
