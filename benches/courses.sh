#!/usr/bin/env bash
# Benchmark for courses (issue #5 part 1): serving a 20 MiB video stored in 1 MiB chunks in the
# database — a 1 MiB range in the middle (a phone seeking) against the whole file — and opening
# a public lesson page, at 8 connections.
#
#   cargo build --release -p redbranch
#   bash benches/courses.sh sqlite      # or: bash benches/courses.sh postgres
#
# Needs wrk, curl, python3; PostgreSQL at 127.0.0.1:5432 for `postgres`. BIN overrides the binary.
set -euo pipefail
cd "$(dirname "$0")/.."
backend="${1:-sqlite}"
bin="${BIN:-${CARGO_TARGET_DIR:-target}/release/redbranch}"
work="$(mktemp -d)"
port=18082
duration="${DURATION:-10s}"

case "$backend" in
  sqlite) db="sqlite://$work/bench.db?mode=rwc" ;;
  postgres)
    name="redbranch_cbench_$$"
    psql -q -h 127.0.0.1 -U postgres -c "CREATE DATABASE $name"
    db="postgres://postgres@127.0.0.1:5432/$name"
    trap 'psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $name" || true' EXIT ;;
  *) echo "usage: $0 sqlite|postgres" >&2; exit 2 ;;
esac
export REDBRANCH_DATABASE_URL="$db" REDBRANCH_DATA_DIR="$work" REDBRANCH_DEFAULT_TENANT=bench
export REDBRANCH_SECURITY__ADMIN_TOTP_REQUIRED=false REDBRANCH_SECURITY__MAX_ATTEMPTS_PER_IP=100000
export REDBRANCH_MAX_UPLOAD_MB=64 RUST_LOG=warn

"$bin" generate --members 1000 --orgs 50 --tenant bench > "$work/gen.txt"
password="$(grep 'sign in:' "$work/gen.txt" | awk '{print $NF}')"
"$bin" serve --bind "127.0.0.1:$port" >"$work/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.2; done
base="http://127.0.0.1:$port"
jar="$work/jar"
token="$(curl -s -c "$jar" -b "$jar" "$base/login" | grep -o 'csrf-token" content="[^"]*' | cut -d'"' -f3)"
curl -s -o /dev/null -c "$jar" -b "$jar" --data-urlencode "_csrf=$token" --data-urlencode "login=bench-admin" \
  --data-urlencode "password=$password" --data-urlencode "next=/" "$base/login"
csrf="$(curl -s -b "$jar" "$base/me" | grep -o 'csrf-token" content="[^"]*' | cut -d'"' -f3)"
api() { curl -s -b "$jar" -H "x-csrf-token: $csrf" "$@"; }
school="$(api "$base/api/v1/orgs?tree=party" | python3 -c 'import json,sys; print(json.load(sys.stdin)["rows"][0]["id"])')"
course="$(api -H 'content-type: application/json' -d "{\"org_id\": $school, \"title\": \"bench\"}" "$base/api/v1/courses" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')"
# A WebM signature and 20 MiB of noise: the server sniffs the first bytes only.
{ printf '\x1a\x45\xdf\xa3'; head -c $((20 * 1024 * 1024)) /dev/urandom; } > "$work/video.webm"
/usr/bin/time -f "upload 20 MiB: %e s" curl -s -o "$work/media.json" -b "$jar" -H "x-csrf-token: $csrf" \
  -F "file=@$work/video.webm" "$base/api/v1/courses/$course/media"
media="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$work/media.json")"
lesson="$(api -H 'content-type: application/json' -d "{\"title\": \"v\", \"media_id\": $media}" "$base/api/v1/courses/$course/lessons" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')"
api -o /dev/null -H 'content-type: application/json' -d '{"visibility": "public"}' "$base/api/v1/courses/$course/publish"

echo "== wrk: 1 MiB range in the middle of the video (a seek), anonymous, 8 connections, $duration"
wrk -t2 -c8 -d"$duration" --latency -H "Range: bytes=10485760-11534335" "$base/media/$media"
echo "== wrk: the whole 20 MiB video, anonymous, 8 connections, $duration"
wrk -t2 -c8 -d"$duration" --latency "$base/media/$media"
echo "== wrk: the public lesson page, anonymous, 8 connections, $duration"
wrk -t2 -c8 -d"$duration" --latency "$base/learn/lessons/$lesson"
