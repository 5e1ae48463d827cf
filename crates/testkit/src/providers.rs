//! Capability provider binaries for tests, built at test time from the workspace, and
//! packed as provider archives with wasmCloud's own writer.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use anyhow::{bail, Context as _};

/// The package of the SDK-built counter provider (`crates/testkit/providers/counter`).
const COUNTER_PACKAGE: &str = "trellis-counter-provider";

/// The counter provider: a binary built with wasmCloud's official provider SDK
/// (`wasmcloud-provider-sdk` 0.17) that exports `trellis:counter/counter@0.1.0`
/// (`increment(key, by) -> u64`, `get(key) -> option<u64>`) over wRPC and prints the
/// links, config updates and shutdown it receives on stdout.
///
/// Built once per test process with `cargo build -p trellis-counter-provider` into the
/// target directory the running test binary was built in (a no-op when it is current;
/// a cold build takes minutes: it compiles the SDK and its wasmtime).
pub fn counter_provider() -> anyhow::Result<PathBuf> {
    static BUILT: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    BUILT
        .get_or_init(|| build(COUNTER_PACKAGE).map_err(|e| format!("{e:#}")))
        .clone()
        .map_err(anyhow::Error::msg)
}

/// This machine's target as provider archives name it (`x86_64-linux`): the name
/// wasmCloud hosts pick a binary by.
pub fn native_provider_target() -> String {
    format!("{}-{}", std::env::consts::ARCH, std::env::consts::OS)
}

/// The counter provider ([`counter_provider`]) packed as a provider archive by
/// wasmCloud's own `provider-archive` crate (see [`provider_archive`]): its binary under
/// each of `targets`, gzipped when `gzip`.
pub fn counter_provider_archive(targets: &[&str], gzip: bool) -> anyhow::Result<Vec<u8>> {
    let binary = std::fs::read(counter_provider()?).context("reading the counter provider")?;
    provider_archive(&binary, targets, gzip)
}

/// A provider archive made by wasmCloud's own `provider-archive` crate (as `wash par
/// create` makes one): `binary` under each of `targets`, claims named `counter` (vendor
/// `trellis-tests`, version 0.1.0) and signed with fresh keys, gzipped when `gzip`.
/// Returns the archive's bytes.
pub fn provider_archive(binary: &[u8], targets: &[&str], gzip: bool) -> anyhow::Result<Vec<u8>> {
    let binary = binary.to_vec();
    let targets: Vec<String> = targets.iter().map(|t| (*t).to_owned()).collect();
    // Its writer is async and tests call this from inside their runtime: write on a
    // thread with a runtime of its own.
    std::thread::spawn(move || -> anyhow::Result<Vec<u8>> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("counter.par");
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        runtime.block_on(async {
            let mut archive = provider_archive::ProviderArchive::new(
                "counter",
                "trellis-tests",
                Some(1),
                Some("0.1.0".into()),
            );
            for target in &targets {
                archive
                    .add_library(target, &binary)
                    .map_err(|e| anyhow::anyhow!("adding {target}: {e}"))?;
            }
            archive
                .write(
                    &path,
                    &nkeys::KeyPair::new_account(),
                    &nkeys::KeyPair::new_service(),
                    gzip,
                )
                .await
                .map_err(|e| anyhow::anyhow!("writing the archive: {e}"))
        })?;
        // With compression the writer adds `.gz` to the name.
        let written = if gzip {
            dir.path().join("counter.par.gz")
        } else {
            path
        };
        std::fs::read(&written).with_context(|| format!("reading {}", written.display()))
    })
    .join()
    .map_err(|_| anyhow::anyhow!("the archive writer panicked"))?
}

/// `cargo build -p package` into the running test's target directory; returns the binary.
fn build(package: &str) -> anyhow::Result<PathBuf> {
    let profile_dir = profile_dir()?;
    let target_dir = profile_dir
        .parent()
        .context("the test binary is not inside a target directory")?;
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| env!("CARGO").into());
    let mut command = Command::new(cargo);
    command
        .args(["build", "--quiet", "-p", package, "--target-dir"])
        .arg(target_dir)
        .current_dir(&workspace);
    // What cargo sets for the running test (CARGO_MANIFEST_DIR, CARGO_PKG_*, …): build
    // scripts that watch them (ring's) would otherwise rebuild the provider's
    // dependencies whenever it is built from another test binary or a shell.
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        let set_for_tests = name.starts_with("CARGO_PKG_")
            || name.starts_with("CARGO_BIN_")
            || name.starts_with("CARGO_MANIFEST_")
            || [
                "CARGO_CRATE_NAME",
                "CARGO_PRIMARY_PACKAGE",
                "CARGO_TARGET_TMPDIR",
                "OUT_DIR",
            ]
            .contains(&name.as_ref());
        if set_for_tests {
            command.env_remove(name.as_ref());
        }
    }
    let status = command
        .status()
        .with_context(|| format!("running cargo build -p {package}"))?;
    if !status.success() {
        bail!("cargo build -p {package} failed ({status})");
    }
    let binary = profile_dir.join(package);
    anyhow::ensure!(binary.is_file(), "{} was not built", binary.display());
    Ok(binary)
}

/// `<target>/debug`: the directory above the test binary's `deps/`.
fn profile_dir() -> anyhow::Result<PathBuf> {
    let exe = std::env::current_exe().context("finding the test binary")?;
    let deps = exe.parent().context("the test binary has no directory")?;
    let profile = if deps.file_name().is_some_and(|n| n == "deps") {
        deps.parent().context("deps/ has no parent")?
    } else {
        deps
    };
    Ok(profile.to_owned())
}
