#!/usr/bin/env bash
# Builds and runs the decode fuzz target without cargo-fuzz (needs a
# nightly toolchain and a C++ compiler). Extra args go to libFuzzer, e.g.
#   ./run.sh -max_total_time=120
set -euo pipefail
cd "$(dirname "$0")"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/trellis/fuzz-target}"
# The flags cargo-fuzz passes: coverage instrumentation libFuzzer feeds on.
export RUSTFLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
 -Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
 -Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing -Cdebug-assertions -Coverflow-checks"
# An explicit --target keeps the flags off build scripts and proc macros.
triple="$(rustc +nightly -vV | sed -n 's/^host: //p')"
cargo +nightly build --release --target "$triple" --bin decode
mkdir -p corpus/decode artifacts
# New inputs go to corpus/ (ignored by git); seeds/ holds the hand-written starting set.
"$CARGO_TARGET_DIR/$triple/release/decode" -artifact_prefix=artifacts/ \
  corpus/decode seeds/decode "$@"
