#!/usr/bin/env bash
# Installs layerlint for the GitHub Action (action.yml) into a virtual environment of its own
# (runner images refuse `pip install` into the system Python) and puts it on the job's PATH.
#   LAYERLINT_VERSION      a PyPI version, or `source` to build the wheel from GITHUB_ACTION_PATH
#   GITHUB_ACTION_PATH     the action's checkout (this repository), set by the runner
set -euo pipefail

venv="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/layerlint-venv"
python3 -m venv "$venv"
if [ "${LAYERLINT_VERSION:-}" = source ]; then
  "$venv/bin/python" -m pip install --quiet "$GITHUB_ACTION_PATH"
else
  "$venv/bin/python" -m pip install --quiet "layerlint==${LAYERLINT_VERSION:?the action input version is empty}"
fi
"$venv/bin/layerlint" --version
if [ -n "${GITHUB_PATH:-}" ]; then
  echo "$venv/bin" >>"$GITHUB_PATH"
fi
