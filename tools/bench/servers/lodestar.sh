# Lodestar: the example zone policy as it is, on the benchmark's geo database.
render_lodestar() {  # DIR PORT DB [WORKERS]
  local dir=$1 port=$2 db=$3 workers=${4:-1}
  mkdir -p "$dir/state"
  cp -r "$ROOT/examples/zones" "$dir/"
  cat >"$dir/lodestar.yaml" <<YAML
listen: [127.0.0.1:$port]
workers: $workers
zones: [zones/]
geo: {database: $db}
state_dir: state
control_socket: state/lodestar.sock
YAML
  if [ -n "${LODESTAR_COALESCE_US:-}" ]; then echo "udp: {coalesce_max_us: $LODESTAR_COALESCE_US}" >>"$dir/lodestar.yaml"; fi
}
start_lodestar() {  # DIR → runs in the foreground (the caller backgrounds and pins it)
  exec "$BUILD/tools/lodestar" -c "$1/lodestar.yaml"
}
