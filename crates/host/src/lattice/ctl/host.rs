//! `host.ping`, `host.get`, `host.stop`, `claims.get` and `registry.put`.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use trellis_proto::{RegistryCredentials, StopHostCommand};

use super::{error, ok, success};
use crate::lattice::core::HostCore;

/// Every host answers with its `Host`.
pub(super) fn ping(core: &HostCore) -> Option<Bytes> {
    ok(core.host())
}

/// The addressed host answers with its inventory.
pub(super) fn get(core: &HostCore) -> Option<Bytes> {
    ok(core.inventory())
}

/// Replies first, then asks the owner to stop (see `LatticeHost::wait_stop_requested`).
/// An empty body is accepted: the host id is already in the subject.
pub(super) fn stop(core: &HostCore, body: &[u8]) -> Option<Bytes> {
    let timeout = if body.is_empty() {
        None
    } else {
        match trellis_proto::decode_request::<StopHostCommand>("host.stop", body) {
            Ok(request) => request.timeout,
            Err(err) => return error(err),
        }
    };
    *core.stop_timeout.write().unwrap_or_else(|p| p.into_inner()) =
        timeout.map(Duration::from_millis);
    core.stop_requested.cancel();
    success("successfully handled stop host")
}

/// Trellis runs unsigned artifacts only, so there are no claims to list.
pub(super) fn claims_get() -> Option<Bytes> {
    ok(Vec::<BTreeMap<String, String>>::new())
}

/// Registry credentials are published without a reply; a bad body is only logged.
pub(super) fn registry_put(core: &Arc<HostCore>, body: &[u8]) -> Option<Bytes> {
    match trellis_proto::decode_request::<RegistryCredentials>("registry.put", body) {
        Ok(credentials) => {
            // Kept for the OCI fetcher of a later issue; only the names are logged.
            tracing::info!(host = %core.id, registries = ?credentials.keys().collect::<Vec<_>>(), "registry credentials received");
        }
        Err(err) => tracing::warn!(host = %core.id, %err, "ignoring registry.put"),
    }
    None
}
