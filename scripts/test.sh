#!/usr/bin/env bash
# Set up everything the tests need on a fresh Debian machine and run them.
# System packages: chromium (browser tests, static image export), fonts-noto-cjk (Chinese
# text in screenshots and exported images), poppler-utils (PDF checks), openjdk-17-jre-headless
# (Java for the Spark mart build test).
# Usage: bash scripts/test.sh [pytest args...]
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
# not grep -q: it stops reading early, fc-list dies of SIGPIPE and pipefail calls the font missing
fc-list 2>/dev/null | grep -i "Noto Sans CJK" >/dev/null || need+=(fonts-noto-cjk)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
command -v java >/dev/null 2>&1 || need+=(openjdk-17-jre-headless)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  echo "Installing system packages: ${need[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
source scripts/setup_python.sh
exec .venv/bin/python -m pytest "$@"
