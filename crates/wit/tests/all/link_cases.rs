//! Runs the shared table `tests/link_cases.json` (the frontend's `canLink` runs it too):
//! each case's first reason must have the expected `kind` and, word for word, the
//! expected `reason` sentence.

use serde::Deserialize;
use trellis_wit::{check_link, InterfaceDef};

#[derive(Deserialize)]
struct Table {
    cases: Vec<Case>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    import: InterfaceDef,
    exports: Vec<InterfaceDef>,
    expect: String,
    /// The first reason's sentence; `null` for `"ok"` cases, required for the others.
    reason: Option<String>,
}

#[test]
fn link_cases_table() {
    let text = include_str!("../link_cases.json");
    let table: Table = serde_json::from_str(text).expect("link_cases.json parses");
    assert!(table.cases.len() >= 10);
    let mut kinds = std::collections::BTreeSet::new();
    for case in &table.cases {
        let verdict = check_link(&case.import, &case.exports);
        let first = verdict.reasons().first();
        let got = first.map_or("ok", |r| r.kind());
        assert_eq!(got, case.expect, "case `{}`: {verdict}", case.name);
        assert_eq!(
            first.map(ToString::to_string),
            case.reason,
            "case `{}`: the reason's words",
            case.name
        );
        kinds.insert(got);
    }
    for kind in [
        "ok",
        "not-exported",
        "version-mismatch",
        "signature-mismatch",
        "missing-function",
    ] {
        assert!(kinds.contains(kind), "no case expects {kind}");
    }
}
