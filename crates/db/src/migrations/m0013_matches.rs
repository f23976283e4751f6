//! Live quiz matches: rooms, their players and each answer (issue #5, part 3).

ddl_migration!("m0013_matches");

// A room is the whole shared state of a match, so any node can serve any player: `seats`
// counts the players in it, taken by a guarded UPDATE (`seats < capacity`) so two nodes never
// seat a fifth player (`seat` is only the order of joining: one who leaves a waiting room frees
// the count, not the number); `current` and `current_opened_at` are the shared clock, moved on by a
// guarded UPDATE (`current = n`) by whichever node notices first. One answer per player and
// question is a unique key, so a replayed answer is refused by the database itself.
const UP: &str = r#"
CREATE TABLE quiz_matches (
    id {PK},
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    size TEXT NOT NULL,
    bank_id BIGINT NOT NULL REFERENCES question_banks(id),
    status TEXT NOT NULL,
    capacity BIGINT NOT NULL,
    seats BIGINT NOT NULL,
    items TEXT NOT NULL,
    question_seconds BIGINT NOT NULL,
    current BIGINT NOT NULL DEFAULT 0,
    current_opened_at {TS},
    created_at {TS} NOT NULL,
    finished_at {TS}
);
CREATE INDEX quiz_matches_open ON quiz_matches (tenant_id, status, size, bank_id);
CREATE TABLE quiz_match_players (
    id {PK},
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    match_id BIGINT NOT NULL REFERENCES quiz_matches(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    person_id BIGINT REFERENCES people(id),
    seat BIGINT NOT NULL,
    name TEXT NOT NULL,
    score BIGINT NOT NULL DEFAULT 0,
    right_ms BIGINT NOT NULL DEFAULT 0,
    place BIGINT,
    points BIGINT,
    joined_at {TS} NOT NULL,
    UNIQUE (match_id, user_id)
);
CREATE INDEX quiz_match_players_user ON quiz_match_players (user_id, joined_at);
CREATE TABLE quiz_match_answers (
    id {PK},
    match_id BIGINT NOT NULL REFERENCES quiz_matches(id),
    player_id BIGINT NOT NULL REFERENCES quiz_match_players(id),
    idx BIGINT NOT NULL,
    given TEXT NOT NULL,
    correct BOOLEAN NOT NULL,
    ms BIGINT NOT NULL,
    score BIGINT NOT NULL,
    answered_at {TS} NOT NULL,
    UNIQUE (player_id, idx)
);
CREATE INDEX quiz_match_answers_match ON quiz_match_answers (match_id, idx)
"#;

const DOWN: &str = r#"
DROP TABLE quiz_match_answers;
DROP TABLE quiz_match_players;
DROP TABLE quiz_matches
"#;
