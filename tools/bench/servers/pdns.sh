# PowerDNS Authoritative 4 with a LUA record: continent() from the geoip backend on the same
# database, ifurlup() on the same /healthz with the same region orders, every address of
# the first set that is up. It sends nothing off the machine (no security poll).
render_pdns() {  # DIR PORT DB
  local dir=$1 port=$2 db=$3
  mkdir -p "$dir"
  cat >"$dir/pdns.conf" <<CONF
launch=bind,geoip
bind-config=$dir/named.conf
geoip-database-files=$db
geoip-zones-file=$dir/geo-zones.yaml
enable-lua-records=yes
edns-subnet-processing=yes
local-address=127.0.0.1:$port
socket-dir=$dir
security-poll-suffix=
receiver-threads=1
distributor-threads=1
daemon=no
guardian=no
disable-syslog=yes
loglevel=3
CONF
  echo 'domains: []' >"$dir/geo-zones.yaml"
  echo "zone \"$ZONE\" { type master; file \"$dir/$ZONE.zone\"; };" >"$dir/named.conf"
  local url="'http://www.$ZONE:8080/healthz'" opts="{selector='all'}"
  local us="{'${US_EAST[0]}','${US_EAST[1]}'}" eu="{'${EU_WEST[0]}','${EU_WEST[1]}'}"
  local ap="{'${AP_NORTHEAST[0]}','${AP_NORTHEAST[1]}'}"
  {
    static_zone
    echo "www 30 IN LUA A \";if continent('EU') then return ifurlup($url, {$eu, $us, $ap}, $opts)" \
      "elseif continent('AS') then return ifurlup($url, {$ap, $us, $eu}, $opts)" \
      "else return ifurlup($url, {$us, $eu, $ap}, $opts) end\""
  } >"$dir/$ZONE.zone"
}
start_pdns() { exec pdns_server --config-dir="$1"; }
