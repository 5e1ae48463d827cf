//! Hot reload over the lattice: watch the file a component was started from and send
//! `component.update` whenever it settles into new content.
//!
//! The file's directory is watched, not the file (editors and build tools often replace
//! a file by renaming another over it), and events are debounced for [`DEBOUNCE`]. Each
//! change goes through [`update_component`](super::update_component), so a reload says
//! the same sentence as `trellis update` and the app's Update button. A file that is not
//! a component, or whose WIT would break a live link, is refused by the host: that is a
//! failed [`ReloadOutcome`] and the component keeps running its previous code.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use notify::RecursiveMode;
use notify_debouncer_full::{new_debouncer, DebounceEventResult};
use tokio::sync::{broadcast, mpsc};

use super::refs::{checked_id, component_ref, PathRule};
use super::{update_component, OpsError, Result};
use crate::Client;

/// Quiet time after the last file event before reloading.
pub const DEBOUNCE: Duration = Duration::from_millis(200);

/// How long one reload waits for the host's outcome (it compiles the new code).
pub const RELOAD_TIMEOUT: Duration = Duration::from_secs(60);

/// The outcome of one reload attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReloadOutcome {
    /// When the outcome was known.
    pub at: SystemTime,
    /// Whether every host running the component took the new code.
    pub ok: bool,
    /// The hosts' sentences on success; the reason otherwise (the running code stays).
    pub message: String,
    /// The component's revision after the reload, as its host reports it, when known.
    pub revision: Option<i32>,
}

/// Watches one component's file until dropped.
pub struct ComponentWatch {
    component_id: String,
    path: PathBuf,
    outcomes: broadcast::Sender<ReloadOutcome>,
    last: Arc<Mutex<Option<ReloadOutcome>>>,
    // Dropping the debouncer stops the OS watch; the task ends with the channel.
    _debouncer: Box<dyn std::any::Any + Send + Sync>,
    task: tokio::task::JoinHandle<()>,
}

impl std::fmt::Debug for ComponentWatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ComponentWatch")
            .field("component_id", &self.component_id)
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl ComponentWatch {
    /// The component reloaded.
    pub fn component_id(&self) -> &str {
        &self.component_id
    }

    /// The absolute path of the watched file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Every reload outcome from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<ReloadOutcome> {
        self.outcomes.subscribe()
    }

    /// The latest reload outcome, if any reload was tried.
    pub fn last(&self) -> Option<ReloadOutcome> {
        self.last.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

impl Drop for ComponentWatch {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Starts watching `path` and updates component `component_id` (on every host running
/// it) with the file's new content each time it changes. Must be called inside a Tokio
/// runtime. Fails when the file cannot be read or its directory cannot be watched.
pub fn watch_component(
    client: Client,
    component_id: String,
    path: PathBuf,
) -> Result<ComponentWatch> {
    let component_id = checked_id("component", &component_id)?;
    let path = path.strip_prefix("file://").unwrap_or(&path).to_path_buf();
    let reference = component_ref(&path.to_string_lossy(), PathRule::RelativeToCurrentDir)?;
    // component_ref checked that the file exists and made the path absolute.
    let path = PathBuf::from(reference.trim_start_matches("file://"));
    let dir = path
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| "/".into());
    let watch_err =
        |e: notify::Error| OpsError::InvalidInput(format!("cannot watch {}: {e}", path.display()));

    // The content at the start, so a touch that changes nothing does not reload.
    let initial = std::fs::read(&path).ok().map(|bytes| hash_of(&bytes));
    let (changed_tx, changed_rx) = mpsc::unbounded_channel::<()>();
    let file = path.clone();
    let mut debouncer = new_debouncer(DEBOUNCE, None, move |result: DebounceEventResult| {
        let Ok(events) = result else { return };
        let touches_file = events
            .iter()
            .filter(|e| !e.kind.is_access())
            .any(|e| e.paths.iter().any(|p| p == &file));
        if touches_file {
            let _ = changed_tx.send(());
        }
    })
    .map_err(watch_err)?;
    debouncer
        .watch(&dir, RecursiveMode::NonRecursive)
        .map_err(watch_err)?;

    let (outcomes, _) = broadcast::channel(16);
    let last = Arc::new(Mutex::new(None));
    let task = tokio::spawn(reload_loop(
        client,
        component_id.clone(),
        path.clone(),
        reference,
        initial,
        changed_rx,
        outcomes.clone(),
        Arc::clone(&last),
    ));
    Ok(ComponentWatch {
        component_id,
        path,
        outcomes,
        last,
        _debouncer: Box::new(debouncer),
        task,
    })
}

#[allow(clippy::too_many_arguments)]
async fn reload_loop(
    client: Client,
    id: String,
    path: PathBuf,
    reference: String,
    mut last_hash: Option<u64>,
    mut changed: mpsc::UnboundedReceiver<()>,
    outcomes: broadcast::Sender<ReloadOutcome>,
    last: Arc<Mutex<Option<ReloadOutcome>>>,
) {
    while changed.recv().await.is_some() {
        // Coalesce a burst that arrived while the previous reload ran.
        while changed.try_recv().is_ok() {}
        let hash = match content_hash(&path).await {
            // Deleted or mid-rename: wait for the file to come back.
            None => continue,
            Some(hash) if Some(hash) == last_hash => continue,
            Some(hash) => hash,
        };
        last_hash = Some(hash);
        let outcome = reload_once(&client, &id, &reference).await;
        *last.lock().unwrap_or_else(|p| p.into_inner()) = Some(outcome.clone());
        // No receiver is fine: `last` keeps it.
        let _ = outcomes.send(outcome);
    }
}

/// Sends the update and turns the hosts' answers into one outcome.
async fn reload_once(client: &Client, id: &str, reference: &str) -> ReloadOutcome {
    let result = update_component(client, id, reference, None, Some(RELOAD_TIMEOUT)).await;
    let (ok, message, host) = match result {
        Ok(outcomes) => {
            let ok = outcomes.iter().all(|o| o.succeeded);
            let message = outcomes
                .iter()
                .filter(|o| o.succeeded == ok)
                .map(|o| o.message.as_str())
                .collect::<Vec<_>>()
                .join("; ");
            let host = outcomes.first().map(|o| o.host_id.clone());
            (ok, message, host)
        }
        Err(err) => (false, err.to_string(), None),
    };
    let revision = match (ok, host) {
        (true, Some(host)) => revision_on(client, &host, id).await,
        _ => None,
    };
    ReloadOutcome {
        at: SystemTime::now(),
        ok,
        message,
        revision,
    }
}

/// The revision host `host` reports for component `id`.
async fn revision_on(client: &Client, host: &str, id: &str) -> Option<i32> {
    let inventory = client.host_inventory(host).await.ok()?;
    inventory
        .components
        .iter()
        .find(|c| c.id == id)
        .map(|c| c.revision)
}

/// A hash of the file's content; `None` when it cannot be read now.
async fn content_hash(path: &Path) -> Option<u64> {
    let bytes = tokio::fs::read(path).await.ok()?;
    Some(hash_of(&bytes))
}

fn hash_of(bytes: &[u8]) -> u64 {
    let mut hasher = DefaultHasher::new();
    bytes.hash(&mut hasher);
    hasher.finish()
}
