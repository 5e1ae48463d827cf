//! `trellis run` (not written yet).

use std::process::ExitCode;

/// Arguments of `trellis run`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `trellis run`.
pub async fn run(_args: Args, _global: &super::GlobalOpts) -> anyhow::Result<ExitCode> {
    anyhow::bail!("trellis run is not implemented yet")
}
