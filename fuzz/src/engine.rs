//! The fuzzing loop: a seeded PRNG, byte and structure-aware mutations of a corpus,
//! panics caught and saved.
//!
//! This is **not coverage-guided**: nothing instruments the code under test. The only
//! feedback is the *outcome signature* a target returns for each input (which
//! operation it reached, which error kind came back): an input with a signature not
//! seen before joins the corpus, so inputs that get further (a body that decodes, a
//! component that validates) are mutated again. For coverage-guided fuzzing of WIT
//! decoding with libFuzzer see `crates/wit/fuzz` (needs the sanitizer-coverage flags
//! in its `run.sh`).

use std::collections::{HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, Once};
use std::time::{Duration, Instant};

/// A small, fast, seeded PRNG (SplitMix64): the same seed gives the same inputs.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator starting from `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next_u64() % n as u64) as usize
        }
    }

    /// True one time in `n`.
    pub fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }

    /// A random element of `items` (which must not be empty).
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// `len` random bytes.
    pub fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.next_u64() as u8).collect()
    }
}

/// One fuzz target: seeds, optional structure-aware mutations, and the code under test.
pub trait Target {
    /// The target's name (`ctl`, `refs`, ...), used in reports and crash file names.
    fn name(&self) -> &'static str;

    /// Valid (or nearly valid) inputs to start from.
    fn seeds(&mut self) -> Vec<Vec<u8>>;

    /// Tokens worth inserting (keys, keywords, separators).
    fn dictionary(&self) -> Vec<Vec<u8>> {
        Vec::new()
    }

    /// A structure-aware mutation of `input` (JSON nodes, wasm sections, ...), or
    /// `None` when the input has no structure this target knows.
    fn mutate(&self, _input: &[u8], _rng: &mut Rng) -> Option<Vec<u8>> {
        None
    }

    /// Runs the code under test on `input`. A panic is a crash. Returns an outcome
    /// signature: which path the input took (see the module docs).
    fn run(&mut self, input: &[u8]) -> u64;
}

/// How long and how much to fuzz one target.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    /// Wall-clock time for the target.
    pub time: Duration,
    /// Stop after this many executions, if set.
    pub max_execs: Option<u64>,
}

/// A distinct panic found by a target.
#[derive(Debug, Clone)]
pub struct Crash {
    /// The panic message with its location.
    pub message: String,
    /// Where the input was saved (`<crash_dir>/<target>-<hash>`), if it was.
    pub saved: Option<PathBuf>,
    /// The input itself.
    pub input: Vec<u8>,
}

/// What one target's run did.
#[derive(Debug, Clone)]
pub struct Report {
    /// The target's name.
    pub target: &'static str,
    /// Inputs run (seeds included).
    pub execs: u64,
    /// Wall-clock time spent.
    pub elapsed: Duration,
    /// Corpus size at the end (seeds plus inputs with new outcome signatures).
    pub corpus: usize,
    /// Distinct outcome signatures seen.
    pub signatures: usize,
    /// Inputs that panicked (all of them, not only distinct ones).
    pub panicking_inputs: u64,
    /// Distinct panics (by message and location).
    pub crashes: Vec<Crash>,
}

impl Report {
    /// Executions per second.
    pub fn execs_per_sec(&self) -> f64 {
        self.execs as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: {} execs in {:.1} s ({:.0}/s), corpus {}, outcomes {}, unique crashes {}",
            self.target,
            self.execs,
            self.elapsed.as_secs_f64(),
            self.execs_per_sec(),
            self.corpus,
            self.signatures,
            self.crashes.len()
        )
    }
}

/// Panics seen by the hook, in any thread (a panic inside a tokio task never reaches
/// `catch_unwind` but passes the hook).
static PANICS: AtomicU64 = AtomicU64::new(0);
static LAST_PANIC: Mutex<Option<String>> = Mutex::new(None);
static HOOK: Once = Once::new();

/// Replaces the panic hook with one that records the message and location quietly.
fn install_hook() {
    HOOK.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            let message = info
                .payload()
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| info.payload().downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "(non-string panic)".into());
            let location = info
                .location()
                .map(|l| format!("{}:{}", l.file(), l.line()))
                .unwrap_or_default();
            *LAST_PANIC.lock().unwrap_or_else(|p| p.into_inner()) =
                Some(format!("{location}: {message}"));
            PANICS.fetch_add(1, Ordering::SeqCst);
        }));
    });
}

/// A stable hash of bytes (std's SipHash with its fixed default keys).
pub fn hash_bytes(bytes: &[u8]) -> u64 {
    let mut hasher = DefaultHasher::new();
    bytes.hash(&mut hasher);
    hasher.finish()
}

/// An outcome signature from a label and an error text: digits are dropped so that
/// "line 1 column 7" and "line 1 column 9" count as one outcome.
pub fn signature(label: &str, detail: &str) -> u64 {
    let mut hasher = DefaultHasher::new();
    label.hash(&mut hasher);
    let kept: String = detail
        .chars()
        .filter(|c| !c.is_ascii_digit())
        .take(60)
        .collect();
    kept.hash(&mut hasher);
    hasher.finish()
}

/// Runs `target` for `budget`, generating inputs from `seed`; panicking inputs are
/// saved under `crash_dir` when given.
pub fn fuzz(
    target: &mut dyn Target,
    budget: Budget,
    seed: u64,
    crash_dir: Option<&Path>,
) -> Report {
    install_hook();
    let mut rng = Rng::new(seed ^ hash_bytes(target.name().as_bytes()));
    let dictionary = target.dictionary();
    let mut corpus: Vec<Vec<u8>> = Vec::new();
    let mut seen = HashSet::new();
    let mut crashes: HashMap<String, Crash> = HashMap::new();
    let mut panicking_inputs = 0;
    let mut execs = 0u64;
    let started = Instant::now();
    let mut pending: Vec<Vec<u8>> = target.seeds();
    pending.reverse();

    loop {
        let over_time = started.elapsed() >= budget.time;
        let over_count = budget.max_execs.is_some_and(|max| execs >= max);
        // Seeds always run, whatever the budget.
        if pending.is_empty() && (over_time || over_count) {
            break;
        }
        let input = match pending.pop() {
            Some(seed_input) => seed_input,
            None => next_input(&mut rng, &corpus, &dictionary, &*target),
        };
        let panics_before = PANICS.load(Ordering::SeqCst);
        let outcome = catch_unwind(AssertUnwindSafe(|| target.run(&input)));
        execs += 1;
        let panicked = outcome.is_err() || PANICS.load(Ordering::SeqCst) != panics_before;
        if panicked {
            panicking_inputs += 1;
            let message = LAST_PANIC
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .take()
                .unwrap_or_else(|| "(unknown panic)".into());
            crashes.entry(message.clone()).or_insert_with(|| {
                let saved = crash_dir.and_then(|dir| save(dir, target.name(), &input));
                Crash {
                    message,
                    saved,
                    input: input.clone(),
                }
            });
            continue;
        }
        let Ok(signature) = outcome else { continue };
        if seen.insert(signature) && corpus.len() < 4096 && input.len() <= 1 << 20 {
            corpus.push(input);
        }
    }

    let mut crashes: Vec<Crash> = crashes.into_values().collect();
    crashes.sort_by(|a, b| a.message.cmp(&b.message));
    Report {
        target: target.name(),
        execs,
        elapsed: started.elapsed(),
        corpus: corpus.len(),
        signatures: seen.len(),
        panicking_inputs,
        crashes,
    }
}

fn save(dir: &Path, target: &str, input: &[u8]) -> Option<PathBuf> {
    std::fs::create_dir_all(dir).ok()?;
    let path = dir.join(format!("{target}-{:016x}", hash_bytes(input)));
    std::fs::write(&path, input).ok()?;
    Some(path)
}

/// The next input: now and then fresh random bytes, otherwise a corpus entry changed
/// by the target's structure-aware mutation or by a few byte-level ones.
fn next_input(
    rng: &mut Rng,
    corpus: &[Vec<u8>],
    dictionary: &[Vec<u8>],
    target: &dyn Target,
) -> Vec<u8> {
    if corpus.is_empty() || rng.one_in(20) {
        let len = if rng.one_in(8) {
            rng.below(4096)
        } else {
            rng.below(64)
        };
        return rng.bytes(len);
    }
    let base = rng.pick(corpus).clone();
    if rng.one_in(2) {
        if let Some(mutated) = target.mutate(&base, rng) {
            // Sometimes stack a byte-level change on top.
            return if rng.one_in(4) {
                mutate_bytes(mutated, rng, corpus, dictionary)
            } else {
                mutated
            };
        }
    }
    let mut input = base;
    for _ in 0..1 + rng.below(4) {
        input = mutate_bytes(input, rng, corpus, dictionary);
    }
    input
}

/// Text that often trips parsers: boundaries of integer types, odd JSON, odd UTF-8.
const INTERESTING: &[&str] = &[
    "0",
    "-1",
    "4294967295",
    "4294967296",
    "18446744073709551615",
    "18446744073709551616",
    "-9223372036854775809",
    "1e999",
    "NaN",
    "null",
    "true",
    "\"\"",
    "[]",
    "{}",
    "\\u0000",
    "\\ud800",
    "\u{feff}",
    "\u{10ffff}",
    "é",
    "..",
    "/",
    "://",
    ":",
    ",",
    "=",
    "@",
    "\n",
    "\t",
];

/// One byte-level mutation.
pub fn mutate_bytes(
    mut input: Vec<u8>,
    rng: &mut Rng,
    corpus: &[Vec<u8>],
    dictionary: &[Vec<u8>],
) -> Vec<u8> {
    let len = input.len();
    match rng.below(12) {
        0 if len > 0 => {
            let i = rng.below(len);
            input[i] ^= 1 << rng.below(8);
        }
        1 if len > 0 => {
            let i = rng.below(len);
            input[i] = rng.next_u64() as u8;
        }
        2 => {
            let at = rng.below(len + 1);
            let n = 1 + rng.below(8);
            let bytes = rng.bytes(n);
            input.splice(at..at, bytes);
        }
        3 if len > 0 => {
            let at = rng.below(len);
            let n = 1 + rng.below((len - at).min(16));
            input.drain(at..at + n);
        }
        4 if len > 0 => {
            let at = rng.below(len);
            let n = 1 + rng.below((len - at).min(32));
            let chunk = input[at..at + n].to_vec();
            let to = rng.below(len + 1);
            input.splice(to..to, chunk);
        }
        5 | 6 if !dictionary.is_empty() => {
            let token = rng.pick(dictionary).clone();
            let at = rng.below(len + 1);
            if rng.one_in(2) || at + token.len() > len {
                input.splice(at..at, token);
            } else {
                input.splice(at..at + token.len(), token);
            }
        }
        7 if !corpus.is_empty() => {
            let other = rng.pick(corpus);
            let cut = rng.below(len + 1);
            let from = rng.below(other.len() + 1);
            input.truncate(cut);
            input.extend_from_slice(&other[from..]);
        }
        8 if len > 0 => input.truncate(rng.below(len)),
        9 => {
            let token = rng.pick(INTERESTING).as_bytes().to_vec();
            let at = rng.below(len + 1);
            input.splice(at..at, token);
        }
        10 if len > 1 => {
            let (a, b) = (rng.below(len), rng.below(len));
            input.swap(a, b);
        }
        11 if len > 0 => {
            // Repeat a chunk many times: long strings, deep nesting.
            let at = rng.below(len);
            let n = 1 + rng.below((len - at).min(8));
            let chunk = input[at..at + n].to_vec();
            let times = 1 + rng.below(512);
            let repeated: Vec<u8> = chunk.iter().copied().cycle().take(n * times).collect();
            input.splice(at..at, repeated);
        }
        _ => {
            let at = rng.below(len + 1);
            let byte = rng.next_u64() as u8;
            input.insert(at, byte);
        }
    }
    input
}

/// A structure-aware mutation of a JSON document: one node replaced, removed or added.
/// `None` when `input` is not JSON.
pub fn mutate_json(
    input: &[u8],
    rng: &mut Rng,
    keys: &[&str],
    strings: &[&str],
) -> Option<Vec<u8>> {
    let mut value: serde_json::Value = serde_json::from_slice(input).ok()?;
    let count = count_nodes(&value);
    let mut target = rng.below(count);
    mutate_node(&mut value, &mut target, rng, keys, strings);
    serde_json::to_vec(&value).ok()
}

fn count_nodes(value: &serde_json::Value) -> usize {
    1 + match value {
        serde_json::Value::Array(items) => items.iter().map(count_nodes).sum(),
        serde_json::Value::Object(map) => map.values().map(count_nodes).sum(),
        _ => 0,
    }
}

fn random_value(rng: &mut Rng, keys: &[&str], strings: &[&str], depth: usize) -> serde_json::Value {
    use serde_json::Value;
    match rng.below(if depth > 3 { 6 } else { 9 }) {
        0 => Value::Null,
        1 => Value::Bool(rng.one_in(2)),
        2 => Value::from(rng.next_u64() as i64 >> rng.below(64)),
        3 => Value::from(*rng.pick(&[0u64, 1, u32::MAX as u64, u32::MAX as u64 + 1, u64::MAX])),
        4 | 5 if !strings.is_empty() => Value::from(*rng.pick(strings)),
        4 | 5 => Value::from(""),
        6 => Value::Array(
            (0..rng.below(4))
                .map(|_| random_value(rng, keys, strings, depth + 1))
                .collect(),
        ),
        _ => {
            let mut map = serde_json::Map::new();
            for _ in 0..rng.below(4) {
                let key = if keys.is_empty() { "k" } else { rng.pick(keys) };
                map.insert(key.to_string(), random_value(rng, keys, strings, depth + 1));
            }
            Value::Object(map)
        }
    }
}

/// Walks to node number `target` (pre-order) and changes it.
fn mutate_node(
    value: &mut serde_json::Value,
    target: &mut usize,
    rng: &mut Rng,
    keys: &[&str],
    strings: &[&str],
) -> bool {
    use serde_json::Value;
    if *target == 0 {
        match value {
            Value::Object(map) if rng.one_in(2) => {
                if !map.is_empty() && rng.one_in(2) {
                    let key = map.keys().nth(rng.below(map.len())).cloned();
                    if let Some(key) = key {
                        map.remove(&key);
                    }
                } else {
                    let key = if keys.is_empty() { "k" } else { rng.pick(keys) };
                    map.insert(key.to_string(), random_value(rng, keys, strings, 0));
                }
            }
            Value::Array(items) if rng.one_in(2) && !items.is_empty() => {
                let i = rng.below(items.len());
                if rng.one_in(2) {
                    items.remove(i);
                } else {
                    let copy = items[i].clone();
                    items.push(copy);
                }
            }
            Value::String(s) if rng.one_in(2) => {
                // Keep the string but make it odd: long, with separators, or empty.
                match rng.below(4) {
                    0 => *s = s.repeat(1 + rng.below(64)),
                    1 => s.push_str(rng.pick::<&str>(INTERESTING)),
                    2 => s.clear(),
                    _ => s.insert_str(0, rng.pick::<&str>(INTERESTING)),
                }
            }
            _ => *value = random_value(rng, keys, strings, 0),
        }
        return true;
    }
    *target -= 1;
    match value {
        Value::Array(items) => items
            .iter_mut()
            .any(|item| mutate_node(item, target, rng, keys, strings)),
        Value::Object(map) => map
            .values_mut()
            .any(|item| mutate_node(item, target, rng, keys, strings)),
        _ => false,
    }
}

/// A wasm binary's header and its sections (id, payload).
/// (header, [(section id, payload)]).
type Sections<'a> = (&'a [u8], Vec<(u8, &'a [u8])>);

fn split_sections(bytes: &[u8]) -> Option<Sections<'_>> {
    if bytes.len() < 8 || &bytes[..4] != b"\0asm" {
        return None;
    }
    let (header, mut rest) = bytes.split_at(8);
    let mut sections = Vec::new();
    while !rest.is_empty() {
        let id = rest[0];
        let (size, used) = read_leb(&rest[1..])?;
        let start = 1 + used;
        let end = start.checked_add(size)?;
        if end > rest.len() {
            return None;
        }
        sections.push((id, &rest[start..end]));
        rest = &rest[end..];
    }
    Some((header, sections))
}

fn read_leb(bytes: &[u8]) -> Option<(usize, usize)> {
    let mut value = 0usize;
    for (i, byte) in bytes.iter().enumerate().take(5) {
        value |= ((byte & 0x7f) as usize) << (7 * i);
        if byte & 0x80 == 0 {
            return Some((value, i + 1));
        }
    }
    None
}

fn write_leb(mut value: usize, out: &mut Vec<u8>) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// A structure-aware mutation of a wasm module or component: a section dropped,
/// duplicated, moved, renumbered, or its payload changed with its size fixed up (so
/// the damage lands inside a section instead of in the framing). `None` when `input`
/// is not wasm.
pub fn mutate_wasm(input: &[u8], rng: &mut Rng) -> Option<Vec<u8>> {
    let (header, sections) = split_sections(input)?;
    let mut sections: Vec<(u8, Vec<u8>)> = sections
        .into_iter()
        .map(|(id, p)| (id, p.to_vec()))
        .collect();
    let n = sections.len();
    match rng.below(6) {
        0 if n > 0 => {
            sections.remove(rng.below(n));
        }
        1 if n > 0 => {
            let copy = sections[rng.below(n)].clone();
            sections.insert(rng.below(n + 1), copy);
        }
        2 if n > 1 => {
            let (a, b) = (rng.below(n), rng.below(n));
            sections.swap(a, b);
        }
        3 if n > 0 => {
            let i = rng.below(n);
            sections[i].0 = rng.below(20) as u8;
        }
        _ if n > 0 => {
            let i = rng.below(n);
            let payload = std::mem::take(&mut sections[i].1);
            // A nested module or component gets a structural change of its own.
            let nested = if rng.one_in(3) {
                (0..payload.len().min(64))
                    .find(|&at| payload[at..].starts_with(b"\0asm"))
                    .and_then(|at| {
                        let inner = mutate_wasm(&payload[at..], rng)?;
                        let mut out = payload[..at].to_vec();
                        out.extend(inner);
                        Some(out)
                    })
            } else {
                None
            };
            sections[i].1 = match nested {
                Some(out) => out,
                None => {
                    let mut out = payload;
                    for _ in 0..1 + rng.below(3) {
                        out = mutate_bytes(out, rng, &[], &[]);
                    }
                    out
                }
            };
        }
        _ => return None,
    }
    let mut out = header.to_vec();
    for (id, payload) in sections {
        out.push(id);
        write_leb(payload.len(), &mut out);
        out.extend(payload);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rng_is_deterministic() {
        let a: Vec<u64> = (0..4)
            .map({
                let mut r = Rng::new(7);
                move |_| r.next_u64()
            })
            .collect();
        let b: Vec<u64> = (0..4)
            .map({
                let mut r = Rng::new(7);
                move |_| r.next_u64()
            })
            .collect();
        assert_eq!(a, b);
    }

    #[test]
    fn wasm_sections_split_and_rejoin() {
        let module = b"\0asm\x01\0\0\0\x01\x04\x01\x60\0\0\x03\x02\x01\0";
        let (_, sections) = split_sections(module).unwrap();
        assert_eq!(sections.len(), 2);
        let mut rng = Rng::new(1);
        for _ in 0..200 {
            let mutated = mutate_wasm(module, &mut rng).unwrap();
            assert!(mutated.starts_with(b"\0asm"));
        }
    }

    /// A target that panics on one byte, to check the loop catches and saves it.
    struct Panicky;
    impl Target for Panicky {
        fn name(&self) -> &'static str {
            "panicky"
        }
        fn seeds(&mut self) -> Vec<Vec<u8>> {
            vec![b"ab".to_vec()]
        }
        fn run(&mut self, input: &[u8]) -> u64 {
            assert!(!input.contains(&b'!'), "found the bang");
            input.len() as u64
        }
    }

    #[test]
    fn panics_are_caught_deduplicated_and_saved() {
        let dir = tempfile::tempdir().unwrap();
        let budget = Budget {
            time: Duration::from_secs(5),
            max_execs: Some(20_000),
        };
        let report = fuzz(&mut Panicky, budget, 1, Some(dir.path()));
        assert_eq!(report.crashes.len(), 1, "{report}");
        assert!(report.crashes[0].message.contains("found the bang"));
        let saved = report.crashes[0].saved.as_ref().unwrap();
        assert!(std::fs::read(saved).unwrap().contains(&b'!'));
    }
}
