#!/usr/bin/env bash
# Geo decisions per second: compiled tree vs libmaxminddb, on a generated City-shaped
# database of ${NETWORKS:-200000} networks built by lodestar-geodb. Not part of the tests.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD_DIR:-$root/build-release}
BUILD_DIR=$build "$root/tools/setup/build.sh" -DCMAKE_BUILD_TYPE=Release -DLODESTAR_WERROR=OFF >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$build/tools/bench/geo_decisions" make-csv "${NETWORKS:-200000}" "$work/networks.csv"
"$build/tools/lodestar-geodb" build "$work/networks.csv" -o "$work/bench.mmdb"
taskset -c 0 "$build/tools/bench/geo_decisions" run "$work/bench.mmdb"
