//! `events [--follow]` and `logs [--follow] [--component ID] [--level L]`.
//!
//! Without `--follow` they listen for `--for` seconds (default 5) and exit.

use std::process::ExitCode;
use std::time::Duration;

use futures::StreamExt as _;
use trellis_lattice::Client;
use trellis_proto::{LogLevel, LogRecord};

use super::output;
use crate::cmd::GlobalOpts;

/// Arguments of `events`.
#[derive(Debug, clap::Args)]
pub struct EventsArgs {
    /// Keep printing until interrupted.
    #[arg(long, short)]
    follow: bool,
    /// Without --follow: how many seconds to listen.
    #[arg(long = "for", value_name = "SECONDS", default_value_t = 5)]
    listen_for: u64,
}

/// Arguments of `logs`.
#[derive(Debug, clap::Args)]
pub struct LogsArgs {
    /// Keep printing until interrupted.
    #[arg(long, short)]
    follow: bool,
    /// Without --follow: how many seconds to listen.
    #[arg(long = "for", value_name = "SECONDS", default_value_t = 5)]
    listen_for: u64,
    /// Only records of this component.
    #[arg(long)]
    component: Option<String>,
    /// Minimum level: trace, debug, info, warn, error, critical.
    #[arg(long)]
    level: Option<LogLevel>,
}

/// Runs `events`.
pub async fn events(
    args: EventsArgs,
    client: &Client,
    global: &GlobalOpts,
) -> anyhow::Result<ExitCode> {
    let mut stream = client.events().await?;
    let deadline = deadline(args.follow, args.listen_for);
    loop {
        let next = tokio::select! {
            next = stream.next() => next,
            _ = sleep_until(deadline) => break,
            _ = tokio::signal::ctrl_c() => break,
        };
        match next {
            Some(Ok(message)) => {
                if global.json {
                    output::json_line(&message.cloud_event)?;
                } else {
                    let time = message
                        .cloud_event
                        .time
                        .get(11..23)
                        .unwrap_or(&message.cloud_event.time);
                    output::write_line(&format!(
                        "{time}  {:<24} {}  {}",
                        message.event.event_type(),
                        output::short_id(message.source()),
                        message.cloud_event.data
                    ))?;
                }
            }
            Some(Err(err)) => eprintln!("warning: {err}"),
            None => break,
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs `logs`.
pub async fn logs(
    args: LogsArgs,
    client: &Client,
    global: &GlobalOpts,
) -> anyhow::Result<ExitCode> {
    let mut stream = client.logs().await?;
    let deadline = deadline(args.follow, args.listen_for);
    loop {
        let next = tokio::select! {
            next = stream.next() => next,
            _ = sleep_until(deadline) => break,
            _ = tokio::signal::ctrl_c() => break,
        };
        match next {
            Some(Ok(record)) if wanted(&record, &args) => {
                if global.json {
                    output::json_line(&record)?;
                } else {
                    output::write_line(&format_log(&record))?;
                }
            }
            Some(Ok(_)) => {}
            Some(Err(err)) => eprintln!("warning: {err}"),
            None => break,
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `12:00:01.234     INFO demo/counter 0192f3a1: hits=3`: time, level, where from
/// (workload and component, component, or host), message.
pub(super) fn format_log(record: &LogRecord) -> String {
    let time = record.time.get(11..23).unwrap_or(&record.time);
    let source = match (&record.workload, &record.component) {
        (Some(w), Some(c)) => format!("{w} {}", output::short_id(c)),
        (Some(w), None) => format!("{w} (host {})", output::short_id(&record.host)),
        (None, Some(c)) => c.clone(),
        (None, None) => format!("host {}", output::short_id(&record.host)),
    };
    format!(
        "{time} {:>8} {source}: {}",
        record.level.as_str().to_uppercase(),
        record.message
    )
}

fn wanted(record: &LogRecord, args: &LogsArgs) -> bool {
    args.level.is_none_or(|min| record.level >= min)
        && args
            .component
            .as_ref()
            .is_none_or(|c| record.component.as_ref() == Some(c))
}

pub(super) fn deadline(follow: bool, secs: u64) -> Option<tokio::time::Instant> {
    (!follow).then(|| tokio::time::Instant::now() + Duration::from_secs(secs))
}

pub(super) async fn sleep_until(deadline: Option<tokio::time::Instant>) {
    match deadline {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}
