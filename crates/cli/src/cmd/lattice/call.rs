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
    /// Call over wRPC, as a component on another host or a wasmCloud host would (the
    /// default for components on hosts that are not Trellis hosts).
    #[arg(long)]
    wrpc: bool,
}

/// Prints each result as WAVE, one per line (`--json`: results, host and duration).
pub async fn run(
    args: CallArgs,
    client: &Client,
    global: &crate::cmd::GlobalOpts,
) -> anyhow::Result<ExitCode> {
    let (id, function, host) = (&args.component, &args.function, args.host.as_deref());
    let outcome = if args.wrpc {
        ops::call_function_over_wrpc(client, id, function, &args.args, host).await?
    } else {
        ops::call_function(client, id, function, &args.args, host).await?
    };
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
