//! `trellis push` and `trellis pull`: components and provider archives in OCI
//! registries.
//!
//! Credentials come from `--user` / `--password` (or `TRELLIS_REGISTRY_USER` /
//! `TRELLIS_REGISTRY_PASSWORD`), else from docker's `config.json` (`docker login`).
//! Plain HTTP is used only for registries on this machine (127.0.0.1, localhost).

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use trellis_oci::{Credentials, OciOptions, Progress};

/// Registry credentials, shared by every command that talks to a registry.
#[derive(Clone, clap::Args)]
pub struct RegistryArgs {
    /// Registry user (default: docker's config.json for that registry).
    #[arg(long = "user", env = "TRELLIS_REGISTRY_USER", requires = "password")]
    pub user: Option<String>,
    /// Registry password or token. Prefer the environment variable: arguments are
    /// visible to other users in the process list.
    #[arg(
        long = "password",
        env = "TRELLIS_REGISTRY_PASSWORD",
        hide_env_values = true,
        requires = "user"
    )]
    pub password: Option<String>,
}

// Never print the password, not even in a debug dump of the parsed arguments.
impl std::fmt::Debug for RegistryArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegistryArgs")
            .field("user", &self.user)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

impl RegistryArgs {
    /// Pull and push options with these credentials.
    pub fn options(&self) -> OciOptions {
        let credentials = match (&self.user, &self.password) {
            (Some(username), Some(password)) => Credentials::Basic {
                username: username.clone(),
                password: password.clone(),
            },
            _ => Credentials::Auto,
        };
        OciOptions {
            credentials,
            ..OciOptions::default()
        }
    }
}

/// Arguments of `trellis push`.
#[derive(Debug, clap::Args)]
pub struct PushArgs {
    /// The component file, or a provider archive (`.par`, `.par.gz`), pushed with
    /// wasmCloud's provider archive media types.
    pub file: PathBuf,
    /// Where to push it: `REGISTRY/REPOSITORY:TAG`.
    pub reference: String,
    #[command(flatten)]
    pub registry: RegistryArgs,
}

/// Arguments of `trellis pull`.
#[derive(Debug, clap::Args)]
pub struct PullArgs {
    /// What to pull: `REGISTRY/REPOSITORY:TAG` or `…@sha256:…`.
    pub reference: String,
    /// Also write the component (or provider archive) to this file.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub registry: RegistryArgs,
}

/// Runs `trellis push`.
pub async fn push(args: PushArgs, global: &super::GlobalOpts) -> anyhow::Result<ExitCode> {
    let bytes = std::fs::read(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let what = args.file.display().to_string();
    if is_archive(&args.file, &bytes) {
        return push_archive(bytes, &what, &args, global).await;
    }
    let pushed = trellis_oci::push(bytes, &what, &args.reference, &args.registry.options()).await?;
    if global.json {
        let json = serde_json::json!({
            "reference": pushed.reference,
            "digest": pushed.digest,
            "manifest_url": pushed.manifest_url,
        });
        println!("{json}");
    } else {
        println!("pushed {what} to {} ({})", pushed.reference, pushed.digest);
    }
    Ok(ExitCode::SUCCESS)
}

/// Whether the file to push is a provider archive: named `.par`/`.par.gz`, or a tar or
/// gzip file (a component starts with `\0asm`).
fn is_archive(path: &std::path::Path, bytes: &[u8]) -> bool {
    let name = path.to_string_lossy().to_ascii_lowercase();
    name.ends_with(".par")
        || name.ends_with(".par.gz")
        || trellis_oci::par::looks_like_archive(bytes)
}

/// Pushes a provider archive (checked first: signed claims, every binary's hash).
async fn push_archive(
    bytes: Vec<u8>,
    what: &str,
    args: &PushArgs,
    global: &super::GlobalOpts,
) -> anyhow::Result<ExitCode> {
    let options = OciOptions {
        max_bytes: trellis_oci::par::MAX_PROVIDER_ARCHIVE_BYTES,
        ..args.registry.options()
    };
    let (pushed, info) =
        trellis_oci::push_provider_archive(bytes, what, &args.reference, &options).await?;
    if global.json {
        let json = serde_json::json!({
            "reference": pushed.reference,
            "digest": pushed.digest,
            "manifest_url": pushed.manifest_url,
            "provider_archive": super::par::archive_json(&info),
        });
        println!("{json}");
    } else {
        println!(
            "pushed provider archive {what} ({}, targets {}) to {} ({})",
            info.name(),
            info.targets.join(", "),
            pushed.reference,
            pushed.digest
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs `trellis pull`.
pub async fn pull(args: PullArgs, global: &super::GlobalOpts) -> anyhow::Result<ExitCode> {
    let options = OciOptions {
        max_bytes: trellis_oci::par::MAX_PROVIDER_ARCHIVE_BYTES,
        ..args.registry.options()
    };
    let pulled = pull_with_progress(&args.reference, &options).await?;
    if let Some(output) = &args.output {
        std::fs::write(output, &pulled.bytes)
            .with_context(|| format!("cannot write {}", output.display()))?;
    }
    if global.json {
        let json = serde_json::json!({
            "reference": pulled.reference,
            "digest": pulled.digest,
            "manifest_digest": pulled.manifest_digest,
            "bytes": pulled.bytes.len(),
            "from_cache": pulled.from_cache,
            "kind": match pulled.kind {
                trellis_oci::ArtifactKind::Component => "component",
                trellis_oci::ArtifactKind::ProviderArchive => "provider-archive",
            },
        });
        println!("{json}");
    } else {
        println!(
            "pulled {}{} ({} bytes, {}){}",
            if pulled.kind == trellis_oci::ArtifactKind::ProviderArchive {
                "provider archive "
            } else {
                ""
            },
            pulled.reference,
            pulled.bytes.len(),
            pulled.digest,
            if pulled.from_cache {
                " from the cache"
            } else {
                ""
            }
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Pulls `reference` (a component or a provider archive), telling how it goes on stderr
/// (one line per step, rewritten in place on a terminal).
pub async fn pull_with_progress(
    reference: &str,
    options: &OciOptions,
) -> anyhow::Result<trellis_oci::Pulled> {
    use std::io::IsTerminal as _;
    let terminal = std::io::stderr().is_terminal();
    let mut progress = |step: Progress| {
        let mut err = std::io::stderr().lock();
        let _ = match (&step, terminal) {
            (Progress::Downloading { .. }, true) => write!(err, "\r\x1b[K{reference}: {step}"),
            _ => writeln!(err, "{reference}: {step}"),
        };
    };
    let pulled = trellis_oci::pull_artifact(reference, options, &mut progress).await;
    if terminal {
        eprintln!();
    }
    Ok(pulled?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_debug_dump_of_the_arguments_never_shows_the_password() {
        let args = RegistryArgs {
            user: Some("ci".into()),
            password: Some("hunter2".into()),
        };
        let shown = format!("{args:?}");
        assert!(
            shown.contains("ci") && !shown.contains("hunter2"),
            "{shown}"
        );
    }
}
