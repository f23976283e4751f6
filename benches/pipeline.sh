#!/usr/bin/env bash
# Load benchmark for issue #3: the college pipeline board at 32 connections and the daily
# deadline job over everyone in the pipeline, at 100 k members / 5 k orgs.
#
#   cargo build --release -p redbranch
#   bash benches/pipeline.sh sqlite      # or: bash benches/pipeline.sh postgres
#   BIN=/path/to/redbranch DURATION=10s bash benches/pipeline.sh postgres
#
# `generate` gives people their political status and 发展党员 dates; this script turns those
# dates into recorded pipeline steps (application, activist, 发展对象, 支部大会 and approval) so
# that the board shows each person's step and the job has deadlines to find.
# Needs wrk, curl, python3; PostgreSQL at 127.0.0.1:5432 for `postgres`.
set -euo pipefail
cd "$(dirname "$0")/.."
backend="${1:-sqlite}"
bin="${BIN:-${CARGO_TARGET_DIR:-target}/release/redbranch}"
work="$(mktemp -d)"
port=18081
members="${MEMBERS:-100000}"
orgs="${ORGS:-5000}"
duration="${DURATION:-15s}"

case "$backend" in
  sqlite) db="sqlite://$work/bench.db?mode=rwc" ;;
  postgres)
    name="redbranch_pbench_$$"
    psql -q -h 127.0.0.1 -U postgres -c "CREATE DATABASE $name"
    db="postgres://postgres@127.0.0.1:5432/$name"
    cleanup_db() { psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $name" || true; }
    trap cleanup_db EXIT ;;
  *) echo "usage: $0 sqlite|postgres" >&2; exit 2 ;;
esac
[ "$backend" = sqlite ] && cleanup_db() { :; }
echo "== load: $(uptime)"
export REDBRANCH_DATABASE_URL="$db" REDBRANCH_DATA_DIR="$work" REDBRANCH_DEFAULT_TENANT=bench
export REDBRANCH_SECURITY__ADMIN_TOTP_REQUIRED=false REDBRANCH_SECURITY__MAX_ATTEMPTS_PER_IP=100000
export REDBRANCH_MAX_CONNECTIONS="${POOL:-8}" RUST_LOG="${RUST_LOG:-warn}"

echo "== generate $members members / $orgs orgs ($backend)"
"$bin" generate --members "$members" --orgs "$orgs" --tenant bench | tee "$work/gen.txt"
password="$(grep 'sign in:' "$work/gen.txt" | awk '{print $NF}')"

steps_sql="
INSERT INTO pipeline_steps (tenant_id, person_id, step, happened_on, details, recorded_at)
  SELECT tenant_id, id, 'submit_application', party_applied_on, '{}', CURRENT_TIMESTAMP
  FROM people WHERE party_applied_on IS NOT NULL;
INSERT INTO pipeline_steps (tenant_id, person_id, step, happened_on, details, recorded_at)
  SELECT tenant_id, id, 'recommend_activist', activist_on, '{}', CURRENT_TIMESTAMP
  FROM people WHERE activist_on IS NOT NULL;
INSERT INTO pipeline_steps (tenant_id, person_id, step, happened_on, details, recorded_at)
  SELECT tenant_id, id, 'determine_target', target_on, '{}', CURRENT_TIMESTAMP
  FROM people WHERE target_on IS NOT NULL;
INSERT INTO pipeline_steps (tenant_id, person_id, step, happened_on, details, recorded_at)
  SELECT tenant_id, id, 'admission_meeting', party_joined_on, '{}', CURRENT_TIMESTAMP
  FROM people WHERE party_joined_on IS NOT NULL;
INSERT INTO pipeline_steps (tenant_id, person_id, step, happened_on, details, recorded_at)
  SELECT tenant_id, id, 'admission_approval', party_joined_on, '{}', CURRENT_TIMESTAMP
  FROM people WHERE party_joined_on IS NOT NULL;
"
echo "== record pipeline steps from the generated dates"
if [ "$backend" = sqlite ]; then
  python3 - "$work/bench.db" "$steps_sql" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1]); c.executescript(sys.argv[2]); c.execute("ANALYZE"); c.commit()
print("pipeline people:", c.execute("SELECT COUNT(*) FROM people WHERE political_status IN ('party_applicant','party_activist','development_target','probationary_member')").fetchone()[0])
print("steps:", c.execute("SELECT COUNT(*) FROM pipeline_steps").fetchone()[0])
PY
else
  psql -q -h 127.0.0.1 -U postgres -d "$name" -c "$steps_sql" -c "ANALYZE"
  psql -h 127.0.0.1 -U postgres -d "$name" -tA -c "SELECT 'pipeline people: ' || COUNT(*) FROM people WHERE political_status IN ('party_applicant','party_activist','development_target','probationary_member')" -c "SELECT 'steps: ' || COUNT(*) FROM pipeline_steps"
fi

echo "== the daily deadline job over everyone in the pipeline (the generated data's day)"
for run in 1 2; do
  /usr/bin/time -f "jobs due run $run: %e s, peak RSS %M KB" "$bin" jobs due --tenant bench --date 2025-06-30
done

# A database in service has been vacuumed since its last bulk change; without this the first
# seconds of load race autovacuum over the rows just generated.
if [ "$backend" = postgres ]; then psql -q -h 127.0.0.1 -U postgres -d "$name" -c "VACUUM ANALYZE" -c "CHECKPOINT"; fi

echo "== server"
"$bin" serve --bind "127.0.0.1:$port" >"$work/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; cleanup_db; rm -rf "$work"' EXIT
for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.2; done
jar="$work/jar"
token="$(curl -s -c "$jar" -b "$jar" "http://127.0.0.1:$port/login" | grep -o 'csrf-token" content="[^"]*' | cut -d'"' -f3)"
curl -s -o /dev/null -c "$jar" -b "$jar" --data-urlencode "_csrf=$token" --data-urlencode "login=bench-admin" \
  --data-urlencode "password=$password" --data-urlencode "next=/" "http://127.0.0.1:$port/login"
cookie="rb_session=$(awk '$6=="rb_session"{print $7}' "$jar")"
school="$(curl -s -H "Cookie: $cookie" "http://127.0.0.1:$port/api/v1/orgs?tree=party" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["rows"][0]["id"])')"
college="$(curl -s -H "Cookie: $cookie" "http://127.0.0.1:$port/api/v1/orgs/$school/children" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["rows"][0]["id"])')"
curl -s -H "Cookie: $cookie" "http://127.0.0.1:$port/api/v1/orgs/$college/pipeline/board" \
  | python3 -c 'import json,sys; b=json.load(sys.stdin); print("college board:", b["org"]["name"], b["total"], len(b["rows"]), "sub-orgs")'

echo "== load before wrk: $(uptime)"
echo "== wrk: college pipeline board page, 32 connections, $duration"
wrk -t2 -c32 -d"$duration" --latency -H "Cookie: $cookie" "http://127.0.0.1:$port/pipeline?org=$college"
echo "== wrk: college pipeline board API, 32 connections, $duration"
wrk -t2 -c32 -d"$duration" --latency -H "Cookie: $cookie" "http://127.0.0.1:$port/api/v1/orgs/$college/pipeline/board"
echo "== wrk: whole-school board page, 32 connections, $duration"
wrk -t2 -c32 -d"$duration" --latency -H "Cookie: $cookie" "http://127.0.0.1:$port/pipeline?org=$school"
