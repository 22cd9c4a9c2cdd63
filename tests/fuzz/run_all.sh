#!/usr/bin/env bash
# Runs every libFuzzer target built in BUILD_DIR/tests/fuzz for SECONDS each, two at a time,
# each with a scratch corpus in BUILD_DIR and its committed seed corpus; prints each target's
# executions and exits non-zero when any target found a crash, a leak or a timeout.
# Usage: tests/fuzz/run_all.sh BUILD_DIR SECONDS
set -u

if [ $# -ne 2 ] || ! [[ "$2" =~ ^[0-9]+$ ]]; then
  echo "usage: $0 BUILD_DIR SECONDS" >&2
  exit 2
fi
build=$(cd "$1" && pwd) || exit 2
seconds=$2
seeds=$(cd "$(dirname "$0")" && pwd)/corpus
jobs=2  # the machine's cores: one fuzzer each

shopt -s nullglob
fuzzers=("$build"/tests/fuzz/*_fuzzer)
if [ ${#fuzzers[@]} -eq 0 ]; then
  echo "no *_fuzzer binaries in $build/tests/fuzz (configure with clang and -DLODESTAR_LIBFUZZER=ON)" >&2
  exit 2
fi

out="$build/fuzz-runs"
mkdir -p "$out"

# One target: its scratch corpus, its findings and its log in BUILD_DIR.
run_one() {
  local binary=$1 name
  name=$(basename "$binary" _fuzzer)
  mkdir -p "$out/$name/corpus" "$out/$name/findings"
  local seed_dir=()
  [ -d "$seeds/$name" ] && seed_dir=("$seeds/$name")
  # A query fits 1 KiB; documents and files grow larger, and 16 KiB holds every seed.
  local max_len=16384
  [ "$name" = query ] && max_len=1024
  "$binary" -max_total_time="$seconds" -max_len="$max_len" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$out/$name/findings/" "$out/$name/corpus" "${seed_dir[@]}" >"$out/$name/log" 2>&1
  echo $? >"$out/$name/status"
}

running=0
for binary in "${fuzzers[@]}"; do
  run_one "$binary" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then
    wait -n
    running=$((running - 1))
  fi
done
wait

failed=0
printf '%-20s %12s %10s  %s\n' target executions exec/s result
for binary in "${fuzzers[@]}"; do
  name=$(basename "$binary" _fuzzer)
  log="$out/$name/log"
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  [ -n "$runs" ] || runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log" | tail -n 1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
  status=$(cat "$out/$name/status" 2>/dev/null || echo "?")
  findings=("$out/$name/findings"/*)
  if [ "$status" = 0 ] && [ ${#findings[@]} -eq 0 ]; then
    result=ok
  else
    result="FAILED (exit $status; log $log)"
    failed=1
  fi
  printf '%-20s %12s %10s  %s\n' "$name" "${runs:-?}" "${rate:-?}" "$result"
done
if [ "$failed" -ne 0 ]; then
  for binary in "${fuzzers[@]}"; do
    name=$(basename "$binary" _fuzzer)
    if [ "$(cat "$out/$name/status" 2>/dev/null)" != 0 ]; then
      echo "== $name: the end of its log"
      tail -n 40 "$out/$name/log"
    fi
  done
fi
exit "$failed"
