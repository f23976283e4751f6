//! The synthetic-data generator: exact head counts, valid identity numbers, lawful paths.

use std::collections::HashMap;

use redbranch_db::Db;
use redbranch_db::auth::UserId;
use redbranch_db::org::entity::orgs;
use redbranch_db::people::entity::people;
use redbranch_db::tenants::TenantId;
use redbranch_domain::authz::Role;
use redbranch_domain::org::{OrgId, OrgPath};
use redbranch_domain::people::IdCardNo;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use super::{count, crypto, fresh_db};
use crate::seed::generate::Shape;
use crate::seed::progress::IndicatifProgress;
use crate::seed::{NoProgress, generate};

#[test]
fn the_shape_splits_orgs_about_one_to_four_and_adds_up_exactly() {
    for total in [6, 7, 50, 200, 1000, 5000, 20_000] {
        let s = Shape::for_total(total);
        assert_eq!(s.total() as u64, total, "{s:?}");
        assert!(
            s.party_branches >= s.colleges && s.league_branches >= s.colleges,
            "{s:?}"
        );
        let party = 1 + s.colleges + s.party_branches;
        assert!(party * 5 <= total as usize + 10, "{s:?}");
    }
    assert_eq!(Shape::for_total(0).total(), 6);
    assert_eq!(Shape::for_total(5000).colleges, 31);
}

#[tokio::test]
async fn generate_creates_exactly_the_requested_people_with_valid_identity_numbers() {
    let db = fresh_db().await;
    let report = generate(&db, &crypto(), "bench", 2000, 200, &NoProgress)
        .await
        .unwrap();
    eprintln!("{report}");
    let t = TenantId(report.tenant_id);

    let persons = people::Entity::find()
        .filter(people::Column::TenantId.eq(t.0))
        .all(&db.conn)
        .await
        .unwrap();
    assert_eq!(persons.len(), 2000);
    assert_eq!(report.people, 2000);
    for p in &persons {
        let id = IdCardNo::parse(&p.reveal_id_card(&crypto()).unwrap().unwrap()).unwrap();
        assert_eq!(
            p.id_card_hash.as_deref(),
            Some(crypto().blind_index(id.as_str()).as_str())
        );
        assert_eq!(p.id_card_masked.as_deref(), Some(id.masked().as_str()));
        assert_eq!(Some(id.birth_date()), p.birth_date);
    }

    let all = orgs::Entity::find()
        .filter(orgs::Column::TenantId.eq(t.0))
        .all(&db.conn)
        .await
        .unwrap();
    assert_eq!(all.len() as u64, report.orgs());
    assert_eq!(report.orgs(), 200);
    let by_id: HashMap<i64, &orgs::Model> = all.iter().map(|o| (o.id, o)).collect();
    for o in &all {
        let expected = match o.parent_id {
            None => OrgPath::root(OrgId(o.id)),
            Some(p) => by_id[&p].org_path().child(OrgId(o.id)),
        };
        assert_eq!(o.org_path(), expected, "{}", o.code);
        assert_eq!(o.depth as usize, expected.depth());
    }
    assert_eq!(count(&db, "org_events").await, 200);

    assert_eq!(count(&db, "memberships").await as u64, report.memberships);
    let with_league = people::Entity::find()
        .filter(people::Column::LeagueOrgId.is_not_null())
        .count(&db.conn)
        .await
        .unwrap();
    let with_party = people::Entity::find()
        .filter(people::Column::PartyOrgId.is_not_null())
        .count(&db.conn)
        .await
        .unwrap();
    assert_eq!(with_league + with_party, report.memberships);

    let user = redbranch_db::auth::user_by_login(&db.conn, t, &report.login)
        .await
        .unwrap()
        .unwrap();
    assert!(redbranch_web::auth::password::verify(
        &report.password,
        &user.password_hash
    ));
    let grants = redbranch_db::auth::grant_views(&db.conn, UserId(user.id))
        .await
        .unwrap();
    assert_eq!(grants.len(), 2);
    assert!(
        grants
            .iter()
            .all(|g| g.role == Role::SchoolAdmin && by_id[&g.org_id].parent_id.is_none())
    );
    assert_eq!(count(&db, "audit_log").await, 1);
}

#[tokio::test]
async fn generate_refuses_a_tenant_code_that_exists() {
    let db = fresh_db().await;
    generate(&db, &crypto(), "twice", 20, 6, &NoProgress)
        .await
        .unwrap();
    let err = generate(&db, &crypto(), "twice", 20, 6, &NoProgress)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("already exists"), "{err}");
    assert_eq!(count(&db, "tenants").await, 1);
}

/// `cargo test -p redbranch --release -- --ignored --nocapture generate_at_benchmark_scale`
#[tokio::test]
#[ignore = "takes tens of seconds: the demo and the 100,000-people benchmark on a file, run by hand"]
async fn generate_at_benchmark_scale() {
    let path = std::env::temp_dir().join(format!("redbranch-generate-{}.db", std::process::id()));
    let url = format!("sqlite://{}", path.display());
    let db = Db::connect(&url, 4).await.unwrap();
    db.migrate().await.unwrap();
    let started = std::time::Instant::now();
    crate::seed::ensure_demo_school(&db, &crypto(), &IndicatifProgress::new())
        .await
        .unwrap();
    eprintln!("demo school on a file: {:.1?}", started.elapsed());
    let started = std::time::Instant::now();
    let report = generate(
        &db,
        &crypto(),
        "bench",
        100_000,
        5000,
        &IndicatifProgress::new(),
    )
    .await
    .unwrap();
    eprintln!("{report}\nwall time {:.1?}", started.elapsed());
    assert_eq!(count(&db, "people").await, 100_000 + 3003);
    db.conn.close().await.unwrap();
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}
