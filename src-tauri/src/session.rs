//! One open lattice: its status, its client and its model. The app holds several (the
//! local lattice and every lattice the user attached to), each shown in its own tab and
//! reconnecting on its own.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize;
use tokio::sync::watch;
use trellis_lattice::ops::ComponentWatch;
use trellis_lattice::{Client, ModelWatcher};

use crate::error::{CommandError, ErrorCode};

/// Where a session's lattice connection stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ConnState {
    /// The local lattice is being started or the client is connecting.
    Starting,
    /// The client is connected; commands work.
    Connected,
    /// The connection dropped; the client is retrying by itself.
    Reconnecting,
    /// The session was closed or its lattice shut down.
    Disconnected,
    /// Starting or connecting failed; `error` says why.
    Failed,
}

/// A session's status, shown in its tab and the top bar; sent to the webview as
/// `trellis://status`.
///
/// Holds no credentials: `nats_url` is the server URL without user info.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct LatticeStatus {
    /// The session's name: its context's (`local` for the embedded lattice).
    pub context: String,
    /// The lattice name.
    pub lattice: String,
    /// Whether this is the app's own local lattice.
    pub local: bool,
    /// Connection state.
    pub state: ConnState,
    /// When `state` last changed, in ms since the Unix epoch (a session that lost its
    /// server shows its graph as stale since then).
    pub since_ms: u64,
    /// The current step while starting, for the user.
    pub detail: Option<String>,
    /// The NATS server URL(s), once known, without user info.
    pub nats_url: Option<String>,
    /// The embedded host's id, once it runs (local session only).
    pub local_host_id: Option<String>,
    /// Why the lattice failed, when `state` is `failed`.
    pub error: Option<CommandError>,
}

impl LatticeStatus {
    /// The status of a session that is starting.
    pub fn starting(context: &str, lattice: &str, local: bool) -> Self {
        LatticeStatus {
            context: context.to_owned(),
            lattice: lattice.to_owned(),
            local,
            state: ConnState::Starting,
            since_ms: now_ms(),
            detail: Some("starting".to_owned()),
            nats_url: None,
            local_host_id: None,
            error: None,
        }
    }
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or_default()
}

/// One open lattice.
pub struct Session {
    name: String,
    status: watch::Sender<LatticeStatus>,
    client: RwLock<Option<Client>>,
    model: RwLock<Option<Arc<ModelWatcher>>>,
    /// The forwarding tasks, ended when the session closes.
    tasks: Mutex<Vec<tauri::async_runtime::JoinHandle<()>>>,
    /// "Watch file" hot reloads by component id; dropping one stops it.
    watches: Mutex<HashMap<String, ComponentWatch>>,
    /// The lattice's wadm API client, connected on first use.
    apps: tokio::sync::OnceCell<trellis_wadm::Apps>,
    /// Starts the app's own host refused for a grant, by component id: the annotations
    /// that asked. `allow_grants` may lift only these, never what the webview names.
    refused_grants: Mutex<HashMap<String, BTreeMap<String, String>>>,
    /// The OTLP receiver for 2.x hosts, when the user started one.
    telemetry: Mutex<Option<crate::commands::telemetry::TelemetryRun>>,
    /// Message spies by component id: each task owns its spy stream.
    spies: Mutex<HashMap<String, tauri::async_runtime::JoinHandle<()>>>,
}

impl Session {
    /// A session named `name` in the `starting` state.
    pub fn new(name: &str, lattice: &str, local: bool) -> Self {
        Session {
            name: name.to_owned(),
            status: watch::Sender::new(LatticeStatus::starting(name, lattice, local)),
            client: RwLock::new(None),
            model: RwLock::new(None),
            tasks: Mutex::new(Vec::new()),
            watches: Mutex::new(HashMap::new()),
            apps: tokio::sync::OnceCell::new(),
            refused_grants: Mutex::new(HashMap::new()),
            telemetry: Mutex::new(None),
            spies: Mutex::new(HashMap::new()),
        }
    }

    /// Notes that the app's own host refused component `id` a grant its `annotations`
    /// asked for (the latest refusal of an id replaces the one before).
    pub fn note_refused_grant(&self, id: &str, annotations: BTreeMap<String, String>) {
        self.refused_grants
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(id.to_owned(), annotations);
    }

    /// Takes the annotations of component `id`'s last refused grant, if any.
    pub fn take_refused_grant(&self, id: &str) -> Option<BTreeMap<String, String>> {
        self.refused_grants
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(id)
    }

    /// The client of this lattice's wadm (the embedded one on the local lattice),
    /// connected with the session's context on first use.
    pub async fn apps(&self) -> Result<&trellis_wadm::Apps, CommandError> {
        let client = self.client()?;
        self.apps
            .get_or_try_init(|| async { trellis_wadm::Apps::connect(client.context()).await })
            .await
            .map_err(CommandError::from)
    }

    /// The session's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The current status.
    pub fn status(&self) -> LatticeStatus {
        self.status.borrow().clone()
    }

    /// Changes to the status, for forwarding to the webview.
    pub fn subscribe_status(&self) -> watch::Receiver<LatticeStatus> {
        self.status.subscribe()
    }

    /// Changes the status; listeners are told only if it really changed, and a change of
    /// state moves `since_ms`.
    pub fn update_status(&self, change: impl FnOnce(&mut LatticeStatus)) {
        self.status.send_if_modified(|status| {
            let before = status.clone();
            change(status);
            if status.state != before.state {
                status.since_ms = now_ms();
            }
            *status != before
        });
    }

    /// Marks the session as failed with `error`.
    pub fn fail(&self, error: CommandError) {
        tracing::error!(session = %self.name, code = ?error.code, "{}", error.message);
        self.update_status(|s| {
            s.state = ConnState::Failed;
            s.detail = None;
            s.error = Some(error);
        });
    }

    /// The lattice client, or `not_ready` while there is none.
    pub fn client(&self) -> Result<Client, CommandError> {
        let client = self
            .client
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        client.ok_or_else(|| {
            let status = self.status();
            match status.error {
                Some(err) => CommandError::new(
                    ErrorCode::NotReady,
                    format!("the lattice is not available: {}", err.message),
                ),
                None if status.state == ConnState::Disconnected => CommandError::new(
                    ErrorCode::NotReady,
                    format!("session {} is closed", self.name),
                ),
                None => CommandError::new(ErrorCode::NotReady, "the lattice is still starting"),
            }
        })
    }

    /// Installs (or drops) the connected client.
    pub fn set_client(&self, client: Option<Client>) {
        *self.client.write().unwrap_or_else(|p| p.into_inner()) = client;
    }

    /// The lattice model, or `not_ready` until the watcher has taken its first snapshot.
    pub fn model(&self) -> Result<Arc<ModelWatcher>, CommandError> {
        let model = self.model.read().unwrap_or_else(|p| p.into_inner()).clone();
        model.ok_or_else(|| {
            CommandError::new(ErrorCode::NotReady, "the lattice model is still loading")
        })
    }

    /// The one host the model shows running component or provider `id`, if exactly one
    /// does: an action on it goes there directly instead of waiting out a ping of the
    /// lattice (2 s) to find it.
    pub fn sole_host(&self, id: &str) -> Option<String> {
        let hosts = self.model().ok()?.with_model(|m| m.hosts_running(id));
        match hosts.as_slice() {
            [one] => Some(one.clone()),
            _ => None,
        }
    }

    /// Installs (or drops) the lattice model watcher.
    pub fn set_model(&self, model: Option<Arc<ModelWatcher>>) {
        *self.model.write().unwrap_or_else(|p| p.into_inner()) = model;
    }

    /// Takes the session's OTLP receiver out (to stop or replace it).
    pub fn take_telemetry(&self) -> Option<crate::commands::telemetry::TelemetryRun> {
        self.telemetry
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
    }

    /// Keeps `run` as the session's OTLP receiver.
    pub fn set_telemetry(&self, run: crate::commands::telemetry::TelemetryRun) {
        *self.telemetry.lock().unwrap_or_else(|p| p.into_inner()) = Some(run);
    }

    /// Runs `f` over the session's OTLP receiver, if one runs.
    pub fn with_telemetry<T>(
        &self,
        f: impl FnOnce(Option<&crate::commands::telemetry::TelemetryRun>) -> T,
    ) -> T {
        f(self
            .telemetry
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref())
    }

    /// Keeps a forwarding task so closing the session ends it.
    pub fn keep_task(&self, task: tauri::async_runtime::JoinHandle<()>) {
        self.tasks
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(task);
    }

    /// Keeps `watch` as component `id`'s hot reload, stopping the one it replaces.
    pub fn watch(&self, id: String, watch: ComponentWatch) {
        self.watches
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(id, watch);
    }

    /// Stops component `id`'s hot reload; the watch stopped, if there was one.
    pub fn unwatch(&self, id: &str) -> Option<ComponentWatch> {
        self.watches
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(id)
    }

    /// Keeps `task` as component `id`'s message spy, stopping the one it replaces.
    pub fn spy(&self, id: String, task: tauri::async_runtime::JoinHandle<()>) {
        let replaced = self
            .spies
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(id, task);
        if let Some(old) = replaced {
            old.abort();
        }
    }

    /// Stops component `id`'s message spy; whether there was one.
    pub fn unspy(&self, id: &str) -> bool {
        let task = self
            .spies
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(id);
        task.map(|t| t.abort()).is_some()
    }

    /// Runs `f` over the hot reloads.
    pub fn with_watches<T>(
        &self,
        f: impl FnOnce(&mut dyn Iterator<Item = &ComponentWatch>) -> T,
    ) -> T {
        let watches = self.watches.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut watches.values())
    }

    /// Ends the forwarding tasks and drops the client and model; the status says
    /// `disconnected` (the webview's tab keeps its last graph).
    pub fn close(&self) {
        for task in self
            .tasks
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .drain(..)
        {
            task.abort();
        }
        self.watches
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
        for (_, spy) in self.spies.lock().unwrap_or_else(|p| p.into_inner()).drain() {
            spy.abort();
        }
        // Dropping the receiver stops its server and frees its port.
        drop(self.take_telemetry());
        self.set_client(None);
        self.set_model(None);
        self.update_status(|s| {
            s.state = ConnState::Disconnected;
            s.detail = None;
        });
    }
}
