//! The message spy: follow the calls other components make into one component on a
//! Trellis host (`trellis spy`, the app's Spy section).
//!
//! [`spy`] subscribes to `trellis.spy.<lattice>.<component>`, then asks the lattice's
//! hosts for records with a lease on `trellis.spy.<lattice>.<component>.lease` and
//! renews it every third of [`SPY_LEASE_TTL`] until the [`SpyStream`] is stopped or
//! dropped. Hosts render and publish records only while a lease is live, so a spy that
//! vanishes without a word costs its host nothing once the lease lapses.
//!
//! On a lattice where no Trellis host answers (wasmCloud hosts only), the spy reads the
//! calls off the wRPC traffic instead (`spy_wire`). Where Trellis hosts answer but the
//! target runs on a wasmCloud host, the calls its wasmCloud callers make are read off the
//! traffic as well (Trellis callers record theirs and mark them, so none is seen twice).

use std::pin::Pin;
use std::task::{Context as TaskContext, Poll};
use std::time::Duration;

use futures::{Stream, StreamExt as _};
use trellis_proto::{subject, CtlResponse, SpyLeaseReply, SpyLeaseRequest, SpyRecord};

use super::refs::checked_id;
use super::workload::{running_in, Kind};
use super::{OpsError, Result};
use crate::{Client, LatticeError};

/// How long one lease lasts; the spy renews it three times as often.
pub const SPY_LEASE_TTL: Duration = Duration::from_secs(10);

/// Call records of one component, as they happen; see [`spy`].
///
/// Undecodable records are yielded as errors. Dropping the stream stops the renewals
/// (and, inside a Tokio runtime, ends the lease at once); [`SpyStream::stop`] ends it
/// and waits until the request is sent.
pub struct SpyStream {
    component_id: String,
    link: Option<String>,
    hosts: Vec<SpyLeaseReply>,
    records: async_nats::Subscriber,
    nats: async_nats::Client,
    lease_subject: String,
    /// This spy's id in its leases (a fresh inbox name: unique on the server).
    spy_id: String,
    renew: tokio::task::JoinHandle<()>,
    /// Set by [`SpyStream::stop`], so dropping does not end the lease twice.
    ended: bool,
    /// Records read off the wRPC traffic (a lattice without Trellis hosts).
    wire: Option<tokio::sync::mpsc::Receiver<SpyRecord>>,
    /// Records read off the wRPC traffic beside the hosts' (a target on a wasmCloud host
    /// of a lattice with Trellis hosts), and the task that finds out and reads them.
    beside: Option<tokio::sync::mpsc::Receiver<SpyRecord>>,
    beside_task: Option<tokio::task::JoinHandle<()>>,
}

impl std::fmt::Debug for SpyStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SpyStream")
            .field("component_id", &self.component_id)
            .field("link", &self.link)
            .finish_non_exhaustive()
    }
}

impl SpyStream {
    /// The component spied on.
    pub fn component_id(&self) -> &str {
        &self.component_id
    }

    /// The first host's answer to the lease (which host, whether the component runs
    /// there); other hosts granted it too, silently.
    pub fn hosts(&self) -> &[SpyLeaseReply] {
        &self.hosts
    }

    /// Whether the calls are read off the wRPC traffic: no Trellis host answered.
    pub fn reads_wire(&self) -> bool {
        self.wire.is_some()
    }

    fn end_request(&self) -> SpyLeaseRequest {
        SpyLeaseRequest {
            ttl_ms: 0,
            spy: self.spy_id.clone(),
        }
    }

    /// Ends the lease on every host and stops.
    pub async fn stop(mut self) {
        self.renew.abort();
        if let Some(task) = &self.beside_task {
            task.abort();
        }
        self.ended = true;
        if let Ok(body) = serde_json::to_vec(&self.end_request()) {
            let _ = self
                .nats
                .publish(self.lease_subject.clone(), body.into())
                .await;
            let _ = self.nats.flush().await;
        }
    }
}

impl Drop for SpyStream {
    fn drop(&mut self) {
        self.renew.abort();
        if let Some(task) = &self.beside_task {
            task.abort();
        }
        if self.ended {
            return;
        }
        // Best effort: without it the hosts stop on their own when the lease lapses.
        if let (Ok(handle), Ok(body)) = (
            tokio::runtime::Handle::try_current(),
            serde_json::to_vec(&self.end_request()),
        ) {
            let (nats, subject) = (self.nats.clone(), self.lease_subject.clone());
            handle.spawn(async move {
                let _ = nats.publish(subject, body.into()).await;
            });
        }
    }
}

impl Stream for SpyStream {
    type Item = crate::Result<SpyRecord>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Option<Self::Item>> {
        let link = self.link.clone();
        if let Some(wire) = self.wire.as_mut() {
            loop {
                let Some(record) = std::task::ready!(wire.poll_recv(cx)) else {
                    return Poll::Ready(None);
                };
                if link.as_ref().is_none_or(|l| *l == record.link_name) {
                    return Poll::Ready(Some(Ok(record)));
                }
            }
        }
        while let Some(beside) = self.beside.as_mut() {
            match beside.poll_recv(cx) {
                Poll::Ready(Some(record)) => {
                    if link.as_ref().is_none_or(|l| *l == record.link_name) {
                        return Poll::Ready(Some(Ok(record)));
                    }
                }
                // Not read (the target runs on Trellis hosts only), or no longer.
                Poll::Ready(None) => self.beside = None,
                Poll::Pending => break,
            }
        }
        loop {
            let Some(message) = std::task::ready!(self.records.poll_next_unpin(cx)) else {
                return Poll::Ready(None);
            };
            let record: SpyRecord = match serde_json::from_slice(&message.payload) {
                Ok(record) => record,
                Err(e) => {
                    return Poll::Ready(Some(Err(LatticeError::BadReply {
                        subject: message.subject.to_string(),
                        reason: e.to_string(),
                    })))
                }
            };
            if self.link.as_ref().is_none_or(|l| *l == record.link_name) {
                return Poll::Ready(Some(Ok(record)));
            }
        }
    }
}

/// Starts spying on calls through links into component or provider `component_id`
/// (from any host; recorded by the Trellis host that makes or serves each call),
/// optionally only those through link `link`. When no Trellis host answers on the
/// lattice (wasmCloud hosts have no spy), the calls are read off the wRPC traffic.
pub async fn spy(client: &Client, component_id: &str, link: Option<&str>) -> Result<SpyStream> {
    let component_id = checked_id("component", component_id)?;
    let nats = client.nats().clone();
    let nats_err = |operation, e: &dyn std::fmt::Display| {
        OpsError::Lattice(LatticeError::Nats {
            operation,
            reason: e.to_string(),
        })
    };
    // Subscribed (and confirmed) before the lease, so the first call is not missed.
    let records = nats
        .subscribe(subject::spy(client.lattice(), &component_id))
        .await
        .map_err(|e| nats_err("subscribe", &e))?;
    crate::round_trip(&nats).await?;

    let lease_subject = subject::spy_lease(client.lattice(), &component_id);
    let spy_id = nats.new_inbox();
    let body = serde_json::to_vec(&SpyLeaseRequest {
        ttl_ms: SPY_LEASE_TTL.as_millis() as u64,
        spy: spy_id.clone(),
    })
    .map_err(|e| OpsError::Lattice(LatticeError::Proto(e.into())))?;
    let request = async_nats::Request::new()
        .payload(body.clone().into())
        .timeout(Some(client.context().timeout()));
    let reply = nats
        .send_request(lease_subject.clone(), request)
        .await
        .map_err(|err| match err.kind() {
            async_nats::RequestErrorKind::NoResponders => OpsError::NotFound(String::new()),
            async_nats::RequestErrorKind::TimedOut => OpsError::Lattice(LatticeError::Timeout {
                subject: lease_subject.clone(),
                after: client.context().timeout(),
            }),
            _ => nats_err("request", &err),
        });
    let reply = match reply {
        Ok(reply) => reply,
        // No Trellis host: read the wire.
        Err(OpsError::NotFound(_)) => {
            let wire = super::spy_wire::tap(client, &component_id, None).await?;
            return Ok(SpyStream {
                component_id,
                link: link.map(str::to_owned),
                hosts: Vec::new(),
                records,
                nats,
                lease_subject,
                spy_id,
                renew: tokio::spawn(async {}),
                // No lease to end.
                ended: true,
                wire: Some(wire),
                beside: None,
                beside_task: None,
            });
        }
        Err(err) => return Err(err),
    };
    let reply: CtlResponse<SpyLeaseReply> =
        serde_json::from_slice(&reply.payload).map_err(|e| LatticeError::BadReply {
            subject: lease_subject.clone(),
            reason: e.to_string(),
        })?;
    if !reply.success {
        return Err(OpsError::Failed {
            message: format!("spy on {component_id}: {}", reply.message),
        });
    }
    let hosts = reply.response.into_iter().collect();

    // Renewals go to every host (a plain publish), hosts that joined since included.
    let renew = {
        let (nats, subject) = (nats.clone(), lease_subject.clone());
        tokio::spawn(async move {
            let mut every = tokio::time::interval(SPY_LEASE_TTL / 3);
            every.tick().await;
            loop {
                every.tick().await;
                if nats
                    .publish(subject.clone(), body.clone().into())
                    .await
                    .is_err()
                {
                    tracing::debug!("cannot renew a spy lease; retrying at the next tick");
                }
            }
        })
    };
    let (beside_tx, beside) = tokio::sync::mpsc::channel(BESIDE_QUEUE);
    let beside_task = tokio::spawn(read_beside(client.clone(), component_id.clone(), beside_tx));
    Ok(SpyStream {
        component_id,
        link: link.map(str::to_owned),
        hosts,
        records,
        nats,
        lease_subject,
        spy_id,
        renew,
        ended: false,
        wire: None,
        beside: Some(beside),
        beside_task: Some(beside_task),
    })
}

/// Records read off the wire beside the hosts' that may wait for the reader.
const BESIDE_QUEUE: usize = 256;

/// Reads the calls into `target` off the wRPC traffic when it runs on a host that is not
/// a Trellis host (its wasmCloud callers record nothing, and neither does its host),
/// sending them on `tx` until it closes. The check costs a ping window, so it runs beside
/// the spy rather than before it.
async fn read_beside(client: Client, target: String, tx: tokio::sync::mpsc::Sender<SpyRecord>) {
    let images = match runs_on_a_host_without_spy(&client, &target).await {
        Ok(Some(images)) => images,
        Ok(None) => return,
        Err(err) => {
            tracing::debug!(%err, %target, "cannot tell where the spied target runs");
            return;
        }
    };
    let Ok(mut wire) = super::spy_wire::tap(&client, &target, Some(images)).await else {
        return;
    };
    while let Some(record) = wire.recv().await {
        if tx.send(record).await.is_err() {
            return;
        }
    }
}

/// Whether a host that runs `target` (a component or provider) is not a Trellis host (it
/// does not answer on Trellis' own subjects): then the images `target` runs, for its WIT.
async fn runs_on_a_host_without_spy(client: &Client, target: &str) -> Result<Option<Vec<String>>> {
    let inventories = client.host_inventories().await?;
    for host in running(&inventories, target) {
        let probe = subject::component_wit(client.lattice(), host);
        let answer = client.nats().request(probe, Vec::new().into()).await;
        if answer.is_err_and(|e| e.kind() == async_nats::RequestErrorKind::NoResponders) {
            let images = running_in(&inventories, target, Kind::Component);
            return Ok(Some(images.into_iter().map(|(_, image)| image).collect()));
        }
    }
    Ok(None)
}

/// The hosts of `inventories` that run `target`, as a component or a provider.
fn running<'a>(
    inventories: &'a [trellis_proto::HostInventory],
    target: &'a str,
) -> impl Iterator<Item = &'a str> + 'a {
    inventories
        .iter()
        .filter(move |inv| {
            inv.components.iter().any(|c| c.id == target)
                || inv.providers.iter().any(|p| p.id == target)
        })
        .map(|inv| inv.host_id.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_target_runs_where_an_inventory_lists_it_as_a_component_or_a_provider() {
        let inventories: Vec<trellis_proto::HostInventory> = serde_json::from_value(serde_json::json!([
            {"host_id": "NA", "components": [{"id": "hello", "image_ref": "file:///h.wasm", "max_instances": 1}], "providers": []},
            {"host_id": "NB", "components": [], "providers": [{"id": "kv"}]},
            {"host_id": "NC", "components": [{"id": "hello", "image_ref": "file:///h.wasm", "max_instances": 2}], "providers": [{"id": "hello-not"}]},
        ]))
        .unwrap();
        assert_eq!(
            running(&inventories, "hello").collect::<Vec<_>>(),
            ["NA", "NC"]
        );
        assert_eq!(running(&inventories, "kv").collect::<Vec<_>>(), ["NB"]);
        assert_eq!(running(&inventories, "absent").count(), 0);
    }
}
