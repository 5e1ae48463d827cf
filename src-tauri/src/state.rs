//! What the app holds while it runs: the lattice status shown in the window, the lattice
//! client commands use, and the local lattice (embedded host + nats-server) to stop on exit.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use serde::Serialize;
use tokio::sync::watch;
use trellis_lattice::{Client, ModelWatcher};

use crate::error::{CommandError, ErrorCode};
use crate::local::LocalLattice;
use trellis_wit::WitCache;

/// Where the window's lattice connection stands.
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
    /// The lattice was shut down.
    Disconnected,
    /// Starting or connecting failed; `error` says why.
    Failed,
}

/// The status the top bar shows; sent to the webview as `trellis://status`.
///
/// Holds no credentials: `nats_url` is the bare server URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct LatticeStatus {
    /// Name of the active context (`local` for the embedded lattice).
    pub context: String,
    /// The lattice name.
    pub lattice: String,
    /// Connection state.
    pub state: ConnState,
    /// The current step while starting, for the user.
    pub detail: Option<String>,
    /// The NATS server URL, once known.
    pub nats_url: Option<String>,
    /// The embedded host's id, once it runs.
    pub local_host_id: Option<String>,
    /// Why the lattice failed, when `state` is `failed`.
    pub error: Option<CommandError>,
}

impl LatticeStatus {
    /// The status before anything started.
    pub fn starting(context: &str, lattice: &str) -> Self {
        LatticeStatus {
            context: context.to_owned(),
            lattice: lattice.to_owned(),
            state: ConnState::Starting,
            detail: Some("starting".to_owned()),
            nats_url: None,
            local_host_id: None,
            error: None,
        }
    }
}

/// The app's managed state.
pub struct AppState {
    status: watch::Sender<LatticeStatus>,
    client: RwLock<Option<Client>>,
    model: RwLock<Option<Arc<ModelWatcher>>>,
    wit: Arc<WitCache>,
    local: Mutex<Option<LocalLattice>>,
    /// Set once the app is exiting, so a lattice that finishes starting late is stopped.
    closing: AtomicBool,
}

impl AppState {
    /// A state showing `starting` for the given context and lattice.
    pub fn new(context: &str, lattice: &str) -> Self {
        AppState {
            status: watch::Sender::new(LatticeStatus::starting(context, lattice)),
            client: RwLock::new(None),
            model: RwLock::new(None),
            wit: Arc::default(),
            local: Mutex::new(None),
            closing: AtomicBool::new(false),
        }
    }

    /// The current status.
    pub fn status(&self) -> LatticeStatus {
        self.status.borrow().clone()
    }

    /// Changes to the status, for forwarding to the webview.
    pub fn subscribe_status(&self) -> watch::Receiver<LatticeStatus> {
        self.status.subscribe()
    }

    /// Changes the status (listeners are told only if it really changed).
    pub fn update_status(&self, change: impl FnOnce(&mut LatticeStatus)) {
        self.status.send_if_modified(|status| {
            let before = status.clone();
            change(status);
            *status != before
        });
    }

    /// Marks the lattice as failed with `error`.
    pub fn fail(&self, error: CommandError) {
        tracing::error!(code = ?error.code, "{}", error.message);
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
                None => CommandError::new(ErrorCode::NotReady, "the lattice is still starting"),
            }
        })
    }

    /// Installs the connected client.
    pub fn set_client(&self, client: Option<Client>) {
        *self.client.write().unwrap_or_else(|p| p.into_inner()) = client;
    }

    /// The lattice model (hosts, components, providers, links), or `not_ready` until the
    /// watcher has taken its first snapshot.
    pub fn model(&self) -> Result<Arc<ModelWatcher>, CommandError> {
        let model = self.model.read().unwrap_or_else(|p| p.into_inner()).clone();
        model.ok_or_else(|| {
            CommandError::new(ErrorCode::NotReady, "the lattice model is still loading")
        })
    }

    /// Installs (or drops) the lattice model watcher.
    pub fn set_model(&self, model: Option<Arc<ModelWatcher>>) {
        *self.model.write().unwrap_or_else(|p| p.into_inner()) = model;
    }

    /// Decoded WIT of component files, shared by the inspector commands.
    pub fn wit_cache(&self) -> Arc<WitCache> {
        self.wit.clone()
    }

    /// Keeps the started local lattice so it can be stopped on exit; hands it back when
    /// the app is already exiting.
    pub fn set_local(&self, local: LocalLattice) -> Result<(), Box<LocalLattice>> {
        let mut slot = self.local.lock().unwrap_or_else(|p| p.into_inner());
        if self.closing.load(Ordering::SeqCst) {
            return Err(Box::new(local));
        }
        *slot = Some(local);
        Ok(())
    }

    /// Marks the app as exiting and takes the local lattice out, for shutting it down.
    pub fn begin_close(&self) -> Option<LocalLattice> {
        let mut slot = self.local.lock().unwrap_or_else(|p| p.into_inner());
        self.closing.store(true, Ordering::SeqCst);
        self.set_client(None);
        self.set_model(None);
        slot.take()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_is_not_ready_until_set_and_names_the_failure() {
        let state = AppState::new("local", "default");
        assert_eq!(state.client().unwrap_err().code, ErrorCode::NotReady);
        state.fail(CommandError::new(
            ErrorCode::NatsNotFound,
            "nats-server not found",
        ));
        let err = state.client().unwrap_err();
        assert_eq!(err.code, ErrorCode::NotReady);
        assert!(
            err.message.contains("nats-server not found"),
            "{}",
            err.message
        );
        assert_eq!(state.status().state, ConnState::Failed);
    }

    #[test]
    fn status_listeners_hear_only_real_changes() {
        let state = AppState::new("local", "default");
        let mut rx = state.subscribe_status();
        rx.mark_unchanged();
        state.update_status(|s| s.lattice = "default".to_owned());
        assert!(!rx.has_changed().unwrap());
        state.update_status(|s| s.state = ConnState::Connected);
        assert!(rx.has_changed().unwrap());
    }
}
