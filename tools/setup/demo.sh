#!/usr/bin/env bash
# The README's first command: install, build, and run the demo from examples/ on
# 127.0.0.1:5353 and [::1]:5353 in the foreground (Ctrl-C stops it).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
"$root/tools/setup/install-deps.sh"
BUILD_DIR=${BUILD_DIR:-$root/build} "$root/tools/setup/build.sh" -DCMAKE_BUILD_TYPE=Release -DLODESTAR_TESTS=OFF
lodestar="${BUILD_DIR:-$root/build}/tools/lodestar"

"$lodestar" --check -c "$root/examples/lodestar.yaml"
"$lodestar" -c "$root/examples/lodestar.yaml" &
daemon=$!
trap 'kill "$daemon" 2>/dev/null; wait "$daemon" 2>/dev/null' EXIT INT TERM
for _ in $(seq 50); do
  kdig @127.0.0.1 -p 5353 +time=1 +retry=0 gtm.example.test SOA >/dev/null 2>&1 && break
  sleep 0.1
done

ask() {
  echo "\$ kdig @127.0.0.1 -p 5353 $*"
  kdig @127.0.0.1 -p 5353 +noall +answer +authority "$@" | sed 's/^/    /'
}
ask gtm.example.test SOA
ask gtm.example.test MX
ask alias.gtm.example.test A
ask x.child.gtm.example.test A
ask nope.gtm.example.test A
echo
echo "Lodestar is serving the demo zone gtm.example.test (pid $daemon). Ctrl-C stops it."
wait "$daemon"
