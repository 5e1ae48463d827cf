#!/usr/bin/env bash
# Rebuilds js-counter.wasm with jco + componentize-js (npm) in a throwaway folder.
# preview2-shim is pinned to 0.26.0: 0.26.1 stops jco from reading the WIT folder.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
tools="${TMPDIR:-/tmp}/trellis-jco"
if [ ! -x "$tools/node_modules/.bin/jco" ]; then
  mkdir -p "$tools" && (cd "$tools" && npm init -y >/dev/null &&
    npm install --no-audit --no-fund --loglevel=error @bytecodealliance/jco@1.35.0 \
      @bytecodealliance/componentize-js @bytecodealliance/preview2-shim@0.26.0)
fi
cd "$here"
"$tools/node_modules/.bin/jco" componentize app.js --wit wit --world-name counter -o js-counter.wasm
ls -l js-counter.wasm
