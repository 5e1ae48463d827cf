//! Capability provider binaries for tests, built at test time from the workspace.

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
