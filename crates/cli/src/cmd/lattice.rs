//! Commands that drive a lattice through the control interface (not written yet).

use std::process::ExitCode;

/// Lattice commands: get, start, scale, stop, update, link, config, label, events, logs, context.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// List hosts, inventories, links or config.
    Get,
}

/// Runs a lattice command.
pub async fn run(_command: Command, _global: &super::GlobalOpts) -> anyhow::Result<ExitCode> {
    anyhow::bail!("not implemented yet")
}
