//! `trellis app …`: applications (wadm's OAM manifests) over the lattice's wadm.
//!
//! The work is `trellis_wadm`'s (manifest loading and validation, the wadm API); this
//! module parses arguments and prints. Manifests are validated before anything is
//! sent, so a broken one changes nothing on the lattice.

mod print;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use trellis_wadm::types::api::StatusType;
use trellis_wadm::Apps;

/// `trellis app` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Validate a manifest and store it as a new version (not deployed).
    Put {
        /// The manifest (YAML or JSON).
        file: PathBuf,
    },
    /// Deploy an application: a manifest FILE (put, then deployed in one step) or the
    /// NAME of a stored one.
    Deploy {
        /// A manifest file, or the name of a stored application.
        target: String,
        /// With a NAME: the version to deploy (default: the latest).
        #[arg(value_name = "VERSION")]
        app_version: Option<String>,
        /// Wait until wadm reports the application deployed (or failed).
        #[arg(long)]
        wait: bool,
        /// How long --wait waits, in seconds.
        #[arg(long, default_value_t = 120, value_name = "SECONDS")]
        timeout: u64,
    },
    /// Undeploy an application: wadm stops what it started for it (the manifest stays).
    Undeploy {
        /// The application.
        name: String,
        /// Wait until wadm reports it undeployed.
        #[arg(long)]
        wait: bool,
        /// How long --wait waits, in seconds.
        #[arg(long, default_value_t = 60, value_name = "SECONDS")]
        timeout: u64,
    },
    /// Delete an application's stored manifests (every version, or one).
    #[command(visible_alias = "del")]
    Delete {
        /// The application.
        name: String,
        /// Only this version (default: every version).
        #[arg(value_name = "VERSION")]
        app_version: Option<String>,
    },
    /// List applications with their versions and status.
    List,
    /// Show an application's status, with wadm's reason for each part.
    Status {
        /// The application.
        name: String,
    },
    /// Print an application's manifest (YAML; JSON with --json).
    Get {
        /// The application.
        name: String,
        /// The version (default: the latest).
        #[arg(value_name = "VERSION")]
        app_version: Option<String>,
    },
    /// List an application's stored versions, marking the deployed one.
    History {
        /// The application.
        name: String,
    },
    /// Check a manifest with wadm's rules without sending it anywhere.
    Validate {
        /// The manifest (YAML or JSON).
        file: PathBuf,
    },
    /// Write the live lattice (or a selection) as a manifest: components and providers
    /// with their current counts, links with their config. Deploys to an equal graph.
    Export {
        /// The application's name in the manifest.
        #[arg(long, default_value = "exported")]
        name: String,
        /// Its version annotation.
        #[arg(long = "app-version", default_value = "v1", value_name = "VERSION")]
        app_version: String,
        /// Only these component or provider ids (repeatable; links need both ends).
        #[arg(long = "select", value_name = "ID")]
        select: Vec<String>,
    },
}

/// Runs an app command.
pub async fn run(command: Command, global: &super::GlobalOpts) -> anyhow::Result<ExitCode> {
    if let Command::Validate { file } = &command {
        let loaded = trellis_wadm::load_manifest(file).await?;
        print::warnings(&loaded.warnings);
        println!(
            "{}: valid ({} {})",
            file.display(),
            loaded.manifest.metadata.name,
            loaded.manifest.version()
        );
        return Ok(ExitCode::SUCCESS);
    }
    // A manifest is checked before connecting: a broken one fails the same with or
    // without a lattice, and nothing is sent.
    let manifest_file = match &command {
        Command::Put { file } => Some(file.clone()),
        Command::Deploy { target, .. } if is_manifest_file(target) => Some(PathBuf::from(target)),
        _ => None,
    };
    let loaded = match manifest_file {
        Some(file) => {
            let loaded = trellis_wadm::load_manifest(&file).await?;
            print::warnings(&loaded.warnings);
            Some(loaded)
        }
        None => None,
    };
    let ctx = super::lattice::resolve_context(global)?;
    if let Command::Export {
        name,
        app_version,
        select,
    } = &command
    {
        let client = trellis_lattice::Client::connect(&ctx).await?;
        let options = trellis_wadm::ExportOptions {
            name: name.clone(),
            version: app_version.clone(),
            select: (!select.is_empty()).then(|| select.iter().cloned().collect()),
        };
        let exported = trellis_wadm::export_lattice(&client, &options).await?;
        for note in &exported.notes {
            eprintln!("note: {note}");
        }
        if global.json {
            print::json(&exported.manifest)?;
        } else {
            print!("{}", exported.to_yaml()?);
        }
        return Ok(ExitCode::SUCCESS);
    }
    let apps = Apps::connect(&ctx).await?;
    match command {
        Command::Put { .. } => {
            let loaded = loaded.expect("loaded above");
            let (name, version) = apps.put(&loaded.manifest).await?;
            if global.json {
                print::json(&serde_json::json!({ "name": name, "version": version }))?;
            } else {
                println!("put {name} {version} (not deployed: `trellis app deploy {name}`)");
            }
        }
        Command::Deploy {
            target,
            app_version: version,
            wait,
            timeout,
        } => {
            let started = Instant::now();
            let (name, version) = if let Some(loaded) = loaded {
                anyhow::ensure!(
                    version.is_none(),
                    "a VERSION chooses among stored versions: deploy a NAME, or set the \
                     version in the manifest's annotations"
                );
                let (name, version) = apps.put_and_deploy(&loaded.manifest).await?;
                (name, Some(version))
            } else {
                let deployed = apps.deploy(&target, version.as_deref()).await?;
                (target, deployed.or(version))
            };
            let shown = version.as_deref().unwrap_or("latest");
            if !wait {
                if global.json {
                    print::json(&serde_json::json!({ "name": name, "version": version }))?;
                } else {
                    println!("deploying {name} {shown} (follow with `trellis app status {name}`)");
                }
                return Ok(ExitCode::SUCCESS);
            }
            let (status, done) = apps
                .wait_for(&name, Duration::from_secs(timeout), |s| {
                    *s == StatusType::Deployed
                })
                .await?;
            if global.json {
                print::json(&status)?;
            } else if done {
                println!(
                    "deployed {name} {shown} in {:.1} s",
                    started.elapsed().as_secs_f64()
                );
            } else {
                print::status(&name, &status);
            }
            if !done {
                anyhow::bail!(
                    "{name} is {} after {:.1} s",
                    trellis_wadm::apps::status_word(&status.info.status_type),
                    started.elapsed().as_secs_f64()
                );
            }
        }
        Command::Undeploy {
            name,
            wait,
            timeout,
        } => {
            apps.undeploy(&name).await?;
            if wait {
                let (status, done) = apps
                    .wait_for(&name, Duration::from_secs(timeout), |s| {
                        *s == StatusType::Undeployed
                    })
                    .await?;
                anyhow::ensure!(
                    done,
                    "{name} is still {} after {timeout} s",
                    trellis_wadm::apps::status_word(&status.info.status_type)
                );
            }
            if !global.json {
                println!("undeployed {name}");
            }
        }
        Command::Delete {
            name,
            app_version: version,
        } => {
            let deleted = apps.delete(&name, version.as_deref()).await?;
            if global.json {
                print::json(&serde_json::json!({ "deleted": deleted }))?;
            } else if deleted {
                match version {
                    Some(v) => println!("deleted {name} {v}"),
                    None => println!("deleted {name} (every version)"),
                }
            } else {
                println!(
                    "nothing to delete: no {name} {}",
                    version.unwrap_or_default()
                );
            }
        }
        Command::List => {
            let list = apps.list().await?;
            if global.json {
                print::json(&list)?;
            } else {
                print::list(&list);
            }
        }
        Command::Status { name } => {
            let status = apps.status(&name).await?;
            if global.json {
                print::json(&status)?;
            } else {
                print::status(&name, &status);
            }
        }
        Command::Get {
            name,
            app_version: version,
        } => {
            let manifest = apps.get(&name, version.as_deref()).await?;
            if global.json {
                print::json(&manifest)?;
            } else {
                print!("{}", serde_yaml::to_string(&manifest)?);
            }
        }
        Command::History { name } => {
            let versions = apps.history(&name).await?;
            if global.json {
                print::json(&versions)?;
            } else {
                print::history(&versions);
            }
        }
        Command::Validate { .. } | Command::Export { .. } => unreachable!("handled above"),
    }
    Ok(ExitCode::SUCCESS)
}

/// Whether `deploy`'s argument is a manifest file rather than an application name:
/// an existing file, or a name no application could have (a path or an extension).
fn is_manifest_file(target: &str) -> bool {
    Path::new(target).is_file()
        || target.contains(std::path::MAIN_SEPARATOR)
        || [".yaml", ".yml", ".json"]
            .iter()
            .any(|ext| target.ends_with(ext))
}
