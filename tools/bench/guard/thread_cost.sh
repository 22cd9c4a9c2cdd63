#!/usr/bin/env bash
# Instructions per query of the answering (UDP) thread alone, and of the answer path proper
# (engine::detail::answerInto, per call), counted by callgrind per thread: what a feature on
# another thread (dnstap's writer) or outside the answer path (the metrics' detail) costs
# the workers. The guard's zone, database and queries, one worker, a closed loop.
#
#   tools/bench/guard/thread_cost.sh BUILD_DIR LABEL ["config line"]
#     e.g. ... build-release off
#          ... build-release metrics "http: {listen: [127.0.0.1:15498]}"
#          ... build-release dnstap "dnstap: {file: /tmp/q.dnstap}"
# Needs the files of a guard run: GUARD_OUT (default /tmp/lodestar-insn-guard).
set -euo pipefail
BUILD=$(cd "$1" && pwd)
LABEL=$2
EXTRA=${3:-}
GUARD_OUT=${GUARD_OUT:-/tmp/lodestar-insn-guard}
PORT=${PORT:-15497}
OUT=/tmp/lodestar-thread-cost-$LABEL
[ -d "$GUARD_OUT/zones" ] || { echo "thread_cost: run tools/bench/guard/insn_guard.sh first (OUT=$GUARD_OUT)" >&2; exit 2; }
rm -rf "$OUT" && mkdir -p "$OUT"
cp -r "$GUARD_OUT/zones" "$GUARD_OUT/demo.mmdb" "$OUT/"
printf 'listen: [127.0.0.1:%s]\nworkers: 1\nzones: [zones/]\ngeo: {database: demo.mmdb}\ncontrol_socket: %s\n' \
  "$PORT" "$OUT/control.sock" >"$OUT/lodestar.yaml"
[ -n "$EXTRA" ] && echo "$EXTRA" >>"$OUT/lodestar.yaml"
(cd "$OUT" && exec valgrind --tool=callgrind --separate-threads=yes --callgrind-out-file="$OUT/cg.%p" \
  "$BUILD/tools/lodestar" -c "$OUT/lodestar.yaml" 2>"$OUT/daemon.log") &
PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  kdig @127.0.0.1 -p "$PORT" +time=1 +retry=0 gtm.example.test SOA >/dev/null 2>&1 && break
  sleep 0.5
done
# dnstap's records dropped so far (a full ring): a window that dropped some measured the drop,
# not the log, and says so.
tapDropped() {
  "$BUILD/tools/lodestarctl" -s "$OUT/control.sock" --json stats 2>/dev/null |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["result"].get("dnstap", {}).get("dropped_queue_full", 0))' 2>/dev/null || echo 0
}
for kind in "steered|www.gtm.example.test A|198.51.100.0/24" "static|mail.gtm.example.test A|" \
            "nxdomain|nope.gtm.example.test A|"; do
  IFS='|' read -r name line ecs <<<"$kind"
  echo "$line" >"$OUT/$name.txt"
  droppedBefore=$(tapDropped)
  callgrind_control -z "$PID" >/dev/null 2>&1
  "$BUILD/tools/bench/dns_replay" run -s 127.0.0.1 -p "$PORT" -f "$OUT/$name.txt" -w 1 ${ecs:+-e "$ecs"} -l 3 \
    >"$OUT/replay.$name"
  callgrind_control -d "$name" "$PID" >/dev/null 2>&1
  sleep 1
  dropped=$(( $(tapDropped) - droppedBefore ))
  # The dump of the thread that ran the UDP loop.
  file=$(grep -l "Trigger: dump $name" "$OUT"/cg.* | xargs grep -l receiveBatches | head -1)
  total=$(grep -E '^(summary|totals):' "$file" | tail -1 | awk '{print $2}')
  # Every query of the window went through answerInto once (a timed one too): its callers'
  # call counts are the queries this thread answered while the window was open.
  read -r path calls < <(callgrind_annotate --inclusive=yes --tree=caller "$file" 2>/dev/null | python3 -c '
import re, sys
callers = 0
for line in sys.stdin:
    if not line.strip():
        callers = 0
    elif "< " in line:
        m = re.search(r"\(([0-9,]+)x\)", line)
        callers += int(m.group(1).replace(",", "")) if m else 0
    elif "*  " in line and "detail::answerInto" in line:
        print(line.split()[0].replace(",", ""), callers)
        break')
  printf '%-10s %-9s UDP thread %5d per query   answerInto %5d per call   (%d queries)%s\n' \
    "$LABEL" "$name" $((total / calls)) $((path / calls)) "$calls" \
    "$([ "$dropped" -gt 0 ] && echo "   INVALID: dnstap dropped $dropped records (a full ring)")"
done
