#!/usr/bin/env bash
# Install everything the test suite needs on a fresh machine, then run the whole suite.
# Used by the README's test command and by .ci/run. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
# Debian's Chromium (browser tests) and Java 17 (Spark tests) when missing; first, because it
# needs root or sudo and should fail before the long installs, not after them.
bash scripts/install_system_packages.sh
python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[test]'
# Label Studio lives in its own venv: it pins pyarrow<25, the package pins pyarrow 26.
bash scripts/install_labelstudio.sh .ls/venv
.venv/bin/ruff check src tests scripts
exec .venv/bin/python -m pytest "$@"
