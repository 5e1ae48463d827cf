//! wasmCloud 2.x host heartbeat, which Trellis only observes.
//!
//! Published on `runtime.operator.heartbeat.<id>` as protobuf canonical JSON:
//! camelCase names, 64-bit integers as strings, default values omitted.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Subject pattern of every v2 heartbeat.
pub const V2_HEARTBEAT_ALL: &str = "runtime.operator.heartbeat.*";

/// `runtime.operator.heartbeat.<host_id>`.
pub fn v2_heartbeat_subject(host_id: &str) -> String {
    format!("runtime.operator.heartbeat.{host_id}")
}

/// A v2 `HostHeartbeat` (proto `wasmcloud.runtime.v2`). Every field defaults
/// when missing, as protobuf JSON omits default values.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct HostHeartbeatV2 {
    /// Host id, a UUIDv7 that changes on every start.
    pub id: String,
    /// From `--host-name`; a stabler key than `id`.
    pub hostname: String,
    /// Random human name.
    pub friendly_name: String,
    /// Host software version.
    pub version: String,
    /// Labels, usually just `hostgroup`.
    pub labels: BTreeMap<String, String>,
    /// Start time, RFC 3339.
    pub started_at: String,
    /// CPU architecture.
    pub os_arch: String,
    /// OS name.
    pub os_name: String,
    /// OS kernel (observed `unix`).
    pub os_kernel: String,
    /// CPU usage in percent.
    pub system_cpu_usage: f64,
    /// Total memory in bytes.
    #[serde(with = "u64_string")]
    pub system_memory_total: u64,
    /// Free memory in bytes.
    #[serde(with = "u64_string")]
    pub system_memory_free: u64,
    /// Number of running components.
    #[serde(with = "u64_string")]
    pub component_count: u64,
    /// Number of running workloads.
    #[serde(with = "u64_string")]
    pub workload_count: u64,
    /// Plugin-provided interfaces components may import.
    pub imports: Vec<WitInterfaceV2>,
    /// Plugin-provided interfaces the host exports.
    pub exports: Vec<WitInterfaceV2>,
    /// Port of the HTTP ingress.
    pub http_port: u32,
    /// From `--environment` (the pod namespace in Kubernetes).
    pub environment: String,
}

/// A WIT interface group in a v2 heartbeat.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct WitInterfaceV2 {
    /// WIT namespace.
    pub namespace: String,
    /// WIT package.
    pub package: String,
    /// Package version.
    pub version: String,
    /// Interface names.
    pub interfaces: Vec<String>,
    /// Interface config.
    pub config: BTreeMap<String, String>,
    /// Optional name.
    pub name: String,
}

/// protobuf-JSON u64: written as a string, read from a string or a number.
mod u64_string {
    use serde::{de, Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &u64, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&v.to_string())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Repr {
            Num(u64),
            Str(String),
        }
        match Repr::deserialize(d)? {
            Repr::Num(n) => Ok(n),
            Repr::Str(s) => s.parse().map_err(de::Error::custom),
        }
    }
}
