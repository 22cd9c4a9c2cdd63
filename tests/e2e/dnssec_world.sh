#!/usr/bin/env bash
# DNSSEC from the root down (issue 27, "the root-and-parent resolver world").
#
# dnssec_test.cpp shows that Unbound validates Lodestar when it trusts the zone's own DS. That
# leaves out the part operators meet first: the DS published at a parent, and a resolver that
# trusts only the root. This script builds that world in a network namespace of its own
# (world_lib.sh: its own loopback and port 53), with nothing from outside:
#
#   127.53.0.1:53   NSD, serving the root "." and the parent "example.test.", both signed with
#                   ldns-signzone. The root delegates example.test. directly (test. is an empty
#                   non-terminal of the root zone); the parent delegates gtm.example.test. to
#                   Lodestar and carries the DS that `ldns-keygen -k` wrote beside Lodestar's KSK.
#   127.53.0.2:53   Lodestar, the build's demo site with keys added, authoritative for
#                   gtm.example.test. Real HTTP backends on its six endpoints, when the build
#                   has lodestar-demo-backend.
#   127.53.0.3:P    Unbound, whose only trust anchor is the root's DS and whose root hints
#                   point at NSD. It sends ECS to Lodestar, so steering is exercised.
#   127.53.0.4:P    Knot Resolver (kresd), when installed: the same root DS as its only trust
#                   anchor, the same hints. It sends no ECS, so Lodestar answers it for its
#                   own address (loopback: North America in the demo's geo database).
#
# Port 53 is not a choice: a resolver follows referrals to port 53 only, so the authorities
# must be there; the namespace makes it the world's alone, and needs root.
#
# Usage: dnssec_world.sh LODESTAR_BINARY DEMO_DIR      (DEMO_DIR: <build>/demo)
# Exit: 0 all checks passed, 1 a check or the setup failed, 77 skipped (a tool missing, not
# root; without kresd or delv, only that tool's checks are skipped). DNSSEC_WORLD_KEEP=1 keeps
# the temporary folder (configs, zones, logs) for a post-mortem.
set -u -o pipefail

if [[ $# -ne 2 ]]; then
  echo "usage: $0 LODESTAR_BINARY DEMO_DIR" >&2
  exit 1
fi
lodestar=$(realpath -e "$1" 2>/dev/null) || { echo "FAIL: no Lodestar binary at $1" >&2; exit 1; }
demo=$(realpath -e "$2" 2>/dev/null) || { echo "FAIL: no demo folder at $2" >&2; exit 1; }
[[ -x $lodestar ]] || { echo "FAIL: $lodestar is not executable" >&2; exit 1; }
[[ -f $demo/lodestar.yaml && -f $demo/zones/gtm.example.test.yaml ]] ||
  { echo "FAIL: $demo does not look like the build's demo copy (lodestar.yaml, zones/)" >&2; exit 1; }

world_name="dnssec world"
world_keep=${DNSSEC_WORLD_KEEP:-0}
# shellcheck source=tests/e2e/world_lib.sh
. "$(dirname "$0")/world_lib.sh" || { echo "FAIL: no world_lib.sh beside $0" >&2; exit 1; }
world_enter "$@"
for tool in unbound unbound-checkconf nsd nsd-checkconf ldns-keygen ldns-signzone kdig ss pgrep; do
  command -v "$tool" >/dev/null ||
    skip "$tool is not installed (apt-get install unbound nsd ldnsutils knot-dnsutils iproute2 procps)"
done
have_delv=0
command -v delv >/dev/null && have_delv=1   # a second, independent validator (BIND's), if present
have_kresd=0
command -v kresd >/dev/null && have_kresd=1   # a second validating resolver (Knot's), if present

world_start

# --- keys ---------------------------------------------------------------------------------
# One combined key (flags 257) each for the root and the parent: ldns-signzone signs every
# set with it. Lodestar gets the KSK/ZSK split the documentation describes.
mkdir -p "$work/nsd" || die "mkdir"
{ mkdir -p "$work/lodestar" && cp -a "$demo/." "$work/lodestar/"; } || die "cannot copy $demo"
rm -rf "$work/lodestar/state"   # a demo run's overrides and socket are not ours to inherit
zones=$work/lodestar/zones
policy=$zones/gtm.example.test.yaml

keygen() {  # DIR [-k] ZONE: prints the key's base name, K<zone>.+013+<tag>
  (cd "$1" && shift && ldns-keygen -a ECDSAP256SHA256 "$@" 2>&1)
}
# (Run in $(...), keygen cannot stop the script itself: each caller checks.)
root_key=$(keygen "$work/nsd" -k .) || die "ldns-keygen for the root: $root_key"
parent_key=$(keygen "$work/nsd" -k example.test) || die "ldns-keygen for example.test: $parent_key"
gtm_ksk=$(keygen "$zones" -k gtm.example.test) || die "ldns-keygen for Lodestar's KSK: $gtm_ksk"
gtm_zsk=$(keygen "$zones" gtm.example.test) || die "ldns-keygen for Lodestar's ZSK: $gtm_zsk"

# --- the root and the parent, signed, served by NSD ----------------------------------------
cat >"$work/nsd/root.zone" <<EOF
\$ORIGIN .
\$TTL 3600
.                     IN SOA a.root-servers.test. hostmaster.root-servers.test. 1 1800 900 604800 300
.                     IN NS  a.root-servers.test.
a.root-servers.test.  IN A   127.53.0.1
; example.test. hangs directly off the root; test. is an empty non-terminal here.
example.test.         IN NS  ns.example.test.
ns.example.test.      IN A   127.53.0.1
EOF
cat "$work/nsd/$parent_key.ds" >>"$work/nsd/root.zone"

cat >"$work/nsd/example.test.zone" <<EOF
\$ORIGIN example.test.
\$TTL 3600
@          IN SOA ns.example.test. hostmaster.example.test. 1 1800 900 604800 300
@          IN NS  ns
ns         IN A   127.53.0.1
; Lodestar's zone, with the DS of its KSK as ldns-keygen -k wrote it.
gtm        IN NS  ns1.gtm
ns1.gtm    IN A   127.53.0.2
EOF
cat "$zones/$gtm_ksk.ds" >>"$work/nsd/example.test.zone"

(cd "$work/nsd" && ldns-signzone root.zone "$root_key" && ldns-signzone example.test.zone "$parent_key") \
  >"$work/nsd/signzone.log" 2>&1 || die "ldns-signzone failed" "$work/nsd/signzone.log"

nsd_config 127.53.0.1 root.zone.signed example.test.zone.signed >"$work/nsd/nsd.conf"
nsd-checkconf "$work/nsd/nsd.conf" >"$work/nsd/checkconf.log" 2>&1 ||
  die "nsd-checkconf rejects the generated nsd.conf" "$work/nsd/checkconf.log"
nsd -d -c "$work/nsd/nsd.conf" >"$work/nsd/stderr.log" 2>&1 &
pids+=($!)

# Ready when both zones are loaded: the parent's SOA comes back authoritative.
ready=0
for ((i = 0; i < 50; i++)); do
  kdig @127.53.0.1 +time=1 +retry=0 example.test SOA 2>/dev/null | grep -q 'status: NOERROR' && { ready=1; break; }
  alive "${pids[-1]}" || break
  sleep 0.1
done
[[ $ready == 1 ]] || die "NSD did not answer for example.test. on 127.53.0.1:53" "$work/nsd/stderr.log" "$work/nsd/nsd.log"

# --- Lodestar --------------------------------------------------------------------------------
# Only our address, and ns1's glue pointing there: the NS set is what the resolver follows.
awk '/^listen:/ { print "listen:"; print "  - 127.53.0.2:53"; skipping = 1; next }
     skipping && /^[[:space:]]+-/ { next }
     { skipping = 0; print }' "$demo/lodestar.yaml" >"$work/lodestar/lodestar.yaml" || die "editing lodestar.yaml"
sed -i -e '/^[[:space:]]*ns2:[[:space:]]*::1[[:space:]]*$/d' \
       -e 's/^\([[:space:]]*ns1:\)[[:space:]]*127\.0\.0\.1[[:space:]]*$/\1 127.53.0.2/' "$policy"
grep -q '^  - 127.53.0.2:53$' "$work/lodestar/lodestar.yaml" ||
  die "the demo's listen: list has changed shape; update this script"
if ! grep -q '^[[:space:]]*ns1: 127.53.0.2$' "$policy" || grep -q '^[[:space:]]*ns2:' "$policy"; then
  die "the demo's nameservers: block has changed shape; update this script"
fi
! grep -q '^dnssec:' "$policy" || die "the demo zone already has a dnssec: block; update this script"
# Wildcards: a static one, a steered one (www's map) and a CNAME at one, as the zone's first records.
sed -i '/^records:$/a\  "*.cdn": {A: 192.0.2.80, TXT: from the wildcard}\n  "*.to": {CNAME: www}\n  "*.edge":\n    steer: {policy: geo, pool: web, ttl: 30, map: {NA: [us-east, eu-west, ap-northeast], EU: [eu-west, us-east, ap-northeast], AS: [ap-northeast, us-east, eu-west], default: [us-east, eu-west, ap-northeast]}}' "$policy"
grep -q '^  "\*.edge":$' "$policy" || die "the demo zone has no records: line to add wildcards under; update this script"

# Real health checks, on a free port rather than 8080 so a demo running beside us is left alone.
backend=$(dirname "$lodestar")/lodestar-demo-backend
if [[ -x $backend ]]; then
  check_port=$(free_port) || die "no free port for the backends"
  sed -i "s/^\([[:space:]]*port:\)[[:space:]]*8080[[:space:]]*$/\1 $check_port/" "$policy"
  grep -q "port: $check_port\$" "$policy" || die "the demo's check port (8080) has changed; update this script"
  args=()
  for region in 1 2 3; do args+=(--listen "127.0.$region.1:$check_port" --listen "127.0.$region.2:$check_port"); done
  "$backend" "${args[@]}" >/dev/null 2>"$work/backend.log" &
  pids+=($!)
  ready=0
  for ((i = 0; i < 50; i++)); do
    (exec 3<>"/dev/tcp/127.0.3.2/$check_port") 2>/dev/null && { ready=1; break; }
    sleep 0.1
  done
  [[ $ready == 1 ]] || die "the demo backends did not listen on port $check_port" "$work/backend.log"
  echo "backends: 6 endpoints on port $check_port"
else
  # Without backends every endpoint is down and Lodestar fails open: each area still gets its
  # first region, so the checks below hold either way.
  echo "note: $backend not found; Lodestar answers fail-open"
fi

printf '\ndnssec:\n  keys: [%s, %s]\n' "$gtm_ksk" "$gtm_zsk" >>"$policy"
"$lodestar" --check -c "$work/lodestar/lodestar.yaml" >"$work/check.log" 2>&1 ||
  die "lodestar --check rejects the configuration" "$work/check.log"
(cd "$work/lodestar" && exec "$lodestar" -c "$work/lodestar/lodestar.yaml") >"$work/lodestar.out" 2>"$work/lodestar.log" &
lodestar_pid=$!
pids+=("$lodestar_pid")
ready=0
for ((i = 0; i < 100; i++)); do
  kdig @127.53.0.2 +time=1 +retry=0 gtm.example.test SOA 2>/dev/null | grep -q 'status: NOERROR' && { ready=1; break; }
  alive "$lodestar_pid" || break
  sleep 0.1
done
[[ $ready == 1 ]] || die "Lodestar did not answer on 127.53.0.2:53" "$work/lodestar.log" "$work/lodestar.out"

# With real backends, wait for the first probes to mark all six endpoints up: until then an
# area may be steered away from its own region, and the checks would be about timing.
ctl=$(dirname "$lodestar")/lodestarctl
if [[ -n ${check_port:-} && -x $ctl ]]; then
  up=0
  for ((i = 0; i < 50; i++)); do
    up=$("$ctl" -c "$work/lodestar/lodestar.yaml" status 2>/dev/null | grep -c '  up  serving')
    [[ $up -ge 6 ]] && break
    sleep 0.1
  done
  [[ $up -ge 6 ]] || { "$ctl" -c "$work/lodestar/lodestar.yaml" status; die "the six endpoints did not come up" "$work/lodestar.log"; }
  echo "health: all 6 endpoints up"
fi

# --- Unbound, trusting the root only -------------------------------------------------------
cat >"$work/root.hints" <<EOF
.                     3600000 IN NS a.root-servers.test.
a.root-servers.test.  3600000 IN A  127.53.0.1
EOF
cp "$work/nsd/$root_key.ds" "$work/root.anchor"

# NAME PORT: a fresh resolver. A second one later stands in for a cache flush, so nothing it
# learnt before the key change can answer for it.
start_unbound() {
  local name=$1 port=$2 conf=$work/$1.conf i
  cat >"$conf" <<EOF
server:
  interface: 127.53.0.3@$port
  port: $port
  do-ip6: no
  do-daemonize: no
  username: ""
  chroot: ""
  pidfile: ""
  use-syslog: no
  directory: "$work"
  logfile: "$work/$name.log"
  verbosity: 1
  val-log-level: 2
  # The authorities are on 127.53.0.0/24; test. is otherwise one of Unbound's local zones.
  do-not-query-localhost: no
  local-zone: "test." nodefault
  root-hints: "$work/root.hints"
  trust-anchor-file: "$work/root.anchor"
  module-config: "subnetcache validator iterator"
  send-client-subnet: 127.53.0.2
EOF
  unbound-checkconf "$conf" >"$work/$name.checkconf.log" 2>&1 ||
    die "unbound-checkconf rejects $conf" "$work/$name.checkconf.log"
  unbound -d -c "$conf" >"$work/$name.stderr" 2>&1 &
  pids+=($!)
  for ((i = 0; i < 50; i++)); do
    kdig @127.53.0.3 -p "$port" +time=1 +retry=0 version.server CH TXT >/dev/null 2>&1 && return 0
    alive "${pids[-1]}" || break
    sleep 0.1
  done
  die "Unbound ($name) did not answer on 127.53.0.3:$port" "$work/$name.stderr" "$work/$name.log"
}
port=$(free_port) || die "no free port for Unbound"
start_unbound unbound "$port"

# --- Knot Resolver, trusting the root only (when installed) ----------------------------------
# NAME PORT: a kresd with an empty cache of its own in $work/NAME; a second one later stands in
# for a cache flush, as for Unbound. Its log (stderr) is $work/NAME/kresd.log.
start_kresd() {
  local name=$1 port=$2 dir=$work/$1 ds i
  mkdir -p "$dir/run" || die "mkdir $dir"
  ds=$(<"$work/root.anchor")
  { kresd_base_config 127.53.0.4 "$port" 127.53.0.1 && cat <<EOF
-- The only trust anchor is this world's root DS. remove() drops the packaged root key (and
-- stops its RFC 5011 refresh); add() installs an unmanaged anchor: no RFC 5011 tracking, no
-- bootstrap from the network, no refresh queries.
trust_anchors.remove('.')
trust_anchors.add('$ds')
-- A bogus answer is logged, with its name and type ("validation failure: NAME TYPE").
modules.load('bogus_log')
cache.open(10 * MB, 'lmdb://$dir/cache')
EOF
  } >"$dir/kresd.conf"
  kresd -n -c "$dir/kresd.conf" "$dir/run" >"$dir/kresd.log" 2>&1 &
  pids+=($!)
  # Ready when it resolves (and validates) the parent's SOA from the root down.
  for ((i = 0; i < 50; i++)); do
    kdig @127.53.0.4 -p "$port" +time=1 +retry=0 example.test SOA 2>/dev/null | grep -q 'status: NOERROR' && return 0
    alive "${pids[-1]}" || break
    sleep 0.1
  done
  die "Knot Resolver ($name) did not answer for example.test. on 127.53.0.4:$port" "$dir/kresd.log"
}
kresd_note=""
if [[ $have_kresd == 1 ]]; then
  kresd_port=$(free_port) || die "no free port for Knot Resolver"
  start_kresd kresd "$kresd_port"
  kresd_note=", Knot Resolver 127.53.0.4:$kresd_port"
fi
echo "world: root+parent on NSD 127.53.0.1:53, Lodestar 127.53.0.2:53, Unbound 127.53.0.3:$port$kresd_note (setup $((SECONDS - started)) s)"
[[ $have_kresd == 1 ]] || echo "SKIP Knot Resolver: kresd is not installed (apt-get install knot-resolver); its checks are skipped"

# --- checks ----------------------------------------------------------------------------------
passed=0
total=0
failed=()

# The resolver's answer, with the DNSSEC records, as text.
ask_at() {  # ADDR PORT kdig-args...
  local a=$1 p=$2
  shift 2
  kdig @"$a" -p "$p" +dnssec +time=3 +retry=1 "$@" 2>&1
}
ask() {  # PORT kdig-args...: through Unbound
  ask_at 127.53.0.3 "$@"
}
kask() {  # PORT kdig-args...: through Knot Resolver
  ask_at 127.53.0.4 "$@"
}

indent() {  # stdin, each line indented by three spaces
  sed 's/^/   /'
}

# NAME OUTPUT CONDITION...: one check, its kdig output shown. Conditions:
#   status=RCODE   ad   noanswer   a=PREFIX (every A in the answer starts so, at least one)
#   rrsig=TYPE (an RRSIG covering TYPE in the answer)   nxname (the compact denial's NSEC)
#   nsecs=N (N NSEC records in the authority section, none listing NXNAME: white lies)
#   log=FILE:REGEX (a line of $work/FILE, a fresh resolver's log, matches: why it failed)
#   ede=CODE (the answer carries an Extended DNS Error with that code, RFC 8914)
check() {
  local name=$1 out=$2 cond problems=() flags addrs
  shift 2
  total=$((total + 1))
  flags=$(grep -m1 '^;; Flags:' <<<"$out" | sed 's/^;; Flags: \([^;]*\);.*/\1/')
  for cond in "$@"; do
    case $cond in
      status=*)
        grep -q "status: ${cond#status=};" <<<"$out" || problems+=("status is not ${cond#status=}") ;;
      ad)
        [[ " $flags " == *" ad "* ]] || problems+=("no AD flag (flags: ${flags:-none})") ;;
      noanswer)
        grep -q 'ANSWER: 0;' <<<"$out" || problems+=("the answer section is not empty") ;;
      a=*)
        addrs=$(section "$out" ANSWER | awk '$4 == "A" { print $5 }')
        [[ -n $addrs ]] || problems+=("no A record in the answer")
        [[ -z $addrs ]] || ! grep -qv "^${cond#a=}" <<<"$addrs" || problems+=("an A record outside ${cond#a=}*: ${addrs//$'\n'/ }") ;;
      rrsig=*)
        section "$out" ANSWER | awk -v t="${cond#rrsig=}" '$4 == "RRSIG" && $5 == t { f = 1 } END { exit !f }' ||
          problems+=("no RRSIG over ${cond#rrsig=} in the answer") ;;
      nxname)
        section "$out" AUTHORITY | grep -Eq $'\tNSEC\t.*(NXNAME|TYPE128)' ||
          problems+=("no NSEC listing NXNAME (RFC 9824) in the authority section") ;;
      nsecs=*)
        local n
        n=$(section "$out" AUTHORITY | awk '$4 == "NSEC"' | grep -Evc 'NXNAME|TYPE128')
        [[ $n == "${cond#nsecs=}" ]] || problems+=("$n NSEC records without NXNAME in the authority section, not ${cond#nsecs=}") ;;
      log=*)
        local file=${cond#log=} re
        re=${file#*:}
        file=${file%%:*}
        grep -Eq "$re" "$work/$file" || problems+=("$file has no line matching $re") ;;
      ede=*)
        grep -Eq "^;; EDE: ${cond#ede=} " <<<"$out" || problems+=("no EDE ${cond#ede=} in the answer") ;;
    esac
  done
  echo
  echo "== check $total: $name"
  indent <<<"$out"
  if [[ ${#problems[@]} -eq 0 ]]; then
    passed=$((passed + 1))
    echo "   -> PASS"
  else
    failed+=("$total: $name")
    printf '   -> FAIL: %s\n' "${problems[@]}"
  fi
}

# (1) Steering through a validating resolver: each area's ECS subnet reaches Lodestar, which
# signs the answer it gives; the demo's geo database puts these in NA, EU and AS.
check "www A, North America (ECS 192.0.2.0/24) -> us-east, validated" \
  "$(ask "$port" +subnet=192.0.2.0/24 www.gtm.example.test A)" status=NOERROR ad a=127.0.1. rrsig=A
check "www A, Europe (ECS 198.51.100.0/24) -> eu-west, validated" \
  "$(ask "$port" +subnet=198.51.100.0/24 www.gtm.example.test A)" status=NOERROR ad a=127.0.2. rrsig=A
check "www A, Asia (ECS 203.0.113.0/24) -> ap-northeast, validated" \
  "$(ask "$port" +subnet=203.0.113.0/24 www.gtm.example.test A)" status=NOERROR ad a=127.0.3. rrsig=A
# (2) Static data, signed at load.
check "gtm.example.test MX (static), validated" \
  "$(ask "$port" gtm.example.test MX)" status=NOERROR ad rrsig=MX
# (3) A name that does not exist: RFC 9824 compact denial, NOERROR with NSEC(NXNAME).
check "no-such.gtm.example.test A (compact denial), validated" \
  "$(ask "$port" no-such.gtm.example.test A)" status=NOERROR noanswer ad nxname
# (4) A type the steered name lacks (the pool is IPv4 only): NODATA, signed online.
check "www AAAA (NODATA on a steered name), validated" \
  "$(ask "$port" www.gtm.example.test AAAA)" status=NOERROR noanswer ad
# (4b) Wildcards (RFC 4592): the expansion carries the wildcard's signature and an NSEC covering
# the next closer name; NODATA at a wildcard adds the wildcard's own NSEC.
check "img.cdn.gtm.example.test A (static wildcard), validated" \
  "$(ask "$port" img.cdn.gtm.example.test A)" status=NOERROR ad a=192.0.2.80 rrsig=A nsecs=1
check "a.b.cdn.gtm.example.test TXT (static wildcard, two labels below), validated" \
  "$(ask "$port" a.b.cdn.gtm.example.test TXT)" status=NOERROR ad rrsig=TXT
check "nod.cdn.gtm.example.test AAAA (NODATA at a wildcard), validated" \
  "$(ask "$port" nod.cdn.gtm.example.test AAAA)" status=NOERROR noanswer ad nsecs=2
check "eu.edge.gtm.example.test A, Europe (steered wildcard) -> eu-west, validated" \
  "$(ask "$port" +subnet=198.51.100.0/24 eu.edge.gtm.example.test A)" status=NOERROR ad a=127.0.2. rrsig=A nsecs=1
check "go.to.gtm.example.test A, North America (CNAME at a wildcard, to www) -> us-east, validated" \
  "$(ask "$port" +subnet=192.0.2.0/24 go.to.gtm.example.test A)" status=NOERROR ad a=127.0.1. rrsig=CNAME rrsig=A
check "*.cdn.gtm.example.test A (the wildcard asked by its own name), validated" \
  "$(ask "$port" '*.cdn.gtm.example.test' A)" status=NOERROR ad a=192.0.2.80 rrsig=A nsecs=0
check "below.mail.gtm.example.test A (compact, beside wildcards), validated" \
  "$(ask "$port" below.mail.gtm.example.test A)" status=NOERROR noanswer ad nxname
if [[ $have_kresd == 1 ]]; then
  check "kresd: k.cdn.gtm.example.test A (static wildcard), validated" \
    "$(kask "$kresd_port" k.cdn.gtm.example.test A)" status=NOERROR ad a=192.0.2.80 rrsig=A
  check "kresd: knod.cdn.gtm.example.test AAAA (NODATA at a wildcard), validated" \
    "$(kask "$kresd_port" knod.cdn.gtm.example.test AAAA)" status=NOERROR noanswer ad
  check "kresd: k.edge.gtm.example.test A (steered wildcard, its own location) -> us-east, validated" \
    "$(kask "$kresd_port" k.edge.gtm.example.test A)" status=NOERROR ad a=127.0.1. rrsig=A
  check "kresd: k.to.gtm.example.test A (CNAME at a wildcard, to www) -> us-east, validated" \
    "$(kask "$kresd_port" k.to.gtm.example.test A)" status=NOERROR ad a=127.0.1. rrsig=CNAME
fi

# (5) The parent's own data: the chain from the root anchor through NSD holds by itself.
check "example.test SOA (the parent, from the root anchor), validated" \
  "$(ask "$port" example.test SOA)" status=NOERROR ad rrsig=SOA

# BIND's validator, asking through Unbound but trusting nothing it says: a second opinion on
# the same chain (delv cannot send ECS, so it gets Unbound's own subnet's answer).
if [[ $have_delv == 1 ]]; then
  # The same root DS, in BIND's syntax: ". IN DS tag alg digest-type digest" -> static-ds.
  awk '{ printf "trust-anchors { \".\" static-ds %s %s %s \"%s\"; };\n", $4, $5, $6, $7 }' \
    "$work/nsd/$root_key.ds" >"$work/root.delv"
  # QUERY|VERDICT: a NODATA proof (the compact denial) is "negative response, fully validated";
  # delv also prints "resolution failed: ncache nxrrset" for it, which is not a failure.
  for qv in "www.gtm.example.test A|; fully validated" \
            "no-such.gtm.example.test A|; negative response, fully validated" \
            "d.cdn.gtm.example.test A|; fully validated" \
            "d.edge.gtm.example.test A|; fully validated" \
            "dnod.cdn.gtm.example.test AAAA|; negative response, fully validated"; do
    q=${qv%%|*}   # split on purpose below: NAME TYPE
    # shellcheck disable=SC2086  # NAME TYPE: two words
    out=$(delv @127.53.0.3 -p "$port" -a "$work/root.delv" +root=. $q 2>&1)
    total=$((total + 1))
    echo
    echo "== check $total: delv $q: '${qv#*|}' from the root"
    indent <<<"$out"
    if grep -qxF "${qv#*|}" <<<"$out"; then
      passed=$((passed + 1))
      echo "   -> PASS"
    else
      failed+=("$total: delv $q")
      echo "   -> FAIL: delv did not say '${qv#*|}'"
    fi
  done
else
  echo "note: delv not installed; BIND's second opinion skipped"
fi

# Knot Resolver, another validator, from the same root anchor. It sends no ECS, so Lodestar
# steers it by its own address: loopback, which the demo's geo database puts in North America.
if [[ $have_kresd == 1 ]]; then
  echo
  echo "== Knot Resolver (127.53.0.4:$kresd_port), validating from the root's DS"
  check "kresd: www A (its own location, no ECS) -> us-east, validated" \
    "$(kask "$kresd_port" www.gtm.example.test A)" status=NOERROR ad a=127.0.1. rrsig=A
  check "kresd: gtm.example.test MX (static), validated" \
    "$(kask "$kresd_port" gtm.example.test MX)" status=NOERROR ad rrsig=MX
  check "kresd: mail.gtm.example.test A (static), validated" \
    "$(kask "$kresd_port" mail.gtm.example.test A)" status=NOERROR ad a=192.0.2.25 rrsig=A
  check "kresd: no-such.gtm.example.test A (compact denial), validated" \
    "$(kask "$kresd_port" no-such.gtm.example.test A)" status=NOERROR noanswer ad nxname
  check "kresd: www AAAA (NODATA on a steered name), validated" \
    "$(kask "$kresd_port" www.gtm.example.test AAAA)" status=NOERROR noanswer ad
  check "kresd: mail.gtm.example.test TXT (NODATA on a static name), validated" \
    "$(kask "$kresd_port" mail.gtm.example.test TXT)" status=NOERROR noanswer ad
  check "kresd: example.test SOA (the parent, from the root anchor), validated" \
    "$(kask "$kresd_port" example.test SOA)" status=NOERROR ad rrsig=SOA
fi

# Lodestar's log grows a "reloaded:" line per reload: HUP, and wait for it.
reload_lodestar() {
  local before
  before=$(grep -c 'reloaded:' "$work/lodestar.log")
  kill -HUP "$lodestar_pid"
  for ((i = 0; i < 50; i++)); do
    (($(grep -c 'reloaded:' "$work/lodestar.log") > before)) && return 0
    sleep 0.1
  done
  die "Lodestar did not reload within 5 s" "$work/lodestar.log"
}

# (3b) White lies (RFC 4470), the other denial: NXDOMAIN stays NXDOMAIN, proven by two NSECs
# made for the answer, one covering the name and one the wildcard at the closest encloser.
# Names the resolver has not asked before, so neither its cache nor its NSECs answer.
printf '  denial: white-lies\n' >>"$policy"
reload_lodestar
check "missing.gtm.example.test A (white lies), validated" \
  "$(ask "$port" missing.gtm.example.test A)" status=NXDOMAIN noanswer ad nsecs=2
check "a.b.missing-too.gtm.example.test A (white lies, encloser the apex), validated" \
  "$(ask "$port" a.b.missing-too.gtm.example.test A)" status=NXDOMAIN noanswer ad nsecs=2
check "x.www.gtm.example.test A (white lies below a steered name), validated" \
  "$(ask "$port" x.www.gtm.example.test A)" status=NXDOMAIN noanswer ad nsecs=2
check "wl.cdn.gtm.example.test A (static wildcard, white lies), validated" \
  "$(ask "$port" wl.cdn.gtm.example.test A)" status=NOERROR ad a=192.0.2.80 rrsig=A nsecs=1
check "wlnod.cdn.gtm.example.test AAAA (NODATA at a wildcard, white lies), validated" \
  "$(ask "$port" wlnod.cdn.gtm.example.test AAAA)" status=NOERROR noanswer ad nsecs=2
check "wl.edge.gtm.example.test A, Asia (steered wildcard, white lies) -> ap-northeast, validated" \
  "$(ask "$port" +subnet=203.0.113.0/24 wl.edge.gtm.example.test A)" status=NOERROR ad a=127.0.3. rrsig=A
check "nope.mail.gtm.example.test A (white lies beside wildcards), validated" \
  "$(ask "$port" nope.mail.gtm.example.test A)" status=NXDOMAIN noanswer ad nsecs=2
if [[ $have_kresd == 1 ]]; then
  check "kresd: kwl.cdn.gtm.example.test A (static wildcard, white lies), validated" \
    "$(kask "$kresd_port" kwl.cdn.gtm.example.test A)" status=NOERROR ad a=192.0.2.80 rrsig=A
  check "kresd: kwlnod.cdn.gtm.example.test AAAA (NODATA at a wildcard, white lies), validated" \
    "$(kask "$kresd_port" kwlnod.cdn.gtm.example.test AAAA)" status=NOERROR noanswer ad
fi
if [[ $have_delv == 1 ]]; then
  out=$(delv @127.53.0.3 -p "$port" -a "$work/root.delv" +root=. gone.gtm.example.test A 2>&1)
  total=$((total + 1))
  echo
  echo "== check $total: delv gone.gtm.example.test A (white lies): a validated NXDOMAIN from the root"
  indent <<<"$out"
  if grep -q 'nxdomain' <<<"$out" && grep -qxF '; negative response, fully validated' <<<"$out"; then
    passed=$((passed + 1))
    echo "   -> PASS"
  else
    failed+=("$total: delv gone.gtm.example.test A (white lies)")
    echo "   -> FAIL: delv did not validate the NXDOMAIN"
  fi
fi
if [[ $have_kresd == 1 ]]; then
  check "kresd: vanished.gtm.example.test A (white lies), validated" \
    "$(kask "$kresd_port" vanished.gtm.example.test A)" status=NXDOMAIN noanswer ad nsecs=2
  check "kresd: y.www.gtm.example.test A (white lies below a steered name), validated" \
    "$(kask "$kresd_port" y.www.gtm.example.test A)" status=NXDOMAIN noanswer ad nsecs=2
fi

# (5b) After a region fails over, the new answer validates from the root too: eu-west is
# drained through lodestarctl, and Europe's IPv6 block (which the resolver has not cached; the
# earlier answer for 198.51.100.0/24 holds for its TTL) is asked afresh.
if [[ -x $ctl ]]; then
  "$ctl" -c "$work/lodestar/lodestar.yaml" drain eu-west --force --reason "dnssec world: failover" >/dev/null 2>&1 ||
    die "lodestarctl drain eu-west failed" "$work/lodestar.log"
  check "www A, Europe after eu-west is drained (ECS 2001:db8:200::/56) -> elsewhere, validated" \
    "$(ask "$port" +subnet=2001:db8:200::/56 www.gtm.example.test A)" status=NOERROR ad a=127.0.1. rrsig=A
  "$ctl" -c "$work/lodestar/lodestar.yaml" undrain eu-west >/dev/null 2>&1 || true
  # kresd is steered by its own address (North America: us-east), so draining eu-west changes
  # nothing it sees: its own region is drained for it. Its www answer is cached for 30 s, so it
  # asks api, a steered name over the same pool (nearest: us-east, then eu-west for North
  # America) that it has not asked before: the answer it gets is made after the drain.
  if [[ $have_kresd == 1 ]]; then
    "$ctl" -c "$work/lodestar/lodestar.yaml" drain us-east --force --reason "dnssec world: failover for kresd" >/dev/null 2>&1 ||
      die "lodestarctl drain us-east failed" "$work/lodestar.log"
    check "kresd: api A after us-east is drained (its own location) -> eu-west, validated" \
      "$(kask "$kresd_port" api.gtm.example.test A)" status=NOERROR ad a=127.0.2. rrsig=A
    "$ctl" -c "$work/lodestar/lodestar.yaml" undrain us-east >/dev/null 2>&1 || true
  fi
else
  echo "note: no lodestarctl beside $lodestar; the failover check is skipped"
fi

# (6) The validation is real: Lodestar signs with two fresh keys that the parent's DS does not
# name. A resolver that has not seen the zone before must refuse the answers (SERVFAIL), and
# its log must say it was DNSSEC that failed, not Lodestar being unreachable.
echo
echo "== breaking the chain: Lodestar switches to keys the parent has no DS for"
new_ksk=$(keygen "$zones" -k gtm.example.test) || die "ldns-keygen for the new KSK: $new_ksk"
new_zsk=$(keygen "$zones" gtm.example.test) || die "ldns-keygen for the new ZSK: $new_zsk"
sed -i "s/^  keys: \[.*\]\$/  keys: [$new_ksk, $new_zsk]/" "$policy"
grep -q "keys: \[$new_ksk, $new_zsk\]" "$policy" || die "could not rewrite the keys: line"
reload_lodestar
# Lodestar itself must now publish the new KSK, or a SERVFAIL below would prove nothing.
new_pub=$(awk '$4 == "DNSKEY" { for (i = 8; i <= NF && $i !~ /^;/; i++) printf "%s", $i }' "$zones/$new_ksk.key")
direct=$(kdig @127.53.0.2 +time=2 +retry=1 +dnssec +nosplit gtm.example.test DNSKEY 2>&1)
grep -qF "$new_pub" <<<"$direct" || { echo "$direct"; die "Lodestar does not publish the new KSK after the reload" "$work/lodestar.log"; }
echo "   Lodestar reloaded and publishes the new keys ($new_ksk, $new_zsk)"

fresh_port=$(free_port) || die "no free port for the second Unbound"
start_unbound unbound-fresh "$fresh_port"
check "www A after the key change, fresh resolver: SERVFAIL (bogus)" \
  "$(ask "$fresh_port" +subnet=192.0.2.0/24 www.gtm.example.test A)" status=SERVFAIL \
  'log=unbound-fresh.log:validation failure <www\.gtm\.example\.test\. A IN>'
# The failure is the child's alone: the same resolver still validates the parent.
check "example.test SOA through the same fresh resolver, still validated" \
  "$(ask "$fresh_port" example.test SOA)" status=NOERROR ad
if [[ $have_kresd == 1 ]]; then
  # A second kresd with an empty cache, as for Unbound: the first one still holds the old keys.
  kresd_fresh_port=$(free_port) || die "no free port for the second Knot Resolver"
  start_kresd kresd-fresh "$kresd_fresh_port"
  # kresd names the set that failed: the zone's DNSKEY set, which no DS at the parent matches.
  check "kresd: www A after the key change, fresh resolver: SERVFAIL (bogus)" \
    "$(kask "$kresd_fresh_port" www.gtm.example.test A)" status=SERVFAIL ede=6 \
    'log=kresd-fresh/kresd.log:validation failure: gtm\.example\.test\. DNSKEY'
  check "kresd: example.test SOA through the same fresh kresd, still validated" \
    "$(kask "$kresd_fresh_port" example.test SOA)" status=NOERROR ad
fi

echo
if [[ -s $work/unbound.log ]] && grep -q 'validation failure' "$work/unbound.log"; then
  # The first resolver should never have had a reason to complain; say so when it did.
  echo "note: the first resolver logged validation failures:"
  grep 'validation failure' "$work/unbound.log" | head -n 10 | indent
fi
if [[ -s $work/kresd/kresd.log ]] && grep -q 'validation failure' "$work/kresd/kresd.log"; then
  echo "note: the first kresd logged validation failures:"
  grep 'validation failure' "$work/kresd/kresd.log" | head -n 10 | indent
fi
[[ $have_kresd == 1 ]] || echo "SKIP Knot Resolver: kresd is not installed; its checks were skipped"
if [[ ${#failed[@]} -gt 0 ]]; then
  echo "failed checks:"
  printf '   %s\n' "${failed[@]}"
  for log in unbound.log unbound-fresh.log kresd/kresd.log kresd-fresh/kresd.log lodestar.log nsd/nsd.log; do
    [[ -s $work/$log ]] || continue
    echo "--- $log (last 30 lines)"
    tail -n 30 "$work/$log" | sed 's/^/  | /'
  done
fi
echo "dnssec world: $passed/$total checks passed ($((SECONDS - started)) s)"
[[ $passed -eq $total ]]
