#!/usr/bin/env bash
# Installs what is needed (scripts/install.sh), builds Trellis, and launches the desktop app
# with its embedded host on a local lattice. Without a display it says so and runs
# `trellis up` (the same host and local lattice, headless) instead.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
. "$ROOT/scripts/target-dir.sh"

bash scripts/install.sh

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "No display found (DISPLAY and WAYLAND_DISPLAY are unset): running 'trellis up' instead of the desktop app."
  cargo build --quiet -p trellis-cli
  exec "$CARGO_TARGET_DIR/debug/trellis" up "$@"
fi

echo "Building the desktop app and the trellis CLI (the first build takes a few minutes)..."
# The same build e2e/run.sh makes: features resolved as for the whole workspace, so it
# reuses what `scripts/test.sh` compiled, and the CLI beside the app reaches its lattice.
(cd frontend && TAURI_APP_PATH=../src-tauri npx tauri build --debug --no-bundle -- \
  --workspace --exclude trellis-bench-lattice --examples)
echo "The trellis CLI is $CARGO_TARGET_DIR/debug/trellis: with the app open, 'trellis get hosts' shows its host."
exec "$CARGO_TARGET_DIR/debug/trellis-app" "$@"
