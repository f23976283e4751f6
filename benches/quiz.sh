#!/usr/bin/env bash
# Quiz benchmark for issue #5: import time of the 3,053-question public.xlsx through the API, and
# sustained quiz hand-ins per second (each a different open round of 5 questions, marked on the
# server, recorded with its wrong answers in one transaction). Loopback only; bounded loops.
#
#   cargo build --release -p redbranch
#   bash benches/quiz.sh sqlite      # or: bash benches/quiz.sh postgres
#
# Needs wrk, curl, python3, sqlite3 (or psql); the fixture ../shared/fixtures/question-bank.
set -euo pipefail
cd "$(dirname "$0")/.."
backend="${1:-sqlite}"
bin="${CARGO_TARGET_DIR:-target}/release/redbranch"
work="$(mktemp -d)"
port=18081
rounds="${ROUNDS:-150000}"
duration="${DURATION:-15s}"
conns="${CONNS:-32}"
fixture="../shared/fixtures/question-bank/public.xlsx"

case "$backend" in
  sqlite) db="sqlite://$work/bench.db?mode=rwc"; sql() { sqlite3 "$work/bench.db" "$1"; } ;;
  postgres)
    name="redbranch_quiz_$$"
    psql -q -h 127.0.0.1 -U postgres -c "CREATE DATABASE $name"
    db="postgres://postgres@127.0.0.1:5432/$name"
    sql() { psql -qtA -h 127.0.0.1 -U postgres -d "$name" -c "$1"; }
    trap 'psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $name" || true' EXIT ;;
  *) echo "usage: $0 sqlite|postgres" >&2; exit 2 ;;
esac
export REDBRANCH_DATABASE_URL="$db" REDBRANCH_DATA_DIR="$work" REDBRANCH_DEFAULT_TENANT=bench
export REDBRANCH_SECURITY__ADMIN_TOTP_REQUIRED=false REDBRANCH_SECURITY__MAX_ATTEMPTS_PER_IP=100000
export REDBRANCH_MAX_CONNECTIONS="${POOL:-8}" RUST_LOG=warn

"$bin" generate --members 100 --orgs 10 --tenant bench > "$work/gen.txt"
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
cookie="rb_session=$(awk '$6=="rb_session"{print $7}' "$jar")"
csrf="$(curl -s -H "Cookie: $cookie" "$base/me" | grep -o 'csrf-token" content="[^"]*' | cut -d'"' -f3)"
api() { curl -s -H "Cookie: $cookie" -H "x-csrf-token: $csrf" -H 'Content-Type: application/json' "$@"; }
root="$(api "$base/api/v1/orgs?tree=party" | python3 -c 'import json,sys; print(json.load(sys.stdin)["rows"][0]["id"])')"
bank="$(api -d "{\"org_id\": $root, \"name\": \"bench\"}" "$base/api/v1/question-banks" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')"

echo "== import public.xlsx (3,053 questions) through the API, commit ($backend)"
curl -s -o "$work/import.json" -w "import: HTTP %{http_code} in %{time_total} s\n" -H "Cookie: $cookie" \
  -H "x-csrf-token: $csrf" -F "file=@$fixture" "$base/api/v1/question-banks/$bank/import?commit=true"
python3 -c 'import json,sys; print("imported:", json.load(open(sys.argv[1]))["imported"])' "$work/import.json"
api -X POST -d '{}' "$base/api/v1/question-banks/$bank/publish" >/dev/null

echo "== $rounds open rounds of 5 questions (one started through the API, copied in SQL)"
api -d "{\"mode\": \"topic\", \"bank_id\": $bank}" "$base/api/v1/quizzes" > "$work/round.json"
first="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$work/round.json")"
body="$(python3 - "$work/round.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print(json.dumps({"answers": [{"question_id": q["id"], "given": ["A"]} for q in r["questions"]]}))
PY
)"
cols="tenant_id, user_id, mode, slot, bank_id, topic, items, answers, correct, total, started_at"
if [ "$backend" = sqlite ]; then
  sql "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $rounds - 1)
       INSERT INTO quiz_attempts ($cols) SELECT $cols FROM quiz_attempts, n WHERE id = $first"
else
  sql "INSERT INTO quiz_attempts ($cols) SELECT $cols FROM quiz_attempts, generate_series(1, $rounds - 1) WHERE id = $first; ANALYZE quiz_attempts"
fi

echo "== wrk: quiz hand-ins, $conns connections, $duration"
FIRST="$first" THREADS=2 BODY="$body" wrk -t2 -c"$conns" -d"$duration" --latency \
  -H "Cookie: $cookie" -H "x-csrf-token: $csrf" -s benches/quiz_submit.lua "$base" | tee "$work/wrk.txt"
echo "rounds handed in: $(sql "SELECT COUNT(*) FROM quiz_attempts WHERE finished_at IS NOT NULL")"
