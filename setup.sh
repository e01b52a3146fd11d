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

# Example connectors written on vendors' official SDKs carry a package.json and
# a package-lock.json; `npm ci` installs exactly the locked versions. Node.js
# comes from Debian when the machine has none.
node_connectors=()
for lock in examples/connectors/*/package-lock.json; do
  [ -e "$lock" ] && node_connectors+=("$(dirname "$lock")")
done
if [ ${#node_connectors[@]} -gt 0 ]; then
  if ! command -v npm >/dev/null 2>&1; then
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -qq
    $sudo apt-get install -y -qq --no-install-recommends nodejs npm
  fi
  for dir in "${node_connectors[@]}"; do
    if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
      echo "setup: npm ci in $dir"
      (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    fi
  done
fi

cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build_dir" --parallel "$(nproc)"
echo "setup: built in $build_dir"
