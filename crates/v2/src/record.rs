//! The workloads Trellis started on 2.x hosts, remembered in a file: a 2.x host cannot
//! list its workloads, so Trellis keeps its own record and re-reads each one's status.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::proto::Workload;
use crate::V2Error;

/// One workload Trellis started.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct WorkloadRecord {
    /// The id Trellis gave it.
    pub workload_id: String,
    /// The host it runs on.
    pub host_id: String,
    /// That host's hostname (ids change on every host restart).
    pub hostname: String,
    /// `namespace/name`.
    pub name: String,
    /// The component images.
    pub images: Vec<String>,
    /// The components as sent, by name (empty in records written before Trellis kept
    /// them: see [`WorkloadRecord::components`]).
    #[serde(default)]
    pub components: Vec<RecordedComponent>,
    /// The host interfaces as sent, with their config.
    #[serde(default)]
    pub host_interfaces: Vec<RecordedInterface>,
    /// The image of the workload's long-running service, if it has one.
    #[serde(default)]
    pub service: Option<String>,
}

/// A component of a workload as Trellis sent it. Its config and environment are left
/// out: they may hold a guest's secrets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RecordedComponent {
    /// The name in the workload.
    pub name: String,
    /// The image (an OCI reference, or a file for a workbench's own reading).
    pub image: String,
}

/// A host interface a workload asked its host for, with the config the host's plugin
/// reads (`host` for `wasi:http`, `subscriptions` for messaging, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RecordedInterface {
    /// `wasi`.
    pub namespace: String,
    /// `http`.
    pub package: String,
    /// `["incoming-handler"]`.
    pub interfaces: Vec<String>,
    /// The package version, when given.
    #[serde(default)]
    pub version: Option<String>,
    /// The plugin's config.
    #[serde(default)]
    pub config: BTreeMap<String, String>,
}

impl WorkloadRecord {
    /// The record of `workload`, started under `workload_id` on `host_id` (`hostname`).
    pub fn of(workload_id: &str, host_id: &str, hostname: &str, workload: &Workload) -> Self {
        let world = workload.wit_world.clone().unwrap_or_default();
        let components: Vec<RecordedComponent> = world
            .components
            .iter()
            .map(|c| RecordedComponent {
                name: c.name.clone(),
                image: c.image.clone(),
            })
            .collect();
        WorkloadRecord {
            workload_id: workload_id.to_owned(),
            host_id: host_id.to_owned(),
            hostname: hostname.to_owned(),
            name: format!("{}/{}", workload.namespace, workload.name),
            images: components.iter().map(|c| c.image.clone()).collect(),
            components,
            host_interfaces: world
                .host_interfaces
                .iter()
                .map(|i| RecordedInterface {
                    namespace: i.namespace.clone(),
                    package: i.package.clone(),
                    interfaces: i.interfaces.clone(),
                    version: (!i.version.is_empty()).then(|| i.version.clone()),
                    config: i
                        .config
                        .iter()
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect(),
                })
                .collect(),
            service: workload.service.as_ref().map(|s| s.image.clone()),
        }
    }

    /// The components by name. A record from before Trellis kept them names them as
    /// [`http_workload`](crate::http_workload) did: the workload's name for one image,
    /// `<name>-<i>` for several.
    pub fn components(&self) -> Vec<RecordedComponent> {
        if !self.components.is_empty() {
            return self.components.clone();
        }
        let name = self.name.rsplit('/').next().unwrap_or(&self.name);
        self.images
            .iter()
            .enumerate()
            .map(|(i, image)| RecordedComponent {
                name: if self.images.len() == 1 {
                    name.to_owned()
                } else {
                    format!("{name}-{i}")
                },
                image: image.clone(),
            })
            .collect()
    }
}

/// The record file (`<data dir>/v2-workloads.json`).
#[derive(Debug)]
pub struct WorkloadRecords {
    path: PathBuf,
}

impl WorkloadRecords {
    /// The record kept in `data_dir`.
    pub fn in_dir(data_dir: &Path) -> WorkloadRecords {
        WorkloadRecords {
            path: data_dir.join("v2-workloads.json"),
        }
    }

    /// Every remembered workload (none when the file does not exist yet).
    pub fn load(&self) -> Result<Vec<WorkloadRecord>, V2Error> {
        match std::fs::read(&self.path) {
            Ok(bytes) => {
                serde_json::from_slice(&bytes).map_err(|e| self.error(std::io::Error::other(e)))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
            Err(e) => Err(self.error(e)),
        }
    }

    /// The record of `workload_id`; one Trellis did not start is an error saying why it
    /// cannot be known.
    pub fn find(&self, workload_id: &str) -> Result<WorkloadRecord, V2Error> {
        self.load()?
            .into_iter()
            .find(|r| r.workload_id == workload_id)
            .ok_or_else(|| {
                V2Error::Invalid(format!(
                    "Trellis did not start a workload {workload_id} (a 2.x host cannot list others' workloads)"
                ))
            })
    }

    /// Adds (or replaces, by workload id) a record.
    pub fn remember(&self, record: WorkloadRecord) -> Result<(), V2Error> {
        let mut all = self.load()?;
        all.retain(|r| r.workload_id != record.workload_id);
        all.push(record);
        self.save(&all)
    }

    /// Forgets a workload; returns whether it was remembered.
    pub fn forget(&self, workload_id: &str) -> Result<bool, V2Error> {
        let mut all = self.load()?;
        let before = all.len();
        all.retain(|r| r.workload_id != workload_id);
        self.save(&all)?;
        Ok(all.len() != before)
    }

    fn save(&self, all: &[WorkloadRecord]) -> Result<(), V2Error> {
        if let Some(parent) = self.path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| self.error(e))?;
        }
        let temporary = self.path.with_extension("json.tmp");
        let text = serde_json::to_vec_pretty(all).expect("records serialise");
        std::fs::write(&temporary, text).map_err(|e| self.error(e))?;
        std::fs::rename(&temporary, &self.path).map_err(|e| self.error(e))
    }

    fn error(&self, error: std::io::Error) -> V2Error {
        V2Error::Record {
            path: self.path.clone(),
            error,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_file_from_before_components_were_kept_still_loads() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("v2-workloads.json"),
            r#"[{"workload_id":"wl-1","host_id":"h","hostname":"edge","name":"demo/hello",
                 "images":["127.0.0.1:5000/a:1","127.0.0.1:5000/b:1"]}]"#,
        )
        .unwrap();
        let records = WorkloadRecords::in_dir(dir.path()).load().unwrap();
        assert_eq!(records[0].host_interfaces, []);
        let names: Vec<_> = records[0]
            .components()
            .into_iter()
            .map(|c| c.name)
            .collect();
        assert_eq!(names, ["hello-0", "hello-1"]);
    }

    #[test]
    fn a_record_keeps_components_and_interface_config_but_not_component_config() {
        let workload = crate::http_workload(
            "demo",
            "hello",
            &["r/hello:1".into()],
            Some("hello.local"),
            &[("password".to_owned(), "secret".to_owned())].into(),
            &Default::default(),
        )
        .unwrap();
        let record = WorkloadRecord::of("wl-1", "h", "edge", &workload);
        assert_eq!(record.name, "demo/hello");
        assert_eq!(
            record.components,
            [RecordedComponent {
                name: "hello".into(),
                image: "r/hello:1".into()
            }]
        );
        assert_eq!(record.host_interfaces[0].config["host"], "hello.local");
        assert!(!serde_json::to_string(&record).unwrap().contains("secret"));
    }
}
