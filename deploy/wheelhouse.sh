#!/usr/bin/env bash
# Build the wheelhouse for an intranet without internet access: creditflow and every package it
# needs (with the extras of a scaled-out deployment), at the versions of constraints.txt.
#   deploy/wheelhouse.sh [FOLDER] [EXTRAS]      (default: wheelhouse, server,redis,s3,sentry)
# On the intranet host:
#   python3 -m venv /opt/creditflow
#   /opt/creditflow/bin/pip install --no-index --find-links FOLDER 'creditflow[EXTRAS]'
set -euo pipefail
cd "$(dirname "$0")/.."
folder="${1:-wheelhouse}"
extras="${2:-server,redis,s3,sentry}"
python3 -m pip wheel --quiet --wheel-dir "$folder" -c constraints.txt ".[$extras]"
echo "wheelhouse: $(find "$folder" -name '*.whl' | wc -l) wheels in $folder"
