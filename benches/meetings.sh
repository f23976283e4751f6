#!/usr/bin/env bash
# Benchmarks for issue #4 (meetings): the check-in burst (check-ins per second, each one a real
# first check-in by a different invitee with their own token and the current code) and the
# compliance view of a whole school of ~1,000 Party branches over a year of meetings.
#
#   cargo build --release -p redbranch
#   bash benches/meetings.sh sqlite      # or: bash benches/meetings.sh postgres
#
# Needs wrk, curl, python3; PostgreSQL at 127.0.0.1:5432 for `postgres`.
set -euo pipefail
cd "$(dirname "$0")/.."
backend="${1:-sqlite}"
bin="${BIN:-${CARGO_TARGET_DIR:-target}/release/redbranch}"
work="$(mktemp -d)"
port=18084
members="${MEMBERS:-40000}"
orgs="${ORGS:-5000}"
secret="$(python3 -c 'import secrets; print(secrets.token_hex(32))')"

case "$backend" in
  sqlite) db="sqlite://$work/bench.db?mode=rwc"; target="$work/bench.db" ;;
  postgres)
    name="redbranch_mbench_$$"
    psql -q -h 127.0.0.1 -U postgres -c "CREATE DATABASE $name"
    db="postgres://postgres@127.0.0.1:5432/$name"; target="$name"
    trap 'psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $name" || true' EXIT ;;
  *) echo "usage: $0 sqlite|postgres" >&2; exit 2 ;;
esac
export REDBRANCH_DATABASE_URL="$db" REDBRANCH_DATA_DIR="$work" REDBRANCH_DEFAULT_TENANT=bench
export REDBRANCH_SECRET_KEY="$secret" REDBRANCH_SECURITY__ADMIN_TOTP_REQUIRED=false
export REDBRANCH_SECURITY__MAX_ATTEMPTS_PER_IP=100000 REDBRANCH_MAX_CONNECTIONS="${POOL:-8}" RUST_LOG=warn

echo "== generate $members members / $orgs orgs ($backend)"
"$bin" generate --members "$members" --orgs "$orgs" --tenant bench | tee "$work/gen.txt"
password="$(grep 'sign in:' "$work/gen.txt" | awk '{print $NF}')"
echo "== a year of meetings, and one meeting under way per branch"
python3 benches/meetings_setup.py "$backend" "$target" "$secret" "$work"

"$bin" serve --bind "127.0.0.1:$port" >"$work/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; [ "$backend" = postgres ] && psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $name" || true' EXIT
for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.2; done

echo "== wrk: check-in burst, 32 connections, 10 s"
CHECKINS="$work/checkins.txt" WRK_THREADS=2 wrk -t2 -c32 -d10s --latency -s benches/checkin.lua "http://127.0.0.1:$port"
count_sql="SELECT COUNT(*) FROM meeting_attendees WHERE status IN ('present','late')"
if [ "$backend" = sqlite ]; then
  python3 -c "import sqlite3,sys; print('checked in (rows):', sqlite3.connect(sys.argv[1]).execute(\"$count_sql\").fetchone()[0])" "$target"
else
  echo "checked in (rows): $(psql -h 127.0.0.1 -U postgres -d "$name" -tA -c "$count_sql")"
fi

jar="$work/jar"
token="$(curl -s -c "$jar" -b "$jar" "http://127.0.0.1:$port/login" | grep -o 'csrf-token" content="[^"]*' | cut -d'"' -f3)"
curl -s -o /dev/null -c "$jar" -b "$jar" --data-urlencode "_csrf=$token" --data-urlencode "login=bench-admin" \
  --data-urlencode "password=$password" --data-urlencode "next=/" "http://127.0.0.1:$port/login"
cookie="rb_session=$(awk '$6=="rb_session"{print $7}' "$jar")"
school="$(curl -s -H "Cookie: $cookie" "http://127.0.0.1:$port/api/v1/orgs?tree=party" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["rows"][0]["id"])')"
curl -s -H "Cookie: $cookie" "http://127.0.0.1:$port/api/v1/meetings/compliance?org=$school" \
  | python3 -c 'import json,sys; v=json.load(sys.stdin); print("compliance:", v["branches"], "branches,", v["tally"], "silent", v["silent"])'
echo "== wrk: school compliance API, 1 connection (latency of one user), 15 s"
wrk -t1 -c1 -d15s --latency -H "Cookie: $cookie" "http://127.0.0.1:$port/api/v1/meetings/compliance?org=$school"
echo "== wrk: school compliance API, 8 connections, 15 s"
wrk -t2 -c8 -d15s --latency -H "Cookie: $cookie" "http://127.0.0.1:$port/api/v1/meetings/compliance?org=$school"
echo "== wrk: school compliance page, 8 connections, 15 s"
wrk -t2 -c8 -d15s --latency -H "Cookie: $cookie" "http://127.0.0.1:$port/meetings/compliance?org=$school"
