#!/usr/bin/env bash
# Runs every fuzz target of the trellis-fuzz crate (fuzz/) for a fixed time budget on
# stable Rust and prints, per target, executions, exec/s and unique crashes (panics);
# a crashing input is saved as fuzz/crashes/<target>-<hash>. Exits 1 if any target
# crashed, 2 if the build failed. Issue 11's reliability suite; CI runs the short form
# (`cargo test -p trellis-fuzz`, about 2 s or 2,000 inputs per target).
#
# Targets: ctl (ctl v1 request decoding, offline), ctl-live (the same requests sent to
# a real host over a real nats-server), refs (component/provider/built-in references,
# interface names), grants (trellis.dev/* annotations, component_limits), wit (WIT
# decoding of component bytes), manifest (OAM manifests through wadm-types' validation).
# Inputs come from a seeded PRNG and mutations of a seed corpus; this is not
# coverage-guided (see fuzz/README.md).
#
# Usage: scripts/fuzz.sh [SECONDS_PER_TARGET [TARGET...]] (default 60, all targets).
# SEED (default 11) picks the input sequence.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/scripts/target-dir.sh"
cd "$ROOT"

SECONDS_PER_TARGET="${1:-60}"
shift || true
SEED="${SEED:-11}"

# The dev profile: dependencies are built at opt-level 1 (root Cargo.toml) and are
# shared with the test builds; a release build of wasmtime would take many minutes.
cargo build -q -p trellis-fuzz || exit 2
"$CARGO_TARGET_DIR/debug/trellis-fuzz" --seconds "$SECONDS_PER_TARGET" --seed "$SEED" \
  --crashes "$ROOT/fuzz/crashes" "$@"
