//! The host's lattice side: the wasmCloud 1.x control interface (ctl v1) server,
//! lattice events, heartbeats and state in JetStream KV.
//!
//! [`LatticeHost::start`] takes a connected NATS client and a [`HostConfig`], gives the
//! host an nkey id (`N…`) and a friendly name, opens (or creates) the lattice's KV
//! buckets, subscribes to the ctl subjects of protocol.md §1 and publishes
//! `host_started`. From then on it answers ctl requests, publishes a heartbeat every
//! [`HostConfig::heartbeat_interval`] and applies the lattice's links from KV to the
//! runtime. [`LatticeHost::shutdown`] stops all of that and publishes `host_stopped`.
//!
//! Layout: `identity` (id, name, labels), `core` (state shared by every task),
//! `server` (subscriptions and the request loop), `ctl/` (one module per operation
//! family and the `Command` that dispatches on the subject), `events`, `heartbeat`,
//! `state` (KV buckets), `watch` (KV → runtime), `logs` (log bus → NATS), `rpc` (provider
//! RPC messages: `linkdefs.put`/`.del`, `default.shutdown`), `health` (provider binaries'
//! health checks as events), `extensions` (Trellis' own
//! subjects: a running component's WIT, typed calls), `spy` (message-spy leases and
//! call records), `workload` (what runs, kept for a restart).

mod bucket;
mod core;
mod ctl;
mod events;
mod extensions;
mod health;
mod heartbeat;
mod identity;
mod logs;
mod rpc;
mod server;
mod spy;
mod state;
mod watch;
mod workload;

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use trellis_proto::{HostStarted, HostStopped, LatticeEvent};

use self::core::{HostCore, HOST_VERSION};
use self::events::EventPublisher;
use self::state::LatticeState;
use crate::{HostError, Runtime, RuntimeConfig};

/// Default time between two `host_heartbeat` events, as on a wasmCloud 1.x host.
pub const DEFAULT_HEARTBEAT_INTERVAL: Duration = Duration::from_secs(30);

/// How long [`LatticeHost::shutdown`] waits for in-flight work when `host.stop` gave
/// no timeout (a wasmCloud 1.x host's graceful deadline).
const DEFAULT_STOP_DEADLINE: Duration = Duration::from_secs(10);

/// How long [`LatticeHost::shutdown`] tries to publish and flush `host_stopped`: long
/// enough for a live server, short enough that a host whose server is gone still stops
/// within seconds of Ctrl-C.
const STOP_ANNOUNCE_TIMEOUT: Duration = Duration::from_secs(2);

/// How a [`LatticeHost`] joins its lattice.
#[derive(Debug, Clone)]
pub struct HostConfig {
    /// Lattice name (one NATS subject token). Default `"default"`.
    pub lattice: String,
    /// Ctl subject prefix. Default `"wasmbus.ctl"`.
    pub ctl_prefix: String,
    /// Friendly name; `None` (the default) picks a random `adjective-noun-NNNN`.
    pub friendly_name: Option<String>,
    /// Extra labels. `hostcore.*` keys are ignored: the host sets those itself.
    pub labels: BTreeMap<String, String>,
    /// Time between heartbeats; the first comes one interval after start. Default 30 s.
    pub heartbeat_interval: Duration,
    /// JetStream domain for the KV buckets (leaf nodes, NGS). Default `None`.
    pub js_domain: Option<String>,
    /// Whether to answer component and provider auctions. Default `true`.
    pub enable_auctions: bool,
    /// The NATS URL reported as `ctl_host`/`rpc_host` in `host.ping`, without its user
    /// info (`user:password@` is stripped), and given as is to provider binaries unless
    /// `runtime.providers.nats_url` names another. Default `None`: derived from the
    /// server the client is connected to.
    pub nats_url: Option<String>,
    /// Settings of the component runtime. `host_id` and `lattice` are overwritten with
    /// this host's; `nats` defaults to the host's connection when `None`.
    pub runtime: RuntimeConfig,
    /// A file where the host keeps the components and providers it runs (written 0600
    /// on every change) and from which it starts them again when it starts: a host
    /// restarted on the same file, even after `kill -9`, runs what it ran. Default
    /// `None`: a new host starts empty, as a wasmCloud 1.x host does.
    pub workload_file: Option<std::path::PathBuf>,
}

impl Default for HostConfig {
    fn default() -> Self {
        Self {
            lattice: trellis_proto::DEFAULT_LATTICE.to_owned(),
            ctl_prefix: trellis_proto::DEFAULT_CTL_PREFIX.to_owned(),
            friendly_name: None,
            labels: BTreeMap::new(),
            heartbeat_interval: DEFAULT_HEARTBEAT_INTERVAL,
            js_domain: None,
            enable_auctions: true,
            nats_url: None,
            runtime: RuntimeConfig::default(),
            workload_file: None,
        }
    }
}

/// A host on a lattice: serves ctl v1, publishes events and heartbeats, follows KV.
///
/// Dropping it stops every background task without publishing `host_stopped`; call
/// [`LatticeHost::shutdown`] for a clean exit.
pub struct LatticeHost {
    core: Arc<HostCore>,
}

impl LatticeHost {
    /// Joins the lattice: validates the config, opens the KV buckets (creating them if
    /// absent), subscribes to the ctl subjects and publishes `host_started`. When this
    /// returns, the host answers `host.ping`.
    pub async fn start(
        nats: async_nats::Client,
        config: HostConfig,
    ) -> Result<LatticeHost, HostError> {
        trellis_proto::validate_lattice_name(&config.lattice)
            .map_err(|e| HostError::lattice("checking the host config", e))?;
        if config.ctl_prefix.is_empty() || config.ctl_prefix.contains(['*', '>', ' ']) {
            return Err(HostError::lattice(
                "checking the host config",
                format!("invalid ctl prefix {:?}", config.ctl_prefix),
            ));
        }
        if config.heartbeat_interval.is_zero() {
            return Err(HostError::lattice(
                "checking the host config",
                "the heartbeat interval must be above zero",
            ));
        }

        let id = identity::new_host_id();
        let friendly_name = config
            .friendly_name
            .clone()
            .unwrap_or_else(identity::friendly_name);
        let mut labels: BTreeMap<String, String> = config
            .labels
            .iter()
            .filter(|(key, _)| !identity::is_reserved_label(key))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        labels.extend(identity::hostcore_labels());
        let nats_url = match &config.nats_url {
            // Never sent with the password or token a URL may carry.
            Some(url) => trellis_proto::redact_url(url),
            None => {
                let info = nats.server_info();
                format!("nats://{}:{}", info.host, info.port)
            }
        };

        let js = match &config.js_domain {
            Some(domain) => async_nats::jetstream::with_domain(nats.clone(), domain),
            None => async_nats::jetstream::new(nats.clone()),
        };
        let (state, jetstream) = LatticeState::open(&js, &config.lattice).await?;
        if !jetstream {
            tracing::warn!(
                "the NATS server has no JetStream: this host keeps links and config in its own \
                 memory (not shared with other hosts, gone when it stops) and the keyvalue \
                 provider defaults to memory; start nats-server with -js to share them"
            );
        }

        let mut runtime_config = config.runtime.clone();
        // Provider binaries connect with the URL as given (credentials included, never
        // shown); without one, the runtime derives it from the connected server.
        if runtime_config.providers.nats_url.is_none() {
            runtime_config.providers.nats_url = config.nats_url.clone();
        }
        runtime_config.host_id = id.clone();
        runtime_config.lattice = config.lattice.clone();
        runtime_config.nats.get_or_insert_with(|| nats.clone());
        runtime_config.jetstream &= jetstream;
        let runtime = Runtime::new(runtime_config)?;
        let (workload, to_restore) = match &config.workload_file {
            Some(path) => {
                let (journal, saved) = workload::WorkloadJournal::open(path.clone());
                (Some(journal), saved)
            }
            None => (None, workload::Workload::default()),
        };

        let core = Arc::new(HostCore {
            events: EventPublisher::new(nats.clone(), &config.lattice, &id),
            id,
            friendly_name,
            lattice: config.lattice.clone(),
            ctl_prefix: config.ctl_prefix.clone(),
            nats_url,
            js_domain: config.js_domain.clone(),
            enable_auctions: config.enable_auctions,
            labels: RwLock::new(labels),
            started: std::time::Instant::now(),
            nats,
            state,
            runtime,
            component_lock: tokio::sync::Mutex::new(()),
            starting_providers: Default::default(),
            provider_configs: Default::default(),
            tasks: TaskTracker::new(),
            shutdown: CancellationToken::new(),
            stop_requested: CancellationToken::new(),
            stop_timeout: RwLock::new(None),
            workload,
        });

        // Before the ctl subscriptions: their round trip also confirms this one.
        let extension_requests = extensions::subscribe(&core).await?;
        let spy_leases = spy::subscribe(&core).await?;
        let subscriptions = server::subscribe(&core).await?;
        core.spawn(server::serve(Arc::clone(&core), subscriptions));
        core.spawn(extensions::serve(Arc::clone(&core), extension_requests));
        core.spawn(heartbeat::run(Arc::clone(&core), config.heartbeat_interval));
        watch::spawn(&core);
        core.spawn(logs::forward(Arc::clone(&core)));
        core.spawn(spy::serve_leases(Arc::clone(&core), spy_leases));
        core.spawn(spy::forward(Arc::clone(&core)));
        core.spawn(rpc::answer_shutdowns(Arc::clone(&core)));
        core.spawn(health::forward(Arc::clone(&core)));

        core.events
            .publish(LatticeEvent::HostStarted(HostStarted {
                friendly_name: core.friendly_name.clone(),
                labels: core.labels(),
                uptime_seconds: 0,
                version: HOST_VERSION.to_owned(),
            }))
            .await;
        tracing::info!(host = %core.id, name = %core.friendly_name, lattice = %core.lattice, "host started");
        if !to_restore.is_empty() {
            ctl::restore(&core, to_restore).await;
        }
        Ok(LatticeHost { core })
    }

    /// The host id, a public server nkey (`N…`).
    pub fn id(&self) -> &str {
        &self.core.id
    }

    /// The friendly name, e.g. `quiet-harbor-0421`.
    pub fn friendly_name(&self) -> &str {
        &self.core.friendly_name
    }

    /// The lattice this host is on.
    pub fn lattice(&self) -> &str {
        &self.core.lattice
    }

    /// The current labels, `hostcore.*` included.
    pub fn labels(&self) -> BTreeMap<String, String> {
        self.core.labels()
    }

    /// The component runtime this host drives (the same one ctl requests act on).
    pub fn runtime(&self) -> &Runtime {
        &self.core.runtime
    }

    /// Publishes a `host_heartbeat` now, besides the periodic ones: for an observer that
    /// started after this host (an embedded wadm) and would otherwise learn of it only
    /// at the next tick, up to an interval later.
    pub async fn announce(&self) {
        heartbeat::beat(&self.core).await;
    }

    /// Resolves when a ctl `host.stop` for this host has been answered. The owner then
    /// calls [`LatticeHost::shutdown`] (the host does not stop itself, so an embedding
    /// app decides what a remote stop means for it).
    pub async fn wait_stop_requested(&self) {
        self.core.stop_requested.cancelled().await
    }

    /// Stops serving, waits for in-flight work (up to the `host.stop` timeout, 10 s by
    /// default), publishes `host_stopped` and flushes the connection, giving up on the
    /// announcement after 2 s (a server that is gone cannot hear it).
    pub async fn shutdown(self) {
        let core = Arc::clone(&self.core);
        core.shutdown.cancel();
        core.tasks.close();
        let deadline = core
            .stop_timeout
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .unwrap_or(DEFAULT_STOP_DEADLINE);
        if tokio::time::timeout(deadline, core.tasks.wait())
            .await
            .is_err()
        {
            tracing::warn!(host = %core.id, "in-flight work did not finish before the stop deadline");
        }
        core.runtime.shutdown().await;
        // Announced only when it can be: with the server gone the client would wait for a
        // reconnect for ever, and the process could not stop.
        let announce = async {
            core.events
                .publish(LatticeEvent::HostStopped(HostStopped {
                    labels: core.labels(),
                }))
                .await;
            core.nats.flush().await
        };
        match tokio::time::timeout(STOP_ANNOUNCE_TIMEOUT, announce).await {
            Ok(Ok(())) => {}
            Ok(Err(err)) => {
                tracing::warn!(host = %core.id, %err, "cannot flush NATS while stopping")
            }
            Err(_) => tracing::warn!(
                host = %core.id,
                "host_stopped not announced: NATS did not take it within {} s",
                STOP_ANNOUNCE_TIMEOUT.as_secs()
            ),
        }
        tracing::info!(host = %core.id, "host stopped");
    }
}

impl Drop for LatticeHost {
    fn drop(&mut self) {
        // Background tasks hold the core; cancelling lets them end and release it.
        self.core.shutdown.cancel();
    }
}
