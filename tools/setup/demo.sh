#!/usr/bin/env bash
# The README's first command: install, build, and run the demo on 127.0.0.1:5353 and
# [::1]:5353 in the foreground (Ctrl-C stops it). It runs from the demo site the build makes
# ($build/demo: examples/ plus the geo database built from its CSV), so nothing is written
# into the source tree.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
"$root/tools/setup/install-deps.sh"
# A build folder of its own, so the test build's settings (-Werror, sanitizers) never mix in.
build=${DEMO_BUILD_DIR:-$root/build-release}
BUILD_DIR=$build "$root/tools/setup/build.sh" -DCMAKE_BUILD_TYPE=Release -DLODESTAR_TESTS=OFF -DLODESTAR_WERROR=OFF
lodestar="$build/tools/lodestar"
site="$build/demo"

"$lodestar" --check -c "$site/lodestar.yaml"
# Small HTTP backends on the six loopback endpoints, so the health checks are real.
backend="$build/tools/lodestar-demo-backend"
pids=()
for region in 1 2 3; do
  "$backend" --listen 127.0.$region.1:8080 --listen 127.0.$region.2:8080 >/dev/null &
  pids+=($!)
done
"$lodestar" -c "$site/lodestar.yaml" &
daemon=$!
pids+=($daemon)
trap 'kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null' EXIT INT TERM
for _ in $(seq 50); do
  kdig @127.0.0.1 -p 5353 +time=1 +retry=0 gtm.example.test SOA >/dev/null 2>&1 && break
  sleep 0.1
done

ask() {
  echo "\$ kdig @127.0.0.1 -p 5353 $*"
  kdig @127.0.0.1 -p 5353 +noall +answer +authority +opt "$@" | grep -v -e '^;; OPT' -e '^;;Version' -e '^$' | sed 's/^/    /'
}
# Static data
ask gtm.example.test SOA
ask gtm.example.test MX
ask alias.gtm.example.test A
# Geo steering: the answer depends on the client subnet the resolver sends (ECS).
ask www.gtm.example.test A +subnet=198.51.100.0/24   # Germany → eu-west
ask www.gtm.example.test A +subnet=203.0.113.0/24    # Japan → ap-northeast
ask www.gtm.example.test A +subnet=2001:db8:100::/48 # USA (IPv6) → us-east
ask www.gtm.example.test A                           # from 127.0.0.1 (USA) → us-east
ask api.gtm.example.test A +subnet=198.51.100.0/24   # nearest by coordinates → eu-west
echo
echo "Lodestar is serving the demo zone gtm.example.test (pid $daemon), health-checking its six"
echo "endpoints over HTTP (backends: pids ${pids[*]:0:3}). Try a failover: kill ${pids[1]} (eu-west's"
echo "backends), then ask again with +subnet=198.51.100.0/24. Ctrl-C stops everything."
wait "$daemon"
