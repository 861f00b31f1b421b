#!/usr/bin/env bash
# Quickstart 2: set up (Node, npm packages, and the servers/browser the tests use), then run
# the type check, the linter and the whole test suite.
set -euo pipefail
source "$(dirname "$0")/node-env.sh"
"$ROOT/scripts/setup.sh"
"$ROOT/scripts/system-deps.sh"
cd "$ROOT"
npx tsc --noEmit -p .
npx tsc --noEmit -p web
npx biome check src bench examples web
node --disable-warning=ExperimentalWarning --test --test-concurrency=2 "src/**/*.test.ts"
