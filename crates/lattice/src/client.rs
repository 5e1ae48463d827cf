//! `Client`: typed ctl v1 calls, scatter-gather, event and log streams.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures::StreamExt as _;
use serde::de::DeserializeOwned;
use serde::Serialize;
use tokio::sync::watch;
use trellis_proto::{
    subject, ComponentAuctionAck, ComponentAuctionRequest, ComponentWitRequest, ConfigMap,
    CtlResponse, DeleteLinkRequest, Host, HostInventory, HostLabel, HostLabelKey, Link,
    ProviderAuctionAck, ProviderAuctionRequest, RegistryCredential, ScaleComponentCommand,
    StartProviderCommand, StopHostCommand, StopProviderCommand, UpdateComponentCommand,
};
use trellis_wit::ComponentWit;

use crate::connect;
use crate::context::Context;
use crate::error::{LatticeError, Result};
use crate::state::ConnectionState;
use crate::stream::{EventStream, LogStream};

/// A connection to one lattice. Cheap to clone; clones share the connection.
///
/// Every ctl v1 operation is a method taking and returning trellis-proto types.
/// Operations without a payload return the host's message (often empty, e.g.
/// "successfully set link"); a `success:false` reply becomes [`LatticeError::Rejected`].
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    nats: async_nats::Client,
    ctx: Context,
    state: watch::Receiver<ConnectionState>,
    // Kept so the channel stays open for receivers even between connection events.
    _state_tx: Arc<watch::Sender<ConnectionState>>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("context", &self.inner.ctx)
            .field("state", &*self.inner.state.borrow())
            .finish()
    }
}

impl Client {
    /// Connects to the lattice described by `ctx`.
    ///
    /// Fails with one clear line when the server cannot be reached, refuses the
    /// credentials, or TLS fails, e.g.
    /// `cannot reach NATS at nats://127.0.0.1:4222: connection refused`.
    pub async fn connect(ctx: &Context) -> Result<Client> {
        let (tx, rx) = watch::channel(ConnectionState::Connecting);
        let tx = Arc::new(tx);
        let nats = connect::connect(ctx, tx.clone()).await?;
        Ok(Client {
            inner: Arc::new(Inner {
                nats,
                ctx: ctx.clone(),
                state: rx,
                _state_tx: tx,
            }),
        })
    }

    /// The context this client was connected with.
    pub fn context(&self) -> &Context {
        &self.inner.ctx
    }

    /// The lattice name.
    pub fn lattice(&self) -> &str {
        &self.inner.ctx.lattice
    }

    /// The underlying NATS connection (e.g. for JetStream reads).
    pub fn nats(&self) -> &async_nats::Client {
        &self.inner.nats
    }

    /// A watch of the connection state: Connecting, Connected, Reconnecting, Failed.
    pub fn connection_state(&self) -> watch::Receiver<ConnectionState> {
        self.inner.state.clone()
    }

    // ----- hosts -----

    /// Discovers hosts: `host.ping`, collecting replies for the context's scatter window.
    pub async fn ping_hosts(&self) -> Result<Vec<Host>> {
        self.ping_hosts_within(self.inner.ctx.scatter_window())
            .await
    }

    /// Discovers hosts, collecting replies for `window`.
    pub async fn ping_hosts_within(&self, window: Duration) -> Result<Vec<Host>> {
        self.scatter("host.ping", self.ctl("host.ping"), Bytes::new(), window)
            .await
    }

    /// The inventory of one host (`host.get.<host_id>`).
    pub async fn host_inventory(&self, host_id: &str) -> Result<HostInventory> {
        check_token("host id", host_id)?;
        let subject = self.ctl(&format!("host.get.{host_id}"));
        let reply: CtlResponse<HostInventory> = self
            .request(
                "host.get",
                subject.clone(),
                Bytes::new(),
                self.host_hint(host_id),
            )
            .await?;
        reply
            .response
            .ok_or(LatticeError::MissingResponse { subject })
    }

    /// Calls exported `function` of component `component_id` on host `host_id` with WAVE
    /// `args` (`trellis.call.<lattice>.<host_id>`, a Trellis extension: a wasmCloud host
    /// has no such subject). The host checks the arguments against the function's WIT
    /// before calling; a refusal names the type it expects.
    pub async fn call_component(
        &self,
        host_id: &str,
        component_id: &str,
        function: &str,
        args: &[String],
    ) -> Result<trellis_proto::ComponentCallResult> {
        check_token("host id", host_id)?;
        let subject = subject::component_call(self.lattice(), host_id);
        let body = to_body(&trellis_proto::ComponentCallRequest {
            component_id: component_id.to_owned(),
            function: function.to_owned(),
            args: args.to_vec(),
        })?;
        let reply: CtlResponse<trellis_proto::ComponentCallResult> = self
            .request(
                "component call",
                subject.clone(),
                body,
                format!(
                    "host {host_id} takes no typed calls (not a Trellis host: wasmCloud hosts \
                     have no way to call an export from outside)"
                ),
            )
            .await?;
        reply
            .response
            .ok_or(LatticeError::MissingResponse { subject })
    }

    /// The WIT of component `component_id` running on host `host_id`, decoded by that
    /// host from the bytes it runs (`trellis.wit.<lattice>.<host_id>`, a Trellis
    /// extension: a wasmCloud host has no such subject and gives "no responders").
    pub async fn component_wit(&self, host_id: &str, component_id: &str) -> Result<ComponentWit> {
        // Decoding a large component (tens of MB) takes seconds on a small machine.
        const WIT_TIMEOUT: Duration = Duration::from_secs(30);
        check_token("host id", host_id)?;
        let subject = subject::component_wit(self.lattice(), host_id);
        let body = to_body(&ComponentWitRequest {
            component_id: component_id.to_owned(),
        })?;
        let reply: CtlResponse<ComponentWit> = self
            .request_within(
                "component WIT",
                subject.clone(),
                body,
                format!(
                    "host {host_id} does not serve component WIT (not a Trellis host, or not \
                     on lattice {:?})",
                    self.lattice()
                ),
                WIT_TIMEOUT.max(self.inner.ctx.timeout()),
            )
            .await?;
        reply
            .response
            .ok_or(LatticeError::MissingResponse { subject })
    }

    /// Pings, then fetches every host's inventory. Hosts that do not answer the
    /// inventory request in time are left out.
    pub async fn host_inventories(&self) -> Result<Vec<HostInventory>> {
        self.host_inventories_within(self.inner.ctx.scatter_window())
            .await
    }

    /// Inventories of the hosts that answer a ping within `window`.
    pub async fn host_inventories_within(&self, window: Duration) -> Result<Vec<HostInventory>> {
        let hosts = self.ping_hosts_within(window).await?;
        let requests = hosts.iter().map(|h| self.host_inventory(&h.id));
        let results = futures::future::join_all(requests).await;
        let mut inventories = Vec::new();
        for (host, result) in hosts.iter().zip(results) {
            match result {
                Ok(inv) => inventories.push(inv),
                Err(err) => tracing::warn!(host = %host.id, %err, "no inventory"),
            }
        }
        Ok(inventories)
    }

    /// Asks a host to stop (`host.stop.<host_id>`); `timeout` is its graceful deadline.
    pub async fn stop_host(&self, host_id: &str, timeout: Option<Duration>) -> Result<String> {
        check_token("host id", host_id)?;
        let body = StopHostCommand {
            host_id: host_id.to_owned(),
            timeout: timeout.map(|t| t.as_millis() as u64),
        };
        self.ack(
            "host.stop",
            &format!("host.stop.{host_id}"),
            &body,
            self.host_hint(host_id),
        )
        .await
    }

    /// Sets a label on a host (`label.put.<host_id>`). Hosts refuse `hostcore.*`.
    pub async fn label_put(&self, host_id: &str, key: &str, value: &str) -> Result<String> {
        check_token("host id", host_id)?;
        let body = HostLabel {
            key: key.to_owned(),
            value: value.to_owned(),
        };
        self.ack(
            "label.put",
            &format!("label.put.{host_id}"),
            &body,
            self.host_hint(host_id),
        )
        .await
    }

    /// Removes a label from a host (`label.del.<host_id>`).
    pub async fn label_del(&self, host_id: &str, key: &str) -> Result<String> {
        check_token("host id", host_id)?;
        let body = HostLabelKey {
            key: key.to_owned(),
        };
        self.ack(
            "label.del",
            &format!("label.del.{host_id}"),
            &body,
            self.host_hint(host_id),
        )
        .await
    }

    // ----- components and providers -----

    /// Scales a component on `cmd.host_id` (`count: 0` stops it). The reply only means
    /// "accepted": the outcome arrives as `component_scaled` / `component_scale_failed`.
    pub async fn scale_component(&self, cmd: &ScaleComponentCommand) -> Result<String> {
        check_token("host id", &cmd.host_id)?;
        let rest = format!("component.scale.{}", cmd.host_id);
        self.ack("component.scale", &rest, cmd, self.host_hint(&cmd.host_id))
            .await
    }

    /// Updates a running component to a new reference (`component.update.<host_id>`).
    pub async fn update_component(&self, cmd: &UpdateComponentCommand) -> Result<String> {
        check_token("host id", &cmd.host_id)?;
        let rest = format!("component.update.{}", cmd.host_id);
        self.ack("component.update", &rest, cmd, self.host_hint(&cmd.host_id))
            .await
    }

    /// Component auction: the hosts that could run it, collected over the scatter window.
    pub async fn auction_component(
        &self,
        request: &ComponentAuctionRequest,
    ) -> Result<Vec<ComponentAuctionAck>> {
        let body = to_body(request)?;
        let window = self.inner.ctx.scatter_window();
        self.scatter(
            "component.auction",
            self.ctl("component.auction"),
            body,
            window,
        )
        .await
    }

    /// Provider auction: the hosts that could run it, collected over the scatter window.
    pub async fn auction_provider(
        &self,
        request: &ProviderAuctionRequest,
    ) -> Result<Vec<ProviderAuctionAck>> {
        let body = to_body(request)?;
        let window = self.inner.ctx.scatter_window();
        self.scatter(
            "provider.auction",
            self.ctl("provider.auction"),
            body,
            window,
        )
        .await
    }

    /// Starts a provider on `cmd.host_id`; the outcome arrives as an event.
    pub async fn start_provider(&self, cmd: &StartProviderCommand) -> Result<String> {
        check_token("host id", &cmd.host_id)?;
        let rest = format!("provider.start.{}", cmd.host_id);
        self.ack("provider.start", &rest, cmd, self.host_hint(&cmd.host_id))
            .await
    }

    /// Stops a provider on `cmd.host_id`.
    pub async fn stop_provider(&self, cmd: &StopProviderCommand) -> Result<String> {
        check_token("host id", &cmd.host_id)?;
        let rest = format!("provider.stop.{}", cmd.host_id);
        self.ack("provider.stop", &rest, cmd, self.host_hint(&cmd.host_id))
            .await
    }

    // ----- links, config, claims, registries (queue groups) -----

    /// Every link in the lattice (`link.get`).
    pub async fn links(&self) -> Result<Vec<Link>> {
        let subject = self.ctl("link.get");
        let reply: CtlResponse<Vec<Link>> = self
            .request("link.get", subject, Bytes::new(), self.group_hint())
            .await?;
        Ok(reply.response.unwrap_or_default())
    }

    /// Puts a link (`link.put`).
    pub async fn link_put(&self, link: &Link) -> Result<String> {
        self.ack("link.put", "link.put", link, self.group_hint())
            .await
    }

    /// Deletes a link (`link.del`), keyed on source, namespace, package and name.
    pub async fn link_del(&self, request: &DeleteLinkRequest) -> Result<String> {
        self.ack("link.del", "link.del", request, self.group_hint())
            .await
    }

    /// A named config (`config.get.<name>`); `None` when it does not exist.
    pub async fn config_get(&self, name: &str) -> Result<Option<ConfigMap>> {
        trellis_proto::validate_config_name(name)?;
        let subject = self.ctl(&format!("config.get.{name}"));
        let reply: CtlResponse<ConfigMap> = self
            .request("config.get", subject, Bytes::new(), self.group_hint())
            .await?;
        Ok(reply.response)
    }

    /// Creates or replaces a named config (`config.put.<name>`, body = the bare map).
    pub async fn config_put(&self, name: &str, values: &ConfigMap) -> Result<String> {
        trellis_proto::validate_config_name(name)?;
        self.ack(
            "config.put",
            &format!("config.put.{name}"),
            values,
            self.group_hint(),
        )
        .await
    }

    /// Deletes a named config (`config.del.<name>`).
    pub async fn config_del(&self, name: &str) -> Result<String> {
        trellis_proto::validate_config_name(name)?;
        let subject = self.ctl(&format!("config.del.{name}"));
        let reply: CtlResponse<serde_json::Value> = self
            .request("config.del", subject, Bytes::new(), self.group_hint())
            .await?;
        Ok(reply.message)
    }

    /// Stored claims of signed artifacts (`claims.get`).
    pub async fn claims(&self) -> Result<Vec<BTreeMap<String, String>>> {
        let subject = self.ctl("claims.get");
        let reply: CtlResponse<Vec<BTreeMap<String, String>>> = self
            .request("claims.get", subject, Bytes::new(), self.group_hint())
            .await?;
        Ok(reply.response.unwrap_or_default())
    }

    /// Sends registry credentials to every host (`registry.put`, published: hosts do not reply).
    pub async fn registry_put(
        &self,
        credentials: &BTreeMap<String, RegistryCredential>,
    ) -> Result<()> {
        self.ensure_connected()?;
        let body = to_body(credentials)?;
        self.inner
            .nats
            .publish(self.ctl("registry.put"), body)
            .await
            .map_err(|e| nats_error("publish", e))?;
        self.inner
            .nats
            .flush()
            .await
            .map_err(|e| nats_error("flush", e))
    }

    // ----- streams -----

    /// Lattice events from `wasmbus.evt.<lattice>.>`. Subscribe before acting so the
    /// outcome of an operation is not missed: the server holds the subscription when this
    /// returns, so events other connections publish afterwards arrive too. Unsubscribes
    /// when dropped.
    pub async fn events(&self) -> Result<EventStream> {
        let sub = self
            .subscribe_confirmed(subject::events_all(self.lattice()))
            .await?;
        Ok(EventStream::new(sub))
    }

    /// Host logs from `trellis.logs.<lattice>.*`, from the moment this returns.
    /// Unsubscribes when dropped.
    pub async fn logs(&self) -> Result<LogStream> {
        let sub = self
            .subscribe_confirmed(subject::logs_all(self.lattice()))
            .await?;
        Ok(LogStream::new(sub))
    }

    // ----- plumbing -----

    /// `<prefix>.v1.<lattice>.<rest>`.
    fn ctl(&self, rest: &str) -> String {
        let root = subject::ctl_root(&self.inner.ctx.ctl_prefix, &self.inner.ctx.lattice);
        format!("{root}.{rest}")
    }

    fn host_hint(&self, host_id: &str) -> String {
        format!("no host {host_id} on lattice {:?}", self.lattice())
    }

    fn group_hint(&self) -> String {
        format!("no host is serving lattice {:?}", self.lattice())
    }

    fn ensure_connected(&self) -> Result<()> {
        let state = self.inner.state.borrow().clone();
        match state {
            ConnectionState::Connected => Ok(()),
            other => Err(LatticeError::NotConnected {
                url: self.inner.ctx.url(),
                state: other.to_string(),
            }),
        }
    }

    async fn subscribe(&self, subject: String) -> Result<async_nats::Subscriber> {
        self.inner
            .nats
            .subscribe(subject)
            .await
            .map_err(|e| nats_error("subscribe", e))
    }

    /// Subscribes and waits for the server to have the subscription, since hosts publish
    /// on connections of their own.
    async fn subscribe_confirmed(&self, subject: String) -> Result<async_nats::Subscriber> {
        let sub = self.subscribe(subject).await?;
        crate::round_trip(&self.inner.nats).await?;
        Ok(sub)
    }

    /// Sends `body` to `<prefix>.v1.<lattice>.<rest>` and returns the host's message.
    async fn ack<B: Serialize + ?Sized>(
        &self,
        operation: &str,
        rest: &str,
        body: &B,
        hint: String,
    ) -> Result<String> {
        let body = to_body(body)?;
        let reply: CtlResponse<serde_json::Value> =
            self.request(operation, self.ctl(rest), body, hint).await?;
        Ok(reply.message)
    }

    /// One request, one reply; `success:false` becomes [`LatticeError::Rejected`].
    async fn request<T: DeserializeOwned>(
        &self,
        operation: &str,
        subject: String,
        body: Bytes,
        hint: String,
    ) -> Result<CtlResponse<T>> {
        let timeout = self.inner.ctx.timeout();
        self.request_within(operation, subject, body, hint, timeout)
            .await
    }

    /// [`Self::request`] with its own timeout, for work that takes longer than a ctl call.
    async fn request_within<T: DeserializeOwned>(
        &self,
        operation: &str,
        subject: String,
        body: Bytes,
        hint: String,
        timeout: Duration,
    ) -> Result<CtlResponse<T>> {
        self.ensure_connected()?;
        let request = async_nats::Request::new()
            .payload(body)
            .timeout(Some(timeout));
        let message = self
            .inner
            .nats
            .send_request(subject.clone(), request)
            .await
            .map_err(|err| match err.kind() {
                async_nats::RequestErrorKind::NoResponders => LatticeError::NoResponders {
                    subject: subject.clone(),
                    hint,
                },
                async_nats::RequestErrorKind::TimedOut => LatticeError::Timeout {
                    subject: subject.clone(),
                    after: timeout,
                },
                _ => nats_error("request", err),
            })?;
        let reply: CtlResponse<T> =
            serde_json::from_slice(&message.payload).map_err(|e| LatticeError::BadReply {
                subject: subject.clone(),
                reason: e.to_string(),
            })?;
        if reply.success {
            Ok(reply)
        } else {
            Err(LatticeError::Rejected {
                operation: operation.to_owned(),
                message: reply.message,
            })
        }
    }

    /// Publishes with a fresh inbox as reply-to and collects successful replies until
    /// `window` ends or a no-responders status / empty message arrives.
    async fn scatter<T: DeserializeOwned>(
        &self,
        operation: &str,
        subject: String,
        body: Bytes,
        window: Duration,
    ) -> Result<Vec<T>> {
        self.ensure_connected()?;
        let nats = &self.inner.nats;
        let inbox = nats.new_inbox();
        let mut replies = self.subscribe(inbox.clone()).await?;
        nats.publish_with_reply(subject.clone(), inbox, body)
            .await
            .map_err(|e| nats_error("publish", e))?;
        let deadline = tokio::time::Instant::now() + window;
        let mut collected = Vec::new();
        while let Ok(Some(message)) = tokio::time::timeout_at(deadline, replies.next()).await {
            if message.status == Some(async_nats::StatusCode::NO_RESPONDERS)
                || message.payload.is_empty()
            {
                break;
            }
            // One misbehaving host must not hide the others: skip its reply.
            match serde_json::from_slice::<CtlResponse<T>>(&message.payload) {
                Ok(CtlResponse {
                    success: true,
                    response: Some(response),
                    ..
                }) => collected.push(response),
                Ok(reply) => {
                    tracing::debug!(%subject, operation, message = %reply.message, "negative reply")
                }
                Err(err) => tracing::warn!(%subject, %err, "undecodable reply skipped"),
            }
        }
        Ok(collected)
    }
}

fn to_body<B: Serialize + ?Sized>(body: &B) -> Result<Bytes> {
    serde_json::to_vec(body)
        .map(Bytes::from)
        .map_err(|e| LatticeError::Proto(trellis_proto::ProtoError::Json(e)))
}

fn nats_error(operation: &'static str, err: impl std::fmt::Display) -> LatticeError {
    LatticeError::Nats {
        operation,
        reason: err.to_string(),
    }
}

/// Ids that end up in a subject must be one NATS token.
fn check_token(what: &str, value: &str) -> Result<()> {
    if value.is_empty() || value.contains(['.', '*', '>', ' ', '\t', '\r', '\n']) {
        return Err(LatticeError::InvalidArgument(format!(
            "{what} {value:?} must be non-empty and contain no '.', '*', '>' or whitespace"
        )));
    }
    Ok(())
}
