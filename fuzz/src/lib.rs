//! trellis-fuzz: fuzz targets for the parsers that take outside input, runnable on
//! stable Rust without cargo-fuzz.
//!
//! Targets (issue 11's reliability suite):
//! - `ctl`: ctl v1 request decoding, offline (subject tail → operation, body →
//!   request type, then the handler's next parsing steps); see [`targets::ctl`].
//! - `ctl-live`: the same requests sent to a real host over a real nats-server, through
//!   the host's private `Command::parse` and handlers; see [`targets::ctl_live`].
//! - `refs`: component and provider references, built-in references, interface names.
//! - `grants`: `trellis.dev/{dirs,env,network,args}` annotations and `component_limits`.
//! - `wit`: WIT decoding of component bytes.
//! - `manifest`: OAM application manifests through `trellis_wadm::parse_manifest`.
//!
//! The loop ([`engine::fuzz`]) is **not coverage-guided**: it generates inputs from a
//! seeded PRNG and mutates a seed corpus (bytes, JSON nodes, wasm sections), keeps
//! inputs that produce a new *outcome* (an operation reached, an error kind), and
//! catches panics. For coverage-guided fuzzing of WIT decoding, `crates/wit/fuzz` holds
//! a libFuzzer target; its sanitizer-coverage flags work on stable rustc too.
//!
//! Run: `scripts/fuzz.sh [SECONDS_PER_TARGET]`, or
//! `cargo run -p trellis-fuzz -- [--seconds N] [--seed S] [TARGET...]`.

pub mod engine;
pub mod targets;
