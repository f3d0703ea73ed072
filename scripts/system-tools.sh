#!/usr/bin/env bash
# Make sure the system programs the tests drive for real are installed.
#   scripts/system-tools.sh COMMAND:DEBIAN_PACKAGE ...
# Installs the missing ones with apt-get when run as root on Debian/Ubuntu; otherwise stops
# with one line saying exactly what to install. Called by `make test` (and so by .ci/run).
set -euo pipefail

missing_cmds=()
missing_pkgs=()
for pair in "$@"; do
  cmd=${pair%%:*}
  pkg=${pair#*:}
  if ! command -v "$cmd" >/dev/null 2>&1 && [ ! -x "/usr/bin/$cmd" ]; then
    missing_cmds+=("$cmd")
    missing_pkgs+=("$pkg")
  fi
done
[ ${#missing_pkgs[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing ${missing_pkgs[*]} (for ${missing_cmds[*]}) with apt-get" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing_pkgs[@]}" >/dev/null
  exit 0
fi
echo "the tests need ${missing_cmds[*]}: install the Debian package(s) ${missing_pkgs[*]}" \
  "(sudo apt-get install --no-install-recommends ${missing_pkgs[*]}) and run make test again" >&2
exit 1
