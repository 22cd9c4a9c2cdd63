#!/usr/bin/env bash
# Installs what Lodestar needs to build, run and test, from Debian 12's archive only.
set -euo pipefail
packages=(
  build-essential cmake ninja-build pkg-config     # toolchain
  libldns-dev libc-ares-dev libmaxminddb-dev libyaml-cpp-dev   # libraries we link
  nlohmann-json3-dev libcli11-dev                  # control protocol (JSON) and lodestarctl's command line
  libcurl4-openssl-dev                             # http/https health checks
  catch2                                           # unit and end-to-end tests
  knot-dnsutils mmdb-bin socat openssl             # kdig, mmdblookup, socat, openssl s_server: peers in tests
)
if [ "${1:-}" = "--with-fuzzer" ]; then
  packages+=(clang libclang-rt-14-dev)             # libFuzzer
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y --no-install-recommends "${missing[@]}"
fi
