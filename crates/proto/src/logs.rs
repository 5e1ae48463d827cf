//! Host log records as published on `trellis.logs.<lattice>.<host_id>` (a Trellis extension).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::ProtoError;

/// Severity of a log record, ordered from least to most severe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum LogLevel {
    /// Very detailed tracing.
    #[serde(alias = "TRACE", alias = "Trace")]
    Trace,
    /// Debugging detail.
    #[serde(alias = "DEBUG", alias = "Debug")]
    Debug,
    /// Normal operation.
    #[serde(alias = "INFO", alias = "Info")]
    Info,
    /// Something unexpected but handled.
    #[serde(alias = "WARN", alias = "Warn", alias = "warning")]
    Warn,
    /// A failure.
    #[serde(alias = "ERROR", alias = "Error")]
    Error,
    /// `wasi:logging` critical.
    #[serde(alias = "CRITICAL", alias = "Critical")]
    Critical,
}

impl LogLevel {
    /// The lowercase name used on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Trace => "trace",
            Self::Debug => "debug",
            Self::Info => "info",
            Self::Warn => "warn",
            Self::Error => "error",
            Self::Critical => "critical",
        }
    }
}

impl fmt::Display for LogLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for LogLevel {
    type Err = ProtoError;

    /// Case-insensitive; accepts `warning` for `warn`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s.to_ascii_lowercase().as_str() {
            "trace" => Self::Trace,
            "debug" => Self::Debug,
            "info" => Self::Info,
            "warn" | "warning" => Self::Warn,
            "error" => Self::Error,
            "critical" => Self::Critical,
            _ => return Err(ProtoError::UnknownLogLevel(s.to_owned())),
        })
    }
}

/// One log line from a host or one of its components.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LogRecord {
    /// RFC 3339 time.
    pub time: String,
    /// Severity.
    pub level: LogLevel,
    /// The host id that produced it.
    pub host: String,
    /// The component id, for guest (`wasi:logging`, stdout/stderr) records.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub component: Option<String>,
    /// The `wasi:logging` context (or the tracing target for host records).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    /// The text.
    pub message: String,
    /// `namespace/name` of the wasmCloud 2.x workload it came from (records received over
    /// OTLP); 1.x hosts have no workloads.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workload: Option<String>,
}
