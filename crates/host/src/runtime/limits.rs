//! Per-component limits: the memory cap of one instance and the deadline of one
//! invocation, from the host's [`RuntimeConfig`](super::RuntimeConfig) and, per
//! component, from the `component_limits` of a ctl `component.scale`.
//!
//! - [`ComponentLimits`]: what a component asks for, parsed from wasmCloud 1.x's
//!   string map ([`ComponentLimits::from_map`]).
//! - `InstanceLimiter`: the store's [`ResourceLimiter`]. It sums every linear memory
//!   and table of one instance (a component holds several core instances, each with
//!   its own memories and tables) against one cap, so 16 memories cannot each take the
//!   whole cap.
//!
//! Control requests are unauthenticated (see [`GrantPolicy`](crate::GrantPolicy)), so
//! a component's limits can only lower the host's caps, never raise them.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use wasmtime::ResourceLimiter;

use crate::HostError;

/// The default memory cap of one instance (all its memories and tables together).
///
/// 256 MiB, as wasmCloud's default linear memory: enough for CPython and
/// SpiderMonkey components (they start at 20–60 MiB), small enough that a handful of
/// runaway instances cannot take a laptop's memory.
pub const DEFAULT_INSTANCE_MEMORY_BYTES: usize = 256 << 20;

/// wasmCloud 1.x's key for a component's memory cap, in bytes.
pub const LIMIT_MEMORY: &str = "max_memory_limit";
/// Alias of [`LIMIT_MEMORY`] naming its unit.
pub const LIMIT_MEMORY_BYTES: &str = "max_linear_memory_bytes";
/// wasmCloud 1.x's key for a component's execution time, in seconds (as its
/// `Limits::max_execution_time` says).
pub const LIMIT_EXECUTION_TIME: &str = "max_execution_time";
/// The execution time in milliseconds, for budgets under a second.
pub const LIMIT_EXECUTION_TIME_MS: &str = "max_execution_time_ms";

/// Limits one component asks for; `None` keeps the host's value.
///
/// Parsed from the `component_limits` map of `component.scale` (see
/// [`ComponentLimits::from_map`]) and applied with
/// [`Runtime::set_component_limits`](super::Runtime::set_component_limits). Values
/// above the host's caps are lowered to them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ComponentLimits {
    /// Memory cap of one instance: all its linear memories and tables together.
    pub max_memory_bytes: Option<usize>,
    /// Deadline of one invocation.
    pub max_execution_time: Option<Duration>,
    /// The map these came from, reported back in inventories and heartbeats.
    pub raw: BTreeMap<String, String>,
}

impl ComponentLimits {
    /// Reads wasmCloud 1.x's `component_limits` map.
    ///
    /// Keys: [`LIMIT_MEMORY`] or [`LIMIT_MEMORY_BYTES`] (bytes), [`LIMIT_EXECUTION_TIME`]
    /// (seconds) or [`LIMIT_EXECUTION_TIME_MS`] (milliseconds). Other keys are kept
    /// for reporting and otherwise ignored, as a wasmCloud host does. A value that is
    /// not a positive integer is refused naming the key.
    pub fn from_map(map: &BTreeMap<String, String>) -> Result<Self, HostError> {
        let number = |key: &str| -> Result<Option<u64>, HostError> {
            let Some(value) = map.get(key) else {
                return Ok(None);
            };
            match value.trim().parse::<u64>() {
                Ok(n) if n > 0 => Ok(Some(n)),
                _ => Err(HostError::InvalidConfig(format!(
                    "component_limits: {key} must be a positive integer, got {value:?}"
                ))),
            }
        };
        let memory = number(LIMIT_MEMORY_BYTES)?.or(number(LIMIT_MEMORY)?);
        let time = match number(LIMIT_EXECUTION_TIME_MS)? {
            Some(ms) => Some(Duration::from_millis(ms)),
            None => number(LIMIT_EXECUTION_TIME)?.map(Duration::from_secs),
        };
        Ok(ComponentLimits {
            max_memory_bytes: memory.map(|b| usize::try_from(b).unwrap_or(usize::MAX)),
            max_execution_time: time,
            raw: map.clone(),
        })
    }

    /// The limits in effect: each of these, lowered to the host's value.
    pub(crate) fn effective(&self, host_memory: usize, host_timeout: Duration) -> Effective {
        Effective {
            memory_bytes: self
                .max_memory_bytes
                .map_or(host_memory, |m| m.min(host_memory)),
            timeout: self
                .max_execution_time
                .map_or(host_timeout, |t| t.min(host_timeout)),
        }
    }
}

/// The limits one invocation runs under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Effective {
    pub(crate) memory_bytes: usize,
    pub(crate) timeout: Duration,
}

/// The trap raised when an instance would grow past its memory cap.
#[derive(Debug, thiserror::Error)]
#[error(
    "memory limit exceeded: the instance asked for {requested} bytes in all, over its cap of \
     {cap} bytes (memories and tables together; set by the host's max_memory_bytes or the \
     component's {LIMIT_MEMORY})"
)]
pub(crate) struct MemoryCapExceeded {
    pub(crate) requested: usize,
    pub(crate) cap: usize,
}

/// The store limiter: one budget for every memory and table of an instance.
#[derive(Debug)]
pub(crate) struct InstanceLimiter {
    cap: usize,
    used: usize,
    /// The last growth allowed, taken back if wasmtime then fails it.
    pending: usize,
}

impl InstanceLimiter {
    pub(crate) fn new(cap: usize) -> Self {
        InstanceLimiter {
            cap,
            used: 0,
            pending: 0,
        }
    }

    fn grow(&mut self, current: usize, desired: usize) -> wasmtime::Result<bool> {
        let delta = desired.saturating_sub(current);
        let requested = self.used.saturating_add(delta);
        if requested > self.cap {
            // A trap naming the cap: a -1 from memory.grow is easy to miss and most
            // guest allocators turn it into an unexplained abort.
            return Err(MemoryCapExceeded {
                requested,
                cap: self.cap,
            }
            .into());
        }
        self.used = requested;
        self.pending = delta;
        Ok(true)
    }

    fn grow_failed(&mut self) {
        self.used = self.used.saturating_sub(self.pending);
        self.pending = 0;
    }
}

/// Bytes a table element takes in wasmtime (a pointer, per `ResourceLimiter`'s docs).
const TABLE_ELEMENT_BYTES: usize = std::mem::size_of::<usize>();

impl ResourceLimiter for InstanceLimiter {
    fn memory_growing(
        &mut self,
        current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        self.grow(current, desired)
    }

    fn memory_grow_failed(&mut self, _error: wasmtime::Error) -> wasmtime::Result<()> {
        self.grow_failed();
        Ok(())
    }

    fn table_growing(
        &mut self,
        current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        self.grow(
            current.saturating_mul(TABLE_ELEMENT_BYTES),
            desired.saturating_mul(TABLE_ELEMENT_BYTES),
        )
    }

    fn table_grow_failed(&mut self, _error: wasmtime::Error) -> wasmtime::Result<()> {
        self.grow_failed();
        Ok(())
    }
}

/// How busy a component is: instances running and callers waiting for one, now and
/// at their peak since it started.
#[derive(Debug, Default)]
pub(crate) struct Load {
    running: Arc<Gauge>,
    waiting: Arc<Gauge>,
}

/// A count and its highest value.
#[derive(Debug, Default)]
pub(crate) struct Gauge {
    now: AtomicUsize,
    peak: AtomicUsize,
}

/// A snapshot of a component's load (see [`Runtime::component_load`](super::Runtime::component_load)).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ComponentLoad {
    /// Its instance limit.
    pub max_instances: u32,
    /// Instances running now.
    pub running: usize,
    /// Invocations waiting for a free instance now.
    pub waiting: usize,
    /// The most instances that ran at once since the component started.
    pub peak_running: usize,
    /// The most invocations that waited at once since the component started.
    pub peak_waiting: usize,
}

/// Counts one caller in a [`Load`] gauge while alive (owned, so it can move into the
/// task that runs the instance).
pub(crate) struct Counted(Arc<Gauge>);

impl Drop for Counted {
    fn drop(&mut self) {
        self.0.now.fetch_sub(1, Ordering::Relaxed);
    }
}

impl Gauge {
    fn count(self: &Arc<Self>) -> Counted {
        let now = self.now.fetch_add(1, Ordering::Relaxed) + 1;
        self.peak.fetch_max(now, Ordering::Relaxed);
        Counted(self.clone())
    }
}

impl Load {
    pub(crate) fn waiting(&self) -> Counted {
        self.waiting.count()
    }

    pub(crate) fn running(&self) -> Counted {
        self.running.count()
    }

    pub(crate) fn snapshot(&self, max_instances: u32) -> ComponentLoad {
        ComponentLoad {
            max_instances,
            running: self.running.now.load(Ordering::Relaxed),
            waiting: self.waiting.now.load(Ordering::Relaxed),
            peak_running: self.running.peak.load(Ordering::Relaxed),
            peak_waiting: self.waiting.peak.load(Ordering::Relaxed),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_parse_wasmcloud_keys_and_refuse_bad_values() {
        let map = |pairs: &[(&str, &str)]| {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<BTreeMap<_, _>>()
        };
        let l = ComponentLimits::from_map(&map(&[
            ("max_memory_limit", "1048576"),
            ("max_execution_time", "2"),
            ("other", "x"),
        ]))
        .unwrap();
        assert_eq!(l.max_memory_bytes, Some(1 << 20));
        assert_eq!(l.max_execution_time, Some(Duration::from_secs(2)));
        let l = ComponentLimits::from_map(&map(&[
            ("max_linear_memory_bytes", "4096"),
            ("max_execution_time_ms", "150"),
        ]))
        .unwrap();
        assert_eq!(l.max_memory_bytes, Some(4096));
        assert_eq!(l.max_execution_time, Some(Duration::from_millis(150)));
        for bad in ["0", "-1", "lots", ""] {
            let err = ComponentLimits::from_map(&map(&[("max_memory_limit", bad)])).unwrap_err();
            assert!(err.to_string().contains("max_memory_limit"), "{err}");
        }
        // Only ever lower than the host.
        let e = l.effective(1 << 30, Duration::from_secs(10));
        assert_eq!(e.memory_bytes, 4096);
        assert_eq!(e.timeout, Duration::from_millis(150));
        let big = ComponentLimits {
            max_memory_bytes: Some(usize::MAX),
            max_execution_time: Some(Duration::from_secs(3600)),
            raw: BTreeMap::new(),
        };
        let e = big.effective(1 << 20, Duration::from_secs(1));
        assert_eq!(
            (e.memory_bytes, e.timeout),
            (1 << 20, Duration::from_secs(1))
        );
    }

    #[test]
    fn the_limiter_sums_memories_and_tables() {
        let mut l = InstanceLimiter::new(1 << 20);
        assert!(l.memory_growing(0, 512 << 10, None).unwrap());
        assert!(l.memory_growing(0, 256 << 10, None).unwrap());
        // A third memory of 512 KiB goes past the 1 MiB cap across the three.
        let err = l.memory_growing(0, 512 << 10, None).unwrap_err();
        assert!(err.to_string().contains("memory limit exceeded"), "{err}");
        // A failed growth gives its share back.
        assert!(l.memory_growing(256 << 10, 512 << 10, None).unwrap());
        l.memory_grow_failed(wasmtime::format_err!("too big"))
            .unwrap();
        assert!(l.table_growing(0, 1000, None).unwrap());
        assert_eq!(l.used, (768 << 10) + 1000 * TABLE_ELEMENT_BYTES);
    }
}
