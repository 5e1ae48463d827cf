#!/usr/bin/env bash
# Builds the frontend, the app (assets embedded) and the trellis CLI, and runs the
# end-to-end suite under Xvfb.
# Usage: e2e/run.sh            (from anywhere; target directory: scripts/target-dir.sh)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
ROOT="$repo" . "$repo/scripts/target-dir.sh"

[ -d "$repo/frontend/node_modules" ] || npm ci --prefix "$repo/frontend" --no-audit --no-fund
[ -d "$here/node_modules" ] || npm ci --prefix "$here" --no-audit --no-fund
command -v tauri-driver >/dev/null || {
  echo "tauri-driver not found: cargo install tauri-driver --locked --version '^2'" >&2
  exit 1
}

# One build for both binaries the suite runs: the app (assets embedded: tauri build adds
# `--bins --features tauri/custom-protocol`; beforeBuildCommand builds the frontend first)
# and the `trellis` CLI, which the suite calls to put links and start providers.
#
# The extra cargo arguments resolve features exactly as `cargo test --workspace` does
# (scripts/test.sh runs it just before), so every dependency artifact of the tests is
# reused: only tauri (custom-protocol), its window-state plugin and the app itself are
# compiled again, and `trellis` is the binary the CLI's integration tests already built.
# Built alone (`cargo build -p trellis-cli`, or tauri build without these arguments) each
# binary resolves its own feature set and compiles wasmtime, cranelift and up to a few
# hundred more crates again: the app alone lacks rustix/stdio (from the CLI's crossterm)
# and tracing/log (from the compat tests' dev-dependencies); the CLI alone also lacks
# what tauri turns on (serde/rc, proc-macro2/span-locations, ...).
# - `--workspace`: unify features over every member, as the tests do;
# - `--examples`: select targets that need dev-dependencies, so their features unify
#   too (cargo test builds examples as well; the workspace has none today);
# - `--exclude trellis-bench-lattice`: its `lattice-bench` binary is a measuring tool
#   that cargo test does not build, and it adds no features.
# tauri's `test` feature stays on in this build; it only adds the `tauri::test` module.
(cd "$repo/frontend" && TAURI_APP_PATH=../src-tauri npx tauri build --debug --no-bundle \
  -- --workspace --exclude trellis-bench-lattice --examples)

export TRELLIS_APP_BINARY="${TRELLIS_APP_BINARY:-$CARGO_TARGET_DIR/debug/trellis-app}"
export TRELLIS_CLI_BINARY="${TRELLIS_CLI_BINARY:-$CARGO_TARGET_DIR/debug/trellis}"
cd "$here"
xvfb-run -a -s "-screen 0 1280x800x24" node --test --test-concurrency=1 test/
