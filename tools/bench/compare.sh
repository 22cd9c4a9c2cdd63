#!/usr/bin/env bash
# Lodestar side by side with gdnsd (plugin_geoip), Knot (mod-geoip) and PowerDNS (LUA
# records): the same zone, regions, endpoints, geo database and query mixes; every server
# pinned alike (server on CPU 0, one worker; client on CPU 1); answers checked before timing.
# Prints one table and writes it with the raw numbers to $OUT. See docs/benchmarks.md.
#
#   tools/bench/compare.sh [--seconds N] [--rounds N] [--rates "20000 50000"] [--servers "lodestar gdnsd knot pdns"]
#                          [--out DIR] [--no-install] [--no-callgrind] [--no-scaling] [--coalesce-us N]
#
# One run decides nothing on a shared VM: the servers are measured in --rounds rounds (5 by
# default), interleaved (each round starts with the next server), and every figure of the
# table is the median of the rounds with its spread (min–max) beside it.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
export ROOT=$(cd "$HERE/../.." && pwd)
source "$HERE/rounds.sh"
source "$HERE/measure.sh"
export BUILD=${BUILD_DIR:-$ROOT/build-release}
RUN_SECONDS=10
ROUNDS=5
RATES="20000 50000"
SERVERS="lodestar gdnsd knot pdns"
OUT=${OUT:-/tmp/lodestar-bench}
INSTALL=1 CALLGRIND=1 SCALING=1
while [ $# -gt 0 ]; do
  case $1 in
    --seconds) RUN_SECONDS=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    --rates) RATES=$2; shift 2 ;;
    --servers) SERVERS=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --no-install) INSTALL=0; shift ;;
    --no-callgrind) CALLGRIND=0; shift ;;
    --no-scaling) SCALING=0; shift ;;
    --coalesce-us) export LODESTAR_COALESCE_US=$2; shift 2 ;;
    *) echo "unknown option $1 (see the header of $0)" >&2; exit 2 ;;
  esac
done
SERVER_CPU=0 CLIENT_CPU=1
ECS_SUBNET=198.51.100.0/24
ECS_OPTION=8:00011800c63364  # dnsperf -E: ECS family 1, /24, scope 0, 198.51.100
declare -A PORT=([lodestar]=15301 [gdnsd]=15302 [knot]=15303 [pdns]=15304)
declare -A NAME=([lodestar]="Lodestar" [gdnsd]="gdnsd 3 geoip" [knot]="Knot 3 mod-geoip" [pdns]="PowerDNS 4 LUA")
HZ=$(getconf CLK_TCK)

if [ "$INSTALL" = 1 ]; then
  "$ROOT/tools/setup/install-deps.sh"
  # Installing these starts no service we use: each server below runs from our own config.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q dnsperf gdnsd knot knot-module-geoip pdns-server \
    pdns-backend-bind pdns-backend-geoip valgrind >/dev/null
fi
BUILD_DIR=$BUILD "$ROOT/tools/setup/build.sh" -DCMAKE_BUILD_TYPE=Release -DLODESTAR_TESTS=OFF \
  -DLODESTAR_WERROR=OFF >/dev/null

rm -rf "$OUT" && mkdir -p "$OUT"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM
log() { echo "[$(date +%T)] $*" >&2; }

# --- data: one geo database and the query mixes, the same for every server ---------------
"$BUILD/tools/bench/geo_decisions" make-csv 50000 "$OUT/generated.csv" >/dev/null
{ cat "$OUT/generated.csv"; tail -n +2 "$ROOT/examples/geo/demo-networks.csv"; } >"$OUT/networks.csv"
"$BUILD/tools/lodestar-geodb" build "$OUT/networks.csv" -o "$OUT/bench.mmdb" >/dev/null
DB=$OUT/bench.mmdb
"$BUILD/tools/bench/dns_replay" mix plain gtm.example.test 100000 "$OUT/plain.txt"
"$BUILD/tools/bench/dns_replay" mix varied gtm.example.test 100000 "$OUT/varied.txt" "$OUT/networks.csv"
awk '$1 ~ /^www/ && $2 == "A"' "$OUT/varied.txt" >"$OUT/steered.txt"

# --- the HTTP endpoints every server's health checks probe --------------------------------
for r in 1 2 3; do
  "$BUILD/tools/lodestar-demo-backend" --listen 127.0.$r.1:8080 --listen 127.0.$r.2:8080 >/dev/null 2>&1 &
  PIDS+=($!)
done

# --- helpers --------------------------------------------------------------------------------

start_server() {  # NAME DIR CPUS [WRAPPER...] → sets SERVER_PID
  local name=$1 dir=$2 cpus=$3
  shift 3
  taskset -c "$cpus" "$@" bash -c "source '$HERE/servers/common.sh'; source '$HERE/servers/$name.sh'; start_$name '$dir'" \
    >"$dir.log" 2>&1 &
  SERVER_PID=$!
  PIDS+=("$SERVER_PID")
}



# Runs a client pinned to CPU 1; CLIENT_CPU_S = its CPU seconds, ELAPSED = wall seconds.
run_client() {  # OUTFILE CMD...
  local out=$1
  shift
  local t0 t1
  t0=$(date +%s.%N)
  ( "$@" >"$out" 2>&1; times >"$out.times" )
  t1=$(date +%s.%N)
  ELAPSED=$(echo "$t1 - $t0" | bc -l)
  CLIENT_CPU_S=$(tail -1 "$out.times" | awk '{
    n = split($0, f, " "); s = 0
    for (i = 1; i <= n; i++) { split(f[i], p, "m"); s += p[1] * 60 + p[2] }
    print s }')
}


# --- measurements -------------------------------------------------------------------------
declare -A R  # R[server,mix,key] = value

saturation() {  # SERVER PID PORT MIX
  local s=$1 pid=$2 port=$3 mix=$4 out="$OUT/$1.$4.saturation" c0 c1 qps
  c0=$(cpu_ticks "$pid")
  case $mix in
    plain) run_client "$out" taskset -c $CLIENT_CPU dnsperf -s 127.0.0.1 -p "$port" -d "$OUT/plain.txt" \
             -l "$RUN_SECONDS" -c 8 -q 200 ;;
    ecs) run_client "$out" taskset -c $CLIENT_CPU dnsperf -s 127.0.0.1 -p "$port" -d "$OUT/plain.txt" \
           -l "$RUN_SECONDS" -c 8 -q 200 -E $ECS_OPTION ;;
    varied) run_client "$out" taskset -c $CLIENT_CPU "$BUILD/tools/bench/dns_replay" run -s 127.0.0.1 \
              -p "$port" -f "$OUT/varied.txt" -w 200 -l "$RUN_SECONDS" ;;
  esac
  c1=$(cpu_ticks "$pid")
  if [ "$mix" = varied ]; then qps=$(field answered_qps "$out")
  else qps=$(awk '/Queries per second/ {print $4}' "$out"); fi
  R[$s,$mix,qps]=$(num "${qps:-0}" 0)
  R[$s,$mix,server_cpu]=$(pct "($c1 - $c0) / $HZ" "$ELAPSED")
  R[$s,$mix,client_cpu]=$(pct "$CLIENT_CPU_S" "$ELAPSED")
  if [ "$mix" = varied ]; then
    # dns_replay busy-polls its core, so its CPU says nothing; the server's does.
    if [ "${R[$s,$mix,server_cpu]}" -ge 85 ]; then R[$s,$mix,limit]=server; else R[$s,$mix,limit]=client; fi
  elif [ "${R[$s,$mix,client_cpu]}" -ge 90 ]; then R[$s,$mix,limit]=client
  elif [ "${R[$s,$mix,server_cpu]}" -ge 90 ]; then R[$s,$mix,limit]=server
  else R[$s,$mix,limit]="neither CPU (latency-bound)"; fi
}

fixed_rate() {  # SERVER PID PORT MIX RATE
  local s=$1 pid=$2 port=$3 mix=$4 rate=$5 out="$OUT/$1.$4.$5" c0 c1 args=()
  case $mix in
    plain) args=(-f "$OUT/plain.txt") ;;
    ecs) args=(-f "$OUT/plain.txt" -e $ECS_SUBNET) ;;
    varied) args=(-f "$OUT/varied.txt") ;;
  esac
  # Two seconds at the same rate first, not counted: caches, queues and frequencies settle.
  taskset -c $CLIENT_CPU "$BUILD/tools/bench/dns_replay" run -s 127.0.0.1 -p "$port" "${args[@]}" -Q "$rate" \
    -l 2 >/dev/null
  c0=$(cpu_ticks "$pid")
  run_client "$out" taskset -c $CLIENT_CPU "$BUILD/tools/bench/dns_replay" run -s 127.0.0.1 -p "$port" \
    "${args[@]}" -Q "$rate" -l "$RUN_SECONDS"
  c1=$(cpu_ticks "$pid")
  local answered
  answered=$(field answered "$out")
  R[$s,$mix,$rate,cpu100k]=$(num "$(echo "($c1 - $c0) / $HZ * 100000 / $answered" | bc -l)" 3)
  R[$s,$mix,$rate,lat]="$(field p50_us "$out") / $(field p99_us "$out") / $(field p999_us "$out")"
  R[$s,$mix,$rate,lost]=$(field lost "$out")
}

MIXES="plain ecs varied"
# The figures one round gives, per server: kept per round, then replaced by their median.
round_keys() {  # SERVER
  local s=$1 mix rate
  for mix in $MIXES; do
    echo "$s,$mix,qps $s,$mix,server_cpu $s,$mix,client_cpu"
    for rate in $RATES; do echo "$s,$mix,$rate,cpu100k $s,$mix,$rate,lat"; done
  done
  [ "$s" = pdns ] && echo "pdns,ecs,1000,cpu100k pdns,ecs,1000,lat"
  return 0
}
measure_server() {  # SERVER ROUND
  local s=$1 round=$2 dir=$OUT/$1 pid mix rate
  log "$s (round $round of $ROUNDS): rendering its configuration and starting it on CPU $SERVER_CPU"
  rm -rf "$dir"
  bash -c "source '$HERE/servers/common.sh'; source '$HERE/servers/$s.sh'; render_$s '$dir' ${PORT[$s]} '$DB'"
  start_server "$s" "$dir" $SERVER_CPU
  pid=$SERVER_PID
  wait_ready "${PORT[$s]}" 60 || { log "$s did not answer; see $dir.log"; R[$s,status]="did not start"; return; }
  # PowerDNS checks a LUA record's URLs only once it is queried: ask, then let it probe.
  "$HERE/check_answers.sh" "${PORT[$s]}" "$DB" "$OUT/varied.txt" >/dev/null 2>&1 || true
  sleep 5
  if ! "$HERE/check_answers.sh" "${PORT[$s]}" "$DB" "$OUT/varied.txt" >"$OUT/$s.check" 2>&1; then
    log "$s answers wrongly, not timed:"; cat "$OUT/$s.check" >&2
    R[$s,status]="wrong answers"; stop_server "$pid"; return
  fi
  R[$s,status]=ok
  for mix in $MIXES; do
    log "$s: $mix mix, saturation"
    saturation "$s" "$pid" "${PORT[$s]}" $mix
    for rate in $RATES; do
      # A rate the server cannot sustain measures its queue, not its cost.
      if [ "${R[$s,$mix,qps]}" -lt $((rate * 11 / 10)) ]; then R[$s,$mix,$rate,cpu100k]="—"; R[$s,$mix,$rate,lat]="—"; continue; fi
      log "$s: $mix mix at $rate q/s"
      fixed_rate "$s" "$pid" "${PORT[$s]}" $mix "$rate"
    done
  done
  if [ "$s" = pdns ]; then
    log "pdns: latency at 1000 q/s"
    fixed_rate pdns "$pid" "${PORT[pdns]}" ecs 1000
  fi
  stop_server "$pid"
  local key
  for key in $(round_keys "$s"); do R[$key,round$round]=${R[$key]:-—}; done
}

run_rounds measure_server
# Medians (and spreads) replace the last round's figures; latency triples part by part.
for s in $SERVERS; do
  [ "${R[$s,status]:-}" = ok ] || continue
  take_medians "$s"
  for mix in $MIXES; do
    R[$s,$mix,qps]=$(printf "%.0f" "${R[$s,$mix,qps]}")
    if [ "$mix" = varied ]; then
      if [ "${R[$s,$mix,server_cpu]%.*}" -ge 85 ]; then R[$s,$mix,limit]=server; else R[$s,$mix,limit]=client; fi
    elif [ "${R[$s,$mix,client_cpu]%.*}" -ge 90 ]; then R[$s,$mix,limit]=client
    elif [ "${R[$s,$mix,server_cpu]%.*}" -ge 90 ]; then R[$s,$mix,limit]=server
    else R[$s,$mix,limit]="neither CPU (latency-bound)"; fi
  done
done

# --- instructions per query (callgrind): Lodestar and gdnsd --------------------------------
# Counters are zeroed and dumped around fixed windows of equal length: an idle window gives
# the background (health checks, timers), subtracted from each window of queries.
callgrind_total() { grep -E '^(summary|totals):' "$1" | tail -1 | awk '{print $2}'; }
declare -A T
if [ "$CALLGRIND" = 1 ]; then
  for s in lodestar gdnsd; do
    case " $SERVERS " in *" $s "*) ;; *) continue ;; esac
    [ "${R[$s,status]:-}" = ok ] || continue
    dir=$OUT/$s-callgrind
    log "$s: under callgrind"
    bash -c "source '$HERE/servers/common.sh'; source '$HERE/servers/$s.sh'; render_$s '$dir' ${PORT[$s]} '$DB'"
    start_server "$s" "$dir" $SERVER_CPU valgrind --tool=callgrind --trace-children=yes \
      --callgrind-out-file="$dir/callgrind.%p"
    pid=$SERVER_PID
    if ! wait_ready "${PORT[$s]}" 300; then log "$s under callgrind did not answer"; stop_server "$pid"; continue; fi
    sleep 3
    window() {  # NAME [replay args]: zero, run the window, dump; prints the dump's total
      callgrind_control -z "$pid" >/dev/null 2>&1
      if [ "$1" = idle ]; then sleep 10; else
        taskset -c $CLIENT_CPU "$BUILD/tools/bench/dns_replay" run -s 127.0.0.1 -p "${PORT[$s]}" "${@:2}" \
          -Q 2000 -l 10 >"$dir/window.$1"
      fi
      callgrind_control -d "$1" "$pid" >/dev/null 2>&1
      sleep 1
      callgrind_total "$(ls -t "$dir"/callgrind.* | head -1)"
    }
    # The background (health checks, timers) of a 10 s window: the mean of one before and
    # one after the query windows.
    idle=$(window idle)
    for w in plain ecs varied steered; do
      case $w in
        plain) total=$(window plain -f "$OUT/plain.txt") ;;
        ecs) total=$(window ecs -f "$OUT/plain.txt" -e $ECS_SUBNET) ;;
        varied) total=$(window varied -f "$OUT/varied.txt") ;;
        steered) total=$(window steered -f "$OUT/steered.txt") ;;
      esac
      T[$w]=$total
    done
    idle=$(( (idle + $(window idle)) / 2 ))
    for w in plain ecs varied steered; do
      answered=$(field answered "$dir/window.$w")
      R[$s,$w,instr]=$(echo "(${T[$w]} - $idle) / $answered" | bc)
    done
    R[$s,idle_instr_per_s]=$((idle / 10))
    stop_server "$pid"
  done
fi

# --- scaling: Lodestar with 1 and 2 workers, server and dnsperf unpinned --------------------
if [ "$SCALING" = 1 ]; then
  for workers in 1 2; do
    dir=$OUT/lodestar-$workers-workers
    bash -c "source '$HERE/servers/common.sh'; source '$HERE/servers/lodestar.sh'; render_lodestar '$dir' ${PORT[lodestar]} '$DB' $workers"
    start_server lodestar "$dir" 0-1
    pid=$SERVER_PID
    wait_ready "${PORT[lodestar]}" 60
    log "lodestar: $workers worker(s), unpinned"
    c0=$(cpu_ticks "$pid")
    run_client "$OUT/scaling.$workers" dnsperf -s 127.0.0.1 -p "${PORT[lodestar]}" -d "$OUT/plain.txt" \
      -l "$RUN_SECONDS" -c 8 -q 200 -T 2
    c1=$(cpu_ticks "$pid")
    R[scale,$workers,qps]=$(awk '/Queries per second/ {printf "%.0f", $4}' "$OUT/scaling.$workers")
    R[scale,$workers,server_cpu]=$(pct "($c1 - $c0) / $HZ" "$ELAPSED")
    R[scale,$workers,client_cpu]=$(pct "$CLIENT_CPU_S" "$ELAPSED")
    stop_server "$pid"
  done
fi

# --- the table ----------------------------------------------------------------------------
ratio() { if [[ "$1" =~ ^[0-9.]+$ && "$2" =~ ^[0-9.]+$ ]] && [ "$(echo "$2 > 0" | bc)" = 1 ]; then
  printf "%.2f" "$(echo "$1 / $2" | bc -l)"; else echo "—"; fi; }
{
  echo "# Lodestar vs gdnsd, Knot, PowerDNS — $(date -u +%F\ %H:%M) UTC, $(nproc) CPUs, ${RUN_SECONDS} s per run, $ROUNDS rounds"
  echo
  echo "Server on CPU $SERVER_CPU (one worker), client on CPU $CLIENT_CPU. Saturation: dnsperf (plain, ECS) or"
  echo "dns_replay (varied ECS). Fixed rates: dns_replay. CPU: the server's user+system time from /proc."
  echo "Each figure: the median of $ROUNDS interleaved rounds, its spread (min–max) in brackets."
  echo
  header="| server | mix | saturation q/s | server CPU | client CPU | limit |"
  sep="|---|---|---:|---:|---:|---|"
  for rate in $RATES; do header+=" CPU s/100k @$rate | p50/p99/p99.9 µs @$rate |"; sep+="---:|---:|"; done
  echo "$header"; echo "$sep"
  for s in $SERVERS; do
    if [ "${R[$s,status]:-}" != ok ]; then echo "| ${NAME[$s]} | — | ${R[$s,status]:-not run} | | | |"; continue; fi
    for mix in $MIXES; do
      row="| ${NAME[$s]} | $mix | ${R[$s,$mix,qps]} (${R[$s,$mix,qps,spread]:-}) | ${R[$s,$mix,server_cpu]} % | ${R[$s,$mix,client_cpu]} % | ${R[$s,$mix,limit]} |"
      for rate in $RATES; do
        row+=" ${R[$s,$mix,$rate,cpu100k]:-—} (${R[$s,$mix,$rate,cpu100k,spread]:-}) | ${R[$s,$mix,$rate,lat]:-—} (${R[$s,$mix,$rate,lat,spread]:-}) |"
      done
      echo "$row"
    done
  done
  [ -n "${R[pdns,ecs,1000,lat]:-}" ] && echo && echo "PowerDNS at 1,000 q/s (ECS mix): p50/p99/p99.9 ${R[pdns,ecs,1000,lat]} µs, ${R[pdns,ecs,1000,cpu100k]} CPU s/100k."
  if [ "$CALLGRIND" = 1 ]; then
    echo
    echo "| user-space instructions per query (callgrind) | plain | ECS | varied ECS | steered (www A, varied ECS) |"
    echo "|---|---:|---:|---:|---:|"
    for s in lodestar gdnsd; do
      [ -n "${R[$s,steered,instr]:-}" ] && echo "| ${NAME[$s]} | ${R[$s,plain,instr]} | ${R[$s,ecs,instr]} | ${R[$s,varied,instr]} | ${R[$s,steered,instr]} |"
    done
  fi
  if [ "$SCALING" = 1 ]; then
    echo
    echo "| Lodestar, unpinned, dnsperf -T 2 unpinned, plain | q/s | server CPU | dnsperf CPU |"
    echo "|---|---:|---:|---:|"
    for w in 1 2; do echo "| $w worker(s) | ${R[scale,$w,qps]} | ${R[scale,$w,server_cpu]} % | ${R[scale,$w,client_cpu]} % |"; done
  fi
  echo
  echo "Ratios (Lodestar ÷ other; the targets in brackets):"
  for mix in $MIXES; do for rate in $RATES; do
    echo "- CPU per query, $mix @$rate: vs gdnsd $(ratio "${R[lodestar,$mix,$rate,cpu100k]:-}" "${R[gdnsd,$mix,$rate,cpu100k]:-}") [≤ 0.8]," \
      "vs Knot $(ratio "${R[lodestar,$mix,$rate,cpu100k]:-}" "${R[knot,$mix,$rate,cpu100k]:-}") [≤ 0.8]"
  done; done
  echo "- instructions per steered query vs gdnsd: $(ratio "${R[lodestar,steered,instr]:-}" "${R[gdnsd,steered,instr]:-}") [≤ 0.5]"
  for mix in $MIXES; do
    echo "- saturation q/s, $mix, vs PowerDNS: $(ratio "${R[lodestar,$mix,qps]:-}" "${R[pdns,$mix,qps]:-}") [≥ 40]"
  done
  last=${RATES##* }
  for mix in $MIXES; do
    p99l=$(echo "${R[lodestar,$mix,$last,lat]:-}" | awk -F' / ' '{print $2}')
    p99g=$(echo "${R[gdnsd,$mix,$last,lat]:-}" | awk -F' / ' '{print $2}')
    echo "- p99 at $last q/s, $mix: Lodestar ${p99l:-—} µs, gdnsd ${p99g:-—} µs [Lodestar ≤ gdnsd]"
  done
  if [ "$SCALING" = 1 ]; then
    echo "- 2 workers ÷ 1 worker: $(ratio "${R[scale,2,qps]}" "${R[scale,1,qps]}") [≥ 1.6, or the client is the limit]"
  fi
} | tee "$OUT/results.md"
