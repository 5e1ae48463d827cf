#!/usr/bin/env bash
# Builds the frontend and the app (assets embedded) and runs the end-to-end suite under Xvfb.
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

# beforeBuildCommand builds the frontend (tsc -b && vite build) first.
(cd "$repo/frontend" && TAURI_APP_PATH=../src-tauri npx tauri build --debug --no-bundle)

# The suite also puts links and starts providers with the CLI.
cargo build --quiet -p trellis-cli --manifest-path "$repo/Cargo.toml"

export TRELLIS_APP_BINARY="${TRELLIS_APP_BINARY:-$CARGO_TARGET_DIR/debug/trellis-app}"
export TRELLIS_CLI_BINARY="${TRELLIS_CLI_BINARY:-$CARGO_TARGET_DIR/debug/trellis}"
cd "$here"
xvfb-run -a -s "-screen 0 1280x800x24" node --test --test-concurrency=1 test/
