#!/usr/bin/env python3
"""Bench data for issue #4 (benches/meetings.sh): a year of held meetings for every Party branch
of a generated school, and, for the check-in burst, one meeting under way per branch with its
invitees, an API token for each invitee, and the check-in codes of the next ten minutes.

    meetings_setup.py sqlite PATH.db | postgres DBNAME   SECRET_HEX  OUT_DIR

The codes are computed here exactly as the server does (ADR 0006): K = HMAC(secret,
"redbranch/v1/meeting-checkin"), code = hex(HMAC(K, "meeting:{id}:{window}"))[:20].
"""
import datetime as dt
import hashlib
import hmac
import random
import sqlite3
import subprocess
import sys

backend, target, secret_hex, out = sys.argv[1:5]
random.seed(4)


def query(sql):
    if backend == "sqlite":
        c = sqlite3.connect(target)
        rows = c.execute(sql).fetchall()
        c.close()
        return rows
    text = subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", target, "-tA", "-F", "\t", "-c", sql],
                          check=True, capture_output=True, text=True).stdout
    return [tuple(line.split("\t")) for line in text.splitlines() if line]


def run(sql_text):
    if backend == "sqlite":
        c = sqlite3.connect(target)
        c.executescript(sql_text)
        c.execute("ANALYZE")
        c.commit()
        c.close()
    else:
        path = f"{out}/setup.sql"
        with open(path, "w") as f:
            f.write(sql_text)
        subprocess.run(["psql", "-q", "-h", "127.0.0.1", "-U", "postgres", "-d", target, "-v", "ON_ERROR_STOP=1", "-f", path], check=True)
        subprocess.run(["psql", "-q", "-h", "127.0.0.1", "-U", "postgres", "-d", target, "-c", "ANALYZE"], check=True)


tenant = int(query("SELECT id FROM tenants WHERE code = 'bench'")[0][0])
admin = int(query(f"SELECT id FROM users WHERE tenant_id = {tenant} ORDER BY id LIMIT 1")[0][0])
branches = [int(r[0]) for r in query(f"SELECT id FROM orgs WHERE tenant_id = {tenant} AND kind = 'party_branch' ORDER BY id")]
people = [int(r[0]) for r in query(f"SELECT id FROM people WHERE tenant_id = {tenant} ORDER BY id")]
now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
today = (now + dt.timedelta(hours=8)).date()
year = today.year


def ts(t):
    return "'" + t.strftime("%Y-%m-%dT%H:%M:%S+00:00") + "'"


rows = []
mid = 1_000_000
# A year of meetings per branch up to today: committee, theme day, group monthly; general and
# lecture quarterly. One branch in twenty stopped in the summer (silent).
plan = [("branch_committee", m, 12) for m in range(1, 13)] + [("theme_party_day", m, 20) for m in range(1, 13)] \
    + [("party_group", m, 25) for m in range(1, 13)] + [("branch_general", m, 10) for m in (2, 5, 8, 11)] \
    + [("party_lecture", m, 18) for m in (3, 6, 9, 12)]
for i, b in enumerate(branches):
    quiet = i % 20 == 0
    for kind, month, day in plan:
        d = dt.date(year, month, day)
        if d > today or (quiet and month > 7):
            continue
        start = dt.datetime(year, month, day, 6, 0, tzinfo=dt.timezone.utc)
        invited = random.randint(8, 30)
        attended = random.randint(invited // 3, invited)
        rows.append(f"({mid},{tenant},{b},'{kind}','{kind} {month}',{ts(start)},{ts(start + dt.timedelta(hours=1))},'{d}',"
                    f"'会议室',NULL,'','held',{invited},{attended},'<p>记录</p>',{admin},{ts(start)})")
        mid += 1
cols = "(id, tenant_id, org_id, kind, title, starts_at, ends_at, held_on, place, online_link, agenda, status, invited, attended, minutes, created_by, created_at)"
sql = []
for k in range(0, len(rows), 500):
    sql.append(f"INSERT INTO meetings {cols} VALUES " + ",".join(rows[k:k + 500]) + ";")
history = len(rows)

# The burst: one meeting under way per branch, the people dealt out to them.
start = now - dt.timedelta(minutes=5)
meetings = []
rows = []
for b in branches:
    meetings.append(mid)
    rows.append(f"({mid},{tenant},{b},'branch_committee','bench burst',{ts(start)},{ts(start + dt.timedelta(hours=3))},'{today}',"
                f"'会议室',NULL,'','planned',0,0,NULL,{admin},{ts(now)})")
    mid += 1
for k in range(0, len(rows), 500):
    sql.append(f"INSERT INTO meetings {cols} VALUES " + ",".join(rows[k:k + 500]) + ";")
invitees = []
att, users, tokens = [], [], []
for i, p in enumerate(people):
    m = meetings[i % len(meetings)]
    token = f"rb_bench_{p}_{random.getrandbits(64):016x}"
    invitees.append((token, m))
    att.append(f"({tenant},{m},{p},'invited')")
    users.append(f"({tenant},{p},'bench_{p}','bench {p}','!',FALSE,{ts(now)},{ts(now)})")
    tokens.append((f"bench_{p}", hashlib.sha256(token.encode()).hexdigest()))
for k in range(0, len(att), 500):
    sql.append("INSERT INTO meeting_attendees (tenant_id, meeting_id, person_id, status) VALUES " + ",".join(att[k:k + 500]) + ";")
    sql.append("INSERT INTO users (tenant_id, person_id, login, display_name, password_hash, must_change_password, password_changed_at, created_at) VALUES "
               + ",".join(users[k:k + 500]) + ";")
    sql.append("INSERT INTO api_tokens (user_id, token_hash, name, created_at, expires_at) SELECT u.id, t.h, 'bench', "
               + f"{ts(now)}, {ts(now + dt.timedelta(days=1))} FROM users u JOIN (VALUES "
               + ",".join(f"('{login}','{h}')" for login, h in tokens[k:k + 500])
               + f") AS t(login, h) ON u.login = t.login WHERE u.tenant_id = {tenant};")
sql.append("UPDATE meetings SET invited = (SELECT COUNT(*) FROM meeting_attendees a WHERE a.meeting_id = meetings.id) WHERE status = 'planned';")
if backend == "sqlite":
    # SQLite names VALUES columns column1, column2: the same join, spelled its way.
    sql = [s.replace(") AS t(login, h) ON u.login = t.login", ") AS t ON u.login = t.column1").replace("SELECT u.id, t.h,", "SELECT u.id, t.column2,") for s in sql]
run("\n".join(sql))

key = hmac.new(bytes.fromhex(secret_hex), b"redbranch/v1/meeting-checkin", hashlib.sha256).digest()
base = int(now.timestamp()) // 30
random.shuffle(invitees)
with open(f"{out}/checkins.txt", "w") as f:
    f.write(f"{base}\n")
    for token, m in invitees:
        codes = [hmac.new(key, f"meeting:{m}:{w}".encode(), hashlib.sha256).hexdigest()[:20] for w in range(base, base + 20)]
        f.write(" ".join([token, str(m)] + codes) + "\n")
print(f"history meetings: {history} over {len(branches)} party branches; burst: {len(meetings)} meetings, {len(invitees)} invitees")
