#!/usr/bin/env bash
# Runs a TypeScript file with the project's Node (>= 22, from .tools/ when the system's is older),
# so `npm run bench:*` and the examples work whatever `node` is first on PATH.
set -euo pipefail
source "$(dirname "$0")/node-env.sh"
exec node --disable-warning=ExperimentalWarning "$@"
