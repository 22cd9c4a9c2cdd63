# Knot DNS 3 with mod-geoip as in knot.sh, followed by mod-onlinesign so that the geo
# answers are signed when given: modules run in list order, so the signer must come after
# the module that makes the answer. Without `dnssec-signing` the zone stays unsigned on
# disk and mod-geoip presigns nothing; onlinesign makes its own key (the default policy,
# ECDSAP256SHA256, one combined key) in the KASP database at the first start.
source "$(dirname "${BASH_SOURCE[0]}")/knot.sh"

render_knot_signed() {  # DIR PORT DB
  render_knot "$@"
  sed -i 's|^    module: mod-geoip/geo$|    module: [mod-geoip/geo, mod-onlinesign]|' "$1/knot.conf"
  grep -q 'mod-onlinesign' "$1/knot.conf" || { echo "knot_signed: knot.sh's zone section changed" >&2; return 1; }
}
start_knot_signed() { start_knot "$@"; }
