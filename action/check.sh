#!/usr/bin/env bash
# The command the GitHub Action (action.yml) runs: `layerlint check` with the action's inputs,
# which arrive as environment variables (never pasted into the script, so a path or a config
# name cannot inject shell code). tests/action.rs runs this script with the README's inputs.
#
#   INPUT_PATHS       files and directories, separated by whitespace (default: .)
#   INPUT_FORMAT      --format (default: github)
#   INPUT_FAIL_LEVEL  --fail-level, when not empty
#   INPUT_CONFIG      --config, when not empty
#   INPUT_OUTPUT      a file to write the report to, when not empty (else standard output)
#   LAYERLINT         the binary (default: layerlint on PATH)
set -euo pipefail

args=(check --format "${INPUT_FORMAT:-github}")
if [ -n "${INPUT_FAIL_LEVEL:-}" ]; then
  args+=(--fail-level "$INPUT_FAIL_LEVEL")
fi
if [ -n "${INPUT_CONFIG:-}" ]; then
  args+=(--config "$INPUT_CONFIG")
fi
# Word splitting on whitespace only: no globbing of the user's paths.
read -r -a paths <<<"${INPUT_PATHS:-.}"
if [ "${#paths[@]}" -eq 0 ]; then
  paths=(.)
fi

if [ -n "${INPUT_OUTPUT:-}" ]; then
  exec "${LAYERLINT:-layerlint}" "${args[@]}" -- "${paths[@]}" >"$INPUT_OUTPUT"
fi
exec "${LAYERLINT:-layerlint}" "${args[@]}" -- "${paths[@]}"
