#!/usr/bin/env bash
# Figures of the app in the real webview (WebKitGTK under Xvfb): graph first paint, pan
# frames, log ingestion (bench page in MiniBrowser), cold start and idle RSS (the real app
# through tauri-driver). Prints the figures and the machine. A measuring tool, not a test.
#
# Usage: bench/app/run.sh
#   BENCH_BUDGET=900       seconds before the whole run is stopped
#   BENCH_ONLY=page,app    which half to run (page: figures 1–3; app: 4–5)
#   BENCH_COLD_RUNS=3      app starts measured (idle RSS is taken on the first)
#   BENCH_BUILD=1          build the app as e2e/run.sh does even if a binary exists
#   BENCH_FRONTEND=head    the frontend sources the page is built from: head (the committed
#                          ones, copied to .frontend-head/) or worktree (as they are on disk)
#   TRELLIS_APP_BINARY     the app (default $CARGO_TARGET_DIR/debug/trellis-app)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
ROOT="$repo" . "$repo/scripts/target-dir.sh"

[ -d "$repo/frontend/node_modules" ] || npm ci --prefix "$repo/frontend" --no-audit --no-fund
[ -d "$repo/e2e/node_modules" ] || npm ci --prefix "$repo/e2e" --no-audit --no-fund
for tool in tauri-driver WebKitWebDriver xvfb-run; do
  command -v "$tool" >/dev/null || { echo "$tool not found (see e2e/run.sh and /work/shared/tauri-setup.md)" >&2; exit 1; }
done

export TRELLIS_APP_BINARY="${TRELLIS_APP_BINARY:-$CARGO_TARGET_DIR/debug/trellis-app}"
if [ "${BENCH_BUILD:-0}" = 1 ] || [ ! -x "$TRELLIS_APP_BINARY" ]; then
  # The same build as e2e/run.sh (assets embedded), so its artifacts are shared.
  (cd "$repo/frontend" && TAURI_APP_PATH=../src-tauri npx tauri build --debug --no-bundle \
    -- --workspace --exclude trellis-bench-lattice --examples)
fi

# The page is built with the frontend's toolchain: node_modules here is a link to the
# frontend's (ignored by git), so the page and the sources it imports share one React.
ln -sfn ../../frontend/node_modules "$here/node_modules"
if [ "${BENCH_FRONTEND:-head}" = head ]; then
  rm -rf "$here/.frontend-head" && mkdir -p "$here/.frontend-head"
  git -C "$repo" archive HEAD frontend/src crates/wit/builtin_providers.json | tar -x -C "$here/.frontend-head"
  export BENCH_FRONTEND_SRC="$here/.frontend-head/frontend/src"
  echo "bench page built from the committed frontend ($(git -C "$repo" rev-parse --short HEAD))"
else
  echo "bench page built from the frontend's working tree"
fi
(cd "$here" && node_modules/.bin/vite build --config vite.config.mts)

cd "$here"
timeout --kill-after=10 "${BENCH_BUDGET:-900}" \
  xvfb-run -a -s "-screen 0 1600x1000x24" node run.mjs
