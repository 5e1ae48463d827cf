//! `trellis v2 hosts | start | status | stop`: wasmCloud 2.x hosts on the context's NATS
//! server. A 2.x host has no lattice and cannot list its workloads; Trellis keeps a
//! record of the workloads it started (`<data dir>/v2-workloads.json`).

use std::collections::HashMap;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use trellis_lattice::Client;
use trellis_v2::{WorkloadRecord, WorkloadRecords};

use super::output;
use crate::cmd::GlobalOpts;

/// A wasmCloud 2.x command.
#[derive(Debug, clap::Subcommand)]
pub enum V2Command {
    /// List the 2.x hosts that heartbeat (they do every 15 s; listens that long).
    Hosts {
        /// How long to listen for heartbeats, in seconds.
        #[arg(long, default_value_t = 16)]
        wait: u64,
    },
    /// Start a workload of components (OCI references) on a 2.x host.
    Start {
        /// Host id, hostname or friendly name.
        host: String,
        /// Component images (OCI references; 2.x hosts take nothing else).
        #[arg(required = true)]
        images: Vec<String>,
        /// Workload name (default: the first image's repository name).
        #[arg(long)]
        name: Option<String>,
        /// Workload namespace.
        #[arg(long, default_value = "default")]
        namespace: String,
        /// Serve the first component's `wasi:http` export for this `Host` header.
        #[arg(long, value_name = "HOSTNAME")]
        http_host: Option<String>,
        /// Config `KEY=VALUE` for the components (repeatable).
        #[arg(long = "config", value_name = "KEY=VALUE", value_parser = key_value)]
        config: Vec<(String, String)>,
        /// Environment `KEY=VALUE` for the components (repeatable).
        #[arg(long = "env", value_name = "KEY=VALUE", value_parser = key_value)]
        env: Vec<(String, String)>,
        /// Workload id (default: a new UUID).
        #[arg(long)]
        id: Option<String>,
        /// How long to wait for the host to pull, compile and link, in seconds.
        #[arg(long, default_value_t = 60)]
        timeout: u64,
    },
    /// The status of the workloads Trellis started (or of one).
    Status {
        /// A workload id (default: every workload Trellis remembers).
        workload: Option<String>,
    },
    /// Stop a workload Trellis started.
    Stop {
        /// The workload id.
        workload: String,
    },
}

/// Runs a `v2` command.
pub async fn run(cmd: V2Command, client: &Client, global: &GlobalOpts) -> anyhow::Result<ExitCode> {
    let nats = client.nats();
    let records = WorkloadRecords::in_dir(&trellis_local::data_dir()?);
    match cmd {
        V2Command::Hosts { wait } => {
            let table = trellis_v2::discover(nats, Duration::from_secs(wait)).await?;
            let now = Instant::now();
            let hosts = table.hosts(now);
            if global.json {
                let all: Vec<_> = hosts.iter().map(|(h, _)| h).collect();
                output::json(&all)?;
            } else if hosts.is_empty() {
                output::write_line(&format!("no wasmCloud 2.x host heartbeat within {wait} s"))?;
            } else {
                let mut out = output::table(&[
                    "HOSTNAME",
                    "HOST ID",
                    "VERSION",
                    "GROUP",
                    "WORKLOADS",
                    "COMPONENTS",
                    "HEARD",
                ]);
                for (h, age) in hosts {
                    out.add_row([
                        h.hostname.clone(),
                        h.id.clone(),
                        h.version.clone(),
                        h.labels.get("hostgroup").cloned().unwrap_or_default(),
                        h.workload_count.to_string(),
                        h.component_count.to_string(),
                        format!("{} s ago", age.as_secs()),
                    ]);
                }
                output::write_line(&out.to_string())?;
            }
        }
        V2Command::Start {
            host,
            images,
            name,
            namespace,
            http_host,
            config,
            env,
            id,
            timeout,
        } => {
            let host = trellis_v2::find_host(
                nats,
                &host,
                trellis_v2::HEARTBEAT_INTERVAL + Duration::from_secs(1),
            )
            .await?;
            let name = name.unwrap_or_else(|| repository_name(&images[0]));
            let config: HashMap<_, _> = config.into_iter().collect();
            let env: HashMap<_, _> = env.into_iter().collect();
            let workload = trellis_v2::http_workload(
                &namespace,
                &name,
                &images,
                http_host.as_deref(),
                &config,
                &env,
            )?;
            let workload_id = id.unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
            let status = trellis_v2::start_workload(
                nats,
                &host.id,
                &workload_id,
                workload,
                Duration::from_secs(timeout),
            )
            .await?;
            records.remember(WorkloadRecord {
                workload_id: workload_id.clone(),
                host_id: host.id.clone(),
                hostname: host.hostname.clone(),
                name: format!("{namespace}/{name}"),
                images,
            })?;
            if global.json {
                output::json(&status)?;
            } else {
                output::write_line(&format!(
                    "workload {workload_id} ({namespace}/{name}) on {} ({}): {}",
                    host.hostname,
                    host.id,
                    describe(&status)
                ))?;
            }
        }
        V2Command::Status { workload } => {
            let remembered = records.load()?;
            let chosen: Vec<_> = match &workload {
                Some(id) => {
                    let one = remembered.iter().find(|r| &r.workload_id == id).with_context(|| {
                        format!("Trellis did not start a workload {id} (a 2.x host cannot list others' workloads)")
                    })?;
                    vec![one.clone()]
                }
                None => remembered,
            };
            let mut rows = Vec::new();
            for record in chosen {
                let state =
                    match trellis_v2::workload_status(nats, &record.host_id, &record.workload_id)
                        .await
                    {
                        Ok(status) => describe(&status),
                        Err(error) => format!("unknown: {error}"),
                    };
                rows.push((record, state));
            }
            if global.json {
                let json: Vec<_> = rows
                    .iter()
                    .map(|(r, state)| serde_json::json!({"record": r, "status": state}))
                    .collect();
                output::json(&json)?;
            } else if rows.is_empty() {
                output::write_line(
                    "Trellis started no 2.x workloads (a 2.x host cannot list workloads others started)",
                )?;
            } else {
                let mut out = output::table(&["WORKLOAD ID", "NAME", "HOST", "STATUS"]);
                for (r, state) in rows {
                    out.add_row([r.workload_id, r.name, r.hostname, state]);
                }
                output::write_line(&out.to_string())?;
            }
        }
        V2Command::Stop { workload } => {
            let record = records
                .load()?
                .into_iter()
                .find(|r| r.workload_id == workload)
                .with_context(|| format!("Trellis did not start a workload {workload}"))?;
            let status = trellis_v2::stop_workload(nats, &record.host_id, &workload).await?;
            records.forget(&workload)?;
            if global.json {
                output::json(&status)?;
            } else {
                output::write_line(&format!("workload {workload}: {}", describe(&status)))?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `running (Workload started successfully)`.
fn describe(status: &trellis_v2::proto::WorkloadStatus) -> String {
    let state = status
        .workload_state()
        .as_str_name()
        .trim_start_matches("WORKLOAD_STATE_")
        .to_ascii_lowercase()
        .replace('_', " ");
    if status.message.is_empty() {
        state
    } else {
        format!("{state} ({})", status.message)
    }
}

/// `hello` from `127.0.0.1:5000/demo/hello:0.1.0`.
fn repository_name(image: &str) -> String {
    let last = image.rsplit('/').next().unwrap_or(image);
    let bare = last.split(['@', ':']).next().unwrap_or(last);
    bare.to_ascii_lowercase()
}

/// `KEY=VALUE` → `(KEY, VALUE)`.
fn key_value(text: &str) -> Result<(String, String), String> {
    let (key, value) = text
        .split_once('=')
        .ok_or_else(|| format!("{text:?} is not KEY=VALUE"))?;
    if key.trim().is_empty() {
        return Err(format!("{text:?} has an empty key"));
    }
    Ok((key.trim().to_owned(), value.to_owned()))
}
