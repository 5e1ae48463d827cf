//! Runs the shared table `tests/link_cases.json` (the frontend's `canLink` runs it too).

use serde::Deserialize;
use trellis_wit::{check_link, InterfaceDef};

#[derive(Deserialize)]
struct Table {
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    name: String,
    import: InterfaceDef,
    exports: Vec<InterfaceDef>,
    expect: String,
}

#[test]
fn link_cases_table() {
    let text = include_str!("../link_cases.json");
    let table: Table = serde_json::from_str(text).expect("link_cases.json parses");
    assert!(table.cases.len() >= 10);
    let mut kinds = std::collections::BTreeSet::new();
    for case in &table.cases {
        let verdict = check_link(&case.import, &case.exports);
        let got = match verdict.reasons().first() {
            None => "ok".to_owned(),
            Some(reason) => reason.kind().to_owned(),
        };
        assert_eq!(got, case.expect, "case `{}`: {verdict}", case.name);
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
