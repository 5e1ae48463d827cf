//! [`ModelWatcher`]: a [`LatticeModel`] kept current in the background.

use super::*;

/// A [`LatticeModel`] kept current in the background from a [`Client`].
///
/// Dropping the watcher stops its task (and so its event subscription).
pub struct ModelWatcher {
    model: Arc<Mutex<LatticeModel>>,
    changes: broadcast::Sender<ModelChange>,
    task: tokio::task::JoinHandle<()>,
}

impl ModelWatcher {
    /// Subscribes to events, builds the model from ping, inventories, `link.get` and the
    /// config bucket's keys, then follows events and expires silent hosts. After each
    /// reconnect it reads all of that again ([`LatticeModel::resync`]).
    pub async fn start(client: &Client, options: ModelOptions) -> Result<ModelWatcher> {
        // Subscribe first so nothing that happens during the snapshot is lost.
        let mut events = client.events().await?;
        let mut v2_heartbeats = client
            .nats()
            .subscribe(trellis_v2::HEARTBEAT_SUBJECTS)
            .await
            .map_err(|e| crate::LatticeError::Nats {
                operation: "subscribe to wasmCloud 2.x heartbeats",
                reason: e.to_string(),
            })?;
        let mut model = LatticeModel::new(options);
        let (inventories, links, configs) = read_lattice(client).await?;
        model.resync(&inventories, links.as_deref(), configs, Instant::now());
        let mut state = client.connection_state();
        let client = client.clone();

        let model = Arc::new(Mutex::new(model));
        let (changes, _) = broadcast::channel(1024);
        let task = {
            let model = model.clone();
            let changes = changes.clone();
            // Check often enough that a host is dropped soon after its deadline.
            let tick = (options.heartbeat_interval / 4)
                .clamp(Duration::from_millis(50), Duration::from_secs(1));
            tokio::spawn(async move {
                let mut timer = tokio::time::interval(tick);
                loop {
                    let found = tokio::select! {
                        next = events.next() => match next {
                            Some(Ok(message)) => lock(&model).apply_event(&message, Instant::now()),
                            Some(Err(err)) => {
                                tracing::debug!(%err, "undecodable event skipped");
                                continue;
                            }
                            None => break,
                        },
                        Some(beat) = v2_heartbeats.next() => {
                            lock(&model).apply_v2_heartbeat(&beat.payload, Instant::now())
                        }
                        _ = timer.tick() => lock(&model).expire(Instant::now()),
                        changed = state.changed() => {
                            if changed.is_err() {
                                break;
                            }
                            // Events sent while we were away are lost: re-read the lattice.
                            let reconnected = state.borrow_and_update().is_connected();
                            if !reconnected {
                                continue;
                            }
                            match read_lattice(&client).await {
                                Ok((inventories, links, configs)) => lock(&model).resync(
                                    &inventories,
                                    links.as_deref(),
                                    configs,
                                    Instant::now(),
                                ),
                                Err(err) => {
                                    tracing::warn!(%err, "cannot re-read the lattice after a reconnect");
                                    continue;
                                }
                            }
                        }
                    };
                    for change in found {
                        // No receivers is fine: the model itself is still current.
                        let _ = changes.send(change);
                    }
                }
            })
        };
        Ok(ModelWatcher {
            model,
            changes,
            task,
        })
    }

    /// Changes from now on. A receiver that falls behind gets `Lagged` and should
    /// re-read [`ModelWatcher::snapshot`].
    pub fn subscribe(&self) -> broadcast::Receiver<ModelChange> {
        self.changes.subscribe()
    }

    /// A copy of the current model.
    pub fn snapshot(&self) -> ModelSnapshot {
        lock(&self.model).snapshot()
    }

    /// Runs `f` with the current model (e.g. to build its graph).
    pub fn with_model<T>(&self, f: impl FnOnce(&LatticeModel) -> T) -> T {
        f(&lock(&self.model))
    }
}

impl Drop for ModelWatcher {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn lock(model: &Mutex<LatticeModel>) -> std::sync::MutexGuard<'_, LatticeModel> {
    // A panic while holding the lock cannot leave the model half-updated in a way that
    // matters more than stopping the UI, so keep going.
    model
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Inventories of every host, the links (`None` when `link.get` failed) and config
/// names (`None` when JetStream did not answer).
async fn read_lattice(
    client: &Client,
) -> Result<(Vec<HostInventory>, Option<Vec<Link>>, Option<Vec<String>>)> {
    let inventories = client.host_inventories().await?;
    let links = match client.links().await {
        Ok(links) => Some(links),
        Err(err) => {
            tracing::debug!(%err, "no links in the lattice snapshot");
            None
        }
    };
    Ok((inventories, links, config_names(client).await))
}

/// Keys of `CONFIGDATA_<lattice>`, when JetStream is reachable.
pub(crate) async fn config_names(client: &Client) -> Option<Vec<String>> {
    let nats = client.nats().clone();
    let js = match &client.context().js_domain {
        Some(domain) => async_nats::jetstream::with_domain(nats, domain),
        None => async_nats::jetstream::new(nats),
    };
    let bucket = trellis_proto::kv::config_data_bucket(client.lattice());
    let lookup = async {
        let store = js.get_key_value(bucket).await.ok()?;
        let keys = store.keys().await.ok()?;
        Some(
            keys.filter_map(|k| async move { k.ok() })
                .collect::<Vec<_>>()
                .await,
        )
    };
    tokio::time::timeout(client.context().timeout(), lookup)
        .await
        .ok()
        .flatten()
}
