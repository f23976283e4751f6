#!/usr/bin/env bash
# Points at scale (issue #5): rank of a person in the school, top 100 of a college, and the
# weekly lesson's participation rollup over the whole League tree, measured as the exact SQL
# the server runs, on a synthetic school written straight into the database.
#
#   cargo build -p redbranch            # any profile: the binary only applies the migrations
#   PEOPLE=1000000 ORGS=50000 bash benches/points.sh sqlite     # or: postgres
#
# The school: one League root, COLLEGES colleges, the rest League branches spread over them;
# PEOPLE people spread over the branches, each with a points total (a skewed spread: many low,
# few high) and the Party/League paths the award keeps; one lesson published to the whole tree
# with two thirds of its branches' members done. Needs sqlite3 or psql.
set -euo pipefail
cd "$(dirname "$0")/.."
backend="${1:-sqlite}"
bin="${BIN:-${CARGO_TARGET_DIR:-target}/debug/redbranch}"
people="${PEOPLE:-1000000}"
orgs="${ORGS:-50000}"
colleges="${COLLEGES:-50}"
work="$(mktemp -d)"
export REDBRANCH_DATA_DIR="$work"  # the key `migrate` creates goes with the bench, not into the checkout

case "$backend" in
  sqlite)
    file="$work/points.db"
    REDBRANCH_DATABASE_URL="sqlite://$file?mode=rwc" "$bin" migrate >/dev/null
    # The server's connection memory-maps the file (db::SQLITE_MMAP_BYTES, 256 MiB); so does
    # the shell here, or its reads through read(2) would be measured instead.
    mmap=".output /dev/null\nPRAGMA mmap_size=268435456;\n.output stdout\n"
    run() { printf "$mmap.timer on\n%s;\n" "$1" | sqlite3 "$file"; }
    run3() { printf "$mmap.timer on\n%s;\n%s;\n%s;\n" "$1" "$1" "$1" | sqlite3 "$file"; } ;;
  postgres)
    name="redbranch_points_$$"
    psql -q -h 127.0.0.1 -U postgres -c "CREATE DATABASE $name"
    trap 'psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $name" || true' EXIT
    REDBRANCH_DATABASE_URL="postgres://postgres@127.0.0.1:5432/$name" "$bin" migrate >/dev/null
    run() { psql -q -h 127.0.0.1 -U postgres -d "$name" -c '\timing on' -c "$1"; }
    run3() { psql -q -h 127.0.0.1 -U postgres -d "$name" -c '\timing on' -c "$1" -c "$1" -c "$1"; } ;;
  *) echo "usage: $0 sqlite|postgres" >&2; exit 2 ;;
esac

branches=$((orgs - colleges - 1))
echo "== load $people people, $orgs orgs ($backend)"
start=$(date +%s)
run "INSERT INTO tenants (id, code, name, settings, created_at) VALUES (1, 'bench', '基准大学', '{}', CURRENT_TIMESTAMP)" >/dev/null
run "INSERT INTO users (id, tenant_id, login, display_name, password_hash, must_change_password, password_changed_at, created_at) VALUES (1, 1, 'bench', 'bench', 'x', false, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)" >/dev/null
run "INSERT INTO orgs (id, tenant_id, tree, kind, code, name, parent_id, path, depth, status, sort_order, created_at, updated_at)
     VALUES (1, 1, 'league', 'league_committee', 'L', '校团委', NULL, '/1/', 1, 'active', 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)" >/dev/null
run "INSERT INTO orgs (id, tenant_id, tree, kind, code, name, parent_id, path, depth, status, sort_order, created_at, updated_at)
     WITH RECURSIVE n(i) AS (SELECT 2 UNION ALL SELECT i + 1 FROM n WHERE i < $((colleges + 1)))
     SELECT i, 1, 'league', 'league_committee', 'C' || i, '学院团委' || i, 1, '/1/' || i || '/', 2, 'active', 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM n" >/dev/null
run "INSERT INTO orgs (id, tenant_id, tree, kind, code, name, parent_id, path, depth, status, sort_order, created_at, updated_at)
     WITH RECURSIVE n(i) AS (SELECT $((colleges + 2)) UNION ALL SELECT i + 1 FROM n WHERE i < $orgs)
     SELECT i, 1, 'league', 'league_branch', 'B' || i, '团支部' || i, 2 + (i % $colleges), '/1/' || (2 + (i % $colleges)) || '/' || i || '/', 3, 'active', 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM n" >/dev/null
run "INSERT INTO people (id, tenant_id, student_no, name, name_initials, political_status, league_org_id, created_at, updated_at)
     WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $people)
     SELECT i, 1, 'S' || i, '学生' || i, 'xs', 'league_member', $((colleges + 2)) + (i % $branches), CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM n" >/dev/null
run "INSERT INTO points_totals (person_id, tenant_id, earned, spent, league_path, updated_at)
     SELECT p.id, 1, (p.id * 7919) % 5000 * ((p.id * 31) % 3) / 2, 0, o.path, CURRENT_TIMESTAMP FROM people p JOIN orgs o ON o.id = p.league_org_id" >/dev/null
run "INSERT INTO points_rank (tenant_id, earned, people) SELECT tenant_id, earned, COUNT(*) FROM points_totals GROUP BY tenant_id, earned" >/dev/null
run "INSERT INTO weekly_lessons (id, tenant_id, title, video_url, questions, starts_on, ends_on, published_by, published_at)
     VALUES (1, 1, '第1期', 'https://v.example/1.mp4', '[]', '2026-11-16', '2026-11-22', 1, CURRENT_TIMESTAMP)" >/dev/null
run "INSERT INTO lesson_org_stats (lesson_id, org_id, path, members, member_done, all_done)
     SELECT 1, o.id, o.path, (SELECT COUNT(*) FROM people p WHERE p.league_org_id = o.id), 0, 0 FROM orgs o" >/dev/null
run "UPDATE lesson_org_stats SET member_done = members * 2 / 3, all_done = members * 2 / 3 + 1" >/dev/null
[ "$backend" = postgres ] && run "ANALYZE" >/dev/null
echo "loaded in $(( $(date +%s) - start )) s"

median=$((people / 2))
top="$(run "SELECT person_id FROM points_totals WHERE tenant_id = 1 ORDER BY earned DESC, person_id LIMIT 1" | grep -Eo '^ *[0-9]+ *$' | head -1 | tr -d ' ')"
rank_sql() { # what rank_in_school runs (m0018): one statement over the rank histogram
  echo "SELECT CAST(COALESCE(SUM(CASE WHEN r.earned > COALESCE((SELECT t.earned FROM points_totals t WHERE t.person_id = $1 AND t.tenant_id = 1), 0) THEN r.people ELSE 0 END), 0) AS BIGINT) + 1 AS rank, CAST(COALESCE(SUM(r.people), 0) AS BIGINT) AS everyone FROM points_rank r WHERE r.tenant_id = 1"
}
echo "== distinct point values in the rank histogram"
run "SELECT COUNT(*) FROM points_rank"
for who in "$median" "$top" 7; do
  echo "== rank of person $who in the school, through the histogram (rank_in_school since m0018)"
  run3 "$(rank_sql "$who")"
done
echo "== before m0018: rank of the person in the middle by counting the people ahead"
run3 "SELECT (SELECT COUNT(*) FROM points_totals g WHERE g.tenant_id = t.tenant_id AND g.earned > t.earned) + 1 AS rank FROM points_totals t WHERE t.person_id = $median AND t.tenant_id = 1"
echo "== before m0018: rank of the top person by counting"
run3 "SELECT (SELECT COUNT(*) FROM points_totals g WHERE g.tenant_id = t.tenant_id AND g.earned > t.earned) + 1 AS rank FROM points_totals t WHERE t.person_id = $top AND t.tenant_id = 1"
echo "== before m0018: the 'of N people' count that came with every rank"
run3 "SELECT COUNT(*) FROM points_totals WHERE tenant_id = 1"
echo "== top 100 of a college (what top_in_subtree runs)"
run3 "SELECT COUNT(*) FROM (SELECT t.person_id, p.name, t.earned AS points FROM points_totals t JOIN people p ON p.id = t.person_id
     WHERE t.tenant_id = 1 AND t.league_path >= '/1/2/' AND t.league_path < '/1/20' AND t.earned > 0 ORDER BY t.earned DESC, t.person_id LIMIT 100) x"
echo "== lesson rollup over the whole tree (the two reads of lessons::rollup; the sums are done in Rust)"
run3 "SELECT COUNT(*) FROM (SELECT id, name, parent_id, depth, kind, path FROM orgs WHERE tenant_id = 1 AND tree = 'league' AND path >= '/1/' AND path < '/10' ORDER BY path) x"
run3 "SELECT COUNT(*), SUM(members), SUM(member_done) FROM (SELECT path, members, member_done, all_done FROM lesson_org_stats WHERE lesson_id = 1 AND path >= '/1/' AND path < '/10') x"
[ "$backend" = sqlite ] && ls -la "$file"
rm -rf "$work"
