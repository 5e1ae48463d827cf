//! The state every ctl handler, heartbeat and watcher shares: identity, labels, uptime,
//! the NATS client, the KV buckets, the event publisher and the runtime.

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use trellis_proto::{Host, HostInventory};

use super::events::EventPublisher;
use super::state::LatticeState;

/// Shared by all tasks of one [`super::LatticeHost`] through an `Arc`.
pub(crate) struct HostCore {
    /// The nkey public key (`N…`).
    pub(crate) id: String,
    pub(crate) friendly_name: String,
    pub(crate) lattice: String,
    pub(crate) ctl_prefix: String,
    /// Reported as `ctl_host` and `rpc_host` (one connection serves both); without user
    /// info (see [`trellis_proto::redact_url`]).
    pub(crate) nats_url: String,
    pub(crate) js_domain: Option<String>,
    pub(crate) enable_auctions: bool,
    /// Current labels: the `hostcore.*` ones plus configured and ctl-set ones.
    pub(crate) labels: RwLock<BTreeMap<String, String>>,
    pub(crate) started: Instant,
    pub(crate) nats: async_nats::Client,
    pub(crate) state: LatticeState,
    pub(crate) events: EventPublisher,
    pub(crate) runtime: crate::Runtime,
    /// Serialises component work (scale, update) so requests apply in arrival order.
    pub(crate) component_lock: tokio::sync::Mutex<()>,
    /// Providers whose start was acknowledged but has not finished, so a second start
    /// of the same id is refused even before the first shows up in the inventory.
    pub(crate) starting_providers: std::sync::Mutex<std::collections::HashSet<String>>,
    /// The named configs each running provider was started with, so a change of one
    /// reaches provider binaries as `config.update`.
    pub(crate) provider_configs: std::sync::Mutex<std::collections::HashMap<String, Vec<String>>>,
    /// Work spawned after a reply (scale, provider start): tracked so shutdown waits.
    pub(crate) tasks: TaskTracker,
    /// Cancelled on shutdown; every loop selects on it.
    pub(crate) shutdown: CancellationToken,
    /// Cancelled when a ctl `host.stop` arrives; the owner decides what to do.
    pub(crate) stop_requested: CancellationToken,
    /// The graceful deadline asked for by `host.stop` (ms), if any.
    pub(crate) stop_timeout: RwLock<Option<Duration>>,
    /// Where what runs here is kept for the next start, when the host was given a file.
    pub(crate) workload: Option<super::workload::WorkloadJournal>,
}

/// Version reported in `Host`, `HostInventory` and `host_started`.
pub(crate) const HOST_VERSION: &str = env!("CARGO_PKG_VERSION");

impl HostCore {
    /// A snapshot of the labels.
    pub(crate) fn labels(&self) -> BTreeMap<String, String> {
        self.labels
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Whole seconds since start.
    pub(crate) fn uptime(&self) -> Duration {
        Duration::from_secs(self.started.elapsed().as_secs())
    }

    /// The `host.ping` reply body.
    pub(crate) fn host(&self) -> Host {
        let uptime = self.uptime();
        Host {
            id: self.id.clone(),
            friendly_name: self.friendly_name.clone(),
            labels: self.labels(),
            lattice: self.lattice.clone(),
            version: HOST_VERSION.to_owned(),
            uptime_seconds: uptime.as_secs(),
            uptime_human: humantime::format_duration(uptime).to_string(),
            ctl_host: self.nats_url.clone(),
            rpc_host: self.nats_url.clone(),
            js_domain: self.js_domain.clone(),
        }
    }

    /// The `host.get` reply body and the heartbeat's data.
    pub(crate) fn inventory(&self) -> HostInventory {
        let uptime = self.uptime();
        HostInventory {
            host_id: self.id.clone(),
            friendly_name: self.friendly_name.clone(),
            labels: self.labels(),
            version: HOST_VERSION.to_owned(),
            uptime_seconds: uptime.as_secs(),
            uptime_human: humantime::format_duration(uptime).to_string(),
            components: self.runtime.components(),
            providers: self.runtime.providers(),
        }
    }

    /// Runs `work` in the background, unless the host is shutting down.
    pub(crate) fn spawn<F>(self: &Arc<Self>, work: F)
    where
        F: std::future::Future<Output = ()> + Send + 'static,
    {
        if !self.shutdown.is_cancelled() {
            self.tasks.spawn(work);
        }
    }
}
