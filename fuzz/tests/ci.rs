//! The fuzz targets' short form for CI: each target runs for about 2 s (at most 2,000
//! inputs) from a fixed seed and must not crash. `scripts/fuzz.sh` is the long form.

use std::time::Duration;

use trellis_fuzz::engine::{fuzz, Budget};
use trellis_fuzz::targets;

fn short(name: &str) {
    let mut target = targets::by_name(name).unwrap().unwrap();
    let budget = Budget {
        time: Duration::from_secs(2),
        max_execs: Some(2_000),
    };
    let report = fuzz(target.as_mut(), budget, 11, None);
    println!("{report}");
    assert!(report.execs > 0);
    assert!(
        report.crashes.is_empty(),
        "{name} crashed: {:#?}",
        report
            .crashes
            .iter()
            .map(|c| (&c.message, String::from_utf8_lossy(&c.input)))
            .collect::<Vec<_>>()
    );
}

#[test]
fn ctl_does_not_crash() {
    short("ctl");
}

#[test]
fn ctl_live_does_not_crash() {
    short("ctl-live");
}

#[test]
fn refs_do_not_crash() {
    short("refs");
}

#[test]
fn grants_do_not_crash() {
    short("grants");
}

#[test]
fn wit_does_not_crash() {
    short("wit");
}

#[test]
fn manifests_do_not_crash() {
    short("manifest");
}
