//! The demo and the generator on PostgreSQL (the generator writes raw SQL for paths).
//!
//! PostgreSQL comes from `REDBRANCH_TEST_PG` (default `postgres://postgres@127.0.0.1:5432/postgres`),
//! as in `redbranch-testkit`: unreachable, the test prints a notice and passes, except under
//! `CI=true`, where it must run.

use std::collections::HashMap;

use rand::Rng;
use redbranch_db::Db;
use redbranch_db::org::entity::orgs;
use redbranch_domain::org::{OrgId, OrgPath};
use sea_orm::{ConnectionTrait, EntityTrait};

use super::crypto;
use crate::seed::{NoProgress, ensure_demo_school, generate};

/// A new, empty database and the admin connection that can drop it; `None` to skip.
async fn fresh_pg() -> Option<(Db, Db, String)> {
    let admin_url = std::env::var("REDBRANCH_TEST_PG")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let admin = match Db::connect(&admin_url, 1).await {
        Ok(db) => db,
        Err(e) if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("PostgreSQL is required under CI=true: {e}")
        }
        Err(e) => {
            eprintln!("NOTICE: skipping the PostgreSQL seed test: {e}");
            return None;
        }
    };
    let name = format!("rb_test_seed_{:016x}", rand::thread_rng().r#gen::<u64>());
    admin
        .conn
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .unwrap();
    let (base, _) = admin_url.rsplit_once('/').unwrap();
    let db = Db::connect(&format!("{base}/{name}"), 4).await.unwrap();
    db.migrate().await.unwrap();
    Some((admin, db, name))
}

#[tokio::test]
async fn the_demo_and_a_generated_tenant_work_on_postgres() {
    let Some((admin, db, name)) = fresh_pg().await else {
        return;
    };
    let logins = ensure_demo_school(&db, &crypto(), &NoProgress)
        .await
        .unwrap();
    assert_eq!(
        ensure_demo_school(&db, &crypto(), &NoProgress)
            .await
            .unwrap(),
        logins
    );
    let report = generate(&db, &crypto(), "bench", 2000, 200, &NoProgress)
        .await
        .unwrap();
    assert_eq!(report.people, 2000);

    let all = orgs::Entity::find().all(&db.conn).await.unwrap();
    let by_id: HashMap<i64, &orgs::Model> = all.iter().map(|o| (o.id, o)).collect();
    for o in &all {
        let expected = match o.parent_id {
            None => OrgPath::root(OrgId(o.id)),
            Some(p) => by_id[&p].org_path().child(OrgId(o.id)),
        };
        assert_eq!(o.org_path(), expected, "{}", o.code);
    }
    assert_eq!(all.len(), 2 + 12 + 18 + 36 + 132 + 200);

    db.conn.close().await.unwrap();
    admin
        .conn
        .execute_unprepared(&format!("DROP DATABASE {name}"))
        .await
        .unwrap();
}
