//! The workloads Trellis started on 2.x hosts, remembered in a file: a 2.x host cannot
//! list its workloads, so Trellis keeps its own record and re-reads each one's status.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

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
