#!/usr/bin/env bash
# Signed answers: Lodestar signing its steered answers online (per-worker signature cache)
# beside Lodestar unsigned, Knot (mod-geoip + mod-onlinesign) and PowerDNS (LUA records in a
# signed zone). compare.sh's demo, geo database, varied-ECS mix, pinning (server on CPU 0,
# one worker; client on CPU 1) and interleaved rounds; every query with DO=1, plus the same
# mix without DO on unsigned Lodestar, the baseline. Answers and signatures are checked
# before timing. Prints one table and writes it with the raw numbers to $OUT.
# The mix's NXDOMAIN names (15 %) are all different. Lodestar (compact denial) and Knot
# (minimally covering NSEC) deny with an NSEC named after the query, so even their steady
# state makes one signature per such query; PowerDNS answers from the zone's NSEC chain,
# whose few signatures it reuses.
#
#   tools/bench/dnssec_compare.sh [--seconds N] [--rounds N] [--rates "1000 5000"]
#       [--servers "lodestar lodestar_signed knot_signed pdns_signed"] [--out DIR] [--no-install]
#
# It builds nothing: it runs lodestar and dns_replay from ${BUILD_DIR:-build-release}.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
export ROOT=$(cd "$HERE/../.." && pwd)
source "$HERE/rounds.sh"
source "$HERE/measure.sh"
export BUILD=${BUILD_DIR:-$ROOT/build-release}
RUN_SECONDS=10
ROUNDS=5
# PowerDNS signs a few thousand answers a second at most: 1000 q/s is the rate every server
# sustains; 5000 compares the others where the wake-up per query and the fixed background
# (health checks, timers; a clock tick is 10 ms of CPU) weigh less.
RATES="1000 5000"
SERVERS="lodestar lodestar_signed knot_signed pdns_signed"
OUT=${OUT:-/tmp/lodestar-dnssec-bench}
INSTALL=1
while [ $# -gt 0 ]; do
  case $1 in
    --seconds) RUN_SECONDS=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    --rates) RATES=$2; shift 2 ;;
    --servers) SERVERS=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --no-install) INSTALL=0; shift ;;
    *) echo "unknown option $1 (see the header of $0)" >&2; exit 2 ;;
  esac
done
SERVER_CPU=0 CLIENT_CPU=1
# Ports beside compare.sh's (1530x), not on them.
declare -A PORT=([lodestar]=15321 [lodestar_signed]=15322 [knot_signed]=15323 [pdns_signed]=15324)
declare -A NAME=([lodestar]="Lodestar unsigned" [lodestar_signed]="Lodestar signed"
  [knot_signed]="Knot 3 mod-geoip + onlinesign" [pdns_signed]="PowerDNS 4 LUA, signed zone")
# do1: the varied-ECS mix, DO on every query; do0: the same without DO (unsigned Lodestar only).
mixes_of() { if [ "$1" = lodestar ]; then echo "do1 do0"; else echo do1; fi; }
HZ=$(getconf CLK_TCK)

if [ "$INSTALL" = 1 ]; then
  "$ROOT/tools/setup/install-deps.sh"
  # Installing these starts no service we use: each server below runs from our own config.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q knot knot-module-geoip pdns-server \
    pdns-backend-bind pdns-backend-geoip pdns-backend-sqlite3 ldnsutils bind9-dnsutils >/dev/null
fi
REPLAY=$BUILD/tools/bench/dns_replay
for f in "$BUILD/tools/lodestar" "$BUILD/tools/lodestar-geodb" "$REPLAY"; do
  [ -x "$f" ] || { echo "$f is missing: build the release tree first (see compare.sh)" >&2; exit 1; }
done
grep -q -- '-D 1' <<<"$("$REPLAY" 2>&1 || true)" || { echo "$REPLAY cannot set DO (-D 1): rebuild it" >&2; exit 1; }
# The data makers and the health-check endpoints are measured by nobody: any build has them.
helper() { local t; for t in "$BUILD/tools/$1" "$ROOT/build/tools/$1"; do [ -x "$t" ] && { echo "$t"; return; }; done
  echo "no $1 in $BUILD or $ROOT/build" >&2; return 1; }
GEO_DECISIONS=$(helper bench/geo_decisions)
DEMO_BACKEND=$(helper lodestar-demo-backend)

rm -rf "$OUT" && mkdir -p "$OUT"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM
log() { echo "[$(date +%T)] $*" >&2; }

# --- data: compare.sh's geo database and varied-ECS mix ------------------------------------
"$GEO_DECISIONS" make-csv 50000 "$OUT/generated.csv" >/dev/null
{ cat "$OUT/generated.csv"; tail -n +2 "$ROOT/examples/geo/demo-networks.csv"; } >"$OUT/networks.csv"
"$BUILD/tools/lodestar-geodb" build "$OUT/networks.csv" -o "$OUT/bench.mmdb" >/dev/null
DB=$OUT/bench.mmdb
"$REPLAY" mix varied gtm.example.test 100000 "$OUT/varied.txt" "$OUT/networks.csv"

for r in 1 2 3; do
  "$DEMO_BACKEND" --listen 127.0.$r.1:8080 --listen 127.0.$r.2:8080 >/dev/null 2>&1 &
  PIDS+=($!)
done

# --- helpers (compare.sh's) -----------------------------------------------------------------
start_server() {  # NAME DIR → sets SERVER_PID
  taskset -c $SERVER_CPU bash -c "source '$HERE/servers/common.sh'; source '$HERE/servers/$1.sh'; start_$1 '$2'" \
    >"$2.log" 2>&1 &
  SERVER_PID=$!
  PIDS+=("$SERVER_PID")
}
replay() {  # OUTFILE MIX [dns_replay run args]: pinned to the client CPU; sets ELAPSED
  local out=$1 do=0 t0
  [ "$2" = do1 ] && do=1
  t0=$(date +%s.%N)
  taskset -c $CLIENT_CPU "$REPLAY" run -s 127.0.0.1 -f "$OUT/varied.txt" -D $do "${@:3}" >"$out" 2>&1
  ELAPSED=$(echo "$(date +%s.%N) - $t0" | bc -l)
}

# --- the check of signed answers, beside check_answers.sh's check of where they steer ------
# With DO: a steered name is answered NOERROR with its region's endpoints and an RRSIG over
# them (for the fixed EU subnet and a sample of the mix's), a name that does not exist is not
# a SERVFAIL and carries a signed denial, and delv validates both (no ECS: 127.0.0.1, so
# us-east) with the zone's own KSK as trust anchor. Unsigned servers: only that DO is
# answered without SERVFAIL. Prints one line per problem, exit 1 if any; a "warning:" line
# is a fault that does not touch what is timed here.
dnssec_check() {  # PORT SIGNED(0|1)
  local port=$1 signed=$2 bad=0 out subnet name q=(@127.0.0.1 -p "$1" +time=2 +retry=1 +dnssec)
  while read -r subnet; do
    out=$(kdig "${q[@]}" +subnet="$subnet" www.gtm.example.test A 2>&1)
    grep -q 'status: NOERROR' <<<"$out" || { echo "www A +dnssec, ECS $subnet: $(grep -o 'status: [A-Z]*' <<<"$out")"; bad=1; }
    if [ "$signed" = 1 ] && ! grep -qE 'RRSIG[[:space:]]+A ' <<<"$out"; then echo "www A +dnssec, ECS $subnet: no RRSIG A"; bad=1; fi
  done < <({ echo 198.51.100.0/24; awk '$1 ~ /^www/ && $2 == "A" && $3 ~ /^[0-9.]+\// {print $3}' "$OUT/varied.txt" | head -5; })
  out=$(kdig "${q[@]}" +subnet=198.51.100.0/24 www.gtm.example.test A | awk '!/^;/ && $4 == "A" {print $5}' | sort | tr '\n' ' ')
  [ "$out" = "127.0.2.1 127.0.2.2 " ] || { echo "www A +dnssec, ECS 198.51.100.0/24: '$out', not eu-west's endpoints"; bad=1; }
  out=$(kdig "${q[@]}" nx-check.gtm.example.test A 2>&1)
  grep -q 'status: SERVFAIL\|status: REFUSED' <<<"$out" && { echo "NXDOMAIN +dnssec: $(grep -o 'status: [A-Z]*' <<<"$out")"; bad=1; }
  [ "$signed" = 1 ] || return $bad
  grep -qE 'RRSIG[[:space:]]+(NSEC|NSEC3|SOA) ' <<<"$out" || { echo "NXDOMAIN +dnssec: no signed denial"; bad=1; }
  # RFC 4035 3.1.1: no signatures without DO (here right after DO queries, without EDNS).
  kdig @127.0.0.1 -p "$port" +time=2 +noedns static.gtm.example.test A | grep -qE 'RRSIG[[:space:]]+A ' &&
    echo "warning: RRSIG A given to a query without DO (static A, no EDNS, after DO queries)"
  if command -v delv >/dev/null; then
    kdig @127.0.0.1 -p "$port" +short gtm.example.test DNSKEY | awk '$1 == 257 {
      k = ""; for (i = 4; i <= NF; i++) k = k $i
      printf "trust-anchors { gtm.example.test. static-key 257 %s %s \"%s\"; };\n", $2, $3, k }' >"$OUT/anchor.$port"
    for name in www nx-check; do
      out=$(delv @127.0.0.1 -p "$port" -a "$OUT/anchor.$port" +root=gtm.example.test $name.gtm.example.test A 2>&1)
      grep -q 'fully validated' <<<"$out" || { echo "$name A: delv does not validate it: $(head -1 <<<"$out")"; bad=1; }
    done
  fi
  return $bad
}

# --- measurements -------------------------------------------------------------------------
declare -A R  # R[server,mix,key] = value

saturation() {  # SERVER PID MIX
  local s=$1 pid=$2 mix=$3 out="$OUT/$1.$3.saturation" c0 c1 answered ticks
  c0=$(cpu_ticks "$pid")
  replay "$out" "$mix" -p "${PORT[$s]}" -w 200 -l "$RUN_SECONDS"
  c1=$(cpu_ticks "$pid")
  answered=$(field answered "$out")
  R[$s,$mix,qps]=$(num "$(field answered_qps "$out")" 0)
  R[$s,$mix,server_cpu]=$(pct "($c1 - $c0) / $HZ" "$ELAPSED")
  # What the server did per CPU second it got: on a VM whose other tenants take part of
  # CPU 0, q/s alone measures them too.
  ticks=$((c1 - c0)); [ "$ticks" -gt 0 ] || ticks=1
  R[$s,$mix,per_cpu]=$(num "$(echo "$answered * $HZ / $ticks" | bc -l)" 0)
  # A signer that fails answers fast: the share of SERVFAIL says whether q/s means anything.
  R[$s,$mix,servfail]=$(num "$(echo "100 * $(field servfail "$out") / ($answered + 1)" | bc -l)" 1)
}

fixed_rate() {  # SERVER PID MIX RATE
  local s=$1 pid=$2 mix=$3 rate=$4 out="$OUT/$1.$3.$4" c0 c1
  # Two seconds at the same rate first, not counted: caches (signatures too), queues and
  # frequencies settle, so this is the steady state.
  replay /dev/null "$mix" -p "${PORT[$s]}" -Q "$rate" -l 2
  c0=$(cpu_ticks "$pid")
  replay "$out" "$mix" -p "${PORT[$s]}" -Q "$rate" -l "$RUN_SECONDS"
  c1=$(cpu_ticks "$pid")
  R[$s,$mix,$rate,cpu100k]=$(num "$(echo "($c1 - $c0) / $HZ * 100000 / $(field answered "$out")" | bc -l)" 3)
  R[$s,$mix,$rate,lat]="$(field p50_us "$out") / $(field p99_us "$out") / $(field p999_us "$out")"
}

# The figures one round gives, per server: kept per round, then replaced by their median.
round_keys() {  # SERVER
  local s=$1 mix rate
  for mix in $(mixes_of "$s"); do
    echo "$s,$mix,qps $s,$mix,server_cpu $s,$mix,per_cpu $s,$mix,servfail"
    for rate in $RATES; do echo "$s,$mix,$rate,cpu100k $s,$mix,$rate,lat"; done
  done
}
measure_server() {  # SERVER ROUND
  local s=$1 round=$2 dir=$OUT/$1 pid mix rate signed=0
  [[ $s == *_signed ]] && signed=1
  log "$s (round $round of $ROUNDS): rendering its configuration and starting it on CPU $SERVER_CPU"
  rm -rf "$dir"
  bash -c "source '$HERE/servers/common.sh'; source '$HERE/servers/$s.sh'; render_$s '$dir' ${PORT[$s]} '$DB'" \
    >"$dir.render.log" 2>&1 || { log "$s: rendering failed, see $dir.render.log"; R[$s,status]="did not render"; return; }
  start_server "$s" "$dir"
  pid=$SERVER_PID
  wait_ready "${PORT[$s]}" 60 || { log "$s did not answer; see $dir.log"; R[$s,status]="did not start"; stop_server "$pid"; return; }
  # PowerDNS checks a LUA record's URLs only once it is queried: ask, then let it probe.
  "$HERE/check_answers.sh" "${PORT[$s]}" "$DB" "$OUT/varied.txt" >/dev/null 2>&1 || true
  sleep 5
  if ! "$HERE/check_answers.sh" "${PORT[$s]}" "$DB" "$OUT/varied.txt" >"$OUT/$s.check" 2>&1 ||
     ! dnssec_check "${PORT[$s]}" $signed >>"$OUT/$s.check" 2>&1; then
    log "$s answers wrongly, not timed:"; cat "$OUT/$s.check" >&2
    R[$s,status]="wrong answers"; stop_server "$pid"; return
  fi
  R[$s,status]=ok
  R[$s,warnings]=$(grep '^warning:' "$OUT/$s.check" || true)
  for mix in $(mixes_of "$s"); do
    log "$s: $mix, saturation"
    saturation "$s" "$pid" $mix
    for rate in $RATES; do
      # A rate the server cannot sustain measures its queue, not its cost.
      if [ "${R[$s,$mix,qps]}" -lt $((rate * 11 / 10)) ]; then R[$s,$mix,$rate,cpu100k]="—"; R[$s,$mix,$rate,lat]="—"; continue; fi
      log "$s: $mix at $rate q/s"
      fixed_rate "$s" "$pid" $mix "$rate"
    done
  done
  stop_server "$pid"
  local key
  for key in $(round_keys "$s"); do R[$key,round$round]=${R[$key]:-—}; done
}

run_rounds measure_server
# Medians (and spreads) replace the last round's figures; latency triples part by part.
for s in $SERVERS; do
  [ "${R[$s,status]:-}" = ok ] || continue
  take_medians "$s"
  for mix in $(mixes_of "$s"); do
    R[$s,$mix,qps]=$(printf "%.0f" "${R[$s,$mix,qps]}"); R[$s,$mix,per_cpu]=$(printf "%.0f" "${R[$s,$mix,per_cpu]}")
  done
done

# --- the table ----------------------------------------------------------------------------
ratio() { if [[ "$1" =~ ^[0-9.]+$ && "$2" =~ ^[0-9.]+$ ]] && [ "$(echo "$2 > 0" | bc)" = 1 ]; then
  printf "%.2f" "$(echo "$1 / $2" | bc -l)"; else echo "—"; fi; }
# Lodestar signed against OTHER (server,mix): q/s, then answers per CPU second (the inverse
# ratio of CPU per answer) at each rate; above 1, Lodestar signed does more.
against() {  # OTHER_SERVER OTHER_MIX
  local line rate
  line="saturation q/s $(ratio "${R[lodestar_signed,do1,qps]:-}" "${R[$1,$2,qps]:-}")"
  line+=", answers per CPU second at saturation $(ratio "${R[lodestar_signed,do1,per_cpu]:-}" "${R[$1,$2,per_cpu]:-}")"
  for rate in $RATES; do
    line+=", answers per CPU second @$rate $(ratio "${R[$1,$2,$rate,cpu100k]:-}" "${R[lodestar_signed,do1,$rate,cpu100k]:-}")"
  done
  echo "$line"
}
{
  echo "# Signed answers: Lodestar, Knot onlinesign, PowerDNS — $(date -u +%F\ %H:%M) UTC, $(nproc) CPUs, ${RUN_SECONDS} s per run, $ROUNDS rounds"
  echo
  echo "Varied-ECS mix (compare.sh's), DO=1 on every query unless the DO column says 0. Server on CPU $SERVER_CPU"
  echo "(one worker), dns_replay on CPU $CLIENT_CPU. Saturation: dns_replay -w 200. Fixed rates: dns_replay -Q, after"
  echo "2 s at that rate. CPU: the server's user+system time from /proc. Each figure: the median of"
  echo "$ROUNDS interleaved rounds, its spread (min–max) in brackets. At low rates the wake-up per query and"
  echo "the background (health checks, timers) are most of CPU per answer, which narrows every ratio there."
  echo "Every NXDOMAIN name of the mix (15 %) is new: Lodestar and Knot sign an NSEC named after each when asked"
  echo "(compact denial, minimally covering NSEC); PowerDNS reuses the signatures of the zone's NSEC chain."
  echo
  header="| server | DO | saturation q/s | server CPU | answers per CPU s | SERVFAIL |"
  sep="|---|---|---:|---:|---:|---:|"
  for rate in $RATES; do header+=" CPU s/100k @$rate | p50/p99/p99.9 µs @$rate |"; sep+="---:|---:|"; done
  echo "$header"; echo "$sep"
  for s in $SERVERS; do
    if [ "${R[$s,status]:-}" != ok ]; then echo "| ${NAME[$s]} | — | ${R[$s,status]:-not run} | | | |"; continue; fi
    for mix in $(mixes_of "$s"); do
      row="| ${NAME[$s]} | ${mix#do} | ${R[$s,$mix,qps]} (${R[$s,$mix,qps,spread]:-}) | ${R[$s,$mix,server_cpu]} % | ${R[$s,$mix,per_cpu]} (${R[$s,$mix,per_cpu,spread]:-}) | ${R[$s,$mix,servfail]} % |"
      for rate in $RATES; do
        row+=" ${R[$s,$mix,$rate,cpu100k]:-—} (${R[$s,$mix,$rate,cpu100k,spread]:-}) | ${R[$s,$mix,$rate,lat]:-—} (${R[$s,$mix,$rate,lat,spread]:-}) |"
      done
      echo "$row"
    done
  done
  echo
  echo "Ratios between medians (Lodestar signed, DO=1 ÷ the other; the targets in brackets):"
  echo "- vs Lodestar unsigned without DO [≥ 0.8]: $(against lodestar do0)"
  echo "- vs Lodestar unsigned with DO: $(against lodestar do1)"
  echo "- vs Knot onlinesign: $(against knot_signed do1)"
  echo "- vs PowerDNS signed [saturation ≥ 20]: $(against pdns_signed do1)"
  for s in $SERVERS; do
    [ -n "${R[$s,warnings]:-}" ] && echo && echo "${NAME[$s]}, found by the check before timing:" && sed 's/^warning: /- /' <<<"${R[$s,warnings]}"
  done
  true
} | tee "$OUT/results.md"
