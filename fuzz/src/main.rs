//! `trellis-fuzz [--seconds N] [--execs N] [--seed S] [--crashes DIR] [TARGET...]`:
//! runs each target (all by default) for its budget, prints executions, exec/s and
//! unique crashes, and exits 1 if any target crashed (2 on bad arguments).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use trellis_fuzz::engine::{fuzz, Budget};
use trellis_fuzz::targets;

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(err) => {
            eprintln!("trellis-fuzz: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn run() -> anyhow::Result<ExitCode> {
    let mut seconds = 60u64;
    let mut execs = None;
    let mut seed = 11u64;
    let mut crash_dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/crashes"));
    let mut names = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |what: &str| {
            args.next()
                .ok_or_else(|| anyhow::anyhow!("{what} needs a value"))
        };
        match arg.as_str() {
            "--seconds" => seconds = value("--seconds")?.parse()?,
            "--execs" => execs = Some(value("--execs")?.parse()?),
            "--seed" => seed = value("--seed")?.parse()?,
            "--crashes" => crash_dir = PathBuf::from(value("--crashes")?),
            "-h" | "--help" => {
                println!(
                    "usage: trellis-fuzz [--seconds N] [--execs N] [--seed S] [--crashes DIR] [TARGET...]\n\
                     targets: {}",
                    targets::NAMES.join(", ")
                );
                return Ok(ExitCode::SUCCESS);
            }
            name if targets::NAMES.contains(&name) => names.push(name.to_owned()),
            other => anyhow::bail!(
                "unknown argument {other:?} (targets: {})",
                targets::NAMES.join(", ")
            ),
        }
    }
    if names.is_empty() {
        names = targets::NAMES.iter().map(|s| s.to_string()).collect();
    }
    let budget = Budget {
        time: Duration::from_secs(seconds),
        max_execs: execs,
    };
    println!(
        "trellis-fuzz: seed {seed}, {seconds} s per target, crashes to {} (not coverage-guided)",
        crash_dir.display()
    );
    let mut crashed = false;
    let mut total = 0;
    for name in &names {
        let mut target =
            targets::by_name(name)?.ok_or_else(|| anyhow::anyhow!("no target {name}"))?;
        let report = fuzz(target.as_mut(), budget, seed, Some(&crash_dir));
        drop(target);
        println!("{report}");
        total += report.execs;
        for crash in &report.crashes {
            crashed = true;
            let saved = crash
                .saved
                .as_ref()
                .map_or("(not saved)".into(), |p| p.display().to_string());
            println!("  CRASH {}\n    input: {saved}", crash.message);
        }
    }
    println!(
        "trellis-fuzz: {total} executions, {}",
        if crashed {
            "CRASHES FOUND"
        } else {
            "no crashes"
        }
    );
    Ok(if crashed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
