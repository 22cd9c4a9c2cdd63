"""The soak's zone, one text per version, made so that every answer tells which version it
came from, part by part: every TTL is 100*k + version (static 300+v, steered 200+v, degraded
and negative 100+v), the SOA serial ends in the version, `static` has the address
192.0.2.(100+v) and `version` the TXT "soak-version=v". An answer whose parts name two
versions mixes two configurations."""

ZONE = "soak.example.test"
MAX_VERSIONS = 100

# Endpoints: `web` is health-checked over HTTP (ap-northeast's backend flaps); `steady` has no
# check, so only a drain moves `drained` (its answer says whether eu-west is drained).
WEB = {"us-east": ["127.0.1.1", "127.0.1.2"], "eu-west": ["127.0.2.1", "127.0.2.2"],
       "ap-northeast": ["127.0.3.1", "127.0.3.2"]}
STEADY = {"eu-west": "127.0.2.11", "us-east": "127.0.1.11"}


def policy_yaml(version, check_port):
    v = version
    return f"""# The chaos soak's zone, version {v} (tools/soak/soak/zone_versions.py).
zone: {ZONE}
ttl: {300 + v}
soa: {{mname: ns1, rname: hostmaster, serial: {2026120300 + v}, minimum: {100 + v}, ttl: {300 + v}}}
nameservers:
  ns1: 127.0.0.1
include: {ZONE}.zone
checks:
  healthz:
    kind: http
    port: {check_port}
    http: {{path: /healthz}}
    interval: 1s
    timeout: 500ms
    fall: 2
    rise: 2
    recheck: 200ms
regions:
  us-east:      {{latitude: 39.0, longitude: -77.5}}
  eu-west:      {{latitude: 53.3, longitude: -6.3}}
  ap-northeast: {{latitude: 35.7, longitude: 139.7}}
pools:
  web:
    check: healthz
    regions:
      us-east: [{", ".join(WEB["us-east"])}]
      eu-west: [{", ".join(WEB["eu-west"])}]
      ap-northeast: [{", ".join(WEB["ap-northeast"])}]
  steady:
    regions:
      us-east: [{STEADY["us-east"]}]
      eu-west: [{STEADY["eu-west"]}]
records:
  www:
    steer:
      policy: geo
      pool: web
      ttl: {200 + v}
      ttl_degraded: {100 + v}
      map:
        NA: [us-east, eu-west, ap-northeast]
        EU: [eu-west, us-east, ap-northeast]
        AS: [ap-northeast, us-east, eu-west]
        default: [us-east, eu-west, ap-northeast]
  drained:
    steer:
      policy: geo
      pool: steady
      ttl: {200 + v}
      map:
        default: [eu-west, us-east]
  version:
    TXT: soak-version={v}
"""


def zone_file(version):
    v = version
    return f"""; The chaos soak's static data, version {v}.
$ORIGIN {ZONE}.
$TTL {300 + v}
static  IN A     192.0.2.{100 + v}
alias   IN CNAME static
chain   IN CNAME www
"""


def versions_of(answer):
    """The set of versions an answer's parts name (empty for an answer with no record)."""
    found = set()
    for r in answer.records():
        found.add(r.ttl % 100)
        if r.rtype == 6:  # SOA: the serial
            found.add(r.data % 100)
        elif r.rtype == 16 and isinstance(r.data, str) and r.data.startswith("soak-version="):
            found.add(int(r.data.split("=", 1)[1]))
        elif r.rtype == 1 and isinstance(r.data, str) and r.data.startswith("192.0.2."):
            found.add(int(r.data.rsplit(".", 1)[1]) - 100)
    return found
