//! `spy COMPONENT [--link NAME] [--for SECONDS | --follow]`: one line per call made
//! through a link into COMPONENT (a component or a provider), as it happens.
//!
//! `12:00:01.234  consumer → provider  trellis:fwd/greeter.greet("Ada") -> "Hi, Ada!"  84µs`;
//! a failed call ends in `ERROR: <reason>` (red on a terminal). With `--json`, each
//! record as one JSON line. Without `--follow` it listens for `--for` seconds (default 5).

use std::io::IsTerminal as _;
use std::process::ExitCode;

use futures::StreamExt as _;
use trellis_lattice::{ops, Client};
use trellis_proto::SpyRecord;

use super::output;
use super::watch::{deadline, sleep_until};
use crate::cmd::GlobalOpts;

/// Arguments of `spy`.
#[derive(Debug, clap::Args)]
pub struct SpyArgs {
    /// The component or provider whose incoming calls to show.
    component: String,
    /// Only calls through links with this name.
    #[arg(long, value_name = "NAME")]
    link: Option<String>,
    /// Keep printing until interrupted.
    #[arg(long, short, conflicts_with = "listen_for")]
    follow: bool,
    /// Without --follow: how many seconds to listen.
    #[arg(long = "for", value_name = "SECONDS", default_value_t = 5)]
    listen_for: u64,
}

/// Runs `spy`.
pub async fn run(args: SpyArgs, client: &Client, global: &GlobalOpts) -> anyhow::Result<ExitCode> {
    let mut stream = ops::spy(client, &args.component, args.link.as_deref()).await?;
    // On stderr, so it stays out of --json output: a caller knows the spy is live.
    let running = stream.hosts().iter().any(|h| h.running);
    let note = if stream.reads_wire() {
        " (no Trellis host on this lattice: reading its wRPC traffic)".to_owned()
    } else if running {
        String::new()
    } else {
        // The host that answered does not run it: say where it runs, if anywhere.
        let mut hosts = ops::component_hosts(client, &args.component).await;
        if hosts.as_ref().is_ok_and(Vec::is_empty) {
            hosts = ops::provider_hosts(client, &args.component).await;
        }
        match hosts {
            Ok(hosts) if !hosts.is_empty() => format!(
                " (it runs on host {}: calls into it are recorded by the Trellis hosts that \
                 make them)",
                hosts.join(", ")
            ),
            _ => " (not running yet)".to_owned(),
        }
    };
    eprintln!("spying on calls into {}{note}", args.component);
    let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let deadline = deadline(args.follow, args.listen_for);
    loop {
        let next = tokio::select! {
            next = stream.next() => next,
            _ = sleep_until(deadline) => break,
            _ = tokio::signal::ctrl_c() => break,
        };
        match next {
            Some(Ok(record)) if global.json => output::json_line(&record)?,
            Some(Ok(record)) => output::write_line(&format_call(&record, color))?,
            Some(Err(err)) => eprintln!("warning: {err}"),
            None => break,
        }
    }
    stream.stop().await;
    Ok(ExitCode::SUCCESS)
}

/// One call as a line: time, source → target, `iface.function(args) -> results`,
/// duration, and the error if it failed.
fn format_call(record: &SpyRecord, color: bool) -> String {
    let time = record.time.get(11..23).unwrap_or(&record.time);
    let link = match record.link_name.as_str() {
        trellis_proto::DEFAULT_LINK_NAME => String::new(),
        name => format!(" [{name}]"),
    };
    let call = format!(
        "{}.{}({})",
        record.interface,
        record.function,
        record.args.join(", ")
    );
    let outcome = match (&record.error, record.results.as_slice()) {
        (Some(err), _) if color => format!("  \x1b[1;31mERROR: {err}\x1b[0m"),
        (Some(err), _) => format!("  ERROR: {err}"),
        (None, []) => String::new(),
        (None, [one]) => format!(" -> {one}"),
        (None, many) => format!(" -> ({})", many.join(", ")),
    };
    let mut line = format!(
        "{time}  {} → {}{link}  {call}{outcome}  {}",
        record.source_id,
        record.target_id,
        duration(record.duration_us)
    );
    if record.dropped > 0 {
        line.push_str(&format!(
            "  ({} earlier calls not shown: the host fell behind)",
            record.dropped
        ));
    }
    line
}

fn duration(us: u64) -> String {
    match us {
        0..1_000 => format!("{us}µs"),
        1_000..1_000_000 => format!("{:.1}ms", us as f64 / 1e3),
        _ => format!("{:.2}s", us as f64 / 1e6),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record() -> SpyRecord {
        SpyRecord {
            time: "2026-12-07T04:10:31.123456Z".into(),
            host_id: "N1".into(),
            source_id: "consumer".into(),
            target_id: "provider".into(),
            link_name: "default".into(),
            interface: "trellis:fwd/greeter".into(),
            function: "greet".into(),
            args: vec!["\"Ada\"".into()],
            results: vec!["\"Hi, Ada!\"".into()],
            duration_us: 84,
            error: None,
            truncated: false,
            dropped: 0,
        }
    }

    #[test]
    fn a_call_is_one_line_with_its_values_and_time() {
        assert_eq!(
            format_call(&record(), false),
            "04:10:31.123  consumer → provider  trellis:fwd/greeter.greet(\"Ada\") -> \"Hi, Ada!\"  84µs"
        );
        let mut failed = record();
        failed.results.clear();
        failed.error = Some("guest trapped: wasm `unreachable`".into());
        failed.duration_us = 2_500;
        failed.link_name = "other".into();
        let line = format_call(&failed, false);
        assert!(line.contains("provider [other]  "), "{line}");
        assert!(
            line.ends_with("ERROR: guest trapped: wasm `unreachable`  2.5ms"),
            "{line}"
        );
        assert!(format_call(&failed, true).contains("\x1b[1;31mERROR"));
    }
}
