#!/usr/bin/env bash
# The reliability suite's full form (issue 11), on demand; CI runs the short forms in
# `cargo test -p trellis-host`. Each check runs alone in its test process (so RSS
# figures are this check's) under a time budget, and the figures are printed:
#
# - 10,000 HTTP requests mixing a trapping, a looping (100 ms budget) and a healthy
#   component: the healthy one answers all, RSS stays within 10 % of its post-warm-up
#   value (TRELLIS_RELIABILITY_RSS_CHECK=1);
# - a memory bomb stopped at the per-instance cap while another component answers;
# - 50,000 messages (MESSAGES) burst at a handler with max_instances 1: all answered,
#   at most one running and one waiting, RSS printed;
# - nats-server killed with -9 and restarted under HTTP and ping traffic: host and
#   lattice client back within 5 s, links/config/workloads intact, then NATS_REQUESTS
#   (default 2000) HTTP requests and 20 config puts all succeed;
# - HALF_OPEN (default 5000, capped by ulimit -n) half-sent HTTP requests closed by a
#   1 s header-read timeout while real requests all succeed.
#
# Usage: scripts/reliability.sh [REQUESTS [MESSAGES]] (default 10000 50000). BUDGET (seconds, default
# 600) bounds each check, build included.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/scripts/target-dir.sh"
cd "$ROOT"

REQUESTS="${1:-10000}"
MESSAGES="${2:-50000}"
BUDGET="${BUDGET:-600}"
say() { printf '[reliability] %s\n' "$*"; }
NATS_REQUESTS="${NATS_REQUESTS:-2000}"
# Two descriptors per half-open connection, and some room for the rest.
fd_limit="$(ulimit -n)"
HALF_OPEN="${HALF_OPEN:-5000}"
if [ "$fd_limit" != unlimited ] && [ $((HALF_OPEN * 2 + 512)) -gt "$fd_limit" ]; then
  HALF_OPEN=$(((fd_limit - 512) / 2))
  say "ulimit -n is $fd_limit: $HALF_OPEN half-open connections instead"
fi

say "building the trellis-host tests (target: $CARGO_TARGET_DIR)"
timeout "$BUDGET" cargo test -p trellis-host --test all --no-run >/dev/null 2>&1 || {
  say "build failed or exceeded ${BUDGET}s; run: cargo test -p trellis-host --test all --no-run"
  exit 2
}

failed=0
run() {
  local name="$1"
  shift
  local log
  log="$(mktemp)"
  local start=$SECONDS
  if env "$@" timeout "$BUDGET" cargo test -q -p trellis-host --test all "$name" \
      -- --exact --nocapture --test-threads=1 >"$log" 2>&1; then
    say "PASS $name ($((SECONDS - start)) s)"
  else
    say "FAIL $name ($((SECONDS - start)) s, budget ${BUDGET}s); log: $log"
    failed=1
  fi
  # The figures each check prints.
  grep -E '^(reliability( nats| half-open)?:|memory bomb:|[0-9]+ messages through)' "$log" | sed 's/^/    /' || true
}

run reliability::reliability_mixed_faults_leave_the_healthy_component_answering \
  TRELLIS_RELIABILITY_REQUESTS="$REQUESTS" TRELLIS_RELIABILITY_RSS_CHECK=1
run issue11_limits::a_memory_bomb_stops_at_the_instance_cap_while_others_answer
run issue11_limits::a_message_burst_at_one_instance_is_delivered_with_bounded_concurrency \
  TRELLIS_RELIABILITY_MESSAGES="$MESSAGES"
run reliability_nats::nats_killed_and_restarted_under_traffic_host_and_client_reconnect \
  TRELLIS_RELIABILITY_NATS_REQUESTS="$NATS_REQUESTS"
run reliability_half_open::half_sent_requests_are_cut_off_by_the_header_timeout_and_do_not_starve_real_ones \
  TRELLIS_RELIABILITY_HALF_OPEN="$HALF_OPEN"

if [ "$failed" -ne 0 ]; then
  say "some checks failed"
  exit 1
fi
say "all checks passed"
