# Lodestar signing: the example zone policy of lodestar.sh plus a KSK and a ZSK made with
# ldns-keygen, as docs/dnssec.md tells operators to. Fresh keys per rendering: a benchmark
# has no parent holding a DS, and ECDSA keys cost milliseconds to make.
source "$(dirname "${BASH_SOURCE[0]}")/lodestar.sh"

render_lodestar_signed() {  # DIR PORT DB [WORKERS]
  render_lodestar "$@"
  local zones=$1/zones ksk zsk
  ksk=$(cd "$zones" && ldns-keygen -a ECDSAP256SHA256 -k "$ZONE")
  zsk=$(cd "$zones" && ldns-keygen -a ECDSAP256SHA256 "$ZONE")
  printf '\ndnssec:\n  keys: [%s, %s]\n' "$ksk" "$zsk" >>"$zones/$ZONE.yaml"
}
start_lodestar_signed() { start_lodestar "$@"; }
