#!/usr/bin/env bash
# The layering, checked: each folder may include headers only of the libraries its CMake
# target links (wire <- geo, health <- zones <- config, engine <- server <- tools;
# control links nothing of ours, xdp only wire, and lodestarctl only control and config). CI runs this; a
# wrong include fails it with the file, the line and what that folder may use.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
declare -A ALLOWED=(
  [dns/wire]="dns/wire"
  [geo]="geo dns/wire"
  [health]="health dns/wire"
  [zones]="zones geo health dns/wire"
  [dns/engine]="dns/engine zones geo health dns/wire"
  [dns/control]="dns/control"
  [dns/cluster]="dns/cluster health dns/wire"
  [dns/xdp]="dns/xdp dns/wire"
  [dns/config]="dns/config zones health dns/wire"
  [dns/server]="lodestar dns/server dns/cluster dns/control dns/config dns/engine dns/xdp zones geo health dns/wire"
  [tools/lodestar]="dns/server dns/config lodestar"
  [tools/lodestarctl]="dns/control dns/config zones dns/wire lodestar"
  [tools/lodestar-geodb]="geo dns/wire"
  [tools/demo-backend]=""
)
failed=0
for dir in "${!ALLOWED[@]}"; do
  while IFS= read -r hit; do
    file=${hit%%:*}; rest=${hit#*:}; line=${rest%%:*}; header=${rest#*:}
    header=${header#*\"}; header=${header%\"*}
    ok=0
    for prefix in ${ALLOWED[$dir]}; do
      case $header in "$prefix"/*) ok=1 ;; esac
    done
    if [ "$ok" = 0 ]; then
      echo "$file:$line: includes \"$header\"; $dir may include only: ${ALLOWED[$dir]:-(nothing of ours)}" >&2
      failed=1
    fi
  done < <(grep -nE '^#include "' -r "$dir" --include=*.cpp --include=*.hpp | grep -vE '^[^:]+:[0-9]+:#include "[^/]+"' || true)
done
[ "$failed" = 0 ] && echo "check_includes: every include follows the layering"
exit $failed
