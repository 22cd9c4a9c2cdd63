# Shared by compare.sh, dnssec_compare.sh and xdp_compare.sh (sourced): the interleaved rounds and the
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

# Replaces each figure of SERVER (the keys "round_keys SERVER" prints) by the median of its
# rounds (R[KEY,roundN]) and sets R[KEY,spread]; a latency triple "p50 / p99 / p99.9" part
# by part, its spread the p99's.
take_medians() {  # SERVER
  local key round v part values parts
  for key in $(round_keys "$1"); do
    values=()
    for round in $(seq 1 "$ROUNDS"); do v=${R[$key,round$round]:-—}; [ "$v" != — ] && values+=("$v"); done
    if [ ${#values[@]} -eq 0 ]; then R[$key]="—"; continue; fi
    case $key in
      *,lat)
        parts=()
        for part in 1 2 3; do
          parts+=("$(printf '%s\n' "${values[@]}" | awk -F' / ' -v p=$part '{print $p}' | median)")
        done
        R[$key]="${parts[0]} / ${parts[1]} / ${parts[2]}"
        R[$key,spread]="p99 $(printf '%s\n' "${values[@]}" | awk -F' / ' '{print $2}' | spread)" ;;
      *)
        R[$key]=$(printf '%s\n' "${values[@]}" | median)
        R[$key,spread]=$(printf '%s\n' "${values[@]}" | spread) ;;
    esac
  done
}
