//! The workflows the app and the CLI share: start a workload and remember it, re-read
//! the status of what Trellis started, stop and forget.

use std::collections::HashMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::proto::WorkloadStatus;
use crate::{V2Error, WorkloadRecord, WorkloadRecords};

/// A workload as a user describes it: components by OCI reference, optionally served on
/// the host's HTTP ingress for a `Host` header.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct WorkloadSpec {
    /// Host id, hostname or friendly name.
    pub host: String,
    /// Component images (OCI references).
    pub images: Vec<String>,
    /// Workload name (default: the first image's repository name).
    pub name: Option<String>,
    /// Namespace (default `default`).
    pub namespace: Option<String>,
    /// `Host` header the first component serves on the ingress.
    pub http_host: Option<String>,
    /// Config for every component.
    #[serde(default)]
    pub config: HashMap<String, String>,
    /// Environment for every component.
    #[serde(default)]
    pub environment: HashMap<String, String>,
    /// Workload id (default: a new UUID).
    pub id: Option<String>,
    /// More host interfaces the components import, as [`crate::parse_interface`] reads
    /// them (`wasi:logging/logging@0.1.0-draft`,
    /// `wasmcloud:messaging/consumer,handler@0.2.0 subscriptions=demo.in`).
    #[serde(default)]
    pub interfaces: Vec<String>,
    /// The image of a long-running service (a `wasi:cli/run` component, the workload's
    /// localhost), if it has one.
    #[serde(default)]
    pub service: Option<String>,
}

/// A workload Trellis started, with its status as the host reports it now.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct WorkloadView {
    /// What Trellis remembers.
    pub record: WorkloadRecord,
    /// `running`, `not found`, …, or why the host could not be asked.
    pub status: String,
    /// Whether it is running.
    pub running: bool,
}

/// Starts `spec` (finding its host by heartbeat for up to `find_wait`), waits up to
/// `timeout` for the host to run it, and remembers it in `records`.
pub async fn start_and_remember(
    client: &async_nats::Client,
    records: &WorkloadRecords,
    spec: &WorkloadSpec,
    find_wait: Duration,
    timeout: Duration,
) -> Result<(WorkloadRecord, WorkloadStatus), V2Error> {
    let first = spec
        .images
        .first()
        .ok_or_else(|| V2Error::Invalid("a workload needs at least one component image".into()))?;
    let host = crate::find_host(client, &spec.host, find_wait).await?;
    let name = spec
        .name
        .clone()
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| repository_name(first));
    let namespace = spec
        .namespace
        .clone()
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| "default".into());
    let http_host = spec.http_host.as_deref().filter(|h| !h.trim().is_empty());
    let mut workload = crate::http_workload(
        &namespace,
        &name,
        &spec.images,
        http_host,
        &spec.config,
        &spec.environment,
    )?;
    let asked = spec
        .interfaces
        .iter()
        .filter(|i| !i.trim().is_empty())
        .map(|i| crate::parse_interface(i))
        .collect::<Result<Vec<_>, _>>()?;
    if let Some(world) = workload.wit_world.as_mut() {
        world.host_interfaces.extend(asked);
    }
    workload.service = spec
        .service
        .as_deref()
        .map(str::trim)
        .filter(|image| !image.is_empty())
        .map(|image| crate::proto::Service {
            image: image.to_owned(),
            local_resources: Some(crate::proto::LocalResources {
                config: spec.config.clone(),
                environment: spec.environment.clone(),
                ..Default::default()
            }),
            ..Default::default()
        });
    let workload_id = spec
        .id
        .clone()
        .filter(|i| !i.trim().is_empty())
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let record = WorkloadRecord::of(&workload_id, &host.id, &host.hostname, &workload);
    let status = crate::start_workload(client, &host.id, &workload_id, workload, timeout).await?;
    records.remember(record.clone())?;
    Ok((record, status))
}

/// Every workload Trellis remembers, with its status read again from its host.
pub async fn remembered_workloads(
    client: &async_nats::Client,
    records: &WorkloadRecords,
) -> Result<Vec<WorkloadView>, V2Error> {
    let mut views = Vec::new();
    for record in records.load()? {
        let (status, running) =
            match crate::workload_status(client, &record.host_id, &record.workload_id).await {
                Ok(status) => (
                    describe(&status),
                    status.workload_state() == crate::proto::WorkloadState::Running,
                ),
                Err(error) => (format!("unknown: {error}"), false),
            };
        views.push(WorkloadView {
            record,
            status,
            running,
        });
    }
    Ok(views)
}

/// Stops a workload Trellis started and forgets it.
pub async fn stop_and_forget(
    client: &async_nats::Client,
    records: &WorkloadRecords,
    workload_id: &str,
) -> Result<WorkloadStatus, V2Error> {
    let record = records.find(workload_id)?;
    let status = crate::stop_workload(client, &record.host_id, workload_id).await?;
    records.forget(workload_id)?;
    Ok(status)
}

/// `running (Workload started successfully)`.
pub fn describe(status: &WorkloadStatus) -> String {
    let state = status
        .workload_state()
        .as_str_name()
        .trim_start_matches("WORKLOAD_STATE_")
        .to_ascii_lowercase()
        .replace('_', " ");
    if status.message.is_empty() {
        state
    } else {
        format!("{state} ({})", status.message)
    }
}

/// `hello` from `127.0.0.1:5000/demo/hello:0.1.0`.
pub fn repository_name(image: &str) -> String {
    let last = image.rsplit('/').next().unwrap_or(image);
    let bare = last.split(['@', ':']).next().unwrap_or(last);
    bare.to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_from_the_repository() {
        assert_eq!(repository_name("127.0.0.1:5000/demo/Hello:0.1.0"), "hello");
        assert_eq!(repository_name("ghcr.io/x/app@sha256:00"), "app");
    }
}
