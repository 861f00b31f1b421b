#!/usr/bin/env bash
# Debian packages the test suite drives for real: Chromium (report rendering checks).
# PostgreSQL and Redis join when the store and queue gain those backends.
set -euo pipefail
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)

# Another apt-get or dpkg (unattended upgrades, a second setup) holds the package locks: wait for
# it, up to LOCK_WAIT seconds, instead of failing at once.
LOCK_WAIT=${POPULACE_APT_LOCK_WAIT:-300}
locks=(/var/lib/dpkg/lock-frontend /var/lib/dpkg/lock /var/lib/apt/lists/lock /var/cache/apt/archives/lock)
apt_busy() {
  if command -v fuser >/dev/null 2>&1; then
    fuser "${locks[@]}" >/dev/null 2>&1
  else
    pgrep -x 'apt-get|apt|dpkg|unattended-upgr' >/dev/null 2>&1
  fi
}
wait_for_apt() {
  local waited=0
  while apt_busy; do
    if [ "$waited" -ge "$LOCK_WAIT" ]; then
      echo "populace: another apt-get or dpkg still holds the package lock after ${LOCK_WAIT} s; run this again when it is done" >&2
      exit 1
    fi
    [ "$waited" -eq 0 ] && echo "populace: another apt-get or dpkg is running; waiting for it (up to ${LOCK_WAIT} s)..." >&2
    sleep 5
    waited=$((waited + 5))
  done
}

if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then echo "populace: please install: ${need[*]} (apt-get)" >&2; exit 1; fi
  echo "populace: installing ${need[*]} with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  wait_for_apt
  # apt itself also waits for the dpkg lock (it may be taken between the check and the call).
  apt-get -o DPkg::Lock::Timeout="$LOCK_WAIT" update -qq >&2
  wait_for_apt
  apt-get -o DPkg::Lock::Timeout="$LOCK_WAIT" install -y -qq --no-install-recommends "${need[@]}" >&2
fi
