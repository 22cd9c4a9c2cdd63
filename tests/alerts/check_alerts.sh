#!/bin/sh
# examples/alerts.yaml passes `promtool check rules`, and its alerts fire as
# tests/alerts/alerts_test.yaml says. 77 (skipped) without promtool (Debian's prometheus).
command -v promtool >/dev/null 2>&1 || { echo "promtool is not installed: skipped"; exit 77; }
here=$(cd "$(dirname "$0")" && pwd)
promtool check rules "$here/../../examples/alerts.yaml" || exit 1
promtool test rules "$here/alerts_test.yaml"
