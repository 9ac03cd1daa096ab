#!/usr/bin/env bash
# test-deps.sh installs, idempotently, everything the integration tests need:
# Debian packages (Docker engine, nftables, netplan, debootstrap, busybox),
# a running dockerd, and Node 24 + the pinned openclaw in a cache outside the
# checkout. Safe to run again: every step checks before it acts.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
OPENCLAW_VERSION=$(tr -d '[:space:]' < "$here/schema/openclaw-version")
CACHE=${CLAWPLAN_CACHE:-/var/cache/clawplan}
log() { printf '==> %s\n' "$*" >&2; }

need_pkgs=()
for p in docker.io nftables netplan.io debootstrap busybox-static iproute2 ca-certificates; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need_pkgs+=("$p")
done
if [ ${#need_pkgs[@]} -gt 0 ]; then
  log "apt-get install ${need_pkgs[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null
fi

# dockerd: start it in the background when no engine answers.
if ! docker info >/dev/null 2>&1; then
  log "starting dockerd"
  mkdir -p /var/log
  nohup /usr/sbin/dockerd >/var/log/clawplan-dockerd.log 2>&1 &
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
  docker info >/dev/null 2>&1 || { log "dockerd did not come up; see /var/log/clawplan-dockerd.log"; exit 1; }
fi

# Node 24 and the pinned openclaw, cached outside the checkout.
oc="$CACHE/openclaw-$OPENCLAW_VERSION"
if [ ! -x "$oc/node_modules/.bin/openclaw" ] || [ ! -x "$oc/node_modules/.bin/node" ]; then
  log "npm install node@24 openclaw@$OPENCLAW_VERSION into $oc (a few minutes, once)"
  mkdir -p "$oc"
  ( cd "$oc"
    [ -f package.json ] || printf '{"name":"clawplan-openclaw-cache","private":true}\n' > package.json
    npm install --no-audit --no-fund --loglevel=error node@24 >/dev/null
    PATH="$oc/node_modules/.bin:$PATH" npm install --no-audit --no-fund --loglevel=error "openclaw@$OPENCLAW_VERSION" >/dev/null )
fi
ln -sfn "$oc" "$CACHE/openclaw-current"
log "test dependencies ready (openclaw $OPENCLAW_VERSION at $oc)"
