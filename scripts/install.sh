#!/usr/bin/env bash
# Installs everything wharf needs on a fresh Debian machine (as root), builds it, and puts wharf/wharfd on PATH.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" = 0 ]; then
  need=""
  for pkg in runc conmon iptables iproute2 busybox-static tini docker.io tmux xz-utils bzip2 docker-registry apache2-utils isal procps; do
    dpkg -s "$pkg" >/dev/null 2>&1 || need="$need $pkg"
  done
  if [ -n "$need" ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $need >/dev/null
  fi
fi
npm ci --no-audit --no-fund --loglevel=error
node scripts/build.mjs
if [ "$(id -u)" = 0 ]; then
  ln -sf "$PWD/bin/wharf" /usr/local/bin/wharf
  ln -sf "$PWD/bin/wharfd" /usr/local/bin/wharfd
fi
echo "wharf installed: $(command -v wharf || echo ./bin/wharf)"
