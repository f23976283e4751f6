#!/usr/bin/env bash
# The floor of a request on this machine, for reading the other benchmarks against: `/healthz`
# without an account (HTTP and the middleware only) and with an API token (the one read every
# authenticated request makes: token, account, school and grants), 32 connections, 8 s each.
#
#   cargo build --release -p redbranch
#   bash benches/floor.sh sqlite      # or: bash benches/floor.sh postgres
#   BIN=/path/to/redbranch bash benches/floor.sh postgres
#
# Needs wrk, curl, python3; PostgreSQL at 127.0.0.1:5432 for `postgres`.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${BIN:-${CARGO_TARGET_DIR:-target}/release/redbranch}"; backend="${1:-sqlite}"
w=$(mktemp -d); port=18095
if [ "$backend" = postgres ]; then
  name="redbranch_ceil_$$"; psql -q -h 127.0.0.1 -U postgres -c "CREATE DATABASE $name"
  db="postgres://postgres@127.0.0.1:5432/$name"
else db="sqlite://$w/c.db?mode=rwc"; fi
export REDBRANCH_DATABASE_URL="$db" REDBRANCH_DATA_DIR=$w REDBRANCH_DEFAULT_TENANT=bench REDBRANCH_SECURITY__ADMIN_TOTP_REQUIRED=false REDBRANCH_SECURITY__MAX_ATTEMPTS_PER_IP=100000 REDBRANCH_MAX_CONNECTIONS=8 RUST_LOG=warn
"$bin" generate --members 1000 --orgs 20 --tenant bench > $w/gen.txt
pw="$(grep 'sign in:' $w/gen.txt | awk '{print $NF}')"
"$bin" serve --bind 127.0.0.1:$port > $w/server.log 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; if [ "$backend" = postgres ]; then psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $name" || true; fi; rm -rf "$w"' EXIT
for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.2; done
tok=$(curl -s -H 'Content-Type: application/json' -d "{\"name\":\"ceil\",\"login\":\"bench-admin\",\"password\":\"$pw\"}" http://127.0.0.1:$port/api/v1/tokens | python3 -c 'import json,sys;print(json.load(sys.stdin)["token"])')
echo "== load: $(uptime)"
echo "== /healthz, no account"; wrk -t2 -c32 -d8s --latency http://127.0.0.1:$port/healthz | grep -E "Requests/sec|99%"
echo "== /healthz with an API token (one read)"; wrk -t2 -c32 -d8s --latency -H "Authorization: Bearer $tok" http://127.0.0.1:$port/healthz | grep -E "Requests/sec|99%"
