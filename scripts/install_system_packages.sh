#!/usr/bin/env bash
# Install the Debian packages the test suite needs when they are missing:
#   chromium                 the browser tests drive Debian's Chromium (never a downloaded build)
#   openjdk-17-jre-headless  the Spark tests (pyspark 4 needs Java 17 or later)
#   postgresql               `claimcorpus ls serve --database postgresql` and its test (initdb,
#                            pg_ctl live in /usr/lib/postgresql/<major>/bin, off the PATH)
# apt-get runs as root, or through sudo for another user. Idempotent: nothing to install,
# no apt-get call. Used by scripts/test.sh.
set -euo pipefail

packages=()
command -v chromium >/dev/null 2>&1 || packages+=(chromium)
pglib="${POSTGRESQL_LIB:-/usr/lib/postgresql}"  # overridable for the script's own tests
if ! command -v pg_ctl >/dev/null 2>&1 && ! compgen -G "$pglib/*/bin/pg_ctl" >/dev/null; then
  packages+=(postgresql)
fi
if ! command -v java >/dev/null 2>&1; then
  packages+=(openjdk-17-jre-headless)
else
  # `java -version` says "17.0.15" (or "1.8.0_402" for Java 8) on stderr
  if [[ "$(java -version 2>&1)" =~ version\ \"([0-9]+) ]] && [ "${BASH_REMATCH[1]}" -lt 17 ]; then
    echo "java ${BASH_REMATCH[1]} is older than 17: installing openjdk-17-jre-headless" >&2
    packages+=(openjdk-17-jre-headless)
  fi
fi
if [ "${#packages[@]}" -eq 0 ]; then
  exit 0
fi
echo "installing Debian packages: ${packages[*]}" >&2
if [ "$(id -u)" = 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}" >/dev/null
else
  sudo apt-get update -qq
  sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}" >/dev/null
fi
