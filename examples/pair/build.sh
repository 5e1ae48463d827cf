#!/usr/bin/env bash
# Rebuilds pair's two components from their sources and wit/world.wit (with the WASI
# 0.2.12 WIT vendored in crates/testkit/wit/deps):
# - front.wasm: hand-written WAT, world `front` (HTTP in, greeter out);
# - back.wasm: C, zig cc from PyPI `ziglang`, freestanding (no libc, no adapter), world `back`.
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
mkdir -p "$tmp/wit/deps"
cp "$here/wit/world.wit" "$tmp/wit/"
cp "$repo"/crates/testkit/wit/deps/*.wit "$tmp/wit/deps/"

wasm-tools component embed "$tmp/wit" -w front "$here/wat/front.wat" -o "$tmp/front.wasm"
wasm-tools component new "$tmp/front.wasm" -o "$here/front.wasm"

"$venv/bin/python" -m ziglang cc -target wasm32-freestanding -Os -s -nostdlib \
  -Wl,--no-entry "$here/c/back.c" -o "$tmp/back.core.wasm"
wasm-tools component embed "$tmp/wit" -w back "$tmp/back.core.wasm" -o "$tmp/back.wasm"
wasm-tools component new "$tmp/back.wasm" -o "$here/back.wasm"

for f in front.wasm back.wasm; do
  wasm-tools validate "$here/$f"
  echo "built $here/$f ($(stat -c %s "$here/$f") bytes)"
done
