# gdnsd 3: plugin_geoip with the same map and an http_status check on the same /healthz
# (its shortest allowed interval, 2 s; thresholds 2 like the demo's rise/fall).
render_gdnsd() {  # DIR PORT DB
  local dir=$1 port=$2 db=$3
  mkdir -p "$dir/zones" "$dir/run" "$dir/state"
  cat >"$dir/config" <<CONF
options => {
  listen => [ 127.0.0.1:$port ]
  udp_threads => 1
  tcp_threads => 1
  run_dir => $dir/run
  state_dir => $dir/state
}
service_types => {
  healthz => { plugin => http_status, port => 8080, url_path => /healthz, interval => 2, timeout => 1, up_thresh => 2, down_thresh => 2, ok_thresh => 2 }
}
plugins => { geoip => {
  maps => { demo => {
    geoip2_db => $db
    datacenters => [us-east, eu-west, ap-northeast]
    map => {
      NA => [us-east, eu-west, ap-northeast]
      EU => [eu-west, us-east, ap-northeast]
      AS => [ap-northeast, us-east, eu-west]
      default => [us-east, eu-west, ap-northeast]
    }
  } }
  resources => { www => {
    map => demo
    service_types => healthz
    dcmap => {
      us-east => [${US_EAST[0]}, ${US_EAST[1]}]
      eu-west => [${EU_WEST[0]}, ${EU_WEST[1]}]
      ap-northeast => [${AP_NORTHEAST[0]}, ${AP_NORTHEAST[1]}]
    }
  } }
} }
CONF
  { static_zone; echo "www 30 DYNA geoip!www"; } >"$dir/zones/$ZONE"
}
start_gdnsd() { exec gdnsd -c "$1" start; }
