#!/usr/bin/env bash
# Debian packages the test suite drives for real: Chromium (report rendering checks).
# PostgreSQL and Redis join when the store and queue gain those backends.
set -euo pipefail
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then echo "populace: please install: ${need[*]} (apt-get)" >&2; exit 1; fi
  echo "populace: installing ${need[*]} with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
fi
