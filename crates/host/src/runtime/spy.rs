//! The message spy's host half: which components are spied on (leases), and the call
//! records of linked calls into them.
//!
//! Zero cost when nobody spies: [`SpyTap::watching`] is one atomic load while no lease
//! is held, and nothing is rendered or allocated for a call into a component without a
//! live lease. Records are bounded (each WAVE value cut at
//! [`SPY_MAX_VALUE_BYTES`], all of one call's values at [`SPY_MAX_RECORD_VALUE_BYTES`])
//! and go into a bounded broadcast queue: a subscriber that falls behind loses the
//! oldest and learns how many (the lattice side reports them as `dropped`).

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use tokio::sync::broadcast;
use trellis_proto::{SpyRecord, SPY_MAX_RECORD_VALUE_BYTES, SPY_MAX_TTL_MS, SPY_MAX_VALUE_BYTES};
use wasmtime::component::Val;

use super::core::Runtime;
use crate::HostError;

/// Records queued for the publisher; past this a slow one loses the oldest.
const QUEUE: usize = 256;

/// Most components spied on at once on one host (lease requests come from the lattice,
/// not from guests, but a buggy client must not grow the table without bound).
const MAX_LEASES: usize = 1024;

/// Most values of one call kept in a record; the rest are counted in one last entry.
const MAX_VALUES: usize = 64;

/// Component id → spy id → end of that spy's lease.
type Leases = HashMap<String, HashMap<String, Instant>>;

/// The spy state of one runtime.
pub(crate) struct SpyTap {
    /// How many leases the table holds (expired ones included until swept): the fast
    /// "nobody spies" check.
    leased: AtomicUsize,
    /// Each spy holds its own lease, so one spy stopping leaves the others' running.
    leases: Mutex<Leases>,
    records: broadcast::Sender<SpyRecord>,
}

impl Default for SpyTap {
    fn default() -> Self {
        SpyTap {
            leased: AtomicUsize::new(0),
            leases: Mutex::default(),
            records: broadcast::channel(QUEUE).0,
        }
    }
}

impl SpyTap {
    /// Whether anyone spies on anything on this host (one atomic load): the check that
    /// comes before any work for a record.
    pub(crate) fn anyone(&self) -> bool {
        self.leased.load(Ordering::Relaxed) != 0
    }

    /// Whether calls into `target` are spied on now.
    pub(crate) fn watching(&self, target: &str) -> bool {
        if self.leased.load(Ordering::Relaxed) == 0 {
            return false;
        }
        let mut leases = self.leases.lock().unwrap_or_else(|p| p.into_inner());
        let Some(spies) = leases.get(target) else {
            return false;
        };
        let now = Instant::now();
        if spies.values().any(|until| *until > now) {
            return true;
        }
        leases.remove(target);
        self.leased.store(count(&leases), Ordering::Relaxed);
        false
    }

    fn lease(&self, component_id: &str, spy: &str, ttl: Duration) -> Result<Duration, HostError> {
        let ttl = ttl.min(Duration::from_millis(SPY_MAX_TTL_MS));
        let mut leases = self.leases.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        leases.retain(|_, spies| {
            spies.retain(|_, until| *until > now);
            !spies.is_empty()
        });
        let held = leases
            .get(component_id)
            .is_some_and(|spies| spies.contains_key(spy));
        let result = if ttl.is_zero() {
            if let Some(spies) = leases.get_mut(component_id) {
                spies.remove(spy);
                if spies.is_empty() {
                    leases.remove(component_id);
                }
            }
            Ok(ttl)
        } else if count(&leases) >= MAX_LEASES && !held {
            Err(HostError::InvalidArguments(format!(
                "this host already holds {MAX_LEASES} spy leases"
            )))
        } else {
            leases
                .entry(component_id.to_owned())
                .or_default()
                .insert(spy.to_owned(), now + ttl);
            Ok(ttl)
        };
        self.leased.store(count(&leases), Ordering::Relaxed);
        result
    }
}

fn count(leases: &Leases) -> usize {
    leases.values().map(HashMap::len).sum()
}

/// A spied call in flight: what is known before the call.
pub(crate) struct SpyCall {
    began: Instant,
    record: SpyRecord,
    budget: usize,
}

impl SpyCall {
    /// Starts a record of `source` calling `iface#func` of `target` with `args`.
    pub(crate) fn begin(
        host_id: &str,
        source: &str,
        target: &str,
        link_name: &str,
        iface: &str,
        func: &str,
        args: &[Val],
    ) -> SpyCall {
        let mut budget = SPY_MAX_RECORD_VALUE_BYTES;
        let mut truncated = false;
        let args = render_all(args, &mut budget, &mut truncated);
        SpyCall {
            began: Instant::now(),
            budget,
            record: SpyRecord {
                time: super::logs::now_rfc3339(),
                host_id: host_id.to_owned(),
                source_id: source.to_owned(),
                target_id: target.to_owned(),
                link_name: link_name.to_owned(),
                interface: iface.to_owned(),
                function: func.to_owned(),
                args,
                results: Vec::new(),
                duration_us: 0,
                error: None,
                truncated,
                dropped: 0,
            },
        }
    }

    /// Completes the record with the call's outcome and queues it.
    pub(crate) fn finish(mut self, tap: &SpyTap, outcome: &wasmtime::Result<Vec<Val>>) {
        let record = &mut self.record;
        record.duration_us = u64::try_from(self.began.elapsed().as_micros()).unwrap_or(u64::MAX);
        match outcome {
            Ok(results) => {
                record.results = render_all(results, &mut self.budget, &mut record.truncated)
            }
            Err(err) => {
                let mut text = super::http::describe_failure(err);
                if text.len() > SPY_MAX_VALUE_BYTES {
                    text.truncate(floor_char_boundary(&text, SPY_MAX_VALUE_BYTES));
                    text.push('…');
                    record.truncated = true;
                }
                record.error = Some(text);
            }
        }
        // An error only means nobody subscribes any more; the lease will lapse.
        let _ = tap.records.send(self.record);
    }
}

/// Renders `values` as WAVE within `budget` bytes (shared by the whole record).
fn render_all(values: &[Val], budget: &mut usize, truncated: &mut bool) -> Vec<String> {
    let mut out: Vec<String> = values
        .iter()
        .take(MAX_VALUES)
        .map(|value| {
            let limit = SPY_MAX_VALUE_BYTES.min(*budget);
            let (text, cut) = render(value, limit);
            *budget = budget.saturating_sub(text.len());
            *truncated |= cut;
            text
        })
        .collect();
    if values.len() > MAX_VALUES {
        out.push(format!("… {} more", values.len() - MAX_VALUES));
        *truncated = true;
    }
    out
}

/// `value` as WAVE, cut at `limit` bytes (then ending in `…`); whether it was cut.
fn render(value: &Val, limit: usize) -> (String, bool) {
    let mut out = Bounded {
        text: String::new(),
        limit,
        full: false,
    };
    // The writer stops at the first refused write, so a huge list is never rendered whole.
    let result = wasm_wave::writer::Writer::new(&mut out).write_value(value);
    if out.full {
        out.text.push('…');
        return (out.text, true);
    }
    if let Err(err) = result {
        return (format!("<not WAVE: {err}>"), false);
    }
    (out.text, false)
}

/// A `fmt::Write` that keeps at most `limit` bytes and then refuses further writes.
struct Bounded {
    text: String,
    limit: usize,
    full: bool,
}

impl std::fmt::Write for Bounded {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let room = self.limit - self.text.len();
        if s.len() <= room {
            self.text.push_str(s);
            return Ok(());
        }
        self.text.push_str(&s[..floor_char_boundary(s, room)]);
        self.full = true;
        Err(std::fmt::Error)
    }
}

/// The largest index `<= at` that is a char boundary of `s`.
fn floor_char_boundary(s: &str, at: usize) -> usize {
    (0..=at.min(s.len()))
        .rev()
        .find(|&i| s.is_char_boundary(i))
        .unwrap_or(0)
}

impl Runtime {
    /// Publishes records of linked calls into component `component_id` for `ttl` from
    /// now (capped at [`SPY_MAX_TTL_MS`]) on behalf of spy `spy` (any id the spy keeps
    /// for itself); a zero `ttl` ends that spy's lease, and records stop when no spy of
    /// the component holds one. The component need not run yet. Returns the lease granted.
    pub fn spy_lease(
        &self,
        component_id: &str,
        spy: &str,
        ttl: Duration,
    ) -> Result<Duration, HostError> {
        self.inner.spy.lease(component_id, spy, ttl)
    }

    /// Records of spied calls from now on (see [`Runtime::spy_lease`]). A receiver that
    /// falls behind by more than a few hundred records loses the oldest (`Lagged`).
    pub fn spy_records(&self) -> broadcast::Receiver<SpyRecord> {
        self.inner.spy.records.subscribe()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_values_are_cut_at_the_limit_and_say_so() {
        let long = Val::String("é".repeat(5000));
        let (text, cut) = render(&long, 101);
        assert!(cut && text.ends_with('…'));
        assert!(text.len() <= 101 + '…'.len_utf8(), "{}", text.len());
        let (short, cut) = render(&Val::List(vec![Val::U8(1), Val::U8(2)]), 100);
        assert_eq!((short.as_str(), cut), ("[1, 2]", false));
    }

    #[test]
    fn a_record_shares_one_budget_across_its_values() {
        let big = Val::String("x".repeat(SPY_MAX_VALUE_BYTES * 2));
        let mut budget = SPY_MAX_RECORD_VALUE_BYTES;
        let mut truncated = false;
        let many = vec![big; MAX_VALUES + 3];
        let out = render_all(&many, &mut budget, &mut truncated);
        let total: usize = out.iter().map(String::len).sum();
        assert!(truncated && total <= SPY_MAX_RECORD_VALUE_BYTES + 4 * MAX_VALUES + 16);
        assert_eq!(out.last().unwrap(), "… 3 more");
    }

    #[test]
    fn leases_expire_and_end_per_spy() {
        let tap = SpyTap::default();
        assert!(!tap.watching("a"));
        tap.lease("a", "s1", Duration::from_secs(5)).unwrap();
        tap.lease("a", "s2", Duration::from_secs(5)).unwrap();
        assert!(tap.watching("a") && !tap.watching("b"));
        tap.lease("a", "s1", Duration::ZERO).unwrap();
        assert!(tap.watching("a"), "the other spy still holds a lease");
        tap.lease("a", "s2", Duration::ZERO).unwrap();
        assert!(!tap.watching("a"));
        tap.lease("b", "s1", Duration::from_millis(1)).unwrap();
        std::thread::sleep(Duration::from_millis(5));
        assert!(!tap.watching("b"));
        assert_eq!(tap.leased.load(Ordering::Relaxed), 0);
    }
}
