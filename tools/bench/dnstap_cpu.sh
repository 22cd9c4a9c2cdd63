#!/usr/bin/env bash
# What dnstap costs the answering threads in CPU time, kernel included: the guard's
# instruction counts (thread_cost.sh) see only user space, where a query's syscalls are not,
# and valgrind replaces the vDSO clock with a syscall. Here each query is sent at a fixed
# offered rate, and the cost is the CPU time of the lodestar-udp threads
# (/proc/PID/task/TID/schedstat, nanoseconds on a CPU) divided by the queries answered,
# without dnstap and with it, in interleaved rounds (medians, with the spread).
#
#   tools/bench/dnstap_cpu.sh [BUILD_DIR] [ROUNDS] [RATE]     (build-release, 7, 10000)
#   SECONDS_PER_KIND=4 PORT=15591
# Needs a Release build (tools/bench/guard/insn_guard.sh --build-only) and kdig.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(cd "${1:-$ROOT/build-release}" && pwd)
ROUNDS=${2:-7}
RATE=${3:-10000}
SECS=${SECONDS_PER_KIND:-4}
PORT=${PORT:-15591}
OUT=/tmp/lodestar-dnstap-cpu
source "$ROOT/tools/bench/rounds.sh"

rm -rf "$OUT" && mkdir -p "$OUT"
# The guard's zone, map and database: the demo zone without its health check.
cp -r "$ROOT/examples/zones" "$OUT/"
sed -i '/^    check: healthz/d' "$OUT/zones/gtm.example.test.yaml"
"$BUILD/tools/lodestar-geodb" build "$ROOT/examples/geo/demo-networks.csv" -o "$OUT/demo.mmdb" >/dev/null
KINDS=("steered|www.gtm.example.test A|198.51.100.0/24" "static|mail.gtm.example.test A|"
       "nxdomain|nope.gtm.example.test A|")

PID=
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

udp_ns() {  # nanoseconds on a CPU, summed over the daemon's answering (UDP) threads
  local sum=0 t
  for t in /proc/"$PID"/task/*; do
    [ "$(cat "$t/comm" 2>/dev/null)" = lodestar-udp ] || continue
    sum=$((sum + $(cut -d' ' -f1 "$t/schedstat")))
  done
  echo "$sum"
}

measure() {  # MODE ROUND: one daemon, each kind once
  local mode=$1 round=$2 kind name line ecs before after answered
  printf 'listen: [127.0.0.1:%s]\nworkers: 1\nzones: [zones/]\ngeo: {database: demo.mmdb}\ncontrol_socket: %s/ctl.sock\n' \
    "$PORT" "$OUT" >"$OUT/lodestar.yaml"
  rm -f "$OUT/queries.dnstap"
  [ "$mode" = dnstap ] && echo "dnstap: {file: $OUT/queries.dnstap}" >>"$OUT/lodestar.yaml"
  (cd "$OUT" && exec "$BUILD/tools/lodestar" -c "$OUT/lodestar.yaml" 2>"$OUT/daemon.log") &
  PID=$!
  for _ in $(seq 1 100); do
    kdig @127.0.0.1 -p "$PORT" +time=1 +retry=0 gtm.example.test SOA >/dev/null 2>&1 && break
    sleep 0.1
  done
  for kind in "${KINDS[@]}"; do
    IFS='|' read -r name line ecs <<<"$kind"
    echo "$line" >"$OUT/$name.txt"
    "$BUILD/tools/bench/dns_replay" run -s 127.0.0.1 -p "$PORT" -f "$OUT/$name.txt" ${ecs:+-e "$ecs"} -Q "$RATE" \
      -w 256 -l 1 >/dev/null  # warm-up
    before=$(udp_ns)
    "$BUILD/tools/bench/dns_replay" run -s 127.0.0.1 -p "$PORT" -f "$OUT/$name.txt" ${ecs:+-e "$ecs"} -Q "$RATE" \
      -w 256 -l "$SECS" >"$OUT/replay.$mode.$name"
    after=$(udp_ns)
    answered=$(grep -o 'answered=[0-9]*' "$OUT/replay.$mode.$name" | cut -d= -f2)
    echo "$mode $name $(( (after - before) / answered )) $answered" >>"$OUT/results"
  done
  [ "$mode" = dnstap ] && "$BUILD/tools/lodestarctl" --socket "$OUT/ctl.sock" stats --json 2>/dev/null |
    python3 -c 'import json, sys; print("  round '"$round"':", json.load(sys.stdin)["result"]["dnstap"])' >>"$OUT/dnstap-counts" || true
  kill "$PID" && wait "$PID" 2>/dev/null || true
  PID=
}

SERVERS="off dnstap"
declare -A R
run_rounds measure

echo "CPU time of the answering thread per query (ns, user + kernel), $ROUNDS interleaved rounds, $RATE queries/s offered, median (spread):"
for kind in steered static nxdomain; do
  off=$(awk -v k=$kind '$1 == "off" && $2 == k {print $3}' "$OUT/results" | median)
  on=$(awk -v k=$kind '$1 == "dnstap" && $2 == k {print $3}' "$OUT/results" | median)
  printf '  %-9s off %6s (%s)   dnstap %6s (%s)   cost %+.1f %%\n' "$kind" "$off" \
    "$(awk -v k=$kind '$1 == "off" && $2 == k {print $3}' "$OUT/results" | spread)" "$on" \
    "$(awk -v k=$kind '$1 == "dnstap" && $2 == k {print $3}' "$OUT/results" | spread)" \
    "$(echo "$off $on" | awk '{print ($2 / $1 - 1) * 100}')"
done
echo "dnstap's own counts in the last round (a drop would lower its cost):"
tail -n 1 "$OUT/dnstap-counts" 2>/dev/null || echo "  (none read)"
