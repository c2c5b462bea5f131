#!/usr/bin/env bash
# scripts/deps.sh - installs the Debian packages asaas-mock needs, only those missing.
# Usage: scripts/deps.sh build|test|bench|container ...   (sourced or executed)
# Uses apt-get as root, or through sudo when not root.
set -euo pipefail

declare -A groups=(
  [build]="meson ninja-build pkg-config gcc libc6-dev libevent-dev libssl-dev libcjson-dev libqrencode-dev libpng-dev libhpdf-dev zlib1g-dev libdeflate-dev"
  [test]="libcmocka-dev python3 openssl curl poppler-utils valgrind nginx-light chromium chromium-driver zbar-tools"
  [bench]="wrk nginx-light curl openssl python3"
  [container]="podman runc debootstrap curl"
  [instr]="valgrind nginx-light openssl python3"
)

want=()
for g in "$@"; do
  [[ -n "${groups[$g]:-}" ]] || { echo "deps.sh: unknown group '$g'" >&2; exit 2; }
  for p in ${groups[$g]}; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
      want+=("$p")
    fi
  done
done
[[ ${#want[@]} -eq 0 ]] && exit 0

sudo=""
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "deps.sh: need root or sudo to install: ${want[*]}" >&2; exit 1; }
  sudo="sudo"
fi
echo "deps.sh: installing ${want[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${want[@]}" >/dev/null
