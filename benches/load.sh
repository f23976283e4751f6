#!/usr/bin/env bash
# Load benchmark for issue #2: 100 k members / 5 k orgs, member list filtered by a college
# subtree at 64 connections, roster import rows/s on a 100 k-row file, server peak RSS, and the
# subtree query at 100 k orgs. Loopback only; every loop is bounded.
#
#   cargo build --release -p redbranch
#   bash benches/load.sh sqlite      # or: bash benches/load.sh postgres
#
# Needs wrk (apt-get install wrk), curl, python3; PostgreSQL at 127.0.0.1:5432 for `postgres`.
set -euo pipefail
cd "$(dirname "$0")/.."
backend="${1:-sqlite}"
bin="${CARGO_TARGET_DIR:-target}/release/redbranch"
work="$(mktemp -d)"
port=18080
members="${MEMBERS:-100000}"
orgs="${ORGS:-5000}"
duration="${DURATION:-20s}"

case "$backend" in
  sqlite) db="sqlite://$work/bench.db?mode=rwc" ;;
  postgres)
    name="redbranch_bench_$$"
    psql -q -h 127.0.0.1 -U postgres -c "CREATE DATABASE $name"
    db="postgres://postgres@127.0.0.1:5432/$name"
    trap 'psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $name" || true' EXIT ;;
  *) echo "usage: $0 sqlite|postgres" >&2; exit 2 ;;
esac
export REDBRANCH_DATABASE_URL="$db" REDBRANCH_DATA_DIR="$work" REDBRANCH_DEFAULT_TENANT=bench
export REDBRANCH_SECURITY__ADMIN_TOTP_REQUIRED=false REDBRANCH_SECURITY__MAX_ATTEMPTS_PER_IP=100000
export REDBRANCH_MAX_CONNECTIONS="${POOL:-8}" RUST_LOG=warn

echo "== generate $members members / $orgs orgs ($backend)"
/usr/bin/time -f "generate: %e s, peak RSS %M KB" "$bin" generate --members "$members" --orgs "$orgs" --tenant bench | tee "$work/gen.txt"
password="$(grep 'sign in:' "$work/gen.txt" | awk '{print $NF}')"

echo "== roster import: export the bench school, import it into a second school with the same orgs"
"$bin" generate --members 1 --orgs "$orgs" --tenant bench2 >/dev/null
"$bin" export members --org P --org L --tenant bench --reveal "$work/roster.xlsx"
/usr/bin/time -f "import (parse + commit): %e s, peak RSS %M KB" "$bin" import roster --tenant bench2 "$work/roster.xlsx"

echo "== server"
"$bin" serve --bind "127.0.0.1:$port" >"$work/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.2; done
jar="$work/jar"
token="$(curl -s -c "$jar" -b "$jar" "http://127.0.0.1:$port/login" | grep -o 'csrf-token" content="[^"]*' | cut -d'"' -f3)"
curl -s -o /dev/null -c "$jar" -b "$jar" --data-urlencode "_csrf=$token" --data-urlencode "login=bench-admin" \
  --data-urlencode "password=$password" --data-urlencode "next=/" "http://127.0.0.1:$port/login"
cookie="rb_session=$(awk '$6=="rb_session"{print $7}' "$jar")"
college="$(curl -s -H "Cookie: $cookie" "http://127.0.0.1:$port/api/v1/orgs?tree=party" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["rows"][0]["id"])')"
college="$(curl -s -H "Cookie: $cookie" "http://127.0.0.1:$port/api/v1/orgs/$college/children" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["rows"][0]["id"])')"
echo "college org id: $college"
curl -s -o /dev/null -w "member list check: HTTP %{http_code}\n" -H "Cookie: $cookie" "http://127.0.0.1:$port/members?org=$college"

echo "== wrk: member list page filtered by a college subtree, 64 connections, $duration"
wrk -t2 -c64 -d"$duration" --latency -H "Cookie: $cookie" "http://127.0.0.1:$port/members?org=$college" | tee "$work/wrk-page.txt"
echo "== wrk: the whole school (no org filter), 64 connections, $duration"
wrk -t2 -c64 -d"$duration" --latency -H "Cookie: $cookie" "http://127.0.0.1:$port/members" | tee "$work/wrk-school.txt"
echo "== wrk: the college subtree through the JSON API"
wrk -t2 -c64 -d"$duration" --latency -H "Cookie: $cookie" "http://127.0.0.1:$port/api/v1/members?org=$college" | tee "$work/wrk-api.txt"
echo "server peak RSS: $(grep VmHWM /proc/$pid/status)"
# On SQLite the file is memory-mapped by every pooled connection, and the kernel's RSS counts a
# mapped page once per mapping; PSS counts it once. Both are printed.
grep -E '^(Rss|Pss|Anonymous):' /proc/$pid/smaps_rollup | tr -s ' ' | paste -sd' ' | sed 's/^/server now: /'
kill $pid
wait $pid 2>/dev/null || true
echo "work dir: $work"
