#!/usr/bin/env bash
# Refresh constraints.txt: resolve pyproject.toml's dependencies (every extra) in a fresh
# environment and record the versions. Run it after changing a dependency; commit the result.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
python3 -m venv "$tmp/venv"
"$tmp/venv/bin/pip" install --quiet --upgrade pip
"$tmp/venv/bin/pip" install --quiet '.[test,server,redis,s3,sentry]'
{
  echo "# Every package at the version CI tests, for reproducible installs (.ci/run,"
  echo "# deploy/wheelhouse.sh, the Dockerfile). Refresh: deploy/lock.sh (after a dependency"
  echo "# changes in pyproject.toml), then commit."
  "$tmp/venv/bin/pip" freeze --exclude creditflow
} > constraints.txt
echo "constraints.txt: $(grep -vc '^#' constraints.txt) packages"
