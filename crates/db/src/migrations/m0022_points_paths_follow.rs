//! The org paths on `points_totals` (the subtree leaderboards' index, issue #5) kept by
//! triggers, as `org_status_people` is (docs/adr/0014-counts-kept-by-triggers.md).
//!
//! They were refreshed by every award: someone who moved branch counted in the old one until
//! their next points, and every award paid two path lookups per person, a fifth of a burst's
//! writing time. Now a change of a person's org, or of an org's path (a move of its subtree),
//! updates the rows of the people concerned in the same transaction, whoever writes it.
//! A person without a totals row has nothing to update: the row is created with the paths.

use sea_orm::DbBackend;
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0022_points_paths_follow"
    }
}

/// Sets every totals row's paths from its person's orgs now (heals rows left stale before).
const HEAL: &str = "UPDATE points_totals SET \
    party_path = (SELECT o.path FROM orgs o JOIN people p ON o.id = p.party_org_id WHERE p.id = points_totals.person_id), \
    league_path = (SELECT o.path FROM orgs o JOIN people p ON o.id = p.league_org_id WHERE p.id = points_totals.person_id)";

/// The person `who` (`NEW`) has changed org.
fn follow_person(who: &str) -> String {
    format!(
        "UPDATE points_totals SET \
           party_path = (SELECT path FROM orgs WHERE id = {who}.party_org_id), \
           league_path = (SELECT path FROM orgs WHERE id = {who}.league_org_id) \
         WHERE person_id = {who}.id;"
    )
}

/// The org `NEW` has a new path: its people's rows follow.
const FOLLOW_ORG: &str = "UPDATE points_totals SET party_path = NEW.path \
      WHERE person_id IN (SELECT id FROM people WHERE party_org_id = NEW.id); \
    UPDATE points_totals SET league_path = NEW.path \
      WHERE person_id IN (SELECT id FROM people WHERE league_org_id = NEW.id);";

const PERSON_MOVED: &str = "AFTER UPDATE OF party_org_id, league_org_id ON people";
const ORG_MOVED: &str = "AFTER UPDATE OF path ON orgs";

fn postgres() -> Vec<String> {
    let function = |name: &str, body: &str| {
        format!(
            "CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
    {body}
    RETURN NULL;
END
$body$"
        )
    };
    vec![
        HEAL.into(),
        function("points_totals_follow_person", &follow_person("NEW")),
        function("points_totals_follow_org", FOLLOW_ORG),
        format!(
            "CREATE TRIGGER points_totals_follow_person {PERSON_MOVED} FOR EACH ROW \
             WHEN (OLD.party_org_id IS DISTINCT FROM NEW.party_org_id OR OLD.league_org_id IS DISTINCT FROM NEW.league_org_id) \
             EXECUTE FUNCTION points_totals_follow_person()"
        ),
        format!(
            "CREATE TRIGGER points_totals_follow_org {ORG_MOVED} FOR EACH ROW \
             WHEN (OLD.path IS DISTINCT FROM NEW.path) EXECUTE FUNCTION points_totals_follow_org()"
        ),
    ]
}

fn sqlite() -> Vec<String> {
    vec![
        HEAL.into(),
        format!(
            "CREATE TRIGGER points_totals_follow_person {PERSON_MOVED} \
             WHEN OLD.party_org_id IS NOT NEW.party_org_id OR OLD.league_org_id IS NOT NEW.league_org_id \
             BEGIN {} END",
            follow_person("NEW")
        ),
        format!(
            "CREATE TRIGGER points_totals_follow_org {ORG_MOVED} WHEN OLD.path IS NOT NEW.path \
             BEGIN {FOLLOW_ORG} END"
        ),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        super::run_per_backend(manager, postgres, sqlite).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let statements: Vec<String> = match manager.get_database_backend() {
            DbBackend::Postgres => vec![
                "DROP TRIGGER points_totals_follow_person ON people".into(),
                "DROP TRIGGER points_totals_follow_org ON orgs".into(),
                "DROP FUNCTION points_totals_follow_person()".into(),
                "DROP FUNCTION points_totals_follow_org()".into(),
            ],
            _ => vec![
                "DROP TRIGGER points_totals_follow_person".into(),
                "DROP TRIGGER points_totals_follow_org".into(),
            ],
        };
        super::run_each(manager, &statements).await
    }
}
