#!/usr/bin/env bash
# Builds our vCenter simulator (vcsim/, on govmomi's simulator) into vcsim/bin/testvm-vcsim.
# Go's build cache makes a second run take about a second.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../vcsim"
start=$(date +%s)
go build -o bin/testvm-vcsim .
echo "[vcsim-build] vcsim/bin/testvm-vcsim built in $(( $(date +%s) - start ))s" >&2
