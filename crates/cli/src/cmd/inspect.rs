//! `trellis inspect` (not written yet).

use std::process::ExitCode;

/// Arguments of `trellis inspect`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `trellis inspect`.
pub async fn run(_args: Args, _global: &super::GlobalOpts) -> anyhow::Result<ExitCode> {
    anyhow::bail!("trellis inspect is not implemented yet")
}
