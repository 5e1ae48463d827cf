//! Messaging for `trellis run`: whether a component needs NATS, the connection it gets
//! (the `--nats-url` server or a private nats-server for the run), and the link that
//! delivers `--subscribe` subjects to its `wasmcloud:messaging/handler`.

use std::collections::BTreeMap;

use anyhow::Context as _;
use trellis_host::Runtime;
use trellis_nats_server::{LocalNats, LocalNatsOptions};
use trellis_proto::{ConfigMap, Link};

/// The messaging package; a component that imports or exports it needs NATS.
pub(super) const MESSAGING_PREFIX: &str = "wasmcloud:messaging/";

/// Whether the component imports or exports the messaging package. A file that cannot
/// be read or parsed says no: starting it reports the real problem.
pub(super) fn uses_messaging(path: &std::path::Path) -> bool {
    let Ok(bytes) = std::fs::read(path) else {
        return false;
    };
    trellis_wit::top_level_names(&bytes).is_ok_and(|(imports, exports)| {
        imports
            .iter()
            .chain(&exports)
            .any(|n| n.starts_with(MESSAGING_PREFIX))
    })
}

/// The NATS connection messaging uses: the `--nats-url` server, or a private
/// nats-server on 127.0.0.1 that lives as long as this run.
pub(super) struct MessagingNats {
    pub(super) client: async_nats::Client,
    /// The private server and its temporary store (`None` with `--nats-url`).
    private: Option<(LocalNats, tempfile::TempDir)>,
}

impl MessagingNats {
    pub(super) async fn open(global: &crate::cmd::GlobalOpts) -> anyhow::Result<MessagingNats> {
        if let Some(url) = &global.nats_url {
            let client = crate::cmd::up::connect(url, None).await?;
            println!(
                "messaging: over NATS at {}",
                trellis_lattice::Context::redact_url(url)
            );
            return Ok(MessagingNats {
                client,
                private: None,
            });
        }
        let store = tempfile::Builder::new()
            .prefix("trellis-run-nats-")
            .tempdir()
            .context("creating a store for the private nats-server")?;
        let options = LocalNatsOptions::new(store.path());
        let local = tokio::task::spawn_blocking(move || LocalNats::start(options))
            .await
            .context("starting a private nats-server for messaging")??;
        let credentials = local.user().zip(local.password());
        let client = crate::cmd::up::connect(&local.url(), credentials).await?;
        println!(
            "messaging: over a private nats-server at {} (pass --nats-url to use another)",
            local.url()
        );
        Ok(MessagingNats {
            client,
            private: Some((local, store)),
        })
    }

    pub(super) async fn close(self) {
        drop(self.client);
        if let Some((local, store)) = self.private {
            let _ = tokio::task::spawn_blocking(move || local.stop()).await;
            drop(store);
        }
    }
}

/// Starts the messaging provider if needed and links it to the component's handler
/// with `subjects` as its subscriptions.
pub(super) async fn link_subscriptions(
    runtime: &Runtime,
    id: &str,
    subjects: &[String],
) -> anyhow::Result<()> {
    if subjects.is_empty() {
        println!(
            "{id}: exports {MESSAGING_PREFIX}handler; pass --subscribe SUBJECT to deliver messages to it"
        );
        return Ok(());
    }
    if !runtime.providers().iter().any(|p| p.id == "messaging") {
        runtime
            .start_provider(
                "messaging",
                "builtin://messaging",
                ConfigMap::new(),
                BTreeMap::new(),
            )
            .await
            .context("cannot start the messaging provider")?;
    }
    let link = Link {
        source_id: "messaging".into(),
        target: id.into(),
        name: trellis_proto::DEFAULT_LINK_NAME.into(),
        wit_namespace: "wasmcloud".into(),
        wit_package: "messaging".into(),
        interfaces: vec!["handler".into()],
        source_config: vec![],
        target_config: vec![],
    };
    let subscriptions = ConfigMap::from([("subscriptions".to_string(), subjects.join(","))]);
    runtime
        .set_link(&link, subscriptions, ConfigMap::new())
        .await
        .context("cannot subscribe the component")?;
    println!("{id}: handling messages on {}", subjects.join(", "));
    Ok(())
}
