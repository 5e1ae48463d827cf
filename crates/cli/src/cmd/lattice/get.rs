//! `trellis get hosts | inventory [HOST] | links | config NAME`.

use std::process::ExitCode;

use anyhow::Context as _;
use trellis_lattice::Client;
use trellis_proto::HostInventory;

use super::output;
use crate::cmd::GlobalOpts;

/// How long `get hosts --v2` listens for 2.x heartbeats (they come every 15 s).
const V2_LISTEN: std::time::Duration = std::time::Duration::from_secs(16);

/// What to list.
#[derive(Debug, clap::Subcommand)]
pub enum GetCommand {
    /// Hosts that answer a ping; with --v2 also the wasmCloud 2.x hosts that heartbeat on
    /// the same NATS server (listening one heartbeat interval for them).
    Hosts {
        /// Also list wasmCloud 2.x hosts (marked by kind, with their hostname).
        #[arg(long)]
        v2: bool,
    },
    /// What a host runs (every host when HOST is left out).
    Inventory {
        /// Host id, unique id prefix, or friendly name.
        host: Option<String>,
    },
    /// Every link in the lattice.
    Links,
    /// The values of one named config.
    Config {
        /// Config name.
        name: String,
    },
}

/// Runs a `get` command.
pub async fn run(
    cmd: GetCommand,
    client: &Client,
    global: &GlobalOpts,
) -> anyhow::Result<ExitCode> {
    match cmd {
        GetCommand::Hosts { v2 } => {
            let mut hosts = client.ping_hosts().await?;
            hosts.sort_by(|a, b| a.friendly_name.cmp(&b.friendly_name));
            let v2_hosts = if v2 {
                let table = trellis_v2::discover(client.nats(), V2_LISTEN).await?;
                let now = std::time::Instant::now();
                table
                    .hosts(now)
                    .into_iter()
                    .map(|(h, _)| h.clone())
                    .collect()
            } else {
                Vec::new()
            };
            if global.json && v2 {
                output::json(&serde_json::json!({"hosts": hosts, "v2_hosts": v2_hosts}))?;
            } else if global.json {
                output::json(&hosts)?;
            } else if hosts.is_empty() && v2_hosts.is_empty() {
                output::write_line(&format!("no hosts on lattice {:?}", client.lattice()))?;
            } else {
                let mut table =
                    output::table(&["KIND", "HOST ID", "NAME", "VERSION", "UPTIME", "LABELS"]);
                for h in &hosts {
                    table.add_row([
                        "1.x".to_owned(),
                        h.id.clone(),
                        h.friendly_name.clone(),
                        h.version.clone(),
                        h.uptime_human.clone(),
                        output::labels(&h.labels),
                    ]);
                }
                for h in &v2_hosts {
                    let labels = h
                        .labels
                        .iter()
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect();
                    table.add_row([
                        "2.x".to_owned(),
                        h.id.clone(),
                        h.hostname.clone(),
                        h.version.clone(),
                        String::new(),
                        output::labels(&labels),
                    ]);
                }
                output::write_line(&table.to_string())?;
            }
        }
        GetCommand::Inventory { host } => {
            let inventories = match host {
                Some(wanted) => {
                    let host = super::resolve_host(client, &wanted).await?;
                    vec![client
                        .host_inventory(&host.id)
                        .await
                        .with_context(|| format!("inventory of host {}", host.id))?]
                }
                None => client.host_inventories().await?,
            };
            if global.json {
                match inventories.as_slice() {
                    [one] => output::json(one)?,
                    many => output::json(many)?,
                }
            } else if inventories.is_empty() {
                output::write_line(&format!("no hosts on lattice {:?}", client.lattice()))?;
            } else {
                for inv in &inventories {
                    print_inventory(inv)?;
                }
            }
        }
        GetCommand::Links => {
            let links = client.links().await?;
            if global.json {
                output::json(&links)?;
            } else if links.is_empty() {
                output::write_line("no links")?;
            } else {
                let mut table = output::table(&[
                    "SOURCE",
                    "TARGET",
                    "NAME",
                    "INTERFACES",
                    "SOURCE CONFIG",
                    "TARGET CONFIG",
                ]);
                for l in &links {
                    table.add_row([
                        l.source_id.clone(),
                        l.target.clone(),
                        l.name.clone(),
                        format!(
                            "{}:{}/{{{}}}",
                            l.wit_namespace,
                            l.wit_package,
                            l.interfaces.join(",")
                        ),
                        l.source_config.join(", "),
                        l.target_config.join(", "),
                    ]);
                }
                output::write_line(&table.to_string())?;
            }
        }
        GetCommand::Config { name } => {
            let Some(values) = client.config_get(&name).await? else {
                anyhow::bail!(
                    "config {name:?} not found on lattice {:?}",
                    client.lattice()
                );
            };
            if global.json {
                output::json(&values)?;
            } else {
                let mut table = output::table(&["KEY", "VALUE"]);
                for (k, v) in &values {
                    table.add_row([k, v]);
                }
                output::write_line(&table.to_string())?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_inventory(inv: &HostInventory) -> anyhow::Result<()> {
    output::write_line(&format!(
        "host {} ({}), version {}, up {}{}",
        inv.host_id,
        inv.friendly_name,
        inv.version,
        inv.uptime_human,
        match output::labels(&inv.labels) {
            l if l.is_empty() => String::new(),
            l => format!(", labels {l}"),
        }
    ))?;
    if inv.components.is_empty() && inv.providers.is_empty() {
        return output::write_line("  (nothing running)\n");
    }
    let mut table = output::table(&["KIND", "ID", "REFERENCE", "INSTANCES", "REVISION"]);
    for c in &inv.components {
        table.add_row([
            "component".to_owned(),
            c.id.clone(),
            c.image_ref.clone(),
            c.max_instances.to_string(),
            c.revision.to_string(),
        ]);
    }
    for p in &inv.providers {
        table.add_row([
            "provider".to_owned(),
            p.id.clone(),
            p.image_ref.clone().unwrap_or_default(),
            String::new(),
            p.revision.to_string(),
        ]);
    }
    output::write_line(&format!("{table}\n"))
}
