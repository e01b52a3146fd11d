#!/usr/bin/env bash
# Measures `faultline mock` serving 100-user SCIM pages under wrk, beside
# nginx serving the same page as a static file (this machine's practical
# ceiling). Not part of CI: run by hand on a quiet machine.
#   bench/wrk_mock.sh [build-dir] [seconds] [connections] [users-per-page]
# Needs: wrk, nginx (Debian packages wrk, nginx-light), curl, python3.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
seconds=${2:-10}
conns=${3:-8}
count=${4:-100}
work=$(mktemp -d)
trap 'kill $mock_pid $nginx_pid 2>/dev/null || true; rm -rf "$work"' EXIT

"$build/faultline" mock --scenario bench/mock_throughput_scenario.json > "$work/mock.out" 2>&1 &
mock_pid=$!
for _ in $(seq 200); do grep -q "Ctrl-C" "$work/mock.out" 2>/dev/null && break; sleep 0.1; done
base=$(awk '/SCIM base URL/ {print $4}' "$work/mock.out")
token_url=$(awk '/token URL/ {print $3}' "$work/mock.out")
id=$(awk '/client_id/ {print $2}' "$work/mock.out")
secret=$(awk '/client_secret/ {print $2}' "$work/mock.out")
token=$(curl -s -u "$id:$secret" -d grant_type=client_credentials "$token_url" |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
page="$base/Users?startIndex=1&count=$count"
curl -s -H "Authorization: Bearer $token" "$page" > "$work/page.json"
echo "page: $(wc -c < "$work/page.json") bytes"

echo "== faultline mock (100,000 accounts, 20-rule fault plan), $conns connections, ${seconds}s"
wrk -t2 -c"$conns" -d"${seconds}s" --latency -H "Authorization: Bearer $token" "$page"

chmod 755 "$work"
mkdir -p "$work/www"
cp "$work/page.json" "$work/www/page.json"
chmod -R a+rX "$work/www"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$work/nginx.conf" <<CONF
worker_processes 2;
pid $work/nginx.pid;
error_log $work/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  keepalive_requests 1000000;
  server { listen 127.0.0.1:$port; root $work/www; }
}
CONF
nginx -c "$work/nginx.conf" -g 'daemon off;' &
nginx_pid=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/page.json" -o /dev/null && break; sleep 0.1; done
echo "== nginx, the same page as a static file, $conns connections, ${seconds}s"
wrk -t2 -c"$conns" -d"${seconds}s" --latency "http://127.0.0.1:$port/page.json"
