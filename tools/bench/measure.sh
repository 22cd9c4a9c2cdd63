# Shared by the comparisons (sourced): how a server's CPU, readiness and a replay's counters
# are read, the same way for every server and script.

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }  # user + system, every thread
wait_ready() {  # PORT SECONDS
  local deadline=$((SECONDS + $2))
  until kdig @127.0.0.1 -p "$1" +time=1 +retry=0 gtm.example.test SOA 2>/dev/null | grep -q 'status: NOERROR'; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.2
  done
}
stop_server() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }
field() { grep -o "$1=[0-9.]*" "$2" | head -1 | cut -d= -f2; }  # KEY FILE: dns_replay's KEY=value
pct() { echo "scale=0; 100 * $1 / $2" | bc -l; }
num() { printf "%.${2:-2}f" "$1"; }
