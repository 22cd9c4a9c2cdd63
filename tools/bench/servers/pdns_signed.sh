# PowerDNS Authoritative 4 with the LUA record of pdns.sh, the zone made DNSSEC-signed: the
# bind backend keeps its keys in a sqlite3 database (bind-dnssec-db), and PowerDNS signs
# every answer, the LUA record's included, when it gives it. `secure-zone` makes the keys
# PowerDNS's defaults choose (ECDSAP256SHA256); the bind backend needs no rectify.
source "$(dirname "${BASH_SOURCE[0]}")/pdns.sh"

render_pdns_signed() {  # DIR PORT DB
  render_pdns "$@"
  local dir=$1
  echo "bind-dnssec-db=$dir/bind-dnssec.sqlite3" >>"$dir/pdns.conf"
  pdnsutil --config-dir="$dir" create-bind-db "$dir/bind-dnssec.sqlite3" >/dev/null
  pdnsutil --config-dir="$dir" secure-zone "$ZONE" >/dev/null
}
start_pdns_signed() { start_pdns "$@"; }
