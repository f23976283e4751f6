#!/usr/bin/env bash
# Quiz benchmark for issue #5: import time of the 3,053-question public.xlsx through the API, and
# sustained quiz hand-ins per second (each a different open round of 5 questions, marked on the
# server, recorded with its wrong answers and its points in one transaction), then a check of
# the points ledger: the script fails if any point was lost or paid twice. Loopback only.
#
#   cargo build --release -p redbranch
#   bash benches/quiz.sh sqlite      # or: bash benches/quiz.sh postgres
#   BIN=/path/to/redbranch bash benches/quiz.sh postgres
#
# The rounds belong to PEOPLE members (each with an account and an API token), dealt out in
# turn, so the burst is many people handing in at once: each person's first hand-in of the day
# pays 10 (topic_quiz), later ones are capped to 0 but still write their ledger row.
# A deadline burst is many phones at once: CONNS (default 1000) connections, each handing in
# again as soon as answered; CONNS=32 is a light, steady load.
# Loads the whole machine: wrk and the server share its cores (on this 2-core one, wrk ~0.1).
# Needs wrk, curl, python3, sqlite3 (or psql); the fixture ../shared/fixtures/question-bank.
set -euo pipefail
cd "$(dirname "$0")/.."
backend="${1:-sqlite}"
bin="${BIN:-${CARGO_TARGET_DIR:-target}/release/redbranch}"
work="$(mktemp -d)"
port=18081
rounds="${ROUNDS:-150000}"
duration="${DURATION:-15s}"
conns="${CONNS:-1000}"
people="${PEOPLE:-20000}"
# PostgreSQL plans from table statistics, which autovacuum keeps current on a live database;
# on this fresh one the points tables were analysed empty, and PostgreSQL then reads a whole
# school's rows to find a few hundred keys. So before the burst, WARM other members hand in
# one round each for WARMUP, and the tables are analysed, as autovacuum would have done.
warm="${WARM:-2000}"
if [ "$backend" = postgres ]; then warmup="${WARMUP:-3s}"; else warmup="${WARMUP:-0}"; fi
fixture="../shared/fixtures/question-bank/public.xlsx"

case "$backend" in
  sqlite)
    db="sqlite://$work/bench.db?mode=rwc"
    sql() { sqlite3 -batch "$work/bench.db" "$1"; }
    sqlf() { sqlite3 -batch "$work/bench.db" < "$1"; } ;;
  postgres)
    name="redbranch_quiz_$$"
    psql -q -h 127.0.0.1 -U postgres -c "CREATE DATABASE $name"
    db="postgres://postgres@127.0.0.1:5432/$name"
    sql() { psql -qtA -h 127.0.0.1 -U postgres -d "$name" -c "$1"; }
    sqlf() { psql -qtA -h 127.0.0.1 -U postgres -d "$name" -f "$1" >/dev/null; }
    cleanup_db() { psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $name" || true; }
    trap cleanup_db EXIT ;;
  *) echo "usage: $0 sqlite|postgres" >&2; exit 2 ;;
esac
[ "$backend" = sqlite ] && cleanup_db() { :; }
export REDBRANCH_DATABASE_URL="$db" REDBRANCH_DATA_DIR="$work" REDBRANCH_DEFAULT_TENANT=bench
export REDBRANCH_SECURITY__ADMIN_TOTP_REQUIRED=false REDBRANCH_SECURITY__MAX_ATTEMPTS_PER_IP=100000
export REDBRANCH_MAX_CONNECTIONS="${POOL:-8}" RUST_LOG="${RUST_LOG:-warn}"

"$bin" generate --members "$((people + warm))" --orgs 200 --tenant bench > "$work/gen.txt"
password="$(grep 'sign in:' "$work/gen.txt" | awk '{print $NF}')"
"$bin" serve --bind "127.0.0.1:$port" >"$work/server.log" 2>&1 &
pid=$!
# On any exit, also a failed check: stop the server, drop the database, delete the files.
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; cp "$work/server.log" /tmp/redbranch-quiz-server.log 2>/dev/null || true; cleanup_db; rm -rf "$work"' EXIT
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

echo "== one round started through the API"
api -d "{\"mode\": \"topic\", \"bank_id\": $bank}" "$base/api/v1/quizzes" > "$work/round.json"
first="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$work/round.json")"
body="$(python3 - "$work/round.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print(json.dumps({"answers": [{"question_id": q["id"], "given": ["A"]} for q in r["questions"]]}))
PY
)"
echo "== an account and an API token for each of the $people members"
if [ "$backend" = sqlite ]; then
  now="strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')"; later="strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now', '+1 day')"
else
  now="CURRENT_TIMESTAMP"; later="CURRENT_TIMESTAMP + INTERVAL '1 day'"
fi
sql "INSERT INTO users (tenant_id, person_id, login, display_name, password_hash, must_change_password, password_changed_at, created_at)
     SELECT tenant_id, id, 'qb_' || id, name, '!', FALSE, $now, $now FROM people"
sql "CREATE TABLE bench_tokens (login TEXT PRIMARY KEY, token TEXT NOT NULL, h TEXT NOT NULL)"
sql "SELECT login FROM users WHERE login LIKE 'qb_%'" | python3 -c '
import hashlib, secrets, sys
rows = []
for login in sys.stdin.read().split():
    t = "rb_qb_" + secrets.token_hex(16)
    rows.append((login, t, hashlib.sha256(t.encode()).hexdigest()))
for k in range(0, len(rows), 500):
    print("INSERT INTO bench_tokens (login, token, h) VALUES " + ",".join(f"(\x27{l}\x27,\x27{t}\x27,\x27{h}\x27)" for l, t, h in rows[k:k + 500]) + ";")
' > "$work/tokens.sql"
sqlf "$work/tokens.sql"
sql "INSERT INTO api_tokens (user_id, token_hash, name, created_at, expires_at)
     SELECT u.id, b.h, 'bench', $now, $later FROM users u JOIN bench_tokens b ON b.login = u.login"
echo "api tokens: $(sql "SELECT COUNT(*) FROM api_tokens")"

echo "== $rounds open rounds of 5 questions for $people members (one started through the API, copied in SQL to them in turn), one each for $warm others"
cols="mode, slot, bank_id, topic, items, answers, correct, total, started_at"
sql "CREATE TABLE bench_users (k BIGINT PRIMARY KEY, user_id BIGINT NOT NULL);
     INSERT INTO bench_users (k, user_id) SELECT ROW_NUMBER() OVER (ORDER BY id) - 1, id FROM users WHERE login LIKE 'qb_%'"
if [ "$backend" = sqlite ]; then
  sql "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < $rounds - 1)
       INSERT INTO quiz_attempts (tenant_id, user_id, $cols)
       SELECT a.tenant_id, u.user_id, $cols FROM quiz_attempts a, n JOIN bench_users u ON u.k = n.i % $people WHERE a.id = $first"
  sql "INSERT INTO quiz_attempts (tenant_id, user_id, $cols)
       SELECT a.tenant_id, u.user_id, $cols FROM quiz_attempts a JOIN bench_users u ON u.k >= $people WHERE a.id = $first"
else
  sql "INSERT INTO quiz_attempts (tenant_id, user_id, $cols)
       SELECT a.tenant_id, u.user_id, $cols FROM quiz_attempts a, generate_series(0, $rounds - 1) n(i) JOIN bench_users u ON u.k = n.i % $people WHERE a.id = $first;
       INSERT INTO quiz_attempts (tenant_id, user_id, $cols)
       SELECT a.tenant_id, u.user_id, $cols FROM quiz_attempts a JOIN bench_users u ON u.k >= $people WHERE a.id = $first; ANALYZE"
fi
# One line per round, in id order, so wrk's threads deal them out like the people: "id token".
open_rounds() {
  sql "SELECT q.id || ' ' || b.token FROM quiz_attempts q JOIN bench_users k ON k.user_id = q.user_id
       JOIN users u ON u.id = q.user_id JOIN bench_tokens b ON b.login = u.login
       WHERE q.finished_at IS NULL AND k.k $1 $people ORDER BY q.id"
}
open_rounds "<" > "$work/rounds.txt"
echo "rounds: $(wc -l < "$work/rounds.txt")"
if [ "$warmup" != 0 ]; then
  open_rounds ">=" > "$work/warm.txt"
  echo "== warm-up: $(wc -l < "$work/warm.txt") other members hand in for $warmup, then ANALYZE"
  ROUNDS_FILE="$work/warm.txt" THREADS=2 BODY="$body" wrk -t2 -c"$conns" -d"$warmup" \
    -s benches/quiz_submit.lua "$base" | grep -E "requests in|Non-2xx" || true
  sql "ANALYZE"
fi

echo "== load: $(uptime)"
echo "== wrk: quiz hand-ins, $conns connections, $duration"
ROUNDS_FILE="$work/rounds.txt" THREADS=2 BODY="$body" wrk -t2 -c"$conns" -d"$duration" --latency \
  -s benches/quiz_submit.lua "$base" | tee "$work/wrk.txt"
kill $pid 2>/dev/null || true
wait $pid 2>/dev/null || true

echo "== the ledger after the burst"
# TAMPER='<SQL>' changes the database first, to see the check fail (e.g. pay someone twice).
if [ -n "${TAMPER:-}" ]; then sql "$TAMPER"; fi
finished="$(sql "SELECT COUNT(*) FROM quiz_attempts WHERE finished_at IS NOT NULL")"
paid="$(sql "SELECT COUNT(*) FROM points_ledger WHERE idem_key LIKE 'quiz:%'")"
unpaid="$(sql "SELECT COUNT(*) FROM quiz_attempts q JOIN users u ON u.id = q.user_id
  WHERE q.finished_at IS NOT NULL AND u.person_id IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM points_ledger l WHERE l.tenant_id = q.tenant_id AND l.idem_key = 'quiz:' || q.id)")"
wrong="$(sql "SELECT COUNT(*) FROM points_totals t LEFT JOIN (SELECT person_id, SUM(points) AS net FROM points_ledger GROUP BY person_id) l
  ON l.person_id = t.person_id WHERE t.earned - t.spent <> COALESCE(l.net, 0)")"
orphans="$(sql "SELECT COUNT(DISTINCT person_id) FROM points_ledger l WHERE NOT EXISTS (SELECT 1 FROM points_totals t WHERE t.person_id = l.person_id)")"
daily="$(sql "SELECT COUNT(*) FROM (SELECT person_id, SUM(points) AS p FROM points_daily GROUP BY person_id) d
  LEFT JOIN (SELECT person_id, SUM(points) AS p FROM points_ledger WHERE kind = 'award' GROUP BY person_id) l
  ON l.person_id = d.person_id WHERE d.p <> COALESCE(l.p, 0)")"
ranks="$(sql "SELECT COUNT(*) FROM (
  SELECT r.earned FROM points_rank r LEFT JOIN (SELECT earned, COUNT(*) AS n FROM points_totals GROUP BY earned) t ON t.earned = r.earned
  WHERE r.people <> COALESCE(t.n, 0)
  UNION ALL SELECT t.earned FROM points_totals t LEFT JOIN points_rank r ON r.earned = t.earned WHERE r.earned IS NULL) x")"
points="$(sql "SELECT COALESCE(SUM(points), 0) FROM points_ledger WHERE idem_key LIKE 'quiz:%'")"
payers="$(sql "SELECT COUNT(DISTINCT person_id) FROM points_ledger WHERE points > 0 AND idem_key LIKE 'quiz:%'")"
ok2xx="$(awk '/requests in/{n=$1} /Non-2xx/{e=$NF} END{print n - e}' "$work/wrk.txt")"
echo "rounds handed in: $finished (wrk saw $ok2xx answered 2xx); ledger rows for them: $paid; $points points to $payers people"
echo "finished rounds without a ledger row: $unpaid; people whose totals differ from their ledger: $wrong"
echo "people in the ledger without totals: $orphans; people whose daily sums differ from their awards: $daily"
echo "point values whose rank histogram differs from a recount: $ranks"
if [ "$finished" != "$paid" ] || [ "$unpaid" != 0 ] || [ "$wrong" != 0 ] || [ "$orphans" != 0 ] \
   || [ "$daily" != 0 ] || [ "$ranks" != 0 ] || [ "$finished" -lt "$ok2xx" ] || [ "$points" != $((payers * 10)) ]; then
  echo "LEDGER CHECK FAILED: points were lost or paid twice" >&2
  exit 1
fi
echo "ledger check: OK (every hand-in paid exactly once; totals, daily sums and ranks equal the ledger)"
