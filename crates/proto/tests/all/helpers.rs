//! Logs, validation helpers and the v2 heartbeat.

use serde_json::json;
use trellis_proto::*;

use crate::round_trip;

#[test]
fn log_records() {
    let full: LogRecord = round_trip(
        r#"{"time":"2026-02-10T12:00:00.000000001Z","level":"warn","host":"NABC","component":"hello","context":"app","message":"careful"}"#,
    );
    assert_eq!(full.level, LogLevel::Warn);
    let host_only = LogRecord {
        component: None,
        context: None,
        level: LogLevel::Info,
        ..full
    };
    let v = serde_json::to_value(&host_only).unwrap();
    assert!(v.get("component").is_none() && v.get("context").is_none());
    assert_eq!(v["level"], "info");
    // Upper-case levels from other emitters are accepted.
    let r: LogRecord =
        serde_json::from_value(json!({"time":"t","level":"ERROR","host":"h","message":"m"}))
            .unwrap();
    assert_eq!(r.level, LogLevel::Error);
}

#[test]
fn log_levels_parse_and_order() {
    assert_eq!("WARNING".parse::<LogLevel>().unwrap(), LogLevel::Warn);
    assert_eq!("critical".parse::<LogLevel>().unwrap(), LogLevel::Critical);
    let err = "loud".parse::<LogLevel>().unwrap_err().to_string();
    assert!(err.starts_with("unknown log level \"loud\""), "{err}");
    assert!(LogLevel::Trace < LogLevel::Debug && LogLevel::Error < LogLevel::Critical);
    assert_eq!(LogLevel::Info.to_string(), "info");
}

#[test]
fn lattice_names() {
    for ok in ["default", "my-lattice", "team_1", "A9"] {
        validate_lattice_name(ok).unwrap();
    }
    for (bad, why) in [
        ("", "must not be empty"),
        ("a.b", "'.'"),
        ("a*", "wildcards"),
        ("a>", "wildcards"),
        ("a/b", "'/'"),
        ("a b", "whitespace"),
        ("tab\t", "whitespace"),
        ("ünï", "ASCII"),
    ] {
        let err = validate_lattice_name(bad).unwrap_err().to_string();
        assert!(
            err.contains(why) && err.contains("invalid lattice name"),
            "{bad:?}: {err}"
        );
    }
}

#[test]
fn config_names() {
    validate_config_name("web").unwrap();
    validate_config_name("SECRET_db-pass").unwrap();
    validate_config_name("team/app=1").unwrap();
    assert!(validate_config_name("a.b").is_err());
    assert!(validate_config_name("").is_err());
    assert!(validate_config_name("a>").is_err());
    assert!(validate_config_name("a:b").is_err());
    assert!(validate_config_name("a b").is_err());
    let err = validate_config_name("a.b").unwrap_err().to_string();
    assert_eq!(err, "invalid config name \"a.b\": must not contain '.'");
}

#[test]
fn host_ids() {
    for ok in [
        "NB6RFLQVYMKWQV67DHBX4BATTT3V6MPRDEKWDTECK2HO7UJ3NFBFFJFA",
        "ND2ZDV7G3AC7WVOWRQ2VSH2YV7EVF3U5ER6WYU76624VVWQ4B435DFOB",
    ] {
        validate_host_id(ok).unwrap();
    }
    let user_key = "UB6RFLQVYMKWQV67DHBX4BATTT3V6MPRDEKWDTECK2HO7UJ3NFBFFJFA";
    assert!(validate_host_id(user_key)
        .unwrap_err()
        .to_string()
        .contains("starts with 'N'"));
    assert!(validate_host_id("NABC")
        .unwrap_err()
        .to_string()
        .contains("56"));
    let lower = "nb6rflqvymkwqv67dhbx4battt3v6mprdekwdteck2ho7uj3nfbffjfa";
    assert!(validate_host_id(lower).is_err());
    let eight = "NB6RFLQVYMKWQV67DHBX4BATTT3V6MPRDEKWDTECK2HO7UJ3NFBFFJF8";
    assert!(validate_host_id(eight).is_err());
}

#[test]
fn v2_heartbeat() {
    // The observed example from protocol.md Part B, lists shortened.
    let hb: HostHeartbeatV2 = serde_json::from_str(
        r#"{"id":"01a20c1b-0e69-7bf1-af4a-5ee33c9e4d6a","hostname":"edge-host-b","friendlyName":"nervous-body-5122",
 "version":"2.10.3","labels":{"hostgroup":"edge"},"startedAt":"2026-11-24T05:50:29.481676420+00:00",
 "osArch":"x86_64","osName":"linux","osKernel":"unix","systemCpuUsage":100.0,
 "systemMemoryTotal":"25276502016","systemMemoryFree":"19124445184","componentCount":"1","workloadCount":"1",
 "imports":[{"namespace":"wasmcloud","package":"messaging","version":"0.3.0","interfaces":["consumer","types"]}],
 "exports":[{"namespace":"wasmcloud","package":"nats","version":"0.1.2","interfaces":["core-handler"]}],
 "httpPort":18180,"environment":"dev-ns"}"#,
    )
    .unwrap();
    assert_eq!(hb.friendly_name, "nervous-body-5122");
    assert_eq!(hb.system_memory_total, 25_276_502_016);
    assert_eq!(hb.workload_count, 1);
    assert_eq!(hb.imports[0].interfaces, ["consumer", "types"]);
    assert_eq!(hb.http_port, 18180);
    let v = serde_json::to_value(&hb).unwrap();
    assert_eq!(v["componentCount"], "1");
    assert_eq!(v["labels"]["hostgroup"], "edge");

    // Default values are omitted by protobuf JSON; numbers are accepted too.
    let idle: HostHeartbeatV2 =
        serde_json::from_str(r#"{"id":"x","systemMemoryFree":42}"#).unwrap();
    assert_eq!((idle.workload_count, idle.system_memory_free), (0, 42));
    assert!(serde_json::from_str::<HostHeartbeatV2>(r#"{"workloadCount":"many"}"#).is_err());
    assert_eq!(
        v2_heartbeat_subject("01a2"),
        "runtime.operator.heartbeat.01a2"
    );
}
