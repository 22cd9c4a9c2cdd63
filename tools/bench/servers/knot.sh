# Knot DNS 3 with mod-geoip (geodb mode keyed on the continent code). Knot has no health
# checks: its answers are static per location. Clients the module does not place get the
# zone's own `www` records, which are us-east's.
render_knot() {  # DIR PORT DB
  local dir=$1 port=$2 db=$3
  mkdir -p "$dir/run" "$dir/db"
  cat >"$dir/knot.conf" <<CONF
server:
  listen: 127.0.0.1@$port
  udp-workers: 1
  tcp-workers: 1
  background-workers: 1
  rundir: $dir/run
  edns-client-subnet: on
log:
  - target: stderr
    any: warning
database:
  storage: $dir/db
mod-geoip:
  - id: geo
    config-file: $dir/geo.conf
    ttl: 30
    mode: geodb
    geodb-file: $db
    geodb-key: [continent/code]
template:
  - id: default
    storage: $dir
zone:
  - domain: $ZONE
    file: $ZONE.zone
    module: mod-geoip/geo
    journal-content: none
CONF
  cat >"$dir/geo.conf" <<CONF
www.$ZONE:
  - geo: "EU"
    A: [${EU_WEST[0]}, ${EU_WEST[1]}]
  - geo: "AS"
    A: [${AP_NORTHEAST[0]}, ${AP_NORTHEAST[1]}]
  - geo: "NA"
    A: [${US_EAST[0]}, ${US_EAST[1]}]
CONF
  { static_zone; echo "www 30 A ${US_EAST[0]}"; echo "www 30 A ${US_EAST[1]}"; } >"$dir/$ZONE.zone"
}
start_knot() { exec knotd -c "$1/knot.conf"; }
