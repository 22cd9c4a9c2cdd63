# shellcheck shell=bash disable=SC2154  # world_name and world_keep are the sourcing script's
# The resolver worlds' common part (dnssec_world.sh, delegation_world.sh): sourced, not run.
#
# A world runs as root in a network and mount namespace of its own (world_enter): its own
# loopback and port 53, which a resolver's referrals need, nothing of the host's network seen
# or touched, and nothing it mounts seen outside. Every process it starts is in `pids`, and
# only those are stopped on the way out, newest first, each with everything it forked.
#
# Before sourcing, the script sets:
#   world_name   "dnssec world": how its lines and its setup failure are labelled
#   world_keep   1 keeps the temporary folder (configs, zones, logs) for a post-mortem
# After world_enter and world_start: $work (the temporary folder), $started, pids=().

skip() { echo "SKIP: $*"; exit 77; }

# ARGS...: as root, run the calling script again inside fresh namespaces (the variable says it
# already is there), then bring the namespace's loopback up. Returns only inside.
world_enter() {
  [[ $(id -u) -eq 0 ]] || skip "must run as root: the world is a network namespace of its own"
  if [[ ${LODESTAR_WORLD_NETNS:-} != "$0" ]]; then
    command -v unshare >/dev/null || skip "unshare is not installed (apt-get install util-linux)"
    # shellcheck disable=SC2093  # exec: the script goes on only when unshare itself fails
    LODESTAR_WORLD_NETNS=$0 exec unshare --net --mount --propagation private -- "$0" "$@"
    skip "unshare --net --mount failed: no network or mount namespaces here"
  fi
  ip link set lo up || skip "cannot bring up the loopback of the world's network namespace (ip, iproute2)"
}

# The temporary folder, the clock, and the traps that stop what the world started.
world_start() {
  work=$(mktemp -d -t "${world_name// /-}.XXXXXX") || { echo "FAIL: mktemp -d" >&2; exit 1; }
  started=$SECONDS
  pids=()
  trap world_cleanup EXIT
  trap 'exit 130' INT   # the EXIT trap runs on the way out
  trap 'exit 143' TERM
}

alive() {  # PID: running and not a zombie (kill -0 succeeds on a zombie, which must still be reaped)
  local state
  state=$(sed -E 's/^[0-9]+ \(.*\) (.).*/\1/' "/proc/$1/stat" 2>/dev/null) || return 1
  [[ -n $state && $state != Z ]]
}

descendants() {  # PID: its children's PIDs, theirs, and so on
  local child
  for child in $(pgrep -P "$1"); do
    echo "$child"
    descendants "$child"
  done
}

# PID: stopped, with all it forked. NSD forks (xfrd, main, server) and its first process can
# exit while the others still hold port 53, so a process counts as stopped only when everything
# it forked has exited too. (Grandchildren end as zombies of init, not ours to wait for.)
stop_pid() {
  local pid=$1 i p running tree
  # shellcheck disable=SC2207  # PIDs are digits
  tree=("$pid" $(descendants "$pid"))
  kill -TERM "$pid" 2>/dev/null
  for ((i = 0; i < 30; i++)); do  # 3 s for a clean exit, then no more patience
    running=0
    for p in "${tree[@]}"; do alive "$p" && running=1; done
    ((running)) || break
    sleep 0.1
  done
  for p in "${tree[@]}"; do alive "$p" && kill -KILL "$p" 2>/dev/null; done
  wait "$pid" 2>/dev/null
}

# PID: stopped now, and no longer ours to stop at exit (its number may be reused).
stop_and_forget() {
  local keep=() p
  stop_pid "$1"
  for p in "${pids[@]}"; do [[ $p == "$1" ]] || keep+=("$p"); done
  pids=("${keep[@]}")
}

world_cleanup() {
  local i
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do stop_pid "${pids[i]}"; done
  if [[ ${world_keep:-0} == 1 ]]; then
    echo "kept: $work"
  else
    rm -rf "$work"
  fi
}

# MESSAGE LOG...: a setup failure, with the logs that explain it; no check can mean anything.
die() {
  local msg=$1 log
  shift
  echo "FAIL (setup): $msg"
  for log in "$@"; do
    [[ -f $log ]] || continue
    echo "--- $log (last 40 lines)"
    tail -n 40 "$log" | sed 's/^/  | /'
  done
  echo "$world_name: setup failed after $((SECONDS - started)) s"
  exit 1
}

# A port nobody in the namespace listens on (TCP or UDP), in the high range; bounded attempts.
free_port() {
  local port i
  for ((i = 0; i < 50; i++)); do
    port=$((20000 + RANDOM % 40000))
    if [[ -z $(ss -Hlnut "sport = :$port" 2>/dev/null) ]]; then
      echo "$port"
      return 0
    fi
  done
  return 1
}

# CMD... : succeed as soon as CMD does, within 10 s (the last started process must stay alive).
wait_for() {
  local deadline=$((SECONDS + 10))
  while ((SECONDS < deadline)); do
    "$@" && return 0
    alive "${pids[-1]}" || return 1
    sleep 0.1
  done
  return 1
}

answers() {  # ADDR PORT QUESTION...: the server answers NOERROR
  local a=$1 p=$2
  shift 2
  kdig @"$a" -p "$p" +time=1 +retry=0 "$@" 2>/dev/null | grep -q 'status: NOERROR'
}

section() {  # kdig output, section name (ANSWER, AUTHORITY): its record lines
  awk -v want=";; $2 SECTION:" '$0 == want { on = 1; next } on && /^$/ { exit } on { print }' <<<"$1"
}

# ADDR ROOT_FILE PARENT_FILE: NSD's configuration, its files in $work/nsd, serving "." and
# "example.test." from those zone files on ADDR:53 (no chroot, no user switch, no control).
nsd_config() {
  cat <<EOF
server:
  ip-address: $1
  port: 53
  do-ip6: no
  server-count: 1
  username: ""
  chroot: ""
  zonesdir: "$work/nsd"
  database: ""
  zonelistfile: "$work/nsd/zone.list"
  xfrdfile: "$work/nsd/xfrd.state"
  xfrdir: "$work/nsd"
  pidfile: "$work/nsd/nsd.pid"
  logfile: "$work/nsd/nsd.log"
  cookie-secret-file: "$work/nsd/cookiesecrets.txt"
  verbosity: 1
remote-control:
  control-enable: no
zone:
  name: "."
  zonefile: "$work/nsd/$2"
zone:
  name: "example.test."
  zonefile: "$work/nsd/$3"
EOF
}

# ADDR PORT ROOT_ADDR: the lines every world's Knot Resolver configuration starts with.
kresd_base_config() {
  cat <<EOF
-- Loopback addresses as glue and nameserver addresses are refused unless ALLOW_LOCAL is set
-- (only its debug log says "ignoring invalid glue"; the answer is SERVFAIL).
policy.add(policy.all(policy.FLAGS({ 'ALLOW_LOCAL' })))
-- test. is a special-use name that kresd answers NXDOMAIN for itself unless let through.
policy.add(policy.suffix(policy.PASS, { todname('test.') }))
net.ipv6 = false
net.listen('$1', $2, { kind = 'dns' })
modules.load('hints')
hints.root({ ['a.root-servers.test.'] = '$3' })
EOF
}
