//! The message spy (a Trellis extension): call records a Trellis host publishes on
//! `trellis.spy.<lattice>.<target component id>` for calls through links into that
//! component or provider, while a spy holds a lease on the target.
//!
//! Each call is recorded once: by the Trellis host that makes it (its component's call,
//! its messaging provider's delivery), which marks a call to another host with the wRPC
//! header `trellis-spied`; the serving Trellis host records only calls without that mark
//! (from wasmCloud hosts and other wRPC peers).
//!
//! A spy asks for records by sending a [`SpyLeaseRequest`] to
//! `trellis.spy.<lattice>.<component id>.lease` (see [`crate::subject::spy_lease`]) and
//! renews it before [`SpyLeaseRequest::ttl_ms`] runs out; a host that holds no live
//! lease for a component renders and publishes nothing for its calls.

use serde::{Deserialize, Serialize};

/// Longest WAVE text kept for one argument or result, in bytes; longer values are cut
/// (at a character boundary) and end with `…`.
pub const SPY_MAX_VALUE_BYTES: usize = 4096;

/// Longest WAVE text kept for all arguments and results of one call together, in bytes:
/// what a guest passes must not make records (and the host's queue of them) large.
pub const SPY_MAX_RECORD_VALUE_BYTES: usize = 16 * 1024;

/// Longest lease a host grants; a longer TTL is shortened to this.
pub const SPY_MAX_TTL_MS: u64 = 60_000;

/// One call through a link: from a component into another component or a provider, or
/// a provider's delivery to a component.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SpyRecord {
    /// RFC 3339 time the call started.
    pub time: String,
    /// The host that recorded it: the caller's, or the target's for a caller that is
    /// not a Trellis host.
    pub host_id: String,
    /// The calling component (or the delivering provider).
    pub source_id: String,
    /// The called component or provider (the one spied on).
    pub target_id: String,
    /// The link name the call went through.
    pub link_name: String,
    /// The interface as the caller imports it, e.g. `trellis:fwd/greeter`.
    pub interface: String,
    /// The function name in that interface.
    pub function: String,
    /// Each argument as WAVE text (possibly cut, see [`SpyRecord::truncated`]).
    pub args: Vec<String>,
    /// Each result as WAVE text; empty when the call failed.
    pub results: Vec<String>,
    /// How long the call took, instantiation of the target included, in microseconds.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub duration_us: u64,
    /// Why the call failed, if it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Whether some argument, result or the error was cut to stay within the limits
    /// ([`SPY_MAX_VALUE_BYTES`], [`SPY_MAX_RECORD_VALUE_BYTES`]).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub truncated: bool,
    /// How many records of this host were dropped just before this one because its
    /// publisher fell behind.
    #[serde(default, skip_serializing_if = "is_zero")]
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub dropped: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// Body of `trellis.spy.<lattice>.<component id>.lease`: publish records of calls into
/// that component for `ttl_ms` from now (0 ends the lease).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpyLeaseRequest {
    /// How long the lease lasts, in milliseconds (capped at [`SPY_MAX_TTL_MS`]).
    pub ttl_ms: u64,
    /// Who holds the lease: any id unique to one spy (a NATS inbox name will do), so one
    /// spy ending its lease leaves another's running.
    #[serde(default)]
    pub spy: String,
}

/// The `response` of a lease reply (in a ctl envelope).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpyLeaseReply {
    /// The host that answered.
    pub host_id: String,
    /// The lease granted, in milliseconds.
    pub ttl_ms: u64,
    /// Whether the component runs on that host now.
    pub running: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_leave_out_what_is_unset() {
        let record = SpyRecord {
            time: "2026-01-01T00:00:00Z".into(),
            host_id: "N1".into(),
            source_id: "a".into(),
            target_id: "b".into(),
            link_name: "default".into(),
            interface: "x:y/z".into(),
            function: "f".into(),
            args: vec!["1".into()],
            results: vec![],
            duration_us: 5,
            error: None,
            truncated: false,
            dropped: 0,
        };
        let json = serde_json::to_value(&record).unwrap();
        assert!(json.get("error").is_none() && json.get("truncated").is_none());
        assert!(json.get("dropped").is_none());
        let back: SpyRecord = serde_json::from_value(json).unwrap();
        assert_eq!(back, record);
    }
}
