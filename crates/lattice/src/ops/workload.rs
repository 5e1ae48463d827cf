//! Starting, scaling, updating and stopping, with the outcome the host reports.
//!
//! Hosts only acknowledge these requests; the result arrives later as an event
//! (`component_scaled` / `component_scale_failed`, `provider_started` /
//! `provider_start_failed`, `provider_stopped`, `host_stopped`). Every workflow here
//! subscribes to events before it sends, so the outcome cannot slip past.

use std::time::Duration;

use trellis_proto::{
    CloudEvent, ComponentAuctionRequest, HostInventory, LatticeEvent, ProviderAuctionRequest,
    ScaleComponentCommand, StartProviderCommand, StopProviderCommand, UpdateComponentCommand,
};

use super::refs::{checked_id, inventory_of, resolve_host};
use super::{OpsError, Result};
use crate::{Client, EventMessage};

/// How long to wait for the outcome event; `None` sends and returns at once.
pub type Wait = Option<Duration>;

/// Where a new component or provider goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placement {
    /// This host id, exactly (no lookup).
    HostId(String),
    /// This host: an id, a unique id prefix or a friendly name.
    Host(String),
    /// The first host that answers the auction, else the first host by id.
    Auction,
}

/// What happened on one host.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The host concerned.
    pub host_id: String,
    /// Whether the host reports success (`true` too when nothing was awaited).
    pub succeeded: bool,
    /// One sentence saying what happened, fit to show as it is.
    pub message: String,
    /// The event that told, when one was awaited.
    pub event: Option<CloudEvent>,
}

impl Outcome {
    fn sent(host_id: &str, message: String) -> Outcome {
        Outcome {
            host_id: host_id.to_owned(),
            succeeded: true,
            message,
            event: None,
        }
    }

    fn told(host_id: &str, succeeded: bool, message: String, event: &EventMessage) -> Outcome {
        Outcome {
            host_id: host_id.to_owned(),
            succeeded,
            message,
            event: Some(event.cloud_event.clone()),
        }
    }

    /// The sentence on success; [`OpsError::Failed`] with it otherwise.
    pub fn into_result(self) -> Result<String> {
        if self.succeeded {
            Ok(self.message)
        } else {
            Err(OpsError::Failed {
                message: self.message,
            })
        }
    }
}

/// A component to start.
#[derive(Debug, Clone)]
pub struct StartComponent {
    /// Image reference for the wire (see [`component_ref`](super::component_ref)).
    pub reference: String,
    /// Component id.
    pub id: String,
    /// Maximum concurrent instances.
    pub count: u32,
    /// Which host.
    pub placement: Placement,
    /// Named config to apply.
    pub config: Vec<String>,
    /// Whether a component already running under this id may be replaced.
    pub allow_update: bool,
}

/// A provider to start.
#[derive(Debug, Clone)]
pub struct StartProvider {
    /// Provider reference for the wire (see [`provider_ref`](super::provider_ref)).
    pub reference: String,
    /// Provider id.
    pub id: String,
    /// Which host.
    pub placement: Placement,
    /// Named config to apply.
    pub config: Vec<String>,
}

/// Starts a component and waits for the host to report it running or failed.
pub async fn start_component(
    client: &Client,
    request: &StartComponent,
    wait: Wait,
) -> Result<Outcome> {
    let id = checked_id("component", &request.id)?;
    let auction = ComponentAuctionRequest {
        component_ref: request.reference.clone(),
        component_id: id.clone(),
        constraints: Default::default(),
    };
    let host_id = place(client, &request.placement, async {
        let acks = client.auction_component(&auction).await?;
        Ok(acks.first().map(|ack| ack.host_id.clone()))
    })
    .await?;
    let cmd = ScaleComponentCommand {
        component_ref: request.reference.clone(),
        component_id: id,
        count: request.count,
        host_id,
        config: request.config.clone(),
        allow_update: request.allow_update,
        annotations: None,
        component_limits: None,
    };
    scale_on_host(client, cmd, wait).await
}

/// Starts a provider and waits for the host to report it started or failed.
pub async fn start_provider(
    client: &Client,
    request: &StartProvider,
    wait: Wait,
) -> Result<Outcome> {
    let id = checked_id("provider", &request.id)?;
    let auction = ProviderAuctionRequest {
        provider_ref: request.reference.clone(),
        provider_id: id.clone(),
        constraints: Default::default(),
    };
    let host_id = place(client, &request.placement, async {
        let acks = client.auction_provider(&auction).await?;
        Ok(acks.first().map(|ack| ack.host_id.clone()))
    })
    .await?;
    let mut events = client.events().await?;
    client
        .start_provider(&StartProviderCommand {
            provider_id: id.clone(),
            provider_ref: request.reference.clone(),
            host_id: host_id.clone(),
            config: request.config.clone(),
            annotations: None,
        })
        .await?;
    let Some(timeout) = wait else {
        return Ok(Outcome::sent(
            &host_id,
            format!("provider {id} start sent to host {host_id}"),
        ));
    };
    let reference = &request.reference;
    Ok(events
        .wait_for(
            "provider_started or provider_start_failed",
            timeout,
            |m| match &m.event {
                LatticeEvent::ProviderStarted(e) if e.provider_id == id && e.host_id == host_id => {
                    Some(Outcome::told(
                        &host_id,
                        true,
                        format!("provider {id} running on host {host_id} ({reference})"),
                        m,
                    ))
                }
                LatticeEvent::ProviderStartFailed(e)
                    if e.provider_id == id && e.host_id == host_id =>
                {
                    Some(Outcome::told(
                        &host_id,
                        false,
                        format!("provider {id} failed to start: {}", e.error),
                        m,
                    ))
                }
                _ => None,
            },
        )
        .await?)
}

/// Sets a running component's maximum instances (0 stops it) on every host running
/// it, or only on `host`.
pub async fn scale_component(
    client: &Client,
    id: &str,
    count: u32,
    host: Option<&str>,
    wait: Wait,
) -> Result<Vec<Outcome>> {
    let mut outcomes = Vec::new();
    for (host_id, image_ref) in hosts_running(client, id, host, Kind::Component).await? {
        let cmd = ScaleComponentCommand {
            component_ref: image_ref,
            component_id: id.to_owned(),
            count,
            host_id,
            config: Vec::new(),
            allow_update: false,
            annotations: None,
            component_limits: None,
        };
        outcomes.push(scale_on_host(client, cmd, wait).await?);
    }
    Ok(outcomes)
}

/// Replaces a running component's code with `reference`, keeping its id and links, on
/// every host running it or only on `host`.
pub async fn update_component(
    client: &Client,
    id: &str,
    reference: &str,
    host: Option<&str>,
    wait: Wait,
) -> Result<Vec<Outcome>> {
    let hosts = hosts_running(client, id, host, Kind::Component).await?;
    let mut events = client.events().await?;
    let mut outcomes = Vec::new();
    for (host_id, _) in hosts {
        client
            .update_component(&UpdateComponentCommand {
                component_id: id.to_owned(),
                new_component_ref: reference.to_owned(),
                host_id: host_id.clone(),
                annotations: None,
            })
            .await?;
        let Some(timeout) = wait else {
            outcomes.push(Outcome::sent(
                &host_id,
                format!("component {id} update sent to host {host_id}"),
            ));
            continue;
        };
        let outcome = events
            .wait_for("component_scaled or component_scale_failed", timeout, |m| {
                scale_outcome(m, id, &host_id, Some(reference))
            })
            .await?;
        outcomes.push(outcome);
    }
    Ok(outcomes)
}

/// Stops a provider on every host running it, or only on `host`.
pub async fn stop_provider(
    client: &Client,
    id: &str,
    host: Option<&str>,
    wait: Wait,
) -> Result<Vec<Outcome>> {
    let hosts = hosts_running(client, id, host, Kind::Provider).await?;
    let mut events = client.events().await?;
    let mut outcomes = Vec::new();
    for (host_id, _) in hosts {
        client
            .stop_provider(&StopProviderCommand {
                provider_id: id.to_owned(),
                host_id: host_id.clone(),
            })
            .await?;
        let Some(timeout) = wait else {
            outcomes.push(Outcome::sent(
                &host_id,
                format!("provider {id} stop sent to host {host_id}"),
            ));
            continue;
        };
        let outcome = events
            .wait_for("provider_stopped", timeout, |m| match &m.event {
                LatticeEvent::ProviderStopped(e) if e.provider_id == id && e.host_id == host_id => {
                    Some(Outcome::told(
                        &host_id,
                        true,
                        format!("provider {id} stopped on host {host_id}"),
                        m,
                    ))
                }
                _ => None,
            })
            .await?;
        outcomes.push(outcome);
    }
    Ok(outcomes)
}

/// Asks a host (id, prefix or friendly name) to stop, with an optional graceful
/// deadline, and waits for its `host_stopped`.
pub async fn stop_host(
    client: &Client,
    host: &str,
    deadline: Option<Duration>,
    wait: Wait,
) -> Result<Outcome> {
    let host = resolve_host(client, host).await?;
    let mut events = client.events().await?;
    client.stop_host(&host.id, deadline).await?;
    let Some(timeout) = wait else {
        return Ok(Outcome::sent(
            &host.id,
            format!("host {} asked to stop", host.id),
        ));
    };
    Ok(events
        .wait_for("host_stopped", timeout, |m| match &m.event {
            LatticeEvent::HostStopped(_) if m.source() == host.id => Some(Outcome::told(
                &host.id,
                true,
                format!("host {} ({}) stopped", host.id, host.friendly_name),
                m,
            )),
            _ => None,
        })
        .await?)
}

/// Sends one scale command and waits for its outcome.
async fn scale_on_host(client: &Client, cmd: ScaleComponentCommand, wait: Wait) -> Result<Outcome> {
    let mut events = client.events().await?;
    client.scale_component(&cmd).await?;
    let (id, host_id) = (&cmd.component_id, &cmd.host_id);
    let Some(timeout) = wait else {
        return Ok(Outcome::sent(
            host_id,
            format!(
                "component {id} scale to {} sent to host {host_id}",
                cmd.count
            ),
        ));
    };
    Ok(events
        .wait_for("component_scaled or component_scale_failed", timeout, |m| {
            scale_outcome(m, id, host_id, None)
        })
        .await?)
}

/// The outcome of a scale or update of `id` on `host_id`, if `m` tells it. With
/// `new_ref`, only a `component_scaled` for that image counts (an update).
fn scale_outcome(
    m: &EventMessage,
    id: &str,
    host_id: &str,
    new_ref: Option<&str>,
) -> Option<Outcome> {
    match &m.event {
        LatticeEvent::ComponentScaled(e)
            if e.component_id == id
                && e.host_id == host_id
                && new_ref.is_none_or(|r| e.image_ref == r) =>
        {
            let text = if e.max_instances == 0 {
                format!("component {id} stopped on host {host_id}")
            } else {
                format!(
                    "component {id} running on host {host_id} with up to {} instance(s) ({})",
                    e.max_instances, e.image_ref
                )
            };
            Some(Outcome::told(host_id, true, text, m))
        }
        LatticeEvent::ComponentScaleFailed(e)
            if e.scale.component_id == id && e.scale.host_id == host_id =>
        {
            Some(Outcome::told(
                host_id,
                false,
                format!("component {id} failed on host {host_id}: {}", e.error),
                m,
            ))
        }
        _ => None,
    }
}

#[derive(Clone, Copy, PartialEq)]
pub(super) enum Kind {
    Component,
    Provider,
}

/// `(host_id, image_ref)` of every host running `id` (only `host` when given).
pub(super) async fn hosts_running(
    client: &Client,
    id: &str,
    host: Option<&str>,
    kind: Kind,
) -> Result<Vec<(String, String)>> {
    let inventories = match host {
        Some(h) => vec![inventory_of(client, h).await?],
        None => client.host_inventories().await?,
    };
    let found = running_in(&inventories, id, kind);
    if found.is_empty() {
        let what = match kind {
            Kind::Component => "component",
            Kind::Provider => "provider",
        };
        let place = host.map_or_else(|| "any host".to_owned(), |h| format!("host {h}"));
        return Err(OpsError::NotFound(format!(
            "{what} {id:?} is not running on {place} of lattice {:?}",
            client.lattice()
        )));
    }
    Ok(found)
}

/// `(host_id, image_ref)` of every host among `inventories` that runs `id` as a `kind`.
pub(super) fn running_in(
    inventories: &[HostInventory],
    id: &str,
    kind: Kind,
) -> Vec<(String, String)> {
    inventories
        .iter()
        .filter_map(|inv| {
            let image_ref = match kind {
                Kind::Component => inv
                    .components
                    .iter()
                    .find(|c| c.id == id)
                    .map(|c| c.image_ref.clone()),
                Kind::Provider => inv
                    .providers
                    .iter()
                    .find(|p| p.id == id)
                    .map(|p| p.image_ref.clone().unwrap_or_default()),
            }?;
            Some((inv.host_id.clone(), image_ref))
        })
        .collect()
}

/// The hosts running component `id` (empty when none does).
pub async fn component_hosts(client: &Client, id: &str) -> Result<Vec<String>> {
    match hosts_running(client, id, None, Kind::Component).await {
        Ok(found) => Ok(found.into_iter().map(|(host, _)| host).collect()),
        Err(OpsError::NotFound(_)) => Ok(Vec::new()),
        Err(err) => Err(err),
    }
}

/// The hosts running provider `id` (empty when none does).
pub async fn provider_hosts(client: &Client, id: &str) -> Result<Vec<String>> {
    match hosts_running(client, id, None, Kind::Provider).await {
        Ok(found) => Ok(found.into_iter().map(|(host, _)| host).collect()),
        Err(OpsError::NotFound(_)) => Ok(Vec::new()),
        Err(err) => Err(err),
    }
}

/// The host a placement names. For an auction, `first_bid` runs it (only then) and
/// answers the first bidder; when no host bids, the first host by id is taken.
async fn place(
    client: &Client,
    placement: &Placement,
    first_bid: impl std::future::Future<Output = crate::Result<Option<String>>>,
) -> Result<String> {
    match placement {
        Placement::HostId(id) => Ok(id.clone()),
        Placement::Host(host) => Ok(resolve_host(client, host).await?.id),
        Placement::Auction => match first_bid.await? {
            Some(host_id) => Ok(host_id),
            None => first_host(client).await,
        },
    }
}

/// The first host by id, for a placement no host bid on.
async fn first_host(client: &Client) -> Result<String> {
    let mut hosts = client.ping_hosts().await?;
    hosts.sort_by(|a, b| a.id.cmp(&b.id));
    hosts
        .into_iter()
        .next()
        .map(|h| h.id)
        .ok_or_else(|| OpsError::NoHosts {
            lattice: client.lattice().to_owned(),
        })
}
