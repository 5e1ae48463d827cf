//! Hot reload: watch a component's file and swap the new version in atomically.
//!
//! The file's directory is watched (editors and build tools often replace a file by
//! renaming), events are debounced for [`DEBOUNCE`], and each change goes through
//! [`Runtime::update_component`]: a file that is not a component, or whose WIT breaks
//! a live link, is refused and the old version keeps serving.

use std::path::Path;
use std::time::{Duration, Instant};

use notify::RecursiveMode;
use notify_debouncer_full::{new_debouncer, DebounceEventResult};
use tokio::sync::mpsc;
use trellis_proto::LogLevel;

use super::{ComponentSource, Runtime};
use crate::HostError;

/// Quiet time after the last file event before reloading.
pub const DEBOUNCE: Duration = Duration::from_millis(100);

/// The outcome of one reload attempt.
#[derive(Debug, Clone)]
pub enum ReloadEvent {
    /// The new version serves from now on.
    Reloaded {
        /// The component id.
        component: String,
        /// Time from the debounced file event to the swap.
        elapsed: Duration,
    },
    /// The change was refused; the previous version keeps serving.
    Rejected {
        /// The component id.
        component: String,
        /// Why, naming the file, import or link.
        reason: String,
    },
}

/// Watches one component's file until dropped.
pub struct ReloadWatcher {
    events: mpsc::UnboundedReceiver<ReloadEvent>,
    _debouncer: Box<dyn std::any::Any + Send>,
    task: tokio::task::JoinHandle<()>,
}

impl std::fmt::Debug for ReloadWatcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReloadWatcher").finish_non_exhaustive()
    }
}

impl ReloadWatcher {
    /// The next reload outcome; `None` once the watcher has stopped.
    pub async fn next(&mut self) -> Option<ReloadEvent> {
        self.events.recv().await
    }
}

impl Drop for ReloadWatcher {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Runtime {
    /// Starts hot reload of component `id` from the file it was started from.
    pub fn watch_component(&self, id: &str) -> Result<ReloadWatcher, HostError> {
        let path = self.component_path(id).ok_or_else(|| {
            if self.inner.component(id).is_none() {
                HostError::ComponentNotFound(id.into())
            } else {
                HostError::Unsupported(format!(
                    "component {id} was started from bytes; only files can be watched"
                ))
            }
        })?;
        let path = std::path::absolute(&path).unwrap_or(path);
        let dir = path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| ".".into());
        let watch_err = |reason: String| HostError::Watch {
            path: path.clone(),
            reason,
        };
        let (changed_tx, mut changed_rx) = mpsc::unbounded_channel::<Instant>();
        let file = path.clone();
        let mut debouncer = new_debouncer(DEBOUNCE, None, move |result: DebounceEventResult| {
            if let Ok(events) = result {
                let touches_file = events
                    .iter()
                    .filter(|e| !e.kind.is_access())
                    .any(|e| e.paths.iter().any(|p| p == &file));
                if touches_file {
                    let _ = changed_tx.send(Instant::now());
                }
            }
        })
        .map_err(|e| watch_err(e.to_string()))?;
        debouncer
            .watch(&dir, RecursiveMode::NonRecursive)
            .map_err(|e| watch_err(e.to_string()))?;

        let (events_tx, events) = mpsc::unbounded_channel();
        let runtime = self.clone();
        let id = id.to_owned();
        let task = tokio::spawn(async move {
            let mut last_bytes: Option<std::sync::Arc<[u8]>> = runtime.component_bytes(&id);
            while let Some(mut at) = changed_rx.recv().await {
                // Coalesce a burst that arrived while the previous reload ran.
                while let Ok(later) = changed_rx.try_recv() {
                    at = later;
                }
                let event = reload_once(&runtime, &id, &path, &mut last_bytes, at).await;
                if let Some(event) = event {
                    if events_tx.send(event).is_err() {
                        return;
                    }
                }
            }
        });
        Ok(ReloadWatcher {
            events,
            _debouncer: Box::new(debouncer),
            task,
        })
    }
}

async fn reload_once(
    runtime: &Runtime,
    id: &str,
    path: &Path,
    last_bytes: &mut Option<std::sync::Arc<[u8]>>,
    at: Instant,
) -> Option<ReloadEvent> {
    let max_bytes = runtime.config().max_component_bytes;
    let result = match super::source::read_capped(path, max_bytes).await {
        Ok(bytes) if last_bytes.as_deref() == Some(&bytes[..]) => return None,
        Ok(bytes) => {
            *last_bytes = Some(bytes.clone());
            // Keep the file as the source, but compile exactly the bytes we compared.
            runtime
                .update_component_bytes(id, ComponentSource::File(path.to_path_buf()), bytes)
                .await
        }
        // Deleted (or mid-rename): wait for the file to come back.
        Err(HostError::ReadFile { error, .. }) if error.kind() == std::io::ErrorKind::NotFound => {
            return None
        }
        // Too big, or no longer a regular file: say so and keep the running version.
        Err(err) => Err(err),
    };
    let logs = runtime.logs();
    Some(match result {
        Ok(()) => {
            let elapsed = at.elapsed();
            logs.emit(
                LogLevel::Info,
                Some(id),
                Some("reload"),
                format!("reloaded {} in {} ms", path.display(), elapsed.as_millis()),
            );
            ReloadEvent::Reloaded {
                component: id.into(),
                elapsed,
            }
        }
        Err(err) => {
            let reason = err.to_string();
            logs.emit(
                LogLevel::Error,
                Some(id),
                Some("reload"),
                format!("kept the running version: {reason}"),
            );
            ReloadEvent::Rejected {
                component: id.into(),
                reason,
            }
        }
    })
}
