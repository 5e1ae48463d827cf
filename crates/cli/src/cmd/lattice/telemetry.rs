//! `telemetry`: an OTLP/gRPC receiver on loopback for wasmCloud 2.x hosts, printing
//! their log records (tagged by workload) and the subjects and buckets their workloads
//! touch, as the app's Logs tab and graph show them.

use std::net::SocketAddr;
use std::process::ExitCode;

use serde::Serialize;
use tokio::sync::broadcast::error::RecvError;
use trellis_otlp::{Receiver, Telemetry, Touch, TouchKind};
use trellis_v2::WorkloadRecords;

use super::output;
use super::watch::{deadline, format_log, sleep_until};
use crate::cmd::GlobalOpts;

/// Arguments of `telemetry`.
#[derive(Debug, clap::Args)]
pub struct TelemetryArgs {
    /// Where to listen (loopback only). Give hosts `OTEL_EXPORTER_OTLP_ENDPOINT=http://ADDR`.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:4317")]
    listen: SocketAddr,
    /// Keep printing until interrupted.
    #[arg(long, short)]
    follow: bool,
    /// Without --follow: how many seconds to listen.
    #[arg(long = "for", value_name = "SECONDS", default_value_t = 30)]
    listen_for: u64,
    /// Only records and touches of this workload (`namespace/name`).
    #[arg(long)]
    workload: Option<String>,
}

/// One line of `--json` output.
#[derive(Serialize)]
#[serde(rename_all = "snake_case")]
enum Line<'a> {
    Log(&'a trellis_proto::LogRecord),
    Touch(&'a Touch),
}

/// Runs `telemetry`.
pub async fn run(args: TelemetryArgs, global: &GlobalOpts) -> anyhow::Result<ExitCode> {
    let receiver = Receiver::start(args.listen).await?;
    let mut telemetry = receiver.subscribe();
    eprintln!(
        "OTLP receiver on {}: start wasmCloud 2.x hosts with OTEL_EXPORTER_OTLP_ENDPOINT={}",
        receiver.addr(),
        receiver.endpoint()
    );
    let records = WorkloadRecords::in_dir(&trellis_local::data_dir()?);
    let deadline = deadline(args.follow, args.listen_for);
    loop {
        let next = tokio::select! {
            next = telemetry.recv() => next,
            _ = sleep_until(deadline) => break,
            _ = tokio::signal::ctrl_c() => break,
        };
        match next {
            Ok(Telemetry::Log(record)) => {
                if args.workload.is_some() && record.workload != args.workload {
                    continue;
                }
                if global.json {
                    output::json_line(&Line::Log(&record))?;
                } else {
                    output::write_line(&format_log(&record))?;
                }
            }
            Ok(Telemetry::Touch(touch)) => {
                // Read the records each time: workloads started meanwhile count too.
                let touch = trellis_otlp::placed(touch, &records.load().unwrap_or_default());
                if args.workload.is_some() && touch.workload != args.workload {
                    continue;
                }
                if global.json {
                    output::json_line(&Line::Touch(&touch))?;
                } else {
                    output::write_line(&describe_touch(&touch))?;
                }
            }
            Err(RecvError::Lagged(lost)) => {
                eprintln!("warning: {lost} records dropped (output too slow)")
            }
            Err(RecvError::Closed) => break,
        }
    }
    receiver.stop().await;
    Ok(ExitCode::SUCCESS)
}

/// `touch demo/echo → subject _INBOX.> (handling a message on demo.in)`.
fn describe_touch(touch: &Touch) -> String {
    let kind = match touch.kind {
        TouchKind::Subject => "subject",
        TouchKind::Bucket => "bucket",
        TouchKind::Container => "container",
    };
    let who = touch.workload.as_deref().unwrap_or("(workload unknown)");
    let mut line = format!("touch {who} → {kind} {}", touch.name);
    if let Some(trigger) = &touch.trigger {
        line.push_str(&format!(" (handling a message on {trigger})"));
    }
    line
}
