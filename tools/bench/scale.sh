#!/usr/bin/env bash
# Performance at scale (issue 32): what a big configuration costs, side by side.
#   1. static data: one RFC 1035 file of N A records (1,000,000), loaded by nsd-checkzone,
#      named-checkzone, kzonecheck and `lodestar --check` (a zone policy whose include: names
#      the file): wall time and peak memory (GNU time's %e and %M), medians of the rounds;
#   2. steered records: compile_bench (1,000 zones × 100 steered records) on a City-shaped
#      database of 200,000 networks built by lodestar-geodb;
#   3. reloads: a daemon serving those 1,000 zones (no health checks: nothing leaves loopback)
#      answers `lodestarctl reload` after one file changed, and after none did.
#
#   tools/bench/scale.sh [--records N] [--rounds R] [--no-install]
# Needs a Release build in build-release (tools/bench/guard/insn_guard.sh --build-only builds
# the daemon; compile_bench and lodestarctl are built here when missing).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD_DIR:-$ROOT/build-release}
RECORDS=1000000 ROUNDS=3 INSTALL=1
while [ $# -gt 0 ]; do
  case $1 in
    --records) RECORDS=$2; shift ;;
    --rounds) ROUNDS=$2; shift ;;
    --no-install) INSTALL=0 ;;
    *) echo "usage: scale.sh [--records N] [--rounds R] [--no-install]" >&2; exit 2 ;;
  esac
  shift
done
source "$ROOT/tools/bench/rounds.sh"
if [ "$INSTALL" = 1 ]; then
  # The checkers only: the servers' own services are not wanted (policy-rc.d keeps them down).
  printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q nsd bind9-utils knot time >/dev/null
  rm -f /usr/sbin/policy-rc.d
fi
cmake --build "$BUILD" --target lodestar lodestarctl lodestar-geodb compile_bench geo_decisions >/dev/null

WORK=${WORK:-/tmp/lodestar-scale}
rm -rf "$WORK" && mkdir -p "$WORK/zones"
cd "$WORK"

# 1. Static data.
# The same data for every tool: Lodestar's zone policy holds the apex (SOA, NS and the
# name server's address) and includes the rest, which may not repeat the SOA.
python3 - "$RECORDS" <<'EOF'
import sys
n = int(sys.argv[1])
head = "$ORIGIN scale.test.\n$TTL 300\n"
apex = "@ IN SOA ns1 hostmaster 1 3600 600 86400 300\n@ IN NS ns1\nns1 IN A 192.0.2.1\n"
body = "".join(f"h{i} IN A 10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}\n" for i in range(n))
open("scale.test.zone", "w").write(head + apex + body)
open("scale.body.zone", "w").write(head + body)
EOF
printf 'zone: scale.test\nsoa: {mname: ns1.scale.test, rname: hostmaster.scale.test, serial: 1}\n' >scale.yaml
printf 'nameservers: {ns1: 192.0.2.1}\ninclude: scale.body.zone\n' >>scale.yaml
printf 'listen: [127.0.0.1:15690]\nzones: [scale.yaml]\n' >check.yaml

declare -A TOOL
TOOL[nsd]="nsd-checkzone scale.test scale.test.zone"
TOOL[bind]="named-checkzone -q scale.test scale.test.zone"
TOOL[knot]="kzonecheck -o scale.test. scale.test.zone"
TOOL[lodestar]="$BUILD/tools/lodestar --check -c check.yaml"
SERVERS=""
for s in nsd bind knot lodestar; do
  command -v "${TOOL[$s]%% *}" >/dev/null && SERVERS="$SERVERS $s"
done
declare -A R
static_round() {  # TOOL ROUND
  local out
  if ! out=$( { /usr/bin/time -f 'TIME %e %M' ${TOOL[$1]} >/dev/null; } 2>&1 ); then
    echo "$1 failed: $out" >&2
    R[$1,status]=failed
    return
  fi
  echo "$out" | awk -v s="$1" '/^TIME/ {print s, $2, $3}' >>static.txt
}
run_rounds static_round
echo "1. One RFC 1035 file of $RECORDS A records ($(du -m scale.test.zone | cut -f1) MB), $ROUNDS interleaved rounds, median (spread):"
printf '   %-10s %-22s %s\n' tool "time to load (s)" "peak memory (MB)"
for s in $SERVERS; do
  t=$(awk -v s=$s '$1 == s {print $2}' static.txt)
  m=$(awk -v s=$s '$1 == s {printf "%.0f\n", $3 / 1024}' static.txt)
  printf '   %-10s %-22s %s\n' "$s" "$(echo "$t" | median) ($(echo "$t" | spread))" "$(echo "$m" | median) ($(echo "$m" | spread))"
done

# 2. Steered records, on the demo's small database and on a City-shaped one (its trees are
# far bigger: a map's decision tree follows the database's networks).
"$BUILD/tools/lodestar-geodb" build "$ROOT/examples/geo/demo-networks.csv" -o demo.mmdb >/dev/null
"$BUILD/tools/bench/geo_decisions" make-csv 200000 networks.csv >/dev/null
"$BUILD/tools/lodestar-geodb" build networks.csv -o city.mmdb >/dev/null
for db in demo city; do
  echo "2. compile_bench $db.mmdb 1000 100:"
  "$BUILD/tools/bench/compile_bench" $db.mmdb 1000 100 | sed 's/^/   /'
done

# 3. Reloads: the same 1,000 zones served, without their health checks.
python3 - zones <<'EOF'
import sys
d = sys.argv[1]
regions = ["us-east", "us-west", "eu-west", "eu-central", "ap-northeast", "ap-south"]
for z in range(1000):
    L = [f"zone: z{z}.bench.test", "soa: {serial: 1}", "nameservers: {ns1: 192.0.2.1, ns2: 192.0.2.2}", "regions:"]
    L += [f"  {r}: {{latitude: {i * 11 - 30}, longitude: {i * 50 - 150}}}" for i, r in enumerate(regions)]
    L.append("pools:")
    for p in range(10):
        L.append(f"  p{p}:\n    regions:")
        L += [f"      {r}: [10.{z % 250}.{p * 6 + i}.1, 10.{z % 250}.{p * 6 + i}.2]" for i, r in enumerate(regions)]
    L.append("records:")
    for s in range(100):
        if s % 2:
            L.append(f"  host{s}:\n    steer:\n      policy: nearest\n      pool: p{s % 10}")
        else:
            v = s // 2 % 10
            L.append(f"  host{s}:\n    steer:\n      policy: geo\n      pool: p{s % 10}\n      map:\n"
                     f"        NA: [{regions[v % 2]}, {regions[2]}]\n        EU: [{regions[2 + v % 2]}, {regions[0]}]\n"
                     f"        AS: [{regions[4 + v % 2]}, {regions[1]}]\n        10.{v}.0.0/16: [{regions[v % 6]}]\n"
                     f"        default: [{regions[0]}, {regions[2]}]")
    open(f"{d}/z{z}.yaml", "w").write("\n".join(L) + "\n")
EOF
printf 'listen: [127.0.0.1:15690]\nworkers: 1\nzones: [zones/]\ngeo: {database: demo.mmdb}\ncontrol_socket: %s/ctl.sock\n' \
  "$WORK" >serve.yaml
"$BUILD/tools/lodestar" -c serve.yaml 2>daemon.log &
PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT
start=$(date +%s.%N)
for _ in $(seq 1 600); do
  "$BUILD/tools/lodestarctl" --socket ctl.sock status >/dev/null 2>&1 && break
  sleep 0.1
done
echo "3. A daemon serving those 1,000 zones (100,000 steered records, the demo database): up in $(echo "$(date +%s.%N) $start" | awk '{printf "%.1f", $1 - $2}') s"
reload_time() {  # seconds that `lodestarctl reload` took to answer; "+" when it gave up waiting
  local t0 t1 mark=""
  t0=$(date +%s.%N)
  "$BUILD/tools/lodestarctl" --socket ctl.sock reload >/dev/null 2>&1 || mark=+
  t1=$(date +%s.%N)
  echo "$t1 $t0" | awk -v m="$mark" '{printf "%.3f%s\n", $1 - $2, m}'
}
none=() one=()
for round in $(seq 1 "$ROUNDS"); do
  none+=("$(reload_time)")
  sed -i "s/^soa: {serial: .*}/soa: {serial: $((round + 1))}/" zones/z7.yaml
  one+=("$(reload_time)")
done
echo "   reload, nothing changed:   $(printf '%s\n' "${none[@]}" | median) s ($(printf '%s\n' "${none[@]}" | spread))"
echo "   reload, one file changed:  $(printf '%s\n' "${one[@]}" | median) s ($(printf '%s\n' "${one[@]}" | spread))"
echo "   (a time with + is lodestarctl giving up: the reload had not answered within its 120 s)"
echo "   peak memory of the daemon: $(awk '/VmHWM/ {printf "%.0f MB", $2 / 1024}' /proc/$PID/status)"
