#!/usr/bin/env bash
# Quickstart 1: set up, then run the demo study (SQLite, in-process queue, offline baseline model).
set -euo pipefail
"$(dirname "$0")/setup.sh"
exec "$(dirname "$0")/../bin/populace" demo "$@"
