#!/usr/bin/env bash
# The Debian package, as an operator gets it (issue 26):
#   check_package.sh build   builds lodestar_<version>_<arch>.deb from the committed tree
#                            (git archive HEAD) with dpkg-buildpackage
#   check_package.sh check   lintian (no error), its contents, then a throw-away root made with
#                            dpkg -x where `lodestar --check` and `lodestarctl --help` run and
#                            every man page renders without a warning
# Needs: ./tools/setup/install-deps.sh --with-package. PACKAGE_WORK: where (/tmp/lodestar-package);
# PACKAGE_BUILD_OPTIONS: more DEB_BUILD_OPTIONS (CI gives noopt).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=${PACKAGE_WORK:-/tmp/lodestar-package}

case ${1:-} in
  build)
    rm -rf "$work" && mkdir -p "$work/src"
    if git -C "$root" rev-parse --git-dir >/dev/null 2>&1; then
      git -C "$root" archive HEAD | tar -x -C "$work/src"
    else  # a tree without its history: everything but build folders and CI's logs
      tar -C "$root" --exclude='./build*' --exclude='./ci-*.log' -c . | tar -x -C "$work/src"
    fi
    if ! (cd "$work/src" && DEB_BUILD_OPTIONS="parallel=$(nproc) nocheck ${PACKAGE_BUILD_OPTIONS:-}" dpkg-buildpackage -us -uc -b) \
        >"$work/build.log" 2>&1; then
      tail -n 60 "$work/build.log"
      echo "check_package: dpkg-buildpackage failed (the whole log: $work/build.log)"
      exit 1
    fi
    ls "$work"/*.deb
    ;;
  check)
    deb=$(ls "$work"/lodestar_*.deb | head -n 1)  # not lodestar-dbgsym_
    echo "== lintian $deb"
    lintian --fail-on error --info "$deb"
    echo "== dpkg -c"
    dpkg -c "$deb"
    rm -rf "$work/root"
    dpkg -x "$deb" "$work/root"
    # The packaged configuration, with its /etc paths moved into the throw-away root.
    sed "s#/etc/lodestar#$work/root/etc/lodestar#g" "$work/root/etc/lodestar/lodestar.yaml" >"$work/check.yaml"
    "$work/root/usr/sbin/lodestar" --check -c "$work/check.yaml"
    "$work/root/usr/sbin/lodestarctl" --help >/dev/null
    "$work/root/usr/bin/lodestar-geodb" --help >/dev/null
    pages=0
    for page in "$work"/root/usr/share/man/man*/*; do
      warnings=$(man --warnings=w -l "$page" 2>&1 >/dev/null || true)  # w: every groff warning (groff -ww)
      if [ -n "$warnings" ]; then
        echo "$page: $warnings"
        exit 1
      fi
      pages=$((pages + 1))
    done
    [ "$pages" -ge 5 ] || { echo "check_package: $pages man pages in the package, 5 expected"; exit 1; }
    echo "check_package: lintian without error; --check and --help run from the package; $pages man pages render without a warning"
    ;;
  *)
    echo "usage: check_package.sh build|check" >&2
    exit 2
    ;;
esac
