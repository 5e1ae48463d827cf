//! `trellis up` (not written yet).

use std::process::ExitCode;

/// Arguments of `trellis up`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `trellis up`.
pub async fn run(_args: Args, _global: &super::GlobalOpts) -> anyhow::Result<ExitCode> {
    anyhow::bail!("trellis up is not implemented yet")
}
