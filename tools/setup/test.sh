#!/usr/bin/env bash
# The README's second command: install, build with warnings as errors, run every test.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
"$root/tools/setup/install-deps.sh" --with-tests
BUILD_DIR=${BUILD_DIR:-$root/build} "$root/tools/setup/build.sh" -DLODESTAR_WERROR=ON -DLODESTAR_TESTS=ON "$@"
ctest --test-dir "${BUILD_DIR:-$root/build}" --output-on-failure -j"$(nproc)"
