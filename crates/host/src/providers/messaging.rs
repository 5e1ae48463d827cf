//! The messaging builtin: `wasmcloud:messaging@0.2.0` over the lattice's NATS.
//!
//! - consumer (component → NATS): `request` and `publish` through the link's messaging
//!   provider, on the host's NATS connection.
//! - handler (NATS → component): a link from a messaging provider to a component with
//!   config `subscriptions` (comma-separated subjects, optional `queue_group`) subscribes,
//!   and each message goes to the component through the registry's [`ComponentInvoker`].
//!
//! [`ComponentInvoker`]: super::ComponentInvoker

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use futures::StreamExt;
use tokio::task::JoinHandle;
use trellis_proto::{ConfigMap, Link};
use wasmtime::component::Instance;

use super::bindings::exports::wasmcloud::messaging::handler::GuestIndices;
use super::bindings::wasmcloud::messaging::{consumer, types};
use super::{BrokerMessage, BuiltinKind, BuiltinProviders, ProvidersCtxView};
use crate::HostError;

/// The import name used in "no link" errors.
const CONSUMER: &str = "wasmcloud:messaging/consumer";

/// Calls the `wasmcloud:messaging/handler@0.2.0` export of `instance` with `msg`.
///
/// The outer error is a trap or a missing export; the inner one is the guest's.
pub async fn call_handle_message<T: Send + 'static>(
    mut store: impl wasmtime::AsContextMut<Data = T>,
    instance: &Instance,
    msg: &BrokerMessage,
) -> wasmtime::Result<Result<(), String>> {
    let indices = GuestIndices::new(&instance.instance_pre(&store))?;
    let guest = indices.load(&mut store, instance)?;
    guest.call_handle_message(&mut store, msg).await
}

/// Delivery tasks per (target component, link name).
type Subscriptions = HashMap<(String, String), Vec<JoinHandle<()>>>;

/// State of one messaging provider: its live subscriptions per (target, link name).
#[derive(Debug, Default)]
pub(crate) struct MessagingProvider {
    id: String,
    subscriptions: Mutex<Subscriptions>,
}

impl MessagingProvider {
    pub(crate) fn new(id: &str) -> Self {
        MessagingProvider {
            id: id.to_owned(),
            subscriptions: Mutex::default(),
        }
    }

    /// Subscribes for `link` (replacing an earlier version of the same link).
    pub(crate) async fn subscribe(
        &self,
        registry: BuiltinProviders,
        link: &Link,
        source_config: &ConfigMap,
        target_config: &ConfigMap,
    ) -> Result<(), HostError> {
        let config = |key: &str| {
            source_config
                .get(key)
                .or_else(|| target_config.get(key))
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let subjects: Vec<String> = config("subscriptions")
            .map(|s| {
                s.split(',')
                    .map(|s| s.trim().to_owned())
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        self.unsubscribe(&link.target, &link.name);
        if subjects.is_empty() {
            return Ok(());
        }
        let Some(client) = registry.nats().cloned() else {
            return Err(HostError::InvalidLink(format!(
                "messaging provider {:?} cannot subscribe to {}: this host has no NATS connection",
                self.id,
                subjects.join(", ")
            )));
        };
        let queue_group = config("queue_group");
        let mut tasks = Vec::new();
        for subject in &subjects {
            let subscribed = match &queue_group {
                Some(group) => client.queue_subscribe(subject.clone(), group.clone()).await,
                None => client.subscribe(subject.clone()).await,
            };
            let subscriber = match subscribed {
                Ok(s) => s,
                Err(e) => {
                    tasks.iter().for_each(JoinHandle::abort);
                    return Err(HostError::InvalidLink(format!(
                        "messaging provider {:?} cannot subscribe to {subject:?}: {e}",
                        self.id
                    )));
                }
            };
            tasks.push(tokio::spawn(deliver(
                registry.clone(),
                link.target.clone(),
                subscriber,
            )));
        }
        // Make the subscriptions live on the server before the link counts as applied.
        if let Err(e) = round_trip(&client).await {
            tasks.iter().for_each(JoinHandle::abort);
            return Err(HostError::InvalidLink(format!(
                "messaging provider {:?} cannot subscribe: {e}",
                self.id
            )));
        }
        self.subscriptions
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert((link.target.clone(), link.name.clone()), tasks);
        Ok(())
    }

    /// Ends the subscriptions of the link to `target` named `name`.
    pub(crate) fn unsubscribe(&self, target: &str, name: &str) {
        let removed = self
            .subscriptions
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&(target.to_owned(), name.to_owned()));
        removed.iter().flatten().for_each(JoinHandle::abort);
    }

    /// Ends every subscription.
    pub(crate) fn unsubscribe_all(&self) {
        let all =
            std::mem::take(&mut *self.subscriptions.lock().unwrap_or_else(|p| p.into_inner()));
        all.values().flatten().for_each(JoinHandle::abort);
    }
}

/// Returns once the server has processed everything this connection sent before.
///
/// `flush` only empties the write buffer; a message to our own inbox comes back only
/// after the server has handled the earlier SUBs, because it reads a connection in order.
async fn round_trip(client: &async_nats::Client) -> Result<(), String> {
    let inbox = client.new_inbox();
    let mut echo = client
        .subscribe(inbox.clone())
        .await
        .map_err(|e| e.to_string())?;
    client
        .publish(inbox, bytes::Bytes::new())
        .await
        .map_err(|e| e.to_string())?;
    match tokio::time::timeout(Duration::from_secs(10), echo.next()).await {
        Ok(Some(_)) => Ok(()),
        _ => Err("the NATS server did not confirm the subscriptions".into()),
    }
}

impl Drop for MessagingProvider {
    fn drop(&mut self) {
        self.unsubscribe_all();
    }
}

/// Forwards every message of `subscriber` to `component`, each in its own task so a
/// slow handler does not hold up the subscription.
async fn deliver(
    registry: BuiltinProviders,
    component: String,
    mut subscriber: async_nats::Subscriber,
) {
    while let Some(message) = subscriber.next().await {
        let Some(invoker) = registry.invoker() else {
            tracing::warn!(component = %component, subject = %message.subject, "message dropped: no component invoker is set");
            continue;
        };
        let msg = BrokerMessage {
            subject: message.subject.to_string(),
            body: message.payload.to_vec(),
            reply_to: message.reply.map(|r| r.to_string()),
        };
        let component = component.clone();
        tokio::spawn(async move {
            let subject = msg.subject.clone();
            if let Err(e) = invoker.handle_message(&component, msg).await {
                tracing::warn!(component = %component, subject = %subject, "handle-message failed: {e}");
            }
        });
    }
}

impl ProvidersCtxView<'_> {
    fn messaging_client(&self) -> Result<async_nats::Client, String> {
        let (link, _) = self.ctx.linked_provider(CONSUMER, BuiltinKind::Messaging)?;
        self.ctx.registry.nats().cloned().ok_or_else(|| {
            format!(
                "messaging provider {:?} cannot reach NATS: this host has no lattice connection",
                link.target
            )
        })
    }
}

impl types::Host for ProvidersCtxView<'_> {}

impl consumer::Host for ProvidersCtxView<'_> {
    async fn request(
        &mut self,
        subject: String,
        body: Vec<u8>,
        timeout_ms: u32,
    ) -> wasmtime::Result<Result<BrokerMessage, String>> {
        let client = match self.messaging_client() {
            Ok(c) => c,
            Err(e) => return Ok(Err(e)),
        };
        let timeout = Duration::from_millis(u64::from(timeout_ms.max(1)));
        let reply =
            tokio::time::timeout(timeout, client.request(subject.clone(), body.into())).await;
        Ok(match reply {
            Ok(Ok(reply)) => Ok(BrokerMessage {
                subject: reply.subject.to_string(),
                body: reply.payload.to_vec(),
                reply_to: reply.reply.map(|r| r.to_string()),
            }),
            Ok(Err(e)) => Err(format!("request to {subject:?} failed: {e}")),
            Err(_) => Err(format!(
                "request to {subject:?} timed out after {timeout_ms} ms"
            )),
        })
    }

    async fn publish(&mut self, msg: BrokerMessage) -> wasmtime::Result<Result<(), String>> {
        let client = match self.messaging_client() {
            Ok(c) => c,
            Err(e) => return Ok(Err(e)),
        };
        let subject = msg.subject.clone();
        let sent = match msg.reply_to {
            Some(reply) => {
                client
                    .publish_with_reply(msg.subject, reply, msg.body.into())
                    .await
            }
            None => client.publish(msg.subject, msg.body.into()).await,
        };
        Ok(sent.map_err(|e| format!("publish to {subject:?} failed: {e}")))
    }
}

#[cfg(test)]
mod tests {
    //! The consumer direction, called on the host traits against a real nats-server.

    use super::*;
    use crate::providers::{
        BuiltinProvidersConfig, LinkRoutes, LinkTarget, ProviderCtx, ProviderCtxInit,
    };
    use consumer::Host as _;
    use wasmtime::component::ResourceTable;

    fn linked_ctx(registry: &BuiltinProviders) -> ProviderCtx {
        let mut routes = LinkRoutes::new();
        let target = LinkTarget {
            target: "nats".into(),
            ..Default::default()
        };
        routes.insert(CONSUMER, "default", target);
        ProviderCtx::new(ProviderCtxInit {
            component_id: "comp".into(),
            host_id: "host".into(),
            config: ConfigMap::new().into(),
            routes,
            logs: crate::LogBus::new("host"),
            registry: registry.clone(),
        })
    }

    #[tokio::test]
    async fn consumer_requests_and_publishes_over_nats() -> anyhow::Result<()> {
        let nats = trellis_testkit::NatsServer::start()?;
        let peer = nats.client().await?;
        let mut service = peer.subscribe("svc.echo").await?;
        let mut events = peer.subscribe("events").await?;
        peer.flush().await?;
        tokio::spawn({
            let peer = peer.clone();
            async move {
                while let Some(m) = service.next().await {
                    let mut body = b"echo:".to_vec();
                    body.extend_from_slice(&m.payload);
                    let _ = peer.publish(m.reply.unwrap(), body.into()).await;
                }
            }
        });
        let registry = BuiltinProviders::new(BuiltinProvidersConfig {
            nats: Some(nats.client().await?),
            jetstream: true,
            data_dir: None,
        });
        registry.start("nats", "builtin://messaging", ConfigMap::new())?;
        let mut ctx = linked_ctx(&registry);
        let mut table = ResourceTable::new();
        let mut view = ProvidersCtxView {
            ctx: &mut ctx,
            table: &mut table,
        };

        let reply = view
            .request("svc.echo".into(), b"hi".to_vec(), 5_000)
            .await?
            .map_err(anyhow::Error::msg)?;
        assert_eq!(reply.body, b"echo:hi");
        let err = view
            .request("svc.nobody".into(), vec![], 200)
            .await?
            .unwrap_err();
        assert!(err.contains("svc.nobody"), "{err}");

        let msg = BrokerMessage {
            subject: "events".into(),
            body: b"e1".to_vec(),
            reply_to: None,
        };
        view.publish(msg).await?.map_err(anyhow::Error::msg)?;
        let got = tokio::time::timeout(Duration::from_secs(5), events.next()).await?;
        assert_eq!(got.unwrap().payload.as_ref(), b"e1");
        Ok(())
    }

    #[tokio::test]
    async fn consumer_without_a_link_or_nats_says_why() -> anyhow::Result<()> {
        let registry = BuiltinProviders::default();
        let mut ctx = ProviderCtx::new(ProviderCtxInit {
            component_id: "comp".into(),
            host_id: "host".into(),
            config: ConfigMap::new().into(),
            routes: LinkRoutes::new(),
            logs: crate::LogBus::new("host"),
            registry: registry.clone(),
        });
        let mut table = ResourceTable::new();
        let mut view = ProvidersCtxView {
            ctx: &mut ctx,
            table: &mut table,
        };
        let err = view.request("a".into(), vec![], 10).await?.unwrap_err();
        assert!(
            err.contains("wasmcloud:messaging/consumer") && err.contains("no link"),
            "{err}"
        );

        registry.start("nats", "builtin://messaging", ConfigMap::new())?;
        let mut ctx = linked_ctx(&registry);
        let mut view = ProvidersCtxView {
            ctx: &mut ctx,
            table: &mut table,
        };
        let err = view.request("a".into(), vec![], 10).await?.unwrap_err();
        assert!(err.contains("no lattice connection"), "{err}");
        Ok(())
    }
}
