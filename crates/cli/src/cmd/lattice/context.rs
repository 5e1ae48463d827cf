//! `context add | list | use | del | import`: saved contexts (see `trellis_lattice::ContextStore`).

use std::path::PathBuf;
use std::process::ExitCode;

use trellis_lattice::{Auth, Context, ContextStore};

use super::output;
use crate::cmd::GlobalOpts;

/// Context management.
#[derive(Debug, clap::Subcommand)]
pub enum ContextCommand {
    /// Save a context (replacing one of the same name).
    Add(Box<AddArgs>),
    /// List saved contexts; the current one is marked with `*`.
    List,
    /// Make a saved context current.
    Use {
        /// Context name.
        name: String,
    },
    /// Delete a saved context.
    Del {
        /// Context name.
        name: String,
    },
    /// Import `nats` CLI or wash 1.x context files (default: every one found in
    /// ~/.config/nats/context and ~/.wash/contexts).
    Import {
        /// Context files to import.
        files: Vec<PathBuf>,
    },
}

/// Arguments of `context add` (the URL and lattice may also come from the global flags).
#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// Context name.
    name: String,
    /// NATS URL(s), comma separated (nats://, tls://, ws://, wss://).
    #[arg(long)]
    url: Option<String>,
    /// User name (with --password).
    #[arg(long, requires = "password")]
    user: Option<String>,
    /// Password (with --user).
    #[arg(long, requires = "user")]
    password: Option<String>,
    /// Token.
    #[arg(long, conflicts_with_all = ["user", "creds", "jwt", "nkey_seed"])]
    token: Option<String>,
    /// Path to a .creds file.
    #[arg(long, conflicts_with_all = ["user", "jwt", "nkey_seed"])]
    creds: Option<PathBuf>,
    /// User JWT (with --seed).
    #[arg(long, requires = "seed")]
    jwt: Option<String>,
    /// Seed that signs the server nonce (with --jwt).
    #[arg(long, requires = "jwt")]
    seed: Option<String>,
    /// An nkey seed (SU…).
    #[arg(long, conflicts_with_all = ["user", "jwt"])]
    nkey_seed: Option<String>,
    /// CA certificate (PEM) to trust.
    #[arg(long)]
    tls_ca: Option<PathBuf>,
    /// Client certificate (PEM), with --tls-key.
    #[arg(long, requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// Client key (PEM), with --tls-cert.
    #[arg(long, requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// TLS before the server's INFO (servers with handshake_first).
    #[arg(long)]
    tls_first: bool,
    /// JetStream domain.
    #[arg(long)]
    js_domain: Option<String>,
    /// Control subject prefix.
    #[arg(long)]
    ctl_prefix: Option<String>,
    /// Request timeout in milliseconds.
    #[arg(long, value_name = "MS")]
    timeout_ms: Option<u64>,
    /// Description shown in `context list`.
    #[arg(long)]
    description: Option<String>,
    /// Also make it the current context.
    #[arg(long = "use")]
    make_current: bool,
}

/// Runs a context command (no connection needed).
pub fn run(cmd: ContextCommand, global: &GlobalOpts) -> anyhow::Result<ExitCode> {
    let mut store = ContextStore::open_default()?;
    match cmd {
        ContextCommand::Add(args) => {
            let name = args.name.clone();
            let make_current = args.make_current;
            let ctx = build(*args, global);
            ctx.validate()?;
            store.insert(&name, ctx)?;
            if make_current || store.current_name().is_none() {
                store.set_current(&name)?;
            }
            store.save()?;
            output::write_line(&format!(
                "saved context {name:?} in {}",
                store.path().display()
            ))?;
        }
        ContextCommand::List => {
            if global.json {
                // Secrets stay out of the listing: only names, URLs, lattices and modes.
                let list: Vec<_> = store
                    .list()
                    .map(|(name, c)| {
                        serde_json::json!({
                            "name": name, "current": store.current_name() == Some(name),
                            "urls": c.urls, "lattice": c.lattice, "auth": c.auth.mode(),
                        })
                    })
                    .collect();
                output::json(&list)?;
            } else if store.list().next().is_none() {
                output::write_line(
                    "no contexts saved (trellis up saves \"local\"; see trellis context add)",
                )?;
            } else {
                let mut table =
                    output::table(&["", "NAME", "URL", "LATTICE", "AUTH", "DESCRIPTION"]);
                for (name, c) in store.list() {
                    let mark = if store.current_name() == Some(name) {
                        "*"
                    } else {
                        ""
                    };
                    table.add_row([
                        mark.to_owned(),
                        name.to_owned(),
                        c.url(),
                        c.lattice.clone(),
                        c.auth.mode().to_owned(),
                        c.description.clone().unwrap_or_default(),
                    ]);
                }
                output::write_line(&table.to_string())?;
            }
        }
        ContextCommand::Use { name } => {
            store.set_current(&name)?;
            store.save()?;
            output::write_line(&format!("current context is now {name:?}"))?;
        }
        ContextCommand::Del { name } => {
            store.remove(&name)?;
            store.save()?;
            output::write_line(&format!("deleted context {name:?}"))?;
        }
        ContextCommand::Import { files } => {
            let mut failed = false;
            if files.is_empty() {
                let (imported, skipped) = store.import_discovered();
                for (name, format) in &imported {
                    output::write_line(&format!("imported {name:?} ({format:?})"))?;
                }
                for (path, why) in &skipped {
                    eprintln!("warning: skipped {}: {why}", path.display());
                }
                if imported.is_empty() {
                    output::write_line("no nats or wash contexts found")?;
                }
            } else {
                for file in &files {
                    match store.import_file(file) {
                        Ok((name, format)) => {
                            output::write_line(&format!("imported {name:?} ({format:?})"))?
                        }
                        Err(err) => {
                            eprintln!("error: {err}");
                            failed = true;
                        }
                    }
                }
            }
            store.save()?;
            if failed {
                return Ok(ExitCode::from(1));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn build(args: AddArgs, global: &GlobalOpts) -> Context {
    let url = args
        .url
        .or_else(|| global.nats_url.clone())
        .unwrap_or_else(|| "nats://127.0.0.1:4222".into());
    let mut ctx = Context::new(url);
    if let Some(lattice) = &global.lattice {
        ctx.lattice = lattice.clone();
    }
    ctx.auth = if let (Some(user), Some(password)) = (args.user, args.password) {
        Auth::UserPassword { user, password }
    } else if let Some(token) = args.token {
        Auth::Token { token }
    } else if let Some(path) = args.creds {
        Auth::CredsFile { path }
    } else if let (Some(jwt), Some(seed)) = (args.jwt, args.seed) {
        Auth::JwtSeed { jwt, seed }
    } else if let Some(seed) = args.nkey_seed {
        Auth::NkeySeed { seed }
    } else {
        Auth::None
    };
    ctx.tls.ca_file = args.tls_ca;
    ctx.tls.cert_file = args.tls_cert;
    ctx.tls.key_file = args.tls_key;
    ctx.tls.tls_first = args.tls_first;
    ctx.js_domain = args.js_domain;
    if let Some(prefix) = args.ctl_prefix {
        ctx.ctl_prefix = prefix;
    }
    if let Some(ms) = args.timeout_ms {
        ctx.timeout_ms = ms;
    }
    ctx.description = args.description;
    ctx
}
