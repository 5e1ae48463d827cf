//! `trellis v2 hosts | start | status | describe | stop`: wasmCloud 2.x hosts on the context's NATS
//! server. A 2.x host has no lattice and cannot list its workloads; Trellis keeps a
//! record of the workloads it started (`<data dir>/v2-workloads.json`).

use std::process::ExitCode;
use std::time::{Duration, Instant};

use trellis_lattice::Client;
use trellis_v2::{WorkloadRecords, WorkloadSpec};

use super::output;
use crate::cmd::GlobalOpts;

/// How long a start waits for its host's heartbeat when named by hostname (one interval).
const FIND_WAIT: Duration = Duration::from_secs(16);

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
        /// Another host interface the components import, with its config (repeatable):
        /// `wasi:logging/logging@0.1.0-draft`,
        /// `"wasmcloud:messaging/consumer,handler@0.2.0 subscriptions=demo.in"`.
        #[arg(long = "interface", value_name = "NS:PKG/IFACE[@VERSION] [KEY=VALUE…]")]
        interfaces: Vec<String>,
        /// A long-running service for the workload (a `wasi:cli/run` component image).
        #[arg(long, value_name = "IMAGE")]
        service: Option<String>,
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
    /// What a workload Trellis started runs: its components with their images, the host
    /// interfaces each binds (with their config) and the links between its components.
    Describe {
        /// The workload id.
        workload: String,
        /// Credentials for the registries its images come from.
        #[command(flatten)]
        registry: crate::cmd::oci::RegistryArgs,
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
            interfaces,
            service,
            id,
            timeout,
        } => {
            let spec = WorkloadSpec {
                host,
                images,
                name,
                namespace: Some(namespace),
                http_host,
                config: config.into_iter().collect(),
                environment: env.into_iter().collect(),
                id,
                interfaces,
                service,
            };
            let (record, status) = trellis_v2::start_and_remember(
                nats,
                &records,
                &spec,
                FIND_WAIT,
                Duration::from_secs(timeout),
            )
            .await?;
            if global.json {
                output::json(&status)?;
            } else {
                output::write_line(&format!(
                    "workload {} ({}) on {} ({}): {}",
                    record.workload_id,
                    record.name,
                    record.hostname,
                    record.host_id,
                    trellis_v2::describe(&status)
                ))?;
            }
        }
        V2Command::Status { workload } => {
            let mut views = trellis_v2::remembered_workloads(nats, &records).await?;
            if let Some(id) = &workload {
                views.retain(|v| &v.record.workload_id == id);
                if views.is_empty() {
                    anyhow::bail!(
                        "Trellis did not start a workload {id} (a 2.x host cannot list others' workloads)"
                    );
                }
            }
            if global.json {
                output::json(&views)?;
            } else if views.is_empty() {
                output::write_line(
                    "Trellis started no 2.x workloads (a 2.x host cannot list workloads others started)",
                )?;
            } else {
                let mut out = output::table(&["WORKLOAD ID", "NAME", "HOST", "STATUS"]);
                for v in views {
                    out.add_row([
                        v.record.workload_id,
                        v.record.name,
                        v.record.hostname,
                        v.status,
                    ]);
                }
                output::write_line(&out.to_string())?;
            }
        }
        V2Command::Describe { workload, registry } => {
            let oci = registry.options();
            let described = trellis_v2::describe_workload(nats, &records, &workload, &oci).await?;
            if global.json {
                output::json(&described)?;
            } else {
                output::write_line(&describe_text(&described))?;
            }
        }
        V2Command::Stop { workload } => {
            let status = trellis_v2::stop_and_forget(nats, &records, &workload).await?;
            if global.json {
                output::json(&status)?;
            } else {
                output::write_line(&format!(
                    "workload {workload}: {}",
                    trellis_v2::describe(&status)
                ))?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A workload's description as lines a person reads.
fn describe_text(d: &trellis_v2::WorkloadDescription) -> String {
    let mut out = format!(
        "workload {} ({}) on {} ({}): {}\n",
        d.workload_id, d.name, d.hostname, d.host_id, d.status
    );
    for c in &d.components {
        out.push_str(&format!("component {}  {}\n", c.name, c.image));
        if let Some(digest) = &c.digest {
            out.push_str(&format!("  digest {digest}\n"));
        }
        if let Some(reason) = &c.wit_error {
            out.push_str(&format!("  WIT unavailable: {reason}\n"));
        }
        for i in &c.interfaces {
            out.push_str(&format!("  {} {}\n", i.direction, i.label));
        }
    }
    for i in &d.unbound {
        out.push_str(&format!(
            "host interface {} (no component's WIT names it)\n",
            i.label
        ));
    }
    for l in &d.links {
        out.push_str(&format!("link {} -> {}  {}\n", l.from, l.to, l.interface));
    }
    if let Some(service) = &d.service {
        out.push_str(&format!("service {service}\n"));
    }
    out.trim_end().to_owned()
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
