#!/usr/bin/env bash
# Rebuilds py-counter.wasm with componentize-py (PyPI) in a throwaway virtualenv.
set -euo pipefail
cd "$(dirname "$0")"
venv="${TMPDIR:-/tmp}/trellis-componentize-py"
[ -x "$venv/bin/componentize-py" ] || { python3 -m venv "$venv" && "$venv/bin/pip" install -q componentize-py==0.25.1; }
"$venv/bin/componentize-py" -d wit -w trellis-examples:py-counter/counter componentize app -o py-counter.wasm
ls -l py-counter.wasm
