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

echo "Building the desktop app (the first build takes a few minutes)..."
(cd frontend && TAURI_APP_PATH=../src-tauri npx tauri build --debug --no-bundle)
exec "$CARGO_TARGET_DIR/debug/trellis-app" "$@"
