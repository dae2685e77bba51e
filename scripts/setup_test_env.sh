#!/usr/bin/env bash
# Creates the Python environment the end-to-end tests use as independent hosts and readers:
# pedalboard (JUCE's VST3 hosting) and numpy. Lives in target/test-venv; idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV="target/test-venv"
REQUIREMENTS=(pedalboard==0.9.26 numpy mido==1.3.3)
CHECK='import pedalboard, numpy, mido'

if [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c "$CHECK" 2>/dev/null; then
  echo "test-env: $VENV ready"
  exit 0
fi

mkdir -p target
python3 -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "${REQUIREMENTS[@]}"
"$VENV/bin/python" -c "$CHECK"
echo "test-env: $VENV installed"
