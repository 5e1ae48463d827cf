//! Auctions: which hosts could run a component or provider. Only qualifying hosts reply.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// `component.auction` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComponentAuctionRequest {
    /// Reference of the component to place.
    pub component_ref: String,
    /// Id it would run under.
    pub component_id: String,
    /// Labels a host must carry (equal values) to qualify.
    #[serde(default)]
    pub constraints: BTreeMap<String, String>,
}

/// A qualifying host's reply to `component.auction`.
///
/// wasmCloud 1.9.2 puts the *ref* in `component_id`; do not rely on that field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComponentAuctionAck {
    /// The requested reference.
    pub component_ref: String,
    /// The requested id (or the ref, on 1.9.2 hosts).
    pub component_id: String,
    /// The bidding host.
    pub host_id: String,
    /// The constraints it satisfied.
    #[serde(default)]
    pub constraints: BTreeMap<String, String>,
}

/// `provider.auction` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderAuctionRequest {
    /// Reference of the provider to place.
    pub provider_ref: String,
    /// Id it would run under.
    pub provider_id: String,
    /// Labels a host must carry (equal values) to qualify.
    #[serde(default)]
    pub constraints: BTreeMap<String, String>,
}

/// A qualifying host's reply to `provider.auction`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderAuctionAck {
    /// The requested reference.
    pub provider_ref: String,
    /// The requested id.
    pub provider_id: String,
    /// The bidding host.
    pub host_id: String,
    /// The constraints it satisfied.
    #[serde(default)]
    pub constraints: BTreeMap<String, String>,
}

/// Whether a host with `labels` satisfies `constraints`: every key present with an equal value.
pub fn labels_satisfy(
    labels: &BTreeMap<String, String>,
    constraints: &BTreeMap<String, String>,
) -> bool {
    constraints.iter().all(|(k, v)| labels.get(k) == Some(v))
}
