#!/usr/bin/env bash
# Installs what the browser tests need on a fresh Debian machine: Debian's chromium and the
# npm packages of the web client and of the end-to-end tests. Idempotent; quiet when done.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

if [ ! -x /usr/bin/chromium ]; then
  echo "installing chromium (Debian package)"
  export DEBIAN_FRONTEND=noninteractive
  sudo_cmd=""
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi
  $sudo_cmd apt-get update -qq
  $sudo_cmd apt-get install -y -qq --no-install-recommends chromium fonts-noto-core fonts-noto-cjk >/dev/null
fi

# npm ci only when node_modules is missing or older than the lock file.
for dir in clients/web tests/e2e; do
  if [ ! -d "$repo/$dir/node_modules" ] || [ "$repo/$dir/package-lock.json" -nt "$repo/$dir/node_modules/.package-lock.json" ]; then
    echo "npm ci in $dir"
    (cd "$repo/$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
done
