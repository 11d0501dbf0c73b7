#!/usr/bin/env bash
# Install everything the test suite needs on a fresh machine, then run the whole suite.
# Used by the README's test command and by .ci/run. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[test]'
# Label Studio lives in its own venv: it pins pyarrow<25, the package pins pyarrow 26.
bash scripts/install_labelstudio.sh .ls/venv
# Debian's Chromium for the browser tests (never a downloaded browser build).
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  fi
fi
.venv/bin/ruff check src tests scripts
exec .venv/bin/python -m pytest "$@"
