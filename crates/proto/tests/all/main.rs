//! Integration tests of trellis-proto: round trips against the exact JSON in
//! protocol.md Part C (observed on a real wasmCloud 1.9.2 host), lenient
//! parsing, events, subjects and validation helpers.

mod ctl;
mod events;
mod helpers;
mod subjects;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

/// Parses `json` as `T`, serialises it back and asserts the JSON is the same
/// (same keys, same values; key order ignored). Returns the typed value.
pub fn round_trip<T: DeserializeOwned + Serialize>(json: &str) -> T {
    let typed: T = serde_json::from_str(json).unwrap_or_else(|e| panic!("parse {json}: {e}"));
    let back = serde_json::to_value(&typed).unwrap();
    let original: Value = serde_json::from_str(json).unwrap();
    assert_eq!(back, original, "round trip changed the JSON");
    typed
}
