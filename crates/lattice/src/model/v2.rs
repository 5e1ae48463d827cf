//! wasmCloud 2.x hosts in the model: they belong to no lattice and report only by
//! heartbeat (`runtime.operator.heartbeat.<id>`, every 15 s), so a session on any NATS
//! server sees those on it beside its 1.x hosts.

use super::*;

/// A wasmCloud 2.x host as its last heartbeat described it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct V2HostInfo {
    /// Host id (a UUIDv7, new on every host start).
    pub id: String,
    /// `--host-name`: the stable name to key on.
    pub hostname: String,
    /// A random friendly name.
    pub friendly_name: String,
    /// wash / wasmCloud version.
    pub version: String,
    /// Labels (`hostgroup`).
    pub labels: BTreeMap<String, String>,
    /// `--environment` (in Kubernetes, the pod namespace).
    pub environment: String,
    /// Workloads running.
    pub workload_count: u64,
    /// Components running.
    pub component_count: u64,
    /// Interfaces its plugins offer guests (`wasmcloud:messaging/consumer,types@0.3.0`).
    pub imports: Vec<String>,
    /// Interfaces its plugins call guests with.
    pub exports: Vec<String>,
    /// The HTTP ingress port (0: none).
    pub http_port: u32,
    /// `linux/x86_64`.
    pub os: String,
    /// When the host started (RFC 3339), if it said.
    pub started_at: Option<String>,
    /// When this heartbeat arrived (RFC 3339, this machine's clock): liveness is its age.
    pub heard_at: String,
}

impl V2HostInfo {
    /// The host as `beat` describes it, heard `age` ago.
    fn from_heartbeat(beat: &trellis_v2::proto::HostHeartbeat, age: Duration) -> V2HostInfo {
        let interfaces = |list: &[trellis_v2::proto::WitInterface]| {
            let mut names: Vec<String> = list
                .iter()
                .map(|i| {
                    let version = if i.version.is_empty() {
                        String::new()
                    } else {
                        format!("@{}", i.version)
                    };
                    format!(
                        "{}:{}/{}{version}",
                        i.namespace,
                        i.package,
                        i.interfaces.join(",")
                    )
                })
                .collect();
            // wash lists some twice.
            names.sort();
            names.dedup();
            names
        };
        let rfc3339 = |t: time::OffsetDateTime| {
            t.format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default()
        };
        V2HostInfo {
            id: beat.id.clone(),
            hostname: beat.hostname.clone(),
            friendly_name: beat.friendly_name.clone(),
            version: beat.version.clone(),
            labels: beat
                .labels
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            environment: beat.environment.clone(),
            workload_count: beat.workload_count,
            component_count: beat.component_count,
            imports: interfaces(&beat.imports),
            exports: interfaces(&beat.exports),
            http_port: beat.http_port,
            os: format!("{}/{}", beat.os_name, beat.os_arch),
            started_at: beat.started_at.as_ref().and_then(|t| {
                time::OffsetDateTime::from_unix_timestamp(t.seconds)
                    .ok()
                    .map(rfc3339)
            }),
            heard_at: rfc3339(time::OffsetDateTime::now_utc() - age),
        }
    }
}

impl LatticeModel {
    /// Records a 2.x heartbeat's JSON. One that does not parse changes nothing and is
    /// logged (a broken host must not stop the session).
    pub fn apply_v2_heartbeat(&mut self, payload: &[u8], now: Instant) -> Vec<ModelChange> {
        match self.v2_hosts.apply(payload, now) {
            Ok(beat) => vec![ModelChange::V2HostSeen {
                host: V2HostInfo::from_heartbeat(beat, Duration::ZERO),
            }],
            Err(reason) => {
                tracing::warn!("skipping a wasmCloud 2.x heartbeat: {reason}");
                Vec::new()
            }
        }
    }

    /// The 2.x hosts heard from, by hostname.
    pub fn v2_hosts(&self, now: Instant) -> Vec<V2HostInfo> {
        self.v2_hosts
            .hosts(now)
            .into_iter()
            .map(|(beat, age)| V2HostInfo::from_heartbeat(beat, age))
            .collect()
    }

    /// Drops 2.x hosts silent for [`trellis_v2::STALE_AFTER`] (four missed heartbeats).
    pub(super) fn expire_v2(&mut self, now: Instant) -> Vec<ModelChange> {
        self.v2_hosts
            .expire(now, trellis_v2::STALE_AFTER)
            .into_iter()
            .map(|host_id| ModelChange::V2HostRemoved { host_id })
            .collect()
    }
}
