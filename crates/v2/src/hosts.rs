//! 2.x hosts as their heartbeats show them.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use futures::StreamExt as _;

use crate::proto::HostHeartbeat;
use crate::V2Error;

/// Where every 2.x host publishes its heartbeat (`…heartbeat.<host id>`).
pub const HEARTBEAT_SUBJECTS: &str = "runtime.operator.heartbeat.>";
/// How often a 2.x host heartbeats.
pub const HEARTBEAT_INTERVAL: Duration = Duration::from_secs(15);
/// A host is gone after this long without a heartbeat (four missed; 2.x hosts say no
/// goodbye).
pub const STALE_AFTER: Duration = Duration::from_secs(60);

/// The subject of `command` (`heartbeat`, `workload.start`, …) on host `host_id`.
pub fn host_subject(host_id: &str, command: &str) -> String {
    format!("runtime.host.{host_id}.{command}")
}

/// The 2.x hosts seen, by id, each with when its last heartbeat came.
#[derive(Debug, Default, Clone)]
pub struct HostTable {
    hosts: BTreeMap<String, (HostHeartbeat, Instant)>,
}

impl HostTable {
    /// Records a heartbeat's JSON, received at `now`. A heartbeat that does not parse
    /// is refused with the reason and changes nothing.
    pub fn apply(&mut self, payload: &[u8], now: Instant) -> Result<&HostHeartbeat, String> {
        let heartbeat: HostHeartbeat = serde_json::from_slice(payload)
            .map_err(|e| format!("heartbeat does not parse: {e}"))?;
        if heartbeat.id.is_empty() {
            return Err("heartbeat has no host id".into());
        }
        let id = heartbeat.id.clone();
        self.hosts.insert(id.clone(), (heartbeat, now));
        Ok(&self.hosts[&id].0)
    }

    /// Drops the hosts silent for longer than `after`, returning their ids.
    pub fn expire(&mut self, now: Instant, after: Duration) -> Vec<String> {
        let gone: Vec<String> = self
            .hosts
            .iter()
            .filter(|(_, (_, seen))| now.saturating_duration_since(*seen) > after)
            .map(|(id, _)| id.clone())
            .collect();
        for id in &gone {
            self.hosts.remove(id);
        }
        gone
    }

    /// The hosts, by hostname then id, with how long ago each was heard.
    pub fn hosts(&self, now: Instant) -> Vec<(&HostHeartbeat, Duration)> {
        let mut hosts: Vec<_> = self
            .hosts
            .values()
            .map(|(h, seen)| (h, now.saturating_duration_since(*seen)))
            .collect();
        hosts.sort_by(|a, b| (&a.0.hostname, &a.0.id).cmp(&(&b.0.hostname, &b.0.id)));
        hosts
    }

    /// The host whose id, hostname or friendly name is `wanted`.
    pub fn find(&self, wanted: &str) -> Option<&HostHeartbeat> {
        self.hosts
            .values()
            .map(|(h, _)| h)
            .find(|h| h.id == wanted || h.hostname == wanted || h.friendly_name == wanted)
    }

    fn names(&self) -> String {
        if self.hosts.is_empty() {
            return "none".into();
        }
        let names: Vec<_> = self
            .hosts
            .values()
            .map(|(h, _)| format!("{} ({})", h.hostname, h.id))
            .collect();
        names.join(", ")
    }
}

/// The 2.x hosts that heartbeat within `window` (one [`HEARTBEAT_INTERVAL`] and a
/// little sees every live host). Heartbeats that do not parse are logged and skipped.
pub async fn discover(client: &async_nats::Client, window: Duration) -> Result<HostTable, V2Error> {
    let mut heartbeats = client
        .subscribe(HEARTBEAT_SUBJECTS)
        .await
        .map_err(|e| V2Error::Nats(e.to_string()))?;
    let mut table = HostTable::default();
    let deadline = tokio::time::Instant::now() + window;
    while let Ok(Some(message)) = tokio::time::timeout_at(deadline, heartbeats.next()).await {
        if let Err(reason) = table.apply(&message.payload, Instant::now()) {
            tracing::warn!(subject = %message.subject, "{reason}");
        }
    }
    Ok(table)
}

/// The 2.x host `wanted` names: an id is asked directly (`runtime.host.<id>.heartbeat`);
/// a hostname or friendly name is waited for among heartbeats, for at most `wait`.
pub async fn find_host(
    client: &async_nats::Client,
    wanted: &str,
    wait: Duration,
) -> Result<HostHeartbeat, V2Error> {
    let wanted = wanted.trim();
    if wanted.is_empty() || wanted.contains(['.', '*', '>', ' ']) {
        return Err(V2Error::Invalid(format!(
            "{wanted:?} is not a host id, hostname or friendly name"
        )));
    }
    if uuid::Uuid::parse_str(wanted).is_ok() {
        return crate::workload::command(client, wanted, "heartbeat", &serde_json::json!({}), wait)
            .await;
    }
    let mut heartbeats = client
        .subscribe(HEARTBEAT_SUBJECTS)
        .await
        .map_err(|e| V2Error::Nats(e.to_string()))?;
    let mut table = HostTable::default();
    let deadline = tokio::time::Instant::now() + wait;
    while let Ok(Some(message)) = tokio::time::timeout_at(deadline, heartbeats.next()).await {
        if table.apply(&message.payload, Instant::now()).is_ok() {
            if let Some(host) = table.find(wanted) {
                return Ok(host.clone());
            }
        }
    }
    Err(V2Error::HostNotSeen {
        wanted: wanted.to_owned(),
        waited: wait,
        known: table.names(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    // Shortened from a real `wash host` 2.10.3 heartbeat (protocol.md, Part B).
    const HEARTBEAT: &str = r#"{"id":"01a20c1b-0e69-7bf1-af4a-5ee33c9e4d6a","hostname":"edge-host-b",
 "friendlyName":"nervous-body-5122","version":"2.10.3","labels":{"hostgroup":"edge"},
 "startedAt":"2026-11-24T05:50:29.481676420+00:00","osArch":"x86_64","osName":"linux",
 "osKernel":"unix","systemCpuUsage":100.0,"systemMemoryTotal":"25276502016",
 "systemMemoryFree":"19124445184","componentCount":"1","workloadCount":"1",
 "imports":[{"namespace":"wasmcloud","package":"messaging","version":"0.3.0","interfaces":["consumer","types"]}],
 "httpPort":18180,"environment":"dev-ns"}"#;

    #[test]
    fn a_real_heartbeat_parses_and_a_host_expires_after_four_missed() {
        let mut table = HostTable::default();
        let start = Instant::now();
        let host = table.apply(HEARTBEAT.as_bytes(), start).unwrap();
        assert_eq!(host.hostname, "edge-host-b");
        assert_eq!(host.workload_count, 1);
        assert_eq!(host.labels["hostgroup"], "edge");
        assert_eq!(host.imports[0].interfaces, ["consumer", "types"]);
        assert_eq!(host.started_at.as_ref().unwrap().seconds, 1_795_499_429);
        assert!(table.find("nervous-body-5122").is_some());
        assert!(table
            .expire(start + Duration::from_secs(59), STALE_AFTER)
            .is_empty());
        let gone = table.expire(start + Duration::from_secs(61), STALE_AFTER);
        assert_eq!(gone, ["01a20c1b-0e69-7bf1-af4a-5ee33c9e4d6a"]);
        assert!(table.hosts(start).is_empty());
    }

    #[test]
    fn a_heartbeat_that_does_not_parse_is_refused_with_the_reason() {
        let mut table = HostTable::default();
        let err = table.apply(b"{\"id\": 7}", Instant::now()).unwrap_err();
        assert!(err.contains("does not parse"), "{err}");
        let err = table
            .apply(b"{\"hostname\": \"x\"}", Instant::now())
            .unwrap_err();
        assert!(err.contains("no host id"), "{err}");
    }
}
