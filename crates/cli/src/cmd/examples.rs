//! `trellis examples …`: the gallery of example applications (`examples/*/wadm.yaml`),
//! listed and deployed through the lattice's wadm. The work is `trellis_wadm::gallery`'s,
//! as in the app's palette.

use std::process::ExitCode;
use std::time::Duration;

use comfy_table::{presets::UTF8_FULL_CONDENSED, Table};
use trellis_wadm::Apps;

/// `trellis examples` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// List the examples: name, what it shows, languages, where it answers HTTP.
    List,
    /// Deploy an example through wadm and wait until wadm reports it deployed.
    Deploy {
        /// The example (see `trellis examples list`).
        name: String,
        /// How long to wait for wadm, in seconds.
        #[arg(long, default_value_t = 120, value_name = "SECONDS")]
        timeout: u64,
    },
}

/// Runs an examples command (`list` when none is given).
pub async fn run(command: Option<Command>, global: &super::GlobalOpts) -> anyhow::Result<ExitCode> {
    let dir = trellis_wadm::examples_dir()?;
    match command.unwrap_or(Command::List) {
        Command::List => {
            let examples = trellis_wadm::list_examples(&dir).await?;
            if global.json {
                println!("{}", serde_json::to_string_pretty(&examples)?);
                return Ok(ExitCode::SUCCESS);
            }
            let mut table = Table::new();
            table.load_preset(UTF8_FULL_CONDENSED).set_header([
                "name",
                "what it shows",
                "languages",
                "answers on",
            ]);
            for example in &examples {
                table.add_row([
                    example.name.as_str(),
                    example.description.as_str(),
                    &example.languages.join(", "),
                    example.url.as_deref().unwrap_or("—"),
                ]);
            }
            println!("{table}");
            println!(
                "examples in {}; deploy one with `trellis examples deploy NAME`",
                dir.display()
            );
        }
        Command::Deploy { name, timeout } => {
            // A misspelt name is refused before connecting, naming the examples there are.
            trellis_wadm::gallery::find_example(&dir, &name).await?;
            let ctx = super::lattice::resolve_context(global)?;
            let apps = Apps::connect(&ctx).await?;
            let outcome =
                trellis_wadm::deploy_example(&apps, &dir, &name, Duration::from_secs(timeout))
                    .await?;
            if global.json {
                println!("{}", serde_json::to_string_pretty(&outcome)?);
            }
            if !outcome.deployed {
                anyhow::bail!("{outcome}");
            }
            if !global.json {
                println!("{outcome}");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
