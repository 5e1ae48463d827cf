//! `config.put`, `config.get` and `config.del`: named config in `CONFIGDATA_<lattice>`.

use std::sync::Arc;

use bytes::Bytes;
use trellis_proto::{ConfigChanged, LatticeEvent};

use super::{error, ok, success};
use crate::lattice::core::HostCore;

/// Stores a string map under `name`, byte for byte as sent.
pub(super) async fn put(core: &Arc<HostCore>, name: &str, body: Bytes) -> Option<Bytes> {
    if let Err(err) = trellis_proto::validate_config_name(name) {
        return error(err);
    }
    if let Err(err) = trellis_proto::parse_config_map(&body) {
        return error(err);
    }
    if let Err(err) = core.state.put_config(name, body).await {
        return error(err);
    }
    core.events
        .publish(LatticeEvent::ConfigSet(ConfigChanged {
            config_name: name.to_owned(),
        }))
        .await;
    success("successfully put config")
}

/// The map stored under `name`; a missing one is a success without `response`.
pub(super) async fn get(core: &Arc<HostCore>, name: &str) -> Option<Bytes> {
    if let Err(err) = trellis_proto::validate_config_name(name) {
        return error(err);
    }
    match core.state.config(name).await {
        Ok(Some(map)) => ok(map),
        Ok(None) => success("Configuration not found"),
        Err(err) => error(err),
    }
}

/// Deletes `name` (idempotent).
pub(super) async fn del(core: &Arc<HostCore>, name: &str) -> Option<Bytes> {
    if let Err(err) = trellis_proto::validate_config_name(name) {
        return error(err);
    }
    if let Err(err) = core.state.delete_config(name).await {
        return error(err);
    }
    core.events
        .publish(LatticeEvent::ConfigDeleted(ConfigChanged {
            config_name: name.to_owned(),
        }))
        .await;
    success("successfully deleted config")
}
