//! The messaging builtin's handler direction over a real nats-server: a link with
//! `subscriptions` delivers each message to the component through the invoker.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;
use trellis_host::{
    BrokerMessage, BuiltinProviders, BuiltinProvidersConfig, ComponentInvoker, InvokeFuture,
};
use trellis_proto::{ConfigMap, Link};
use trellis_testkit::NatsServer;

/// Records deliveries instead of running a component (the runtime's side of the seam).
struct Recorder(mpsc::UnboundedSender<(String, BrokerMessage)>);

impl ComponentInvoker for Recorder {
    fn handle_message(&self, component_id: &str, msg: BrokerMessage) -> InvokeFuture {
        let _ = self.0.send((component_id.to_owned(), msg));
        Box::pin(async { Ok(()) })
    }
}

fn messaging_link(target: &str) -> Link {
    Link {
        source_id: "nats".into(),
        target: target.into(),
        name: "default".into(),
        wit_namespace: "wasmcloud".into(),
        wit_package: "messaging".into(),
        interfaces: vec!["handler".into()],
        source_config: vec![],
        target_config: vec![],
    }
}

#[tokio::test]
async fn subscriptions_deliver_to_the_linked_component_until_unlinked() -> anyhow::Result<()> {
    let nats = NatsServer::start()?;
    let client = nats.client().await?;
    let registry = BuiltinProviders::new(BuiltinProvidersConfig {
        nats: Some(nats.client().await?),
        jetstream: true,
        data_dir: None,
        lattice: None,
        ..BuiltinProvidersConfig::default()
    });
    let (tx, mut rx) = mpsc::unbounded_channel();
    registry.set_invoker(Arc::new(Recorder(tx)));
    registry.start("nats", "builtin://messaging", ConfigMap::new())?;
    let config = ConfigMap::from([("subscriptions".to_string(), "orders.*, audit".to_string())]);
    registry
        .put_link(&messaging_link("shop"), &config, &ConfigMap::new())
        .await?;

    client
        .publish_with_reply("orders.new", "reply.1", "order-1".into())
        .await?;
    client.publish("audit", "seen".into()).await?;
    client.flush().await?;
    let mut got = Vec::new();
    for _ in 0..2 {
        got.push(
            tokio::time::timeout(Duration::from_secs(5), rx.recv())
                .await?
                .unwrap(),
        );
    }
    got.sort_by(|a, b| a.1.subject.cmp(&b.1.subject));
    assert_eq!(got[0].0, "shop");
    assert_eq!(got[0].1.subject, "audit");
    assert_eq!(got[1].1.subject, "orders.new");
    assert_eq!(got[1].1.body, b"order-1");
    assert_eq!(got[1].1.reply_to.as_deref(), Some("reply.1"));

    // After the link is deleted nothing more arrives.
    registry.delete_link("nats", "shop", "default");
    client.publish("audit", "late".into()).await?;
    client.flush().await?;
    assert!(tokio::time::timeout(Duration::from_millis(300), rx.recv())
        .await
        .is_err());
    Ok(())
}

#[tokio::test]
async fn a_messaging_link_without_nats_is_refused_with_a_reason() -> anyhow::Result<()> {
    let registry = BuiltinProviders::default();
    registry.start("nats", "builtin://messaging", ConfigMap::new())?;
    let config = ConfigMap::from([("subscriptions".to_string(), "a.b".to_string())]);
    let err = registry
        .put_link(&messaging_link("shop"), &config, &ConfigMap::new())
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("no NATS connection"), "{err}");
    Ok(())
}

#[tokio::test]
async fn a_real_component_answers_nats_requests_through_handler_and_consumer() -> anyhow::Result<()>
{
    let nats = NatsServer::start()?;
    let rt = trellis_host::Runtime::new(trellis_host::RuntimeConfig {
        host_id: "messaging-host".into(),
        cache_dir: Some(std::env::temp_dir().join("trellis-host-tests-cache")),
        nats: Some(nats.client().await?),
        ..trellis_host::RuntimeConfig::default()
    })?;
    let echo = trellis_testkit::fixtures::messaging_echo()?;
    rt.start_component(
        "echo",
        trellis_host::ComponentSource::Bytes(echo.into()),
        4,
        ConfigMap::new(),
        Default::default(),
    )
    .await?;
    rt.start_provider(
        "nats",
        "builtin://messaging",
        ConfigMap::new(),
        Default::default(),
    )
    .await?;
    // The component publishes through its consumer import...
    let consumer = Link {
        source_id: "echo".into(),
        target: "nats".into(),
        interfaces: vec!["consumer".into()],
        ..messaging_link("nats")
    };
    rt.set_link(&consumer, ConfigMap::new(), ConfigMap::new())
        .await?;
    // ...and receives what the provider's subscriptions deliver to its handler.
    let subscriptions = ConfigMap::from([("subscriptions".to_string(), "echo.in".to_string())]);
    rt.set_link(&messaging_link("echo"), subscriptions, ConfigMap::new())
        .await?;

    let client = nats.client().await?;
    for body in ["ping", "second message"] {
        let reply = tokio::time::timeout(
            Duration::from_secs(10),
            client.request("echo.in", body.as_bytes().to_vec().into()),
        )
        .await??;
        assert_eq!(String::from_utf8_lossy(&reply.payload), body);
    }
    rt.shutdown().await;
    Ok(())
}

/// Issue 11, item 1: a component cannot reach the control interface through messaging.
#[tokio::test]
async fn a_component_cannot_reach_the_lattice_subjects_through_messaging() -> anyhow::Result<()> {
    let nats = NatsServer::start()?;
    let rt = trellis_host::Runtime::new(trellis_host::RuntimeConfig {
        host_id: "messaging-guard-host".into(),
        cache_dir: Some(std::env::temp_dir().join("trellis-host-tests-cache")),
        nats: Some(nats.client().await?),
        ..trellis_host::RuntimeConfig::default()
    })?;
    let mut logs = rt.logs().subscribe();
    let echo = trellis_testkit::fixtures::messaging_echo()?;
    rt.start_component(
        "echo",
        trellis_host::ComponentSource::Bytes(echo.into()),
        4,
        ConfigMap::new(),
        Default::default(),
    )
    .await?;
    rt.start_provider(
        "nats",
        "builtin://messaging",
        ConfigMap::new(),
        Default::default(),
    )
    .await?;
    let consumer = Link {
        source_id: "echo".into(),
        target: "nats".into(),
        interfaces: vec!["consumer".into()],
        ..messaging_link("nats")
    };
    rt.set_link(&consumer, ConfigMap::new(), ConfigMap::new())
        .await?;

    // Subscriptions on the lattice's subjects, wildcards included, are refused by name.
    for subject in [
        "wasmbus.ctl.v1.default.>",
        ">",
        "$JS.API.>",
        "default.*.wrpc.>",
        "_INBOX.>",
    ] {
        let config = ConfigMap::from([("subscriptions".to_string(), format!("ok.in, {subject}"))]);
        let err = rt
            .set_link(&messaging_link("echo"), config, ConfigMap::new())
            .await
            .unwrap_err()
            .to_string();
        assert!(
            err.contains(&format!("{subject:?}"))
                && (err.contains("reserved") || err.contains("reply inboxes")),
            "{subject}: {err}"
        );
    }
    let subscriptions = ConfigMap::from([("subscriptions".to_string(), "echo.in".to_string())]);
    rt.set_link(&messaging_link("echo"), subscriptions, ConfigMap::new())
        .await?;

    // The echo component publishes its reply to the message's reply subject; one that
    // names a host-stop request is refused, and the failure names the subject.
    let client = nats.client().await?;
    let mut ctl = client.subscribe("wasmbus.>").await?;
    client.flush().await?;
    let stop = "wasmbus.ctl.v1.default.host.stop.messaging-guard-host";
    client
        .publish_with_reply("echo.in", stop, "stop!".into())
        .await?;
    client.flush().await?;
    let refused = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            let record = logs.recv().await?;
            if record.message.contains(stop) {
                return anyhow::Ok(record.message);
            }
        }
    })
    .await??;
    assert!(
        refused.contains(&format!("publish to {stop:?} refused")) && refused.contains("reserved"),
        "{refused}"
    );
    assert!(
        tokio::time::timeout(
            Duration::from_millis(300),
            futures::StreamExt::next(&mut ctl)
        )
        .await
        .is_err(),
        "nothing reached wasmbus.>"
    );

    // Replies to an inbox keep working.
    let reply = tokio::time::timeout(
        Duration::from_secs(10),
        client.request("echo.in", "ping".into()),
    )
    .await??;
    assert_eq!(reply.payload.as_ref(), b"ping");
    rt.shutdown().await;
    Ok(())
}
