#!/usr/bin/env bash
# Installs what the project needs to run from a checkout: Node >= 22 and npm packages.
set -euo pipefail
source "$(dirname "$0")/node-env.sh"
cd "$ROOT"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  # `npm install`, not `npm ci`: this npm writes lock files without the other platforms' optional
  # packages (Biome's binaries) and then refuses them in `npm ci`. Versions still come from the lock.
  npm install --loglevel=error --no-fund --no-audit >&2
fi
# The web app `populace serve` serves (web/dist, not in git): built when its sources are newer.
if [ ! -f web/dist/index.html ] || [ -n "$(find web/src web/index.html web/vite.config.ts -newer web/dist/index.html -print -quit)" ]; then
  npm run --silent build:web >&2
fi
