# The benchmark's demo, shared by every server's renderer: one zone, three regions of two
# loopback endpoints each, the same geo map (EU → eu-west, AS → ap-northeast, else us-east,
# each followed by the others), the same static records.
ZONE=gtm.example.test
US_EAST=(127.0.1.1 127.0.1.2)
EU_WEST=(127.0.2.1 127.0.2.2)
AP_NORTHEAST=(127.0.3.1 127.0.3.2)

# The static part of the zone in RFC 1035 form (what Lodestar's example zone holds besides
# `www`), for the servers that read master files.
static_zone() {
  cat <<ZONE
\$ORIGIN $ZONE.
\$TTL 300
@       SOA  ns1 hostmaster 2026112501 3600 600 1209600 60
@       NS   ns1
@       NS   ns2
ns1     A    127.0.0.1
ns2     AAAA ::1
@       MX   10 mail
@       TXT  "v=spf1 -all"
mail    A    192.0.2.25
mail    AAAA 2001:db8::25
static  A    192.0.2.10
static  AAAA 2001:db8::10
alias   CNAME static
ZONE
}
