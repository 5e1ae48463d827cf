//! What the app holds while it runs: its sessions (the local lattice and every lattice
//! the user attached to), the WIT cache the inspector shares, where the contexts file
//! lives, and the local lattice (embedded host + nats-server) to stop on exit.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use tokio::sync::watch;
use trellis_lattice::{Client, ContextStore, ModelWatcher};
use trellis_wit::WitCache;

use crate::error::{CommandError, ErrorCode};
use crate::local::LocalLattice;
pub use crate::session::{ConnState, LatticeStatus, Session};

/// The app's managed state.
pub struct AppState {
    /// The local session's name (`local`).
    local_name: String,
    sessions: RwLock<BTreeMap<String, Arc<Session>>>,
    wit: Arc<WitCache>,
    /// The contexts file's directory; `None` means the user's (`ContextStore::default_dir`).
    contexts_dir: RwLock<Option<PathBuf>>,
    local: Mutex<Option<LocalLattice>>,
    /// The wadm this app runs for its local lattice (none when it joined another's).
    wadm: Mutex<Option<trellis_wadm::WadmHandle>>,
    /// Set once the app is exiting, so a lattice that finishes starting late is stopped.
    closing: AtomicBool,
}

impl AppState {
    /// A state with the local session, named `context`, showing `starting`.
    pub fn new(context: &str, lattice: &str) -> Self {
        let local = Arc::new(Session::new(context, lattice, true));
        AppState {
            local_name: context.to_owned(),
            sessions: RwLock::new(BTreeMap::from([(context.to_owned(), local)])),
            wit: Arc::default(),
            contexts_dir: RwLock::new(None),
            local: Mutex::new(None),
            wadm: Mutex::new(None),
            closing: AtomicBool::new(false),
        }
    }

    /// The session named `name`, or the local one when `None`; `not_found` for a
    /// session that is not open.
    pub fn session(&self, name: Option<&str>) -> Result<Arc<Session>, CommandError> {
        let name = name.unwrap_or(&self.local_name);
        self.sessions
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(name)
            .cloned()
            .ok_or_else(|| {
                CommandError::new(
                    ErrorCode::NotFound,
                    format!("no open session {name:?}: attach to it first"),
                )
            })
    }

    /// The local session.
    pub fn local_session(&self) -> Arc<Session> {
        self.session(None).expect("the local session always exists")
    }

    /// Every open session, local first.
    pub fn sessions(&self) -> Vec<Arc<Session>> {
        let sessions = self.sessions.read().unwrap_or_else(|p| p.into_inner());
        let mut all: Vec<_> = sessions.values().cloned().collect();
        all.sort_by_key(|s| s.name() != self.local_name);
        all
    }

    /// Adds `session`, replacing (and closing) one of the same name; the local session
    /// cannot be replaced.
    pub fn add_session(&self, session: Arc<Session>) -> Result<(), CommandError> {
        if session.name() == self.local_name {
            return Err(CommandError::new(
                ErrorCode::InvalidInput,
                format!(
                    "{:?} is the app's local lattice, already open",
                    self.local_name
                ),
            ));
        }
        let old = self
            .sessions
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .insert(session.name().to_owned(), session);
        if let Some(old) = old {
            old.close();
        }
        Ok(())
    }

    /// Closes and forgets session `name` (not the local one).
    pub fn remove_session(&self, name: &str) -> Result<(), CommandError> {
        if name == self.local_name {
            return Err(CommandError::new(
                ErrorCode::InvalidInput,
                "the local lattice stays open while the app runs",
            ));
        }
        let removed = self
            .sessions
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .remove(name);
        match removed {
            Some(session) => {
                session.close();
                Ok(())
            }
            None => Err(CommandError::new(
                ErrorCode::NotFound,
                format!("no open session {name:?}"),
            )),
        }
    }

    /// The saved contexts (the same file the CLI uses).
    pub fn context_store(&self) -> Result<ContextStore, CommandError> {
        let dir = self
            .contexts_dir
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        let store = match dir {
            Some(dir) => ContextStore::open(dir),
            None => ContextStore::open_default(),
        };
        Ok(store?)
    }

    /// Uses the contexts file in `dir` instead of the user's (tests).
    pub fn set_contexts_dir(&self, dir: PathBuf) {
        *self.contexts_dir.write().unwrap_or_else(|p| p.into_inner()) = Some(dir);
    }

    /// The local session's status.
    pub fn status(&self) -> LatticeStatus {
        self.local_session().status()
    }

    /// Changes to the local session's status.
    pub fn subscribe_status(&self) -> watch::Receiver<LatticeStatus> {
        self.local_session().subscribe_status()
    }

    /// Changes the local session's status.
    pub fn update_status(&self, change: impl FnOnce(&mut LatticeStatus)) {
        self.local_session().update_status(change)
    }

    /// Marks the local lattice as failed with `error`.
    pub fn fail(&self, error: CommandError) {
        self.local_session().fail(error)
    }

    /// The local lattice's client, or `not_ready` while there is none.
    pub fn client(&self) -> Result<Client, CommandError> {
        self.local_session().client()
    }

    /// Installs the local lattice's client.
    pub fn set_client(&self, client: Option<Client>) {
        self.local_session().set_client(client)
    }

    /// The local lattice's model, or `not_ready` until it has loaded.
    pub fn model(&self) -> Result<Arc<ModelWatcher>, CommandError> {
        self.local_session().model()
    }

    /// Installs (or drops) the local lattice's model watcher.
    pub fn set_model(&self, model: Option<Arc<ModelWatcher>>) {
        self.local_session().set_model(model)
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

    /// Allows the local lattice's host (and later ones on its data dir) `extra`.
    pub fn allow_local_grants(
        &self,
        extra: &trellis_host::GrantPolicy,
    ) -> Result<(), CommandError> {
        let slot = self.local.lock().unwrap_or_else(|p| p.into_inner());
        let local = slot.as_ref().ok_or_else(|| {
            CommandError::new(ErrorCode::NotReady, "the local lattice is not running")
        })?;
        local
            .allow_grants(extra)
            .map_err(|e| CommandError::new(ErrorCode::Internal, e.to_string()))
    }

    /// Keeps the wadm started for the local lattice, to stop it before the lattice.
    pub fn set_wadm(&self, wadm: Option<trellis_wadm::WadmHandle>) {
        *self.wadm.lock().unwrap_or_else(|p| p.into_inner()) = wadm;
    }

    /// Takes the wadm out, for stopping it.
    pub fn take_wadm(&self) -> Option<trellis_wadm::WadmHandle> {
        self.wadm.lock().unwrap_or_else(|p| p.into_inner()).take()
    }

    /// Marks the app as exiting, closes every session and takes the local lattice out,
    /// for shutting it down.
    pub fn begin_close(&self) -> Option<LocalLattice> {
        let mut slot = self.local.lock().unwrap_or_else(|p| p.into_inner());
        self.closing.store(true, Ordering::SeqCst);
        for session in self.sessions() {
            session.set_client(None);
            session.set_model(None);
        }
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
