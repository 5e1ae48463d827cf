//! `context add | list | use | del | import | test`: saved contexts (see
//! `trellis_lattice::ContextStore`), and testing one step by step
//! (`trellis_lattice::test_connection`).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use trellis_lattice::{Auth, ConnectionReport, Context, ContextStore, StepKind, StepOutcome};

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
    /// Test a context step by step (name lookup, tcp, tls, authentication, authorization,
    /// hosts, jetstream) and name the step that fails; exits 1 when one does.
    ///
    /// NAME defaults to the context the global flags select (--context, else the current
    /// one); --nats-url and --lattice override what it holds.
    Test {
        /// Saved context to test.
        name: Option<String>,
    },
}

/// Arguments of `context add` (the URL and lattice may also come from the global flags).
///
/// Every secret (password, token, JWT seed, nkey seed) can come from the command line,
/// a file (`--password-file`) or an environment variable (`--password-env`); the last
/// two keep it out of the shell history and the process list.
#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// Context name.
    name: String,
    /// NATS URL(s), comma separated (nats://, tls://, ws://, wss://).
    #[arg(long)]
    url: Option<String>,
    /// User name (with --password, --password-file or --password-env).
    #[arg(long, requires = "password_source")]
    user: Option<String>,
    /// Password (with --user); visible in the process list, prefer the file or env forms.
    #[arg(long, group = "password_source", requires = "user")]
    password: Option<String>,
    /// File holding the password (with --user); surrounding whitespace is trimmed.
    #[arg(
        long,
        value_name = "PATH",
        group = "password_source",
        requires = "user"
    )]
    password_file: Option<PathBuf>,
    /// Environment variable holding the password (with --user).
    #[arg(long, value_name = "VAR", group = "password_source", requires = "user")]
    password_env: Option<String>,
    /// Token.
    #[arg(long, group = "token_source", conflicts_with_all = ["user", "creds", "jwt", "nkey_seed_source"])]
    token: Option<String>,
    /// File holding the token.
    #[arg(long, value_name = "PATH", group = "token_source", conflicts_with_all = ["user", "creds", "jwt", "nkey_seed_source"])]
    token_file: Option<PathBuf>,
    /// Environment variable holding the token.
    #[arg(long, value_name = "VAR", group = "token_source", conflicts_with_all = ["user", "creds", "jwt", "nkey_seed_source"])]
    token_env: Option<String>,
    /// Path to a .creds file.
    #[arg(long, conflicts_with_all = ["user", "jwt", "nkey_seed_source"])]
    creds: Option<PathBuf>,
    /// User JWT (with --seed, --seed-file or --seed-env).
    #[arg(long, requires = "seed_source")]
    jwt: Option<String>,
    /// Seed that signs the server nonce (with --jwt).
    #[arg(long, group = "seed_source", requires = "jwt")]
    seed: Option<String>,
    /// File holding the seed (with --jwt).
    #[arg(long, value_name = "PATH", group = "seed_source", requires = "jwt")]
    seed_file: Option<PathBuf>,
    /// Environment variable holding the seed (with --jwt).
    #[arg(long, value_name = "VAR", group = "seed_source", requires = "jwt")]
    seed_env: Option<String>,
    /// An nkey seed (SU…).
    #[arg(long, group = "nkey_seed_source", conflicts_with_all = ["user", "jwt"])]
    nkey_seed: Option<String>,
    /// File holding an nkey seed (SU…).
    #[arg(long, value_name = "PATH", group = "nkey_seed_source", conflicts_with_all = ["user", "jwt"])]
    nkey_seed_file: Option<PathBuf>,
    /// Environment variable holding an nkey seed (SU…).
    #[arg(long, value_name = "VAR", group = "nkey_seed_source", conflicts_with_all = ["user", "jwt"])]
    nkey_seed_env: Option<String>,
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

/// Runs a context command (only `test` connects).
pub fn run(cmd: ContextCommand, global: &GlobalOpts) -> anyhow::Result<ExitCode> {
    let mut store = ContextStore::open_default()?;
    match cmd {
        ContextCommand::Test { name } => {
            let ctx = match name {
                Some(name) => {
                    let mut ctx = store
                        .get(&name)
                        .cloned()
                        .ok_or(trellis_lattice::LatticeError::UnknownContext(name))?;
                    if let Some(url) = &global.nats_url {
                        ctx.urls = Context::new(url).urls;
                    }
                    if let Some(lattice) = &global.lattice {
                        ctx.lattice = lattice.clone();
                    }
                    ctx
                }
                None => super::resolve_context(global)?,
            };
            // The context commands are synchronous; this one alone waits on the network.
            let report = tokio::task::block_in_place(|| {
                tokio::runtime::Handle::current().block_on(trellis_lattice::test_connection(&ctx))
            });
            return print_report(&report, global);
        }
        ContextCommand::Add(args) => {
            let name = args.name.clone();
            let make_current = args.make_current;
            let ctx = build(*args, global)?;
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
                // Secrets stay out of the listing: only names, URLs without user info,
                // lattices and modes.
                let list: Vec<_> = store
                    .list()
                    .map(|(name, c)| {
                        serde_json::json!({
                            "name": name, "current": store.current_name() == Some(name),
                            "urls": c.urls.iter().map(|u| Context::redact_url(u)).collect::<Vec<_>>(),
                            "lattice": c.lattice, "auth": c.auth.mode(),
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

/// One line per step (`✓ tcp  127.0.0.1:4222 accepted`, `✗ …`, `- … skipped`), or the
/// report as JSON; exit code 1 when a step failed.
fn print_report(report: &ConnectionReport, global: &GlobalOpts) -> anyhow::Result<ExitCode> {
    if global.json {
        output::json(report)?;
    } else {
        output::write_line(&format!(
            "testing {} (lattice {:?})",
            report.url, report.lattice
        ))?;
        let width = StepKind::ALL
            .iter()
            .map(|s| s.label().chars().count())
            .max()
            .unwrap_or(0);
        for step in &report.steps {
            let mark = match step.outcome {
                StepOutcome::Passed => '✓',
                StepOutcome::Failed => '✗',
                StepOutcome::Skipped => '-',
            };
            output::write_line(&format!(
                "{mark} {:<width$}  {}",
                step.step.label(),
                step.detail
            ))?;
        }
        match report.failed_step() {
            Some(step) => output::write_line(&format!("failed at {}", step.step))?,
            None => output::write_line("connection works")?,
        }
    }
    Ok(if report.ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn build(args: AddArgs, global: &GlobalOpts) -> anyhow::Result<Context> {
    let url = args
        .url
        .or_else(|| global.nats_url.clone())
        .unwrap_or_else(|| "nats://127.0.0.1:4222".into());
    let mut ctx = Context::new(url);
    if let Some(lattice) = &global.lattice {
        ctx.lattice = lattice.clone();
    }
    let password = secret(
        "password",
        args.password,
        args.password_file,
        args.password_env,
    )?;
    let token = secret("token", args.token, args.token_file, args.token_env)?;
    let seed = secret("seed", args.seed, args.seed_file, args.seed_env)?;
    let nkey_seed = secret(
        "nkey seed",
        args.nkey_seed,
        args.nkey_seed_file,
        args.nkey_seed_env,
    )?;
    ctx.auth = if let (Some(user), Some(password)) = (args.user, password) {
        Auth::UserPassword { user, password }
    } else if let Some(token) = token {
        Auth::Token { token }
    } else if let Some(path) = args.creds {
        Auth::CredsFile { path }
    } else if let (Some(jwt), Some(seed)) = (args.jwt, seed) {
        Auth::JwtSeed { jwt, seed }
    } else if let Some(seed) = nkey_seed {
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
    Ok(ctx)
}

/// A secret given on the command line, in a file or in an environment variable (clap
/// lets at most one through). Errors name the file or variable, never the value.
fn secret(
    what: &str,
    value: Option<String>,
    file: Option<PathBuf>,
    env: Option<String>,
) -> anyhow::Result<Option<String>> {
    if let Some(path) = file {
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read the {what} file {}", path.display()))?;
        let text = text.trim();
        anyhow::ensure!(
            !text.is_empty(),
            "the {what} file {} is empty",
            path.display()
        );
        return Ok(Some(text.to_owned()));
    }
    if let Some(var) = env {
        let text = std::env::var(&var).map_err(|_| {
            anyhow::anyhow!("the environment variable {var} (the {what}) is not set or not UTF-8")
        })?;
        anyhow::ensure!(
            !text.is_empty(),
            "the environment variable {var} (the {what}) is empty"
        );
        return Ok(Some(text));
    }
    Ok(value)
}
