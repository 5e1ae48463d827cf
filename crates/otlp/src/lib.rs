//! An OTLP/gRPC receiver for wasmCloud 2.x hosts.
//!
//! 2.x hosts publish no logs or events over NATS: they export logs, spans and metrics
//! over OTLP when `OTEL_EXPORTER_OTLP_ENDPOINT` is set. [`Receiver`] serves that
//! endpoint on loopback and turns what arrives into
//! - log records ([`trellis_proto::LogRecord`]) tagged by workload and component, the
//!   same records the Logs tab shows for Trellis hosts;
//! - [`Touch`]es: the subjects, buckets and containers a workload's spans show it using,
//!   which NATS alone never reveals.

mod decode;
mod receiver;
mod spans;
mod workloads;

pub use decode::log_records;
pub use receiver::{OtlpError, Receiver, Telemetry};
pub use spans::{place, SpanReader, Touch, TouchKind};
pub use workloads::{placed, subscriptions};

/// The port OTLP/gRPC uses by default (what a host exports to when only `OTEL_*`
/// variables other than the endpoint are set).
pub const DEFAULT_PORT: u16 = 4317;
