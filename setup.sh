#!/usr/bin/env bash
# Installs faultline's build dependencies from Debian 12 packages and builds it.
# Idempotent: packages already present are not fetched again, and the build
# directory is reused. Usage: ./setup.sh [build-dir]   (default: build)
set -euo pipefail

cd "$(dirname "$0")"
build_dir=${1:-build}

packages=(
  build-essential cmake pkg-config git
  libboost-dev libboost-filesystem-dev
  libcpp-httplib-dev nlohmann-json3-dev libsqlite3-dev sqlite3
  libgtest-dev libgmock-dev googletest libbenchmark-dev
  clang libclang-rt-14-dev clang-format
  python3 python3-jsonschema python3-yaml libxml2-utils chromium
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build_dir" --parallel "$(nproc)"
echo "setup: built in $build_dir"
