#!/usr/bin/env bash
# Installs what the project needs to run from a checkout: Node >= 22 and npm packages.
set -euo pipefail
source "$(dirname "$0")/node-env.sh"
cd "$ROOT"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --loglevel=error --no-fund --no-audit >&2
fi
