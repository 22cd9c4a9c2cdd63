#!/usr/bin/env bash
# Checks a server's answers for a sample of clients before it is timed: a fast wrong
# answer does not count. Usage: check_answers.sh PORT DB QUERY_FILE [SAMPLES]
# Fixed clients (the demo's three areas, no ECS, static, NXDOMAIN, AAAA without endpoints)
# plus SAMPLES subnets from the varied-ECS query file, each placed with mmdblookup on the
# same database. Prints one line per wrong answer; exit 1 if any.
set -uo pipefail
port=$1 db=$2 queries=$3 samples=${4:-40}
zone=gtm.example.test
us="127.0.1.1 127.0.1.2" eu="127.0.2.1 127.0.2.2" ap="127.0.3.1 127.0.3.2"
bad=0

ask() {  # NAME TYPE [SUBNET] → "RCODE addr addr ..." (addresses sorted)
  local opts=(@127.0.0.1 -p "$port" +time=2 +retry=1 +noall +answer +header "$1" "$2")
  [ -n "${3:-}" ] && opts+=("+subnet=$3")
  local out
  out=$(kdig "${opts[@]}" 2>&1) || { echo "NO-ANSWER"; return; }
  local rcode addrs
  rcode=$(grep -o 'status: [A-Z]*' <<<"$out" | head -1 | cut -d' ' -f2)
  addrs=$(awk -v t="$2" '$4 == t {print $5}' <<<"$out" | sort | tr '\n' ' ')
  echo "$rcode ${addrs% }"
}

expect() {  # WHAT GOT WANT
  if [ "$2" != "$3" ]; then
    echo "wrong: $1: got '$2', want '$3'"
    bad=1
  fi
}

region_of() {  # ADDRESS → the endpoints the map gives for its continent
  local continent
  continent=$(mmdblookup --file "$db" --ip "$1" continent code 2>/dev/null | grep -o '"[A-Z]*"' | tr -d '"')
  case "$continent" in
    EU) echo "$eu" ;;
    AS) echo "$ap" ;;
    *) echo "$us" ;;
  esac
}

expect "www A, ECS 198.51.100.0/24" "$(ask www.$zone A 198.51.100.0/24)" "NOERROR $eu"
expect "www A, ECS 203.0.113.0/24" "$(ask www.$zone A 203.0.113.0/24)" "NOERROR $ap"
expect "www A, ECS 192.0.2.0/24" "$(ask www.$zone A 192.0.2.0/24)" "NOERROR $us"
expect "www A, no ECS (127.0.0.1)" "$(ask www.$zone A)" "NOERROR $us"
expect "static A" "$(ask static.$zone A)" "NOERROR 192.0.2.10"
expect "NXDOMAIN" "$(ask nx-check.$zone A)" "NXDOMAIN "
expect "www AAAA (no IPv6 endpoints)" "$(ask www.$zone AAAA)" "NOERROR "
# IPv4 subnets of steered A queries from the varied file: placed by the database itself.
while read -r name type subnet; do
  expect "www A, ECS $subnet" "$(ask "$name" A "$subnet")" "NOERROR $(region_of "${subnet%/*}")"
done < <(awk '$2 == "A" && $1 ~ /^www/ && $3 ~ /^[0-9.]+\// ' "$queries" | head -n "$samples")
exit $bad
