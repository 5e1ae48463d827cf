//! The components and providers this host runs, kept in a file so that a host started
//! again on the same file (after a clean stop, a crash or `kill -9`) runs them again.
//!
//! The file holds the last successful `component.scale` / `provider.start` request of
//! each running id, exactly as a ctl client would send it: restoring replays them
//! through the ctl handlers, so the host's grant policy, the size cap and the events
//! (`component_scaled`, `provider_started`) apply as they did the first time. Links and
//! named config need no journal: they live in the lattice's JetStream buckets.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use trellis_proto::{ScaleComponentCommand, StartProviderCommand};

/// What the file holds.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Workload {
    /// Running components by id: the request that gave them their current state.
    #[serde(default)]
    pub(crate) components: BTreeMap<String, ScaleComponentCommand>,
    /// Running providers by id: the request that started them.
    #[serde(default)]
    pub(crate) providers: BTreeMap<String, StartProviderCommand>,
}

impl Workload {
    /// Whether there is nothing to restore.
    pub(crate) fn is_empty(&self) -> bool {
        self.components.is_empty() && self.providers.is_empty()
    }
}

/// The journal of one host: the workload in memory, rewritten to its file on each change.
pub(crate) struct WorkloadJournal {
    path: PathBuf,
    workload: Mutex<Workload>,
}

impl WorkloadJournal {
    /// Opens the journal at `path` and returns what it held. A missing file holds
    /// nothing; one that does not parse is kept aside as `<name>.broken` (named in a
    /// warning) so nothing saved is lost, and the host starts empty.
    pub(crate) fn open(path: PathBuf) -> (WorkloadJournal, Workload) {
        let saved = match std::fs::read(&path) {
            Ok(bytes) => match serde_json::from_slice::<Workload>(&bytes) {
                Ok(saved) => saved,
                Err(err) => {
                    let aside = path.with_extension("json.broken");
                    let _ = std::fs::rename(&path, &aside);
                    tracing::warn!(
                        file = %path.display(),
                        kept = %aside.display(),
                        %err,
                        "the host's workload file does not parse; starting with nothing running"
                    );
                    Workload::default()
                }
            },
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Workload::default(),
            Err(err) => {
                tracing::warn!(file = %path.display(), %err, "cannot read the host's workload file");
                Workload::default()
            }
        };
        let journal = WorkloadJournal {
            path,
            workload: Mutex::new(saved.clone()),
        };
        (journal, saved)
    }

    /// A scale succeeded: `request` (with the image that now runs) is the component's
    /// state, or the component is gone when it scaled to zero.
    pub(crate) fn component_scaled(&self, request: &ScaleComponentCommand, image_ref: &str) {
        self.change(|w| {
            if request.count == 0 {
                w.components.remove(&request.component_id);
            } else {
                let mut kept = request.clone();
                kept.component_ref = image_ref.to_owned();
                kept.allow_update = false;
                w.components.insert(request.component_id.clone(), kept);
            }
        });
    }

    /// An update succeeded: the component now runs `image_ref`, with `annotations` when
    /// the update replaced them.
    pub(crate) fn component_updated(
        &self,
        id: &str,
        image_ref: &str,
        annotations: Option<&BTreeMap<String, String>>,
    ) {
        self.change(|w| {
            if let Some(kept) = w.components.get_mut(id) {
                kept.component_ref = image_ref.to_owned();
                if let Some(annotations) = annotations {
                    kept.annotations = Some(annotations.clone());
                }
            }
        });
    }

    /// The component does not run here (any more): nothing to restore for it.
    pub(crate) fn component_gone(&self, id: &str) {
        self.change(|w| {
            w.components.remove(id);
        });
    }

    /// A provider started.
    pub(crate) fn provider_started(&self, request: &StartProviderCommand) {
        self.change(|w| {
            w.providers
                .insert(request.provider_id.clone(), request.clone());
        });
    }

    /// A provider stopped or failed to start.
    pub(crate) fn provider_gone(&self, id: &str) {
        self.change(|w| {
            w.providers.remove(id);
        });
    }

    /// Applies `edit` and rewrites the file when it changed anything.
    fn change(&self, edit: impl FnOnce(&mut Workload)) {
        let mut workload = self.workload.lock().unwrap_or_else(|p| p.into_inner());
        let before = workload.clone();
        edit(&mut workload);
        if *workload != before {
            if let Err(err) = write_private(&self.path, &workload) {
                tracing::warn!(file = %self.path.display(), %err, "cannot save the host's workload");
            }
        }
    }
}

/// Writes `workload` to a sibling temporary file created mode 0600, then renames it over
/// `path`, so a crash mid-write leaves the previous file whole.
fn write_private(path: &Path, workload: &Workload) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let partial = path.with_extension("json.partial");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(&partial)?;
    let text = serde_json::to_vec_pretty(workload).map_err(std::io::Error::other)?;
    file.write_all(&text)?;
    file.sync_all()?;
    std::fs::rename(&partial, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scale(id: &str, count: u32) -> ScaleComponentCommand {
        ScaleComponentCommand {
            component_ref: format!("file:///{id}.wasm"),
            component_id: id.into(),
            count,
            host_id: "NOLD".into(),
            config: vec!["web".into()],
            allow_update: true,
            annotations: None,
            component_limits: None,
        }
    }

    #[test]
    fn changes_survive_a_reopen_and_a_scale_to_zero_forgets() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("workload.json");
        let (journal, saved) = WorkloadJournal::open(path.clone());
        assert!(saved.is_empty());
        journal.component_scaled(&scale("a", 2), "file:///a.wasm");
        journal.component_scaled(&scale("b", 1), "file:///b.wasm");
        journal.component_updated("a", "file:///a2.wasm", None);
        journal.component_scaled(&scale("b", 0), "file:///b.wasm");
        journal.provider_started(&StartProviderCommand {
            provider_id: "kv".into(),
            provider_ref: "wasmcloud+builtin://keyvalue".into(),
            host_id: "NOLD".into(),
            config: vec![],
            annotations: None,
        });

        let (_, saved) = WorkloadJournal::open(path.clone());
        assert_eq!(saved.components.keys().collect::<Vec<_>>(), ["a"]);
        let a = &saved.components["a"];
        assert_eq!(a.component_ref, "file:///a2.wasm");
        assert_eq!((a.count, a.config.as_slice()), (2, &["web".to_owned()][..]));
        assert!(!a.allow_update, "a restore never updates anything");
        assert_eq!(saved.providers.keys().collect::<Vec<_>>(), ["kv"]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
    }

    #[test]
    fn a_broken_file_is_kept_aside_and_the_host_starts_empty() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("workload.json");
        std::fs::write(&path, "{ not json").unwrap();
        let (_, saved) = WorkloadJournal::open(path.clone());
        assert!(saved.is_empty());
        let aside = dir.path().join("workload.json.broken");
        assert_eq!(std::fs::read_to_string(aside).unwrap(), "{ not json");
    }
}
