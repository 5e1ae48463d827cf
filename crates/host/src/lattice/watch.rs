//! Applies the lattice's links to this host's runtime by watching KV.
//!
//! `LATTICEDATA_<lattice>` is watched from the latest value of every key, so a fresh
//! or restarted host replays the links already stored, then follows changes made by
//! any host. `CONFIGDATA_<lattice>` is watched too: a change of a named config
//! re-applies the links that use it, with the new values, and sends provider binaries
//! started with it their merged config (`config.update`). The watcher keeps what it
//! applied per source and only sends the difference to the runtime.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt as _;
use tokio::sync::Mutex;
use trellis_proto::{ComponentSpec, Link};

use super::bucket::{Bucket, KvChange};
use super::core::HostCore;

/// Pause before re-opening a watch that ended (e.g. while NATS reconnects).
const REWATCH_DELAY: Duration = Duration::from_secs(1);

/// Links applied to the runtime, per source id.
type Applied = Arc<Mutex<BTreeMap<String, Vec<Link>>>>;

/// Starts both watchers on the host's task tracker.
pub(crate) fn spawn(core: &Arc<HostCore>) {
    let applied: Applied = Arc::default();
    core.spawn(watch_links(Arc::clone(core), Arc::clone(&applied)));
    core.spawn(watch_config(Arc::clone(core), applied));
}

async fn watch_links(core: Arc<HostCore>, applied: Applied) {
    watch_forever(&core, &core.state.data, |entry| {
        let core = Arc::clone(&core);
        let applied = Arc::clone(&applied);
        async move {
            let Some(source) = trellis_proto::kv::component_id_from_key(&entry.key) else { return };
            let links = match &entry.value {
                Some(value) => match serde_json::from_slice::<ComponentSpec>(value) {
                    Ok(spec) => spec.links,
                    Err(err) => {
                        tracing::warn!(key = %entry.key, %err, "ignoring an unreadable component spec");
                        return;
                    }
                },
                None => Vec::new(),
            };
            let mut applied = applied.lock().await;
            let before = applied.remove(source).unwrap_or_default();
            let now = apply_difference(&core, &before, links).await;
            if !now.is_empty() {
                applied.insert(source.to_owned(), now);
            }
        }
    })
    .await;
}

async fn watch_config(core: Arc<HostCore>, applied: Applied) {
    watch_forever(&core, &core.state.config, |entry| {
        let core = Arc::clone(&core);
        let applied = Arc::clone(&applied);
        async move {
            {
                let applied = applied.lock().await;
                let users = applied.values().flatten().filter(|link| {
                    link.source_config.contains(&entry.key)
                        || link.target_config.contains(&entry.key)
                });
                for link in users {
                    set_link(&core, link).await;
                }
            }
            update_providers(&core, &entry.key).await;
        }
    })
    .await;
}

/// Sends the runtime what changed between `before` and `after` for one source:
/// removals first (a replaced target is a removal plus a set), then new or changed
/// links. Returns the links now applied.
async fn apply_difference(core: &HostCore, before: &[Link], after: Vec<Link>) -> Vec<Link> {
    for old in before {
        let kept = after.iter().any(|new| new.key() == old.key());
        if !kept {
            if let Err(err) = core
                .runtime
                .remove_link(
                    &old.source_id,
                    &old.wit_namespace,
                    &old.wit_package,
                    &old.name,
                )
                .await
            {
                tracing::warn!(source = %old.source_id, %err, "cannot remove a link from the runtime");
            }
        }
    }
    for new in &after {
        if !before.contains(new) {
            set_link(core, new).await;
        }
    }
    after
}

/// Sends every provider binary started with config `name` its merged config again.
async fn update_providers(core: &HostCore, name: &str) {
    let users: Vec<(String, Vec<String>)> = core
        .provider_configs
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .iter()
        .filter(|(id, names)| {
            names.iter().any(|n| n == name) && !core.runtime.is_builtin_provider(id)
        })
        .map(|(id, names)| (id.clone(), names.clone()))
        .collect();
    for (id, names) in users {
        let result = match core.state.resolve_config(&names).await {
            Ok(config) => core.runtime.update_provider_config(&id, config).await,
            Err(err) => Err(err),
        };
        if let Err(err) = result {
            tracing::warn!(provider = %id, %err, "cannot send a provider its new config");
        }
    }
}

/// Resolves the link's named config and hands it to the runtime.
async fn set_link(core: &HostCore, link: &Link) {
    let configs = async {
        let source = core.state.resolve_config(&link.source_config).await?;
        let target = core.state.resolve_config(&link.target_config).await?;
        Ok::<_, crate::HostError>((source, target))
    };
    let result = match configs.await {
        Ok((source, target)) => core.runtime.set_link(link, source, target).await,
        Err(err) => Err(err),
    };
    if let Err(err) = result {
        tracing::warn!(source = %link.source_id, target = %link.target, %err, "cannot apply a link");
        // Where the user looks (the Logs tab, `trellis logs`), under the link's source: a
        // link put over the lattice is stored before hosts apply it, so its put succeeded.
        core.runtime.logs().emit(
            trellis_proto::LogLevel::Error,
            Some(&link.source_id),
            Some("links"),
            format!(
                "cannot apply link {:?} from {} to {} ({}:{}): {err}",
                link.name, link.source_id, link.target, link.wit_namespace, link.wit_package
            ),
        );
    }
}

/// Watches every key of `store` until shutdown, re-opening the watch when it ends.
/// Each (re)start first delivers the latest value of every key (`watch_all` would only
/// deliver new ones), so a restarted host or a reconnect catches up.
async fn watch_forever<F, Fut>(core: &HostCore, store: &Bucket, mut on_entry: F)
where
    F: FnMut(KvChange) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    while !core.shutdown.is_cancelled() {
        // Opening a watch is a JetStream request: with the server gone it would hold
        // shutdown until the request times out.
        let opened = tokio::select! {
            _ = core.shutdown.cancelled() => return,
            opened = store.watch() => opened,
        };
        match opened {
            Ok(mut entries) => loop {
                let next = tokio::select! {
                    _ = core.shutdown.cancelled() => return,
                    next = entries.next() => next,
                };
                match next {
                    Some(Ok(entry)) => on_entry(entry).await,
                    Some(Err(err)) => {
                        tracing::warn!(%err, "KV watch error, re-watching");
                        break;
                    }
                    None => break,
                }
            },
            Err(err) => tracing::warn!(%err, "cannot watch KV, retrying"),
        }
        tokio::select! {
            _ = core.shutdown.cancelled() => return,
            _ = tokio::time::sleep(REWATCH_DELAY) => {}
        }
    }
}
