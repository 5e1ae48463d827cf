//! Printing: `--json` gives the protocol's JSON, otherwise readable tables and lines.

use std::collections::BTreeMap;

use comfy_table::{presets::UTF8_FULL_CONDENSED, ContentArrangement, Table};
use serde::Serialize;

/// Prints `value` as pretty JSON on stdout.
pub fn json<T: Serialize + ?Sized>(value: &T) -> anyhow::Result<()> {
    let text = serde_json::to_string_pretty(value)?;
    write_line(&text)
}

/// Prints `value` as one compact JSON line (streams of events and logs).
pub fn json_line<T: Serialize + ?Sized>(value: &T) -> anyhow::Result<()> {
    write_line(&serde_json::to_string(value)?)
}

/// Writes a line to stdout, surfacing a closed pipe as an error (main treats it as success).
pub fn write_line(text: &str) -> anyhow::Result<()> {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}")?;
    out.flush()?;
    Ok(())
}

/// A table with the given header.
pub fn table(header: &[&str]) -> Table {
    let mut table = Table::new();
    table
        .load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(header.iter().copied());
    table
}

/// `k=v, k2=v2`, leaving out `hostcore.*` unless nothing else is there.
pub fn labels(labels: &BTreeMap<String, String>) -> String {
    let own: Vec<String> = labels
        .iter()
        .filter(|(k, _)| !k.starts_with("hostcore."))
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    own.join(", ")
}

/// The first 12 characters of a host id, enough to tell hosts apart in a table.
pub fn short_id(id: &str) -> String {
    id.chars().take(12).collect()
}
