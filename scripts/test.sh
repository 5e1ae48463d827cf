#!/usr/bin/env bash
# Installs what is needed (scripts/install.sh), then runs every test: Rust format and
# lints, the Rust test suites (real nats-server, real wasmtime, components built at test
# time), the frontend's lint and unit tests, and the end-to-end tests of the real desktop
# app under Xvfb. Prints each runner's summary and exits non-zero if anything failed.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
. "$ROOT/scripts/target-dir.sh"
export CARGO_TERM_COLOR=never NO_COLOR=1
# Two cores: keep cargo and the test harness from oversubscribing them.
export CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-2}"
export RUST_TEST_THREADS="${RUST_TEST_THREADS:-2}"

bash scripts/install.sh || exit 1

failed=()
step() {
  local name="$1"; shift
  printf '\n=== %s ===\n' "$name"
  local start=$SECONDS
  if "$@"; then
    printf '=== %s: ok (%ss) ===\n' "$name" "$((SECONDS - start))"
  else
    printf '=== %s: FAILED (%ss) ===\n' "$name" "$((SECONDS - start))"
    failed+=("$name")
  fi
}

step "rustfmt" cargo fmt --all -- --check
# --all-targets resolves the same features as the tests: the tests reuse clippy's build
# scripts and proc-macros (its other artifacts are metadata-only checks, never reusable).
step "clippy" cargo clippy --workspace --all-targets --quiet -- -D warnings
# e2e/run.sh builds the app and the CLI with this step's features (see there), so it
# reuses this build's artifacts: keep the two in step.
step "rust tests" cargo test --workspace --no-fail-fast
if [ -f frontend/package.json ]; then
  step "frontend lint" npm --prefix frontend run --silent lint
  step "frontend tests" npm --prefix frontend test --silent
fi
if [ -x e2e/run.sh ]; then
  step "end-to-end (real app under Xvfb)" e2e/run.sh
fi

printf '\n'
if [ "${#failed[@]}" -gt 0 ]; then
  printf 'FAILED steps: %s\n' "${failed[*]}"
  exit 1
fi
printf 'All test steps passed.\n'
