#!/usr/bin/env bash
# Lodestar's AF_XDP path against its socket path and Knot 3 (sockets and its XDP mode), in
# two network namespaces joined by a veth pair that this script makes and removes. The load
# is kxdpgun (Knot's AF_XDP query generator: cheap per query, so the server is the limit) in
# the client namespace on CPU 1; each server alone on CPU 0. Reports answered queries per
# second and per server core (answered ÷ the busy share of the server's core), medians of
# interleaved rounds with their spread. Run as root. See docs/benchmarks.md.
#
#   tools/bench/xdp_compare.sh [--seconds N] [--rounds N] [--out DIR] [--no-install]
#                              [--servers "lodestar-xdp lodestar-sockets knot-xdp knot-sockets"]
#
# Mixes: steered (www A from a client the geo database places in Europe: Lodestar's steered
# answer, Knot's mod-geoip answer) and mixed (compare.sh's plain mix: steered, static,
# NXDOMAIN, NODATA, CNAME).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
export ROOT=$(cd "$HERE/../.." && pwd)
source "$HERE/rounds.sh"
export BUILD=${BUILD_DIR:-$ROOT/build-release}
RUN_SECONDS=10
ROUNDS=5
SERVERS="lodestar-xdp lodestar-sockets knot-xdp knot-sockets"
OUT=${OUT:-/tmp/lodestar-xdp-bench}
INSTALL=1
while [ $# -gt 0 ]; do
  case $1 in
    --seconds) RUN_SECONDS=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    --servers) SERVERS=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --no-install) INSTALL=0; shift ;;
    *) echo "unknown option $1 (see the header of $0)" >&2; exit 2 ;;
  esac
done
[ "$(id -u)" = 0 ] || { echo "xdp_compare.sh: needs root (network namespaces, XDP)" >&2; exit 2; }
SERVER_CPU=0 CLIENT_CPU=1  # Knot pins its first worker to CPU 0 whatever taskset says
PORT=5300
OFFERED=3000000  # q/s asked of kxdpgun: more than any server here answers
HZ=$(getconf CLK_TCK)
NS_S=lodestar-xdpbench-s NS_C=lodestar-xdpbench-c IF_S=lxbench0 IF_C=lxbench1
ADDR_S=10.213.250.1 ADDR_C=10.213.250.2
declare -A NAME=([lodestar-xdp]="Lodestar AF_XDP" [lodestar-sockets]="Lodestar sockets"
                 [knot-xdp]="Knot 3 XDP + mod-geoip" [knot-sockets]="Knot 3 sockets + mod-geoip")

if [ "$INSTALL" = 1 ]; then
  "$ROOT/tools/setup/install-deps.sh"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q knot knot-module-geoip knot-dnsutils iproute2 >/dev/null
fi
BUILD_DIR=$BUILD "$ROOT/tools/setup/build.sh" -DCMAKE_BUILD_TYPE=Release -DLODESTAR_TESTS=OFF \
  -DLODESTAR_WERROR=OFF >/dev/null

rm -rf "$OUT" && mkdir -p "$OUT"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  ip netns del $NS_S 2>/dev/null || true
  ip netns del $NS_C 2>/dev/null || true
}
trap cleanup EXIT INT TERM
log() { echo "[$(date +%T)] $*" >&2; }

# --- the two namespaces -------------------------------------------------------------------
ip netns del $NS_S 2>/dev/null || true
ip netns del $NS_C 2>/dev/null || true
ip netns add $NS_S
ip netns add $NS_C
ip link add $IF_S netns $NS_S type veth peer name $IF_C netns $NS_C
ip -n $NS_S addr add $ADDR_S/24 dev $IF_S
ip -n $NS_C addr add $ADDR_C/24 dev $IF_C
for ns in $NS_S $NS_C; do ip -n $ns link set lo up; done
ip -n $NS_S link set $IF_S up
ip -n $NS_C link set $IF_C up
in_server() { nsenter --net=/run/netns/$NS_S "$@"; }  # keeps the mounts (Knot's libxdp wants bpffs)
in_client() { nsenter --net=/run/netns/$NS_C "$@"; }
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf

# --- data: the benchmark's geo database with the client's network in Europe -----------------
{ cat "$ROOT/examples/geo/demo-networks.csv"; echo "10.213.250.0/24,EU,DE,BE,52.5,13.4"; } >"$OUT/networks.csv"
"$BUILD/tools/lodestar-geodb" build "$OUT/networks.csv" -o "$OUT/bench.mmdb" >/dev/null
DB=$OUT/bench.mmdb
for i in $(seq 1000); do echo "www.gtm.example.test. A"; done >"$OUT/steered.txt"
"$BUILD/tools/bench/dns_replay" mix plain gtm.example.test 100000 "$OUT/mixed.txt"
for r in 1 2 3; do  # the endpoints Lodestar's health checks probe, inside the server's namespace
  # nsenter itself, not a shell function: $! must be the backend's PID (nsenter execs it).
  nsenter --net=/run/netns/$NS_S "$BUILD/tools/lodestar-demo-backend" --listen 127.0.$r.1:8080 \
    --listen 127.0.$r.2:8080 >/dev/null 2>&1 &
  PIDS+=($!)
done

# --- servers ----------------------------------------------------------------------------------
render() {  # SERVER DIR
  local s=$1 dir=$2 base=${1%-*}
  rm -rf "$dir"
  bash -c "source '$HERE/servers/common.sh'; source '$HERE/servers/$base.sh'; render_$base '$dir' $PORT '$DB'"
  case $s in
    lodestar-*)
      sed -i "s/127.0.0.1:$PORT/$ADDR_S:$PORT/" "$dir/lodestar.yaml"
      if [ "$s" = lodestar-xdp ]; then echo "xdp: {interface: $IF_S, queues: [0]}" >>"$dir/lodestar.yaml"; fi ;;
    knot-*)
      sed -i "s/127.0.0.1@$PORT/$ADDR_S@$PORT/" "$dir/knot.conf"
      if [ "$s" = knot-xdp ]; then printf 'xdp:\n  listen: %s@%s\n  udp: on\n' $IF_S $PORT >>"$dir/knot.conf"; fi ;;
  esac
}
start() {  # SERVER DIR → SERVER_PID
  local base=${1%-*}
  taskset -c $SERVER_CPU nsenter --net=/run/netns/$NS_S \
    bash -c "source '$HERE/servers/common.sh'; source '$HERE/servers/$base.sh'; start_$base '$2'" >"$2.log" 2>&1 &
  SERVER_PID=$!
  PIDS+=("$SERVER_PID")
}
ready() {
  local deadline=$((SECONDS + 30))
  until in_client kdig @$ADDR_S -p $PORT +time=1 +retry=0 www.gtm.example.test A 2>/dev/null | grep -q '127.0.2.1'; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.3
  done
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# The server core's busy and total ticks: user, nice, system, irq, softirq (the kernel's
# receive work lands here too), and everything.
core_ticks() { awk -v c=cpu$SERVER_CPU '$1 == c {print $2 + $3 + $4 + $7 + $8, $2 + $3 + $4 + $5 + $6 + $7 + $8}' /proc/stat; }

declare -A R
measure() {  # SERVER ROUND
  local s=$1 round=$2 dir=$OUT/$1 mix c0 c1 out
  render "$s" "$dir"
  # Knot leaves its XDP program attached when it stops, and Lodestar rightly refuses to
  # replace another program: every server starts on a bare interface.
  ip -n $NS_S link set dev $IF_S xdp off
  start "$s" "$dir"
  if ! ready; then log "$s did not answer www with eu-west's endpoints; see $dir.log"; R[$s,status]=failed; kill $SERVER_PID 2>/dev/null || true; return; fi
  R[$s,status]=ok
  for mix in steered mixed; do
    out=$OUT/$s.$mix.$round
    log "$s: $mix, round $round"
    in_client taskset -c $CLIENT_CPU kxdpgun -t "$RUN_SECONDS" -Q $OFFERED -p $PORT -F $CLIENT_CPU -i "$OUT/$mix.txt" \
      $ADDR_S >"$out" 2>&1 &
    local gun=$! c0 c1 b0 b1 t0 t1
    # CPU is read over the run's middle (its first and last second left out): steady load only.
    sleep 1
    c0=$(cpu_ticks $SERVER_PID); read -r b0 t0 < <(core_ticks)
    sleep $((RUN_SECONDS - 2))
    c1=$(cpu_ticks $SERVER_PID); read -r b1 t1 < <(core_ticks)
    wait $gun
    local replies qps busy
    replies=$(awk '/total replies:/ {print $3}' "$out")
    qps=$(echo "$replies / $RUN_SECONDS" | bc)
    busy=$(echo "scale=4; ($b1 - $b0) / ($t1 - $t0)" | bc -l)  # the server core's busy share, kernel included
    R[$s,$mix,qps,$round]=$qps
    R[$s,$mix,core,$round]=$(echo "$qps / $busy" | bc)
    R[$s,$mix,busy,$round]=$(echo "100 * $busy / 1" | bc)
    R[$s,$mix,cpu,$round]=$(echo "100 * ($c1 - $c0) / $HZ / ($RUN_SECONDS - 2)" | bc)
  done
  kill $SERVER_PID 2>/dev/null || true; wait $SERVER_PID 2>/dev/null || true
}

run_rounds measure

stat() {  # SERVER MIX KEY → "median (spread)"
  local values=() r
  for r in $(seq 1 "$ROUNDS"); do values+=("${R[$1,$2,$3,$r]}"); done
  echo "$(printf '%s\n' "${values[@]}" | median) ($(printf '%s\n' "${values[@]}" | spread))"
}
{
  echo "# Lodestar AF_XDP vs sockets vs Knot XDP — $(date -u +%F), kernel $(uname -r), $RUN_SECONDS s × $ROUNDS rounds"
  echo
  echo "veth between two namespaces; kxdpgun on CPU $CLIENT_CPU offering $OFFERED q/s; server on CPU $SERVER_CPU."
  echo "Figures: median (min–max) of the rounds. q/s per core = answered q/s ÷ the share of the server's core"
  echo "that was busy (user, system, irq and softirq: the kernel's work for the server's packets included)."
  echo
  echo "| server | mix | answered q/s | q/s per server core | server core busy % | server process CPU % |"
  echo "|---|---|---|---|---|---|"
  for s in $SERVERS; do
    [ "${R[$s,status]:-}" = ok ] || { echo "| ${NAME[$s]} | — | ${R[$s,status]:-not run} | | | |"; continue; }
    for mix in steered mixed; do
      echo "| ${NAME[$s]} | $mix | $(stat $s $mix qps) | $(stat $s $mix core) | $(stat $s $mix busy) | $(stat $s $mix cpu) |"
    done
  done
  # The VM's speed drifts by tens of percent over minutes: each round's servers ran back to
  # back, so the ratio is taken within each round and its median reported with its spread.
  ratio() {  # A B MIX → "median (min–max)" of the per-round ratios of q/s per core
    local values=() r
    for r in $(seq 1 "$ROUNDS"); do values+=("$(echo "scale=2; ${R[$1,$3,core,$r]} / ${R[$2,$3,core,$r]}" | bc)"); done
    echo "$(printf '%s\n' "${values[@]}" | median)× ($(printf '%s\n' "${values[@]}" | spread))"
  }
  echo
  echo "Per-round ratios of q/s per core (median, min–max over the rounds):"
  for mix in steered mixed; do
    if [ "${R[lodestar-xdp,status]:-}" = ok ] && [ "${R[lodestar-sockets,status]:-}" = ok ]; then
      echo "- $mix: Lodestar AF_XDP / Lodestar sockets $(ratio lodestar-xdp lodestar-sockets $mix) (goal ≥ 2)"
    fi
    if [ "${R[lodestar-xdp,status]:-}" = ok ] && [ "${R[knot-xdp,status]:-}" = ok ]; then
      echo "- $mix: Lodestar AF_XDP / Knot XDP $(ratio lodestar-xdp knot-xdp $mix) (goal > 1)"
    fi
  done
} | tee "$OUT/summary.md"
