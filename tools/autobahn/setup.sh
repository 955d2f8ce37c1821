#!/usr/bin/env bash
# Create (or bring up to date) the Python 2.7 virtualenv that runs Autobahn|Testsuite's wstest.
#
#   tools/autobahn/setup.sh [VENV]        default: $AUTOBAHN_VENV or /opt/autobahn-py27
#
# PY27 names the Python 2.7 interpreter (default: pyenv's 2.7.18). Idempotent: an existing
# virtualenv is kept and only re-synced to requirements-py27.txt; a finished one is skipped.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${1:-${AUTOBAHN_VENV:-/opt/autobahn-py27}}"
py27="${PY27:-/root/.pyenv/versions/2.7.18/bin/python}"
req="$here/requirements-py27.txt"
# virtualenv 16.7.12: the last single-module virtualenv, runs on 2.7 with no dependencies,
# and bundles pip 20.3.4 / setuptools 44.1.1 (the last releases for Python 2).
virtualenv_pin="virtualenv==16.7.12"
pip_pin="pip==20.3.4"
export PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONWARNINGS=ignore

"$py27" -c 'import sys; assert sys.version_info[:2] == (2, 7), sys.version' \
  || { echo "setup.sh: $py27 is not Python 2.7 (set PY27)" >&2; exit 2; }

stamp="$venv/.requirements-py27.sha256"
want="$(sha256sum "$req" | cut -d' ' -f1)"
if [[ -x "$venv/bin/wstest" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
  echo "setup.sh: $venv is up to date"
  exit 0
fi

if [[ ! -x "$venv/bin/python" ]]; then
  boot="$(mktemp -d)"
  trap 'rm -rf "$boot"' EXIT
  "$py27" -m pip install -q --target "$boot" "$virtualenv_pin"
  PYTHONPATH="$boot" "$py27" -m virtualenv --no-download "$venv"
fi
"$venv/bin/python" -m pip install -q "$pip_pin"
"$venv/bin/python" -m pip install -q -r "$req"
"$venv/bin/python" -m pip check
"$venv/bin/wstest" -a
echo "$want" > "$stamp"
echo "setup.sh: wstest ready: $venv/bin/wstest"
