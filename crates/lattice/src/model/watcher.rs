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
        Self::start_inner(client, options, None).await
    }

    /// As [`ModelWatcher::start`], but the first model holds only the hosts that answer the
    /// ping within `first_look`, so a window can draw them without waiting the client's whole
    /// scatter window (1.5 s in the app, 2 s by default). The lattice is then read again with
    /// the whole window, and hosts that answered late arrive as changes. Those come at least
    /// one scatter window after this returns, so subscribe at once.
    pub async fn start_with_first_look(
        client: &Client,
        options: ModelOptions,
        first_look: Duration,
    ) -> Result<ModelWatcher> {
        Self::start_inner(client, options, Some(first_look)).await
    }

    async fn start_inner(
        client: &Client,
        options: ModelOptions,
        first_look: Option<Duration>,
    ) -> Result<ModelWatcher> {
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
        let full_window = client.context().scatter_window();
        let first_look = first_look.filter(|&look| look < full_window);
        let (inventories, links, configs) =
            read_lattice(client, first_look.unwrap_or(full_window)).await?;
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
                if first_look.is_some() {
                    // The hosts the first look missed. Events queue meanwhile and are applied
                    // after, in order.
                    match read_lattice(&client, full_window).await {
                        Ok((inventories, links, configs)) => {
                            let found = lock(&model).resync(
                                &inventories,
                                links.as_deref(),
                                configs,
                                Instant::now(),
                            );
                            for change in found {
                                let _ = changes.send(change);
                            }
                        }
                        Err(err) => {
                            tracing::warn!(%err, "cannot read the whole lattice after the first look")
                        }
                    }
                }
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
                            match read_lattice(&client, full_window).await {
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
    ping_window: Duration,
) -> Result<(Vec<HostInventory>, Option<Vec<Link>>, Option<Vec<String>>)> {
    let inventories = client.host_inventories_within(ping_window).await?;
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
