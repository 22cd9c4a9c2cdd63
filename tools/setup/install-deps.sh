#!/usr/bin/env bash
# Installs what Lodestar needs to build, run and test, from Debian 12's archive only.
set -euo pipefail
packages=(
  build-essential cmake ninja-build pkg-config     # toolchain
  libldns-dev libc-ares-dev libmaxminddb-dev libyaml-cpp-dev   # libraries we link
  libyaml-dev                                      # YAML fast (libyaml); yaml-cpp reads what YAML 1.1 refuses
  nlohmann-json3-dev libcli11-dev                  # control protocol (JSON) and lodestarctl's command line
  libcurl4-openssl-dev                             # http/https health checks
  libssl-dev                                       # DNSSEC signing (OpenSSL libcrypto)
  libxdp-dev libbpf-dev                            # the optional AF_XDP path (xdp:)
  libmicrohttpd-dev                                # metrics, health and the status page (http:)
  libfstrm-dev libprotobuf-c-dev protobuf-c-compiler   # the dnstap query log (dnstap:)
  catch2                                           # unit and end-to-end tests
  python3                                          # the layering check (tools/layering/)
  knot-dnsutils mmdb-bin socat openssl             # kdig, mmdblookup, socat, openssl s_server: peers in tests
)
for option in "$@"; do
  case $option in
    --with-fuzzer) packages+=(clang libclang-rt-14-dev) ;;  # libFuzzer
    --with-package) packages+=(debhelper dpkg-dev fakeroot lintian git) ;;  # tools/package/check_package.sh
    --with-tests) packages+=(etcd-server iproute2 prometheus chromium dnstap-ldns fstrm-bin groff-base man-db ldnsutils unbound nsd bind9-dnsutils pdns-recursor knot-resolver bind9 jq nftables) ;;  # own etcd; netns for XDP; promtool; the status page; dnstap readers; man pages rendered with warnings; DNSSEC: ldns-keygen/-signzone/-verify-zone, a validating resolver, delv; the delegation world: three more resolvers, jq, nft (the guide's firewall)
    *) echo "install-deps.sh: unknown option $option" >&2; exit 2 ;;
  esac
done
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  # Installing a server package starts its system service (etcd on :2379); the tests start
  # their own on free ports, so service starts are denied while installing.
  own_policy=
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    own_policy=1
  fi
  apt-get install -y --no-install-recommends "${missing[@]}"
  [ -z "$own_policy" ] || rm -f /usr/sbin/policy-rc.d
fi
