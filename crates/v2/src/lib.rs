//! wasmCloud 2.x hosts, spoken to over NATS as `wash host` 2.10 speaks.
//!
//! A 2.x host has no lattice, no control interface v1, no events and no links: a
//! scheduler drives it over `runtime.host.<id>.*` with protobuf canonical JSON, and it
//! reports itself in heartbeats on `runtime.operator.heartbeat.<id>` (../shared/protocol.md,
//! Part B). This crate
//! - keeps a table of the 2.x hosts whose heartbeats it has seen ([`HostTable`],
//!   [`discover`], [`find_host`]), each gone after [`STALE_AFTER`] without one;
//! - starts, queries and stops workloads ([`start_workload`], [`workload_status`],
//!   [`stop_workload`]), naming the host and the reason when one fails or a host
//!   stays silent (2.x hosts do not answer a request they cannot parse);
//! - remembers the workloads Trellis started ([`WorkloadRecord`]): from NATS alone
//!   nobody can list the workloads others scheduled;
//! - describes what runs where ([`describe_workload`]): each remembered workload's
//!   components with their WIT (read from their images), the host interfaces each one
//!   binds with their config, and the links between its components.
//!
//! The message types are generated from `proto/runtime_v2.proto` (prost + pbjson).

mod description;
mod error;
mod hosts;
mod ops;
mod record;
mod workload;

/// The generated wasmCloud 2.x messages (`wasmcloud.runtime.v2`).
#[allow(missing_docs, clippy::all, clippy::pedantic)]
pub mod proto {
    include!(concat!(env!("OUT_DIR"), "/wasmcloud.runtime.v2.rs"));
    include!(concat!(env!("OUT_DIR"), "/wasmcloud.runtime.v2.serde.rs"));
}

pub use description::{
    describe_record, describe_workload, match_links, read_wit, BoundInterface, WorkloadComponent,
    WorkloadDescription, WorkloadLink,
};
pub use error::V2Error;
pub use hosts::{
    discover, find_host, host_subject, HostTable, HEARTBEAT_INTERVAL, HEARTBEAT_SUBJECTS,
    STALE_AFTER,
};
pub use ops::{
    describe, remembered_workloads, repository_name, start_and_remember, stop_and_forget,
    WorkloadSpec, WorkloadView,
};
pub use record::{RecordedComponent, RecordedInterface, WorkloadRecord, WorkloadRecords};
pub use workload::{
    command, http_workload, parse_interface, start_workload, stop_workload, workload_status,
    START_TIMEOUT, STATUS_TIMEOUT,
};
