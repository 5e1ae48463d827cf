//! One provider under supervision: its first start and readiness, health checks on
//! their schedule, restarts after its process exits, link and config messages, and the
//! shutdown request followed by a kill.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use trellis_proto::{subject, ConfigMap, LinkDefinition, LinkKey, LogLevel, ProviderDescription};

use super::host_data::HostData;
use super::process::Spawned;
use super::{ProviderHealth, Shared};

/// How often a starting provider is asked for its health until it first answers.
const READY_POLL: Duration = Duration::from_millis(100);

/// Added to a start failure when the provider's NATS server refused it and the URL it
/// was given carries a user and password (no door: a TLS server, or not Linux).
const AUTH_HINT: &str = " (this lattice's NATS server wants a user and password, given to \
    the provider in its URL; Go providers use them, but wasmcloud-provider-sdk providers \
    authenticate only with a JWT and seed, so they need a server without passwords, with \
    decentralised auth, or a plain nats:// one that Trellis opens a door to)";

/// wasmCloud's default RPC timeout, told to providers in `HostData`.
const DEFAULT_RPC_TIMEOUT_MS: u64 = 2000;

/// A provider process and what it was told, shared by its supervising task and the
/// host's calls (links, config, stop).
pub(crate) struct Supervised {
    shared: Arc<Shared>,
    nats: async_nats::Client,
    pub(super) description: ProviderDescription,
    id: Arc<str>,
    path: PathBuf,
    /// Its xkey; the public half names its `linkdefs.put` subject.
    xkey: nkeys::XKey,
    state: Mutex<State>,
    stop: CancellationToken,
    task: Mutex<Option<tokio::task::JoinHandle<()>>>,
}

/// What changes while it runs (and what a restart starts it with).
struct State {
    config: ConfigMap,
    links: Vec<LinkDefinition>,
    /// Links put since the current process was spawned, until it first answered a
    /// health check: it may not have listened yet when they were published, so they
    /// are published again then (SDK providers ignore a link they already have).
    pending: Vec<LinkDefinition>,
    /// Whether the current process answered a health check since it was spawned.
    listening: bool,
    pid: Option<u32>,
    health: Option<ProviderHealth>,
}

/// How a starting provider's first health check went.
enum Ready {
    Answered(bool, Option<String>),
    Exited(String),
    TimedOut,
}

impl Supervised {
    pub(super) fn new(
        shared: Arc<Shared>,
        nats: async_nats::Client,
        description: ProviderDescription,
        path: PathBuf,
        config: ConfigMap,
        links: Vec<LinkDefinition>,
    ) -> Self {
        Self {
            shared,
            nats,
            id: description.id.as_str().into(),
            description,
            path,
            xkey: nkeys::XKey::new(),
            state: Mutex::new(State {
                config,
                links,
                pending: Vec::new(),
                listening: false,
                pid: None,
                health: None,
            }),
            stop: CancellationToken::new(),
            task: Mutex::default(),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The binary it runs.
    pub(super) fn path(&self) -> &std::path::Path {
        &self.path
    }

    pub(super) fn pid(&self) -> Option<u32> {
        self.state().pid
    }

    pub(super) fn health(&self) -> Option<ProviderHealth> {
        self.state().health.clone()
    }

    /// Ends the supervising task without waiting for it.
    pub(super) fn cancel(&self) {
        self.stop.cancel();
    }

    /// A log record about this provider from the host (and the same as `tracing`).
    fn say(&self, level: LogLevel, message: String) {
        match level {
            LogLevel::Error => tracing::error!(provider = %self.id, "{message}"),
            LogLevel::Warn => tracing::warn!(provider = %self.id, "{message}"),
            _ => tracing::info!(provider = %self.id, "{message}"),
        }
        self.shared
            .logs
            .emit(level, Some(&self.id), Some("runtime"), message);
    }

    /// Starts the process and waits for its first health answer; on success the
    /// supervising task takes over. The error says why the start failed.
    pub(super) async fn launch(self: &Arc<Self>) -> Result<(), String> {
        let mut process = self.spawn().await?;
        match self.wait_ready(&mut process).await {
            Ready::Exited(status) => {
                let output = process.last_output().await;
                let mut reason = match &output {
                    Some(output) => format!(
                        "it exited ({status}) before answering a health check; its last \
                         output: {output}"
                    ),
                    None => format!(
                        "it exited ({status}) before answering a health check, printing nothing"
                    ),
                };
                let refused = output.is_some_and(|o| o.contains("authorization violation"));
                if refused && self.url_has_credentials() {
                    reason.push_str(AUTH_HINT);
                }
                return Err(reason);
            }
            Ready::Answered(healthy, message) => {
                self.record(healthy, message);
                self.listens().await;
            }
            Ready::TimedOut => {
                let message = format!(
                    "it did not answer a health check within {} s of starting",
                    self.shared.config.ready_timeout.as_secs_f32()
                );
                self.say(LogLevel::Warn, message.clone());
                self.record(false, Some(message));
            }
        }
        let pid = process
            .pid()
            .map_or_else(String::new, |p| format!(" (pid {p})"));
        self.say(LogLevel::Info, format!("provider started{pid}"));
        let task = tokio::spawn(Arc::clone(self).supervise(process));
        *self.task.lock().unwrap_or_else(|p| p.into_inner()) = Some(task);
        Ok(())
    }

    /// Whether the URL providers get carries user info (`user:password@`): no door
    /// could be opened for them (a TLS server, or not on Linux).
    fn url_has_credentials(&self) -> bool {
        self.shared.door.get().is_none()
            && self
                .shared
                .config
                .nats_url
                .as_deref()
                .is_some_and(|url| url.contains('@'))
    }

    /// Spawns the process with the `HostData` of this moment (config, links).
    async fn spawn(&self) -> Result<Spawned, String> {
        let seed = self
            .xkey
            .seed()
            .map_err(|e| format!("cannot encode its xkey: {e}"))?;
        let instance_id = format!("{:032x}", rand::random::<u128>());
        let door = self.shared.door.get().map(|route| route.url().to_owned());
        let nats_url = door
            .or_else(|| self.shared.config.nats_url.clone())
            .unwrap_or_else(|| {
                let info = self.nats.server_info();
                format!("nats://{}:{}", info.host, info.port)
            });
        let stdin = {
            let mut state = self.state();
            // The links of this moment go in its HostData; later ones are pending.
            state.pending.clear();
            state.listening = false;
            let (config, mut redirected) = self.through_door(&state.config);
            let links: Vec<LinkDefinition> = state
                .links
                .iter()
                .map(|link| {
                    let (link, keys) = self.link_through_door(link);
                    redirected.extend(keys);
                    link
                })
                .collect();
            self.note_redirected(&redirected);
            HostData {
                host_id: &self.shared.host_id,
                lattice_rpc_prefix: &self.shared.lattice,
                link_name: trellis_proto::DEFAULT_LINK_NAME,
                lattice_rpc_user_jwt: "",
                lattice_rpc_user_seed: "",
                lattice_rpc_url: &nats_url,
                provider_key: &self.id,
                env_values: Default::default(),
                instance_id: &instance_id,
                link_definitions: &links,
                cluster_issuers: Vec::new(),
                config: &config,
                secrets: Default::default(),
                host_xkey_public_key: &self.shared.host_xkey_public,
                provider_xkey_private_key: &seed,
                default_rpc_timeout_ms: DEFAULT_RPC_TIMEOUT_MS,
                structured_logging: false,
            }
            .to_stdin()
        };
        let secret = user_info(&nats_url);
        let process =
            Spawned::start(&self.path, &stdin, &self.id, &self.shared.logs, secret).await?;
        self.state().pid = process.pid();
        Ok(process)
    }

    /// Asks for health every [`READY_POLL`] until an answer, an exit or the ready timeout.
    async fn wait_ready(&self, process: &mut Spawned) -> Ready {
        let deadline = Instant::now() + self.shared.config.ready_timeout;
        loop {
            if let Ok(Some(status)) = process.child.try_wait() {
                return Ready::Exited(status.to_string());
            }
            if Instant::now() >= deadline {
                return Ready::TimedOut;
            }
            let check = tokio::time::timeout_at(deadline, self.check_health());
            match check.await {
                Ok(Ok((healthy, message))) => return Ready::Answered(healthy, message),
                Ok(Err(_)) => tokio::time::sleep(READY_POLL).await,
                Err(_) => return Ready::TimedOut,
            }
        }
    }

    /// One request on `<id>.health`: `Ok((healthy, message))`, or why there was no
    /// usable answer.
    async fn check_health(&self) -> Result<(bool, Option<String>), String> {
        #[derive(serde::Deserialize)]
        struct Answer {
            healthy: bool,
            #[serde(default)]
            message: Option<String>,
        }
        let subject = subject::rpc_health(&self.shared.lattice, &self.id);
        let timeout = self.shared.config.rpc_timeout;
        let request = self.nats.request(subject.clone(), Default::default());
        let reply = match tokio::time::timeout(timeout, request).await {
            Err(_) => {
                return Err(format!(
                    "no answer to its health check within {} s",
                    timeout.as_secs_f32()
                ))
            }
            Ok(Err(err)) => {
                return Err(match err.kind() {
                    async_nats::RequestErrorKind::NoResponders => format!(
                        "no answer to its health check: nothing listens on {subject} \
                         (not connected to NATS yet?)"
                    ),
                    _ => format!("its health check failed: {err}"),
                })
            }
            Ok(Ok(reply)) => reply,
        };
        let answer: Answer = serde_json::from_slice(&reply.payload)
            .map_err(|e| format!("its health answer is not readable ({e})"))?;
        Ok((answer.healthy, answer.message.filter(|m| !m.is_empty())))
    }

    /// Keeps `healthy` as the last outcome and returns it, `changed` set when it differs.
    fn record(&self, healthy: bool, message: Option<String>) -> ProviderHealth {
        let mut state = self.state();
        let changed = state.health.as_ref().is_none_or(|h| h.healthy != healthy);
        let health = ProviderHealth {
            provider_id: self.id.to_string(),
            healthy,
            changed,
            message,
        };
        state.health = Some(health.clone());
        health
    }

    /// Records and announces an outcome.
    fn report(&self, healthy: bool, message: Option<String>) {
        let health = self.record(healthy, message);
        // No receiver (no lattice host) is fine.
        let _ = self.shared.health.send(health);
    }

    /// Runs until stopped: health checks on their schedule, and a restart after each
    /// exit of the process.
    async fn supervise(self: Arc<Self>, process: Spawned) {
        let config = self.shared.config.clone();
        let mut current = Some(process);
        let mut next_check = Instant::now() + config.health_first;
        let mut restart_at = Instant::now();
        loop {
            let Some(process) = current.as_mut() else {
                tokio::select! {
                    _ = self.stop.cancelled() => return,
                    _ = tokio::time::sleep_until(restart_at) => {}
                }
                match self.spawn().await {
                    Ok(process) => {
                        let pid = process
                            .pid()
                            .map_or_else(String::new, |p| format!(" (pid {p})"));
                        self.say(LogLevel::Info, format!("provider restarted{pid}"));
                        current = Some(process);
                        next_check = Instant::now() + config.health_first;
                    }
                    Err(reason) => {
                        self.say(
                            LogLevel::Error,
                            format!(
                                "cannot restart the provider from {}: {reason}; trying again in {} s",
                                self.path.display(),
                                config.restart_delay.as_secs_f32()
                            ),
                        );
                        restart_at = Instant::now() + config.restart_delay;
                    }
                }
                continue;
            };
            tokio::select! {
                _ = self.stop.cancelled() => {
                    self.shut_down(process).await;
                    return;
                }
                status = process.child.wait() => {
                    let status = status.map_or_else(|e| e.to_string(), |s| s.to_string());
                    current = None;
                    self.state().pid = None;
                    let message = format!(
                        "provider process exited ({status}); restarting in {} s",
                        config.restart_delay.as_secs_f32()
                    );
                    self.say(LogLevel::Warn, message.clone());
                    self.report(false, Some(message));
                    restart_at = Instant::now() + config.restart_delay;
                }
                _ = tokio::time::sleep_until(next_check) => {
                    match self.check_health().await {
                        Ok((healthy, message)) => {
                            self.report(healthy, message);
                            self.listens().await;
                        }
                        Err(reason) => self.report(false, Some(reason)),
                    }
                    next_check = Instant::now() + config.health_interval;
                }
            }
        }
    }

    /// The shutdown request, the grace delay, then a kill if it still runs.
    async fn shut_down(&self, process: &mut Spawned) {
        if let Ok(Some(_)) = process.child.try_wait() {
            return;
        }
        let subject = subject::rpc_shutdown(&self.shared.lattice, &self.id);
        let body = serde_json::json!({ "host_id": self.shared.host_id }).to_string();
        let request = self.nats.request(subject, body.into());
        let _ = tokio::time::timeout(self.shared.config.rpc_timeout, request).await;
        let grace = self.shared.config.shutdown_delay;
        match tokio::time::timeout(grace, process.child.wait()).await {
            Ok(_) => self.say(LogLevel::Info, "provider stopped".into()),
            Err(_) => {
                let _ = process.child.kill().await;
                self.say(
                    LogLevel::Warn,
                    format!(
                        "provider killed: still running {} s after its shutdown request",
                        grace.as_secs_f32()
                    ),
                );
            }
        }
        self.state().pid = None;
    }

    /// Stops the process (see [`Supervised::shut_down`]) and waits for the task.
    pub(super) async fn stop(&self) {
        self.stop.cancel();
        let task = self.task.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(task) = task {
            let _ = task.await;
        }
    }

    /// Keeps `link` (replacing one with its key) and publishes it on
    /// `<provider xkey>.linkdefs.put`, where SDK providers since 1.1 listen.
    pub(super) async fn put_link(&self, link: LinkDefinition) {
        let key = key_of(&link);
        {
            let mut state = self.state();
            state.links.retain(|l| key_of(l) != key);
            state.links.push(link.clone());
            if !state.listening {
                state.pending.retain(|l| key_of(l) != key);
                state.pending.push(link.clone());
            }
        }
        self.publish_link(&link).await;
    }

    async fn publish_link(&self, link: &LinkDefinition) {
        let (link, redirected) = self.link_through_door(link);
        self.note_redirected(&redirected);
        let subject = subject::rpc_linkdefs_put(&self.shared.lattice, &self.xkey.public_key());
        self.publish(subject, &link).await;
    }

    /// `config` as the provider is given it: values naming the lattice's server lead
    /// through the door (see `door::Route`), with the keys that do.
    fn through_door(&self, config: &ConfigMap) -> (ConfigMap, Vec<String>) {
        match self.shared.door.get() {
            Some(route) => route.config(config),
            None => (config.clone(), Vec::new()),
        }
    }

    /// [`Supervised::through_door`] for both ends' config of `link`.
    fn link_through_door(&self, link: &LinkDefinition) -> (LinkDefinition, Vec<String>) {
        match self.shared.door.get() {
            Some(route) => route.link(link),
            None => (link.clone(), Vec::new()),
        }
    }

    /// Says which config values were given as the door, so a user reading the
    /// provider's own log of its config knows why the URL differs.
    fn note_redirected(&self, keys: &[String]) {
        let Some(route) = self.shared.door.get() else {
            return;
        };
        if keys.is_empty() {
            return;
        }
        let mut keys = keys.to_vec();
        keys.sort();
        keys.dedup();
        self.say(
            LogLevel::Info,
            format!(
                "config {} names this lattice's NATS server: the provider is given the \
                 host's door {} instead, which adds the server's credentials",
                keys.join(", "),
                route.url()
            ),
        );
    }

    /// The current process answered a health check, so it listens for links: the ones
    /// put while it started are published again, once.
    async fn listens(&self) {
        let pending = {
            let mut state = self.state();
            if state.listening {
                return;
            }
            state.listening = true;
            std::mem::take(&mut state.pending)
        };
        for link in &pending {
            self.publish_link(link).await;
        }
    }

    /// Drops the link with `key` from what a restart is given.
    pub(super) fn forget_link(&self, key: &LinkKey) {
        let mut state = self.state();
        state.links.retain(|l| key_of(l) != *key);
        state.pending.retain(|l| key_of(l) != *key);
    }

    /// Keeps `config` and publishes it on `<id>.config.update`.
    pub(super) async fn update_config(&self, config: ConfigMap) {
        self.state().config = config.clone();
        let (config, redirected) = self.through_door(&config);
        self.note_redirected(&redirected);
        let subject = subject::rpc_config_update(&self.shared.lattice, &self.id);
        self.publish(subject, &config).await;
    }

    async fn publish(&self, subject: String, body: &impl serde::Serialize) {
        let body = match serde_json::to_vec(body) {
            Ok(body) => body,
            Err(err) => return tracing::warn!(%subject, %err, "cannot encode a provider message"),
        };
        if let Err(err) = self.nats.publish(subject.clone(), body.into()).await {
            tracing::warn!(%subject, %err, "cannot publish a provider message");
        }
    }
}

/// The `user:password` part of a URL, kept out of the provider's logged output.
fn user_info(url: &str) -> Option<String> {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let (info, _) = rest.rsplit_once('@')?;
    (!info.is_empty()).then(|| info.to_owned())
}

/// The key a link is stored under: source, namespace, package, name.
fn key_of(link: &LinkDefinition) -> LinkKey {
    LinkKey {
        source_id: link.source_id.clone(),
        wit_namespace: link.wit_namespace.clone(),
        wit_package: link.wit_package.clone(),
        name: link.name.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_user_info_of_a_url_is_what_output_masks() {
        assert_eq!(
            user_info("nats://trellis:s3cret@127.0.0.1:4222").as_deref(),
            Some("trellis:s3cret")
        );
        assert_eq!(user_info("nats://127.0.0.1:4222"), None);
    }
}
