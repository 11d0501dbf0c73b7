#!/usr/bin/env bash
# Install Label Studio 1.23.2 into its own venv (default .ls/venv, gitignored).
# Why a separate venv: label-studio pins pyarrow<25, while claimcorpus uses pyarrow 26.
# Idempotent: a venv that already has the right version is left alone.
set -euo pipefail
VERSION="1.23.2"
VENV_DIR="${1:-.ls/venv}"
PYTHON="${PYTHON:-python3}"

if [ -x "$VENV_DIR/bin/label-studio" ] && \
   "$VENV_DIR/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('label-studio') != '$VERSION')" 2>/dev/null; then
  echo "label-studio $VERSION already installed in $VENV_DIR"
  exit 0
fi

if [ ! -x "$VENV_DIR/bin/python" ]; then
  mkdir -p "$(dirname "$VENV_DIR")"
  "$PYTHON" -m venv "$VENV_DIR"
fi
"$VENV_DIR/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
"$VENV_DIR/bin/python" -m pip install --quiet --disable-pip-version-check "label-studio==$VERSION"
# No `label-studio --version` here: any CLI call without LABEL_STUDIO_BASE_DATA_DIR
# creates a data dir in the home folder.
"$VENV_DIR/bin/python" -c "import label_studio" 
echo "label-studio $VERSION installed in $VENV_DIR"
