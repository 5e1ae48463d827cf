//! The messaging builtin: `wasmcloud:messaging@0.2.0` over the lattice's NATS.
//!
//! - consumer (component → NATS): `request` and `publish` through the link's messaging
//!   provider, on the guest connection the host was given (on the local lattice, a NATS
//!   user the server keeps off the lattice's subjects), else on the host's own.
//! - handler (NATS → component): a link from a messaging provider to a component with
//!   config `subscriptions` (comma-separated subjects, optional `queue_group`) subscribes,
//!   and each message goes to the component through the registry's [`ComponentInvoker`].
//!
//! Guests stay off the lattice's own subjects: a publish (its subject and reply-to), a
//! request or a link's `subscriptions` that could touch one of [`RESERVED_SUBJECTS`] or
//! the lattice's wRPC subjects `<lattice>.*.wrpc.>` is refused with an error naming the
//! subject (see [`check_guest_subject`]). Wildcards count: a subscription to `>` or
//! `wasmbus.*` overlaps the reserved space and is refused too. Replying to a message the
//! guest handles keeps working, since reply subjects are inboxes (`_INBOX.…`); a
//! subscription may not reach the inboxes though (see [`check_guest_subscription`]).
//! Link subscriptions use the same guest connection, so with a guest user the server
//! enforces the same refusals a second time (issue 11, item 1).
//!
//! [`ComponentInvoker`]: super::ComponentInvoker

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use futures::StreamExt;
use tokio::task::JoinHandle;
use trellis_proto::{ConfigMap, Link};
use wasmtime::component::{Instance, Val};

use super::bindings::exports::wasmcloud::messaging::handler::GuestIndices;
use super::bindings::wasmcloud::messaging::{consumer, types};
use super::spy::{result_val, spied};
use super::{BrokerMessage, BuiltinKind, BuiltinProviders, ProvidersCtxView};
use crate::HostError;

mod deliver;
pub(crate) mod remote;

use deliver::{deliver, Route};

/// The import name used in "no link" errors.
const CONSUMER: &str = "wasmcloud:messaging/consumer";

/// Subject spaces guests may not publish, request or subscribe on (the lattice's own);
/// the lattice's wRPC subjects are added per lattice by [`check_guest_subject`].
pub(crate) const RESERVED_SUBJECTS: [&str; 7] = trellis_proto::subject::LATTICE_OWNED_SUBJECTS;

/// Checks that a guest may use `subject` (a subject or a subscription pattern).
///
/// Refused: a malformed subject (empty, empty tokens, whitespace or control
/// characters), and any subject or pattern that a subject in [`RESERVED_SUBJECTS`] or
/// `<lattice>.*.wrpc.>` could match (`*.*.wrpc.>` when `lattice` is `None`). The error
/// names the subject and the reserved space it touches.
pub(crate) fn check_guest_subject(subject: &str, lattice: Option<&str>) -> Result<(), String> {
    if subject.is_empty()
        || subject.split('.').any(str::is_empty)
        || subject.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(format!(
            "subject {subject:?} is not a valid NATS subject (dot-separated, non-empty \
             tokens without whitespace)"
        ));
    }
    let wrpc = format!("{}.*.wrpc.>", lattice.unwrap_or("*"));
    let reserved = RESERVED_SUBJECTS
        .iter()
        .copied()
        .chain(std::iter::once(wrpc.as_str()))
        .find(|reserved| subjects_overlap(subject, reserved));
    match reserved {
        Some(reserved) => Err(format!(
            "subject {subject:?} is reserved for the lattice (it reaches {reserved}); \
             components may not use the control, JetStream, system or wRPC subjects"
        )),
        None => Ok(()),
    }
}

/// Where replies go: every client's requests get their replies under `_INBOX.>`.
const INBOXES: &str = "_INBOX.>";

/// Where replies to components' own requests go when the host sends their traffic as
/// the local lattice's guest user (`trellis_nats_server::GUEST_INBOX_PREFIX`).
const GUEST_INBOXES: &str = "_GUEST_INBOX.>";

/// [`check_guest_subject`] for a subscription, which also may not overlap
/// [`INBOXES`] or [`GUEST_INBOXES`]: a guest may reply to an inbox, but listening there
/// would show it the replies to everyone's requests (the host's JetStream and control
/// replies, or other components' replies).
pub(crate) fn check_guest_subscription(subject: &str, lattice: Option<&str>) -> Result<(), String> {
    check_guest_subject(subject, lattice)?;
    if let Some(inboxes) = [INBOXES, GUEST_INBOXES]
        .into_iter()
        .find(|inboxes| subjects_overlap(subject, inboxes))
    {
        return Err(format!(
            "subject {subject:?} reaches the reply inboxes ({inboxes}), where replies to \
             other clients' requests go; components may reply there but not subscribe"
        ));
    }
    Ok(())
}

/// Whether some subject matches both patterns `a` and `b`, with NATS wildcards: `*`
/// matches one token, `>` one or more trailing tokens.
fn subjects_overlap(a: &str, b: &str) -> bool {
    let (mut a, mut b) = (a.split('.'), b.split('.'));
    loop {
        match (a.next(), b.next()) {
            (None, None) => return true,
            // `>` needs at least one token on the other side, which it has here.
            (Some(">"), Some(_)) | (Some(_), Some(">")) => return true,
            (Some(x), Some(y)) if x == y || x == "*" || y == "*" => {}
            _ => return false,
        }
    }
}

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
        for subject in &subjects {
            check_guest_subscription(subject, registry.lattice()).map_err(|reason| {
                HostError::InvalidLink(format!(
                    "messaging provider {:?} cannot subscribe component {:?} to {subject:?}: \
                     {reason}",
                    self.id, link.target
                ))
            })?;
        }
        let Some(client) = registry.guest_nats().cloned() else {
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
            let route = Route {
                provider: self.id.clone(),
                link_name: link.name.clone(),
                component: link.target.clone(),
            };
            tasks.push(tokio::spawn(deliver(registry.clone(), route, subscriber)));
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

impl ProvidersCtxView<'_> {
    fn messaging_client(&self) -> Result<async_nats::Client, String> {
        let (link, _) = self.ctx.linked_provider(CONSUMER, BuiltinKind::Messaging)?;
        self.ctx.registry.guest_nats().cloned().ok_or_else(|| {
            format!(
                "messaging provider {:?} cannot reach NATS: this host has no lattice connection",
                link.target
            )
        })
    }
}

/// A guest's `request`, sent on `client`: refused on a subject the guest may not use
/// (see [`check_guest_subject`]), else the answer or why there is none.
pub(crate) async fn guest_request(
    client: &async_nats::Client,
    lattice: Option<&str>,
    subject: String,
    body: Vec<u8>,
    timeout_ms: u32,
) -> Result<BrokerMessage, String> {
    check_subject(lattice, "request to", &subject)?;
    let timeout = Duration::from_millis(u64::from(timeout_ms.max(1)));
    let reply = tokio::time::timeout(timeout, client.request(subject.clone(), body.into())).await;
    match reply {
        Ok(Ok(reply)) => Ok(BrokerMessage {
            subject: reply.subject.to_string(),
            body: reply.payload.to_vec(),
            reply_to: reply.reply.map(|r| r.to_string()),
        }),
        Ok(Err(e)) => Err(format!("request to {subject:?} failed: {e}")),
        Err(_) => Err(format!(
            "request to {subject:?} timed out after {timeout_ms} ms"
        )),
    }
}

/// A guest's `publish`, sent on `client`: refused when the subject or the reply-to is
/// one the guest may not use.
pub(crate) async fn guest_publish(
    client: &async_nats::Client,
    lattice: Option<&str>,
    msg: BrokerMessage,
) -> Result<(), String> {
    check_publish(lattice, &msg)?;
    let subject = msg.subject.clone();
    let sent = match msg.reply_to {
        Some(reply) => {
            client
                .publish_with_reply(msg.subject, reply, msg.body.into())
                .await
        }
        None => client.publish(msg.subject, msg.body.into()).await,
    };
    sent.map_err(|e| format!("publish to {subject:?} failed: {e}"))
}

/// [`check_guest_subject`] as a guest error saying what (`what`, e.g. `publish to`) was
/// refused.
fn check_subject(lattice: Option<&str>, what: &str, subject: &str) -> Result<(), String> {
    check_guest_subject(subject, lattice)
        .map_err(|reason| format!("{what} {subject:?} refused: {reason}"))
}

/// The checks of a publish: its subject and its reply-to.
fn check_publish(lattice: Option<&str>, msg: &BrokerMessage) -> Result<(), String> {
    check_subject(lattice, "publish to", &msg.subject)?;
    msg.reply_to.as_deref().map_or(Ok(()), |reply| {
        check_subject(
            lattice,
            &format!("publish to {:?} with reply-to", msg.subject),
            reply,
        )
    })
}

impl types::Host for ProvidersCtxView<'_> {}

impl consumer::Host for ProvidersCtxView<'_> {
    async fn request(
        &mut self,
        subject: String,
        body: Vec<u8>,
        timeout_ms: u32,
    ) -> wasmtime::Result<Result<BrokerMessage, String>> {
        let spy = self.ctx.spy_call(CONSUMER, "request", || {
            vec![
                Val::String(subject.clone()),
                trellis_wrpc::keyvalue::list_of(&body),
                Val::U32(timeout_ms),
            ]
        });
        let outcome = self.consume_request(subject, body, timeout_ms).await;
        let as_val = |r: &Result<BrokerMessage, String>| {
            let reply = |m: &BrokerMessage| Some(remote::from_broker(m.clone()).to_val());
            result_val(r, reply, |e| Some(Val::String(e.clone())))
        };
        spied(spy, Ok(outcome), as_val)
    }

    async fn publish(&mut self, msg: BrokerMessage) -> wasmtime::Result<Result<(), String>> {
        let spy = self.ctx.spy_call(CONSUMER, "publish", || {
            vec![remote::from_broker(msg.clone()).to_val()]
        });
        let outcome = self.consume_publish(msg).await;
        let as_val =
            |r: &Result<(), String>| result_val(r, |_| None, |e| Some(Val::String(e.clone())));
        spied(spy, Ok(outcome), as_val)
    }
}

impl ProvidersCtxView<'_> {
    async fn consume_request(
        &mut self,
        subject: String,
        body: Vec<u8>,
        timeout_ms: u32,
    ) -> Result<BrokerMessage, String> {
        let lattice = self.ctx.registry.lattice();
        check_subject(lattice, "request to", &subject)?;
        if let Some(route) = self.ctx.remote_route(CONSUMER) {
            return remote::request(&route, subject, body, timeout_ms).await;
        }
        let client = self.messaging_client()?;
        guest_request(&client, lattice, subject, body, timeout_ms).await
    }

    async fn consume_publish(&mut self, msg: BrokerMessage) -> Result<(), String> {
        let lattice = self.ctx.registry.lattice();
        check_publish(lattice, &msg)?;
        if let Some(route) = self.ctx.remote_route(CONSUMER) {
            return remote::publish(&route, msg).await;
        }
        let client = self.messaging_client()?;
        guest_publish(&client, lattice, msg).await
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
            lattice: None,
            ..BuiltinProvidersConfig::default()
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

    #[test]
    fn guest_subjects_stay_off_the_lattice_subjects() {
        let ok = [
            "orders.new",
            "orders.*",
            "orders.>",
            "_INBOX.abc.1",
            "WASMBUS.ctl",
            "wasmbusx.ctl",
            "default.echo.wrpc",
            "other.echo.wrpc.0.0.1.x",
            "a.b.c.d",
        ];
        for subject in ok {
            assert_eq!(
                check_guest_subject(subject, Some("default")),
                Ok(()),
                "{subject}"
            );
        }
        let refused = [
            ("wasmbus.ctl.v1.default.host.stop.h1", "wasmbus.>"),
            ("wasmbus.evt.default.component_scaled", "wasmbus.>"),
            ("wasmbus.*", "wasmbus.>"),
            ("wasmbus.>", "wasmbus.>"),
            ("*.ctl.v1.default.host.ping", "wasmbus.>"),
            (">", "wasmbus.>"),
            ("wadm.api.default.model.list", "wadm.>"),
            ("$JS.API.STREAM.LIST", "$JS.>"),
            ("$KV.CONFIGDATA_default.x", "$KV.>"),
            ("$O.bucket.x", "$O.>"),
            ("$SYS.REQ.SERVER.PING", "$SYS.>"),
            ("trellis.anything", "trellis.>"),
            (
                "default.echo.wrpc.0.0.1.wasi:http/incoming-handler.handle",
                "default.*.wrpc.>",
            ),
            ("default.*.wrpc.>", "default.*.wrpc.>"),
            ("default.echo.*.x", "default.*.wrpc.>"),
            ("default.>", "default.*.wrpc.>"),
        ];
        for (subject, reserved) in refused {
            let err = check_guest_subject(subject, Some("default")).unwrap_err();
            assert!(
                err.contains(&format!("{subject:?}")) && err.contains(reserved),
                "{subject}: {err}"
            );
        }
        // Replies go to inboxes, but nobody may listen there.
        for subject in ["_INBOX.>", "_INBOX.abc.*", "_INBOX.*.1"] {
            assert_eq!(
                check_guest_subject(subject, Some("default")),
                Ok(()),
                "{subject}"
            );
            let err = check_guest_subscription(subject, Some("default")).unwrap_err();
            assert!(
                err.contains(&format!("{subject:?}")) && err.contains("_INBOX.>"),
                "{err}"
            );
        }
        let err = check_guest_subscription("_GUEST_INBOX.>", Some("default")).unwrap_err();
        assert!(err.contains("_GUEST_INBOX.>"), "{err}");
        assert_eq!(
            check_guest_subscription("orders.>", Some("default")),
            Ok(())
        );
        let err = check_guest_subscription("wasmbus.>", Some("default")).unwrap_err();
        assert!(err.contains("reserved"), "{err}");
        // Without a lattice name, every lattice's wRPC subjects are kept off.
        let err = check_guest_subject("prod.echo.wrpc.0.0.1.f", None).unwrap_err();
        assert!(err.contains("*.*.wrpc.>"), "{err}");
        for bad in ["", "a..b", ".a", "a.", "a b", "a\tb"] {
            let err = check_guest_subject(bad, None).unwrap_err();
            assert!(err.contains("not a valid NATS subject"), "{bad:?}: {err}");
        }
    }

    #[tokio::test]
    async fn consumer_refuses_reserved_subjects_by_name() -> anyhow::Result<()> {
        let nats = trellis_testkit::NatsServer::start()?;
        let peer = nats.client().await?;
        let mut ctl = peer.subscribe("wasmbus.>").await?;
        peer.flush().await?;
        let registry = BuiltinProviders::new(BuiltinProvidersConfig {
            nats: Some(nats.client().await?),
            jetstream: true,
            data_dir: None,
            lattice: Some("default".into()),
            ..BuiltinProvidersConfig::default()
        });
        registry.start("nats", "builtin://messaging", ConfigMap::new())?;
        let mut ctx = linked_ctx(&registry);
        let mut table = ResourceTable::new();
        let mut view = ProvidersCtxView {
            ctx: &mut ctx,
            table: &mut table,
        };
        let stop = "wasmbus.ctl.v1.default.host.stop.h1";
        let err = view.request(stop.into(), vec![], 500).await?.unwrap_err();
        assert!(
            err.starts_with(&format!("request to {stop:?} refused")) && err.contains("reserved"),
            "{err}"
        );
        let err = view
            .publish(BrokerMessage {
                subject: "$KV.CONFIGDATA_default.app".into(),
                body: b"{}".to_vec(),
                reply_to: None,
            })
            .await?
            .unwrap_err();
        assert!(err.contains("\"$KV.CONFIGDATA_default.app\""), "{err}");
        // A reply-to on the lattice's subjects would make a responder publish there.
        let err = view
            .publish(BrokerMessage {
                subject: "events".into(),
                body: vec![],
                reply_to: Some(stop.into()),
            })
            .await?
            .unwrap_err();
        assert!(err.contains("with reply-to") && err.contains(stop), "{err}");
        // Replies to an inbox still go out.
        view.publish(BrokerMessage {
            subject: "_INBOX.reply.1".into(),
            body: vec![],
            reply_to: None,
        })
        .await?
        .map_err(anyhow::Error::msg)?;
        assert!(
            tokio::time::timeout(Duration::from_millis(300), ctl.next())
                .await
                .is_err(),
            "nothing reached wasmbus.>"
        );
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
