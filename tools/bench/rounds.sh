# Shared by compare.sh and xdp_compare.sh (sourced): the interleaved rounds and the
# statistics taken over them. On this VM one run decides nothing; medians of rounds do.

# The median and the spread (min–max) of the numbers on standard input; — when there are none.
median() { sort -n | awk '{v[NR] = $1} END {if (NR == 0) print "—"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
spread() { sort -n | awk 'NR == 1 {lo = $1} {hi = $1} END {if (NR) print lo "–" hi}'; }

# Calls "MEASURE SERVER ROUND" for each server of $SERVERS in each of $ROUNDS rounds,
# interleaved: round k starts with the k-th server, so none always runs first or last. A
# server whose R[SERVER,status] is set to anything but ok is left out of later rounds.
run_rounds() {  # MEASURE
  local measure=$1 round i s order
  read -r -a order <<<"$SERVERS"
  for round in $(seq 1 "$ROUNDS"); do
    for i in $(seq 0 $((${#order[@]} - 1))); do
      s=${order[$(( (i + round - 1) % ${#order[@]} ))]}
      [ "${R[$s,status]:-ok}" = ok ] || continue
      "$measure" "$s" "$round"
    done
  done
}
