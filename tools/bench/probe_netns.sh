#!/usr/bin/env bash
# The probe benchmark with the TCP listeners in a network namespace of its own, whose
# packets are processed on CPU 1 (receive packet steering), while the probing thread runs
# on CPU 0. On loopback the listeners' side of every handshake runs inside the prober's
# own system calls and is charged to it; here the prober pays for its own side only, as
# it would with the endpoints on other machines. Needs root (ip netns).
#   tools/bench/probe_netns.sh [endpoints] [seconds] [tcp|floor]
# floor: the same connects as bare system calls, for the kernel's share alone.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD_DIR:-$root/build-release}
endpoints=${1:-10000} seconds=${2:-10} kind=${3:-tcp}
ns=lodestar-probe-$$
cleanup() { ip netns del "$ns" 2>/dev/null || true; ip link del lsp-host-$$ 2>/dev/null || true; }
trap cleanup EXIT INT TERM
ip netns add "$ns"
ip link add "lsp-host-$$" type veth peer name lsp-ns netns "$ns"
ip addr add 10.231.255.1/30 dev "lsp-host-$$"
ip link set "lsp-host-$$" up
ip -n "$ns" addr add 10.231.255.2/30 dev lsp-ns
ip -n "$ns" link set lsp-ns up
ip -n "$ns" link set lo up
# Every address of 10.231.0.0/16 is local inside the namespace (like 127.0.0.0/8 is).
ip -n "$ns" route add local 10.231.0.0/18 dev lo
ip route add 10.231.0.0/18 via 10.231.255.2
# Both directions of the veth are processed on CPU 1.
echo 2 >"/sys/class/net/lsp-host-$$/queues/rx-0/rps_cpus"
ip netns exec "$ns" sh -c 'echo 2 > /sys/class/net/lsp-ns/queues/rx-0/rps_cpus'
taskset -c 0 ${PROBE_WRAPPER:-} "$build/tools/bench/probe_bench" "$kind" "$endpoints" "$seconds" 0 "$ns" 10.231
