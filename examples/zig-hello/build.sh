#!/usr/bin/env bash
# Rebuilds zig-hello.wasm: zig cc (PyPI `ziglang`) compiles hello.c for wasm32-wasi
# (preview 1), and `wasm-tools component new` wraps it with the preview-1 command adapter
# that wasmtime ships in the `wasi-preview1-component-adapter-provider` crate.
#
# Needs: python3, wasm-tools (scripts/install.sh installs it), and the adapter crate in
# the cargo registry (any `cargo build` of Trellis fetches it).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${ZIG_VENV:-$HOME/.cache/trellis/zig/venv}"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -m ziglang version >/dev/null 2>&1 || "$venv/bin/pip" install -q "ziglang==0.17.1"

adapter="$(ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/wasi-preview1-component-adapter-provider-*/artefacts \
  | sort -V | tail -1)/wasi_snapshot_preview1.command.wasm"
[ -f "$adapter" ] || { echo "adapter not found: run a cargo build of Trellis first" >&2; exit 1; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
"$venv/bin/python" -m ziglang cc -target wasm32-wasi -Os -s "$here/hello.c" -o "$tmp/hello.p1.wasm"
wasm-tools component new "$tmp/hello.p1.wasm" \
  --adapt "wasi_snapshot_preview1=$adapter" -o "$here/zig-hello.wasm"
echo "built $here/zig-hello.wasm ($(stat -c %s "$here/zig-hello.wasm") bytes)"
