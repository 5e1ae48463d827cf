#!/usr/bin/env bash
# Rebuilds hello-wat.wasm (hand-written WAT) and hello-c.wasm (C, zig cc from PyPI
# `ziglang`, freestanding: no libc and no preview-1 adapter) from their sources and
# wit/world.wit, with the WASI 0.2.12 WIT vendored in crates/testkit/wit/deps.
#
# Needs: python3 and wasm-tools (scripts/install.sh installs it).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$here/../.."
venv="${ZIG_VENV:-$HOME/.cache/trellis/zig/venv}"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -m ziglang version >/dev/null 2>&1 || "$venv/bin/pip" install -q "ziglang==0.17.1"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# wasm-tools reads a WIT folder: the world plus its dependencies in deps/.
mkdir -p "$tmp/wit/deps"
cp "$here/wit/world.wit" "$tmp/wit/"
cp "$repo"/crates/testkit/wit/deps/*.wit "$tmp/wit/deps/"

wasm-tools component embed "$tmp/wit" -w hello-http "$here/wat/hello.wat" -o "$tmp/wat.wasm"
wasm-tools component new "$tmp/wat.wasm" -o "$here/hello-wat.wasm"

"$venv/bin/python" -m ziglang cc -target wasm32-freestanding -Os -s -nostdlib \
  -Wl,--no-entry "$here/c/hello.c" -o "$tmp/c.core.wasm"
wasm-tools component embed "$tmp/wit" -w hello-http "$tmp/c.core.wasm" -o "$tmp/c.wasm"
wasm-tools component new "$tmp/c.wasm" -o "$here/hello-c.wasm"

for f in hello-wat.wasm hello-c.wasm; do
  wasm-tools validate "$here/$f"
  echo "built $here/$f ($(stat -c %s "$here/$f") bytes)"
done
