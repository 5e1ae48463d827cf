//! `trellis call COMPONENT FUNCTION ARGS…`: one exported function, WAVE in and out.

use std::process::ExitCode;

use trellis_lattice::{ops, Client};

/// `trellis call` arguments.
#[derive(Debug, clap::Args)]
pub struct CallArgs {
    /// The running component's id.
    component: String,
    /// `ns:pkg/iface.function` (or `…#function`), or a root export's name.
    function: String,
    /// One WAVE value per parameter, e.g. `'{x: 40, y: 2}'` or `'"text"'`.
    #[arg(allow_hyphen_values = true)]
    args: Vec<String>,
    /// Call on this host (id, prefix or friendly name; default: the first one running it).
    #[arg(long)]
    host: Option<String>,
}

/// Prints each result as WAVE, one per line (`--json`: results, host and duration).
pub async fn run(
    args: CallArgs,
    client: &Client,
    global: &crate::cmd::GlobalOpts,
) -> anyhow::Result<ExitCode> {
    let outcome = ops::call_function(
        client,
        &args.component,
        &args.function,
        &args.args,
        args.host.as_deref(),
    )
    .await?;
    if global.json {
        let json = serde_json::json!({
            "host_id": outcome.host_id,
            "results": outcome.result.results,
            "duration_ms": outcome.result.duration_ms,
        });
        println!("{}", serde_json::to_string_pretty(&json)?);
    } else {
        for result in &outcome.result.results {
            println!("{result}");
        }
        eprintln!(
            "({:.1} ms on host {})",
            outcome.result.duration_ms, outcome.host_id
        );
    }
    Ok(ExitCode::SUCCESS)
}
