//! The roster import through HTTP on the shared real-world fixtures (`../shared/fixtures/roster`):
//! upload → preview → commit → progress, as a school administrator, on both databases.
//!
//! The fixtures are not part of the repository: without them these tests print a notice and
//! pass, except in CI (`CI=true`), where a missing folder is a failure.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers outside #[test] functions: a step that fails is a failed test"
)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use redbranch_db::audit::{self, AuditFilter};
use redbranch_db::org::{self as dborg, NewOrg, Org};
use redbranch_domain::authz::Scope;
use redbranch_domain::org::OrgKind;
use redbranch_testkit::{TestApp, both_backends};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::Value;

fn fixtures() -> Option<PathBuf> {
    let dir = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/fixtures/roster"
    ));
    if dir.is_dir() {
        return Some(dir.to_path_buf());
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "CI=true but the fixtures are missing: {}",
        dir.display()
    );
    eprintln!(
        "NOTICE: {} is absent; skipping the roster import fixture test",
        dir.display()
    );
    None
}

fn read(dir: &Path, name: &str) -> Vec<u8> {
    std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

async fn add_org(app: &TestApp, kind: OrgKind, code: String, name: &str, parent: &Org) -> Org {
    dborg::create(
        &app.db.conn,
        app.world.tenant,
        NewOrg {
            kind,
            code,
            name: name.to_string(),
            parent: Some(parent.org_id()),
            founded_on: None,
            sort_order: 0,
        },
        None,
    )
    .await
    .unwrap_or_else(|e| panic!("creating {name}: {e}"))
}

fn name_of(node: &Value) -> &str {
    node["name"].as_str().unwrap()
}

fn children(node: &Value) -> &[Value] {
    node["children"].as_array().map_or(&[], Vec::as_slice)
}

/// Creates the fixture school's trees (`orgs.json`) under the world's roots P and L, where the
/// `school` login administers them. Returns how many orgs were made.
async fn create_fixture_orgs(app: &TestApp, dir: &Path) -> usize {
    let orgs: Value = serde_json::from_slice(&read(dir, "orgs.json")).unwrap();
    let mut made = 0;
    let trees = [
        (
            "party_tree",
            "P",
            "JP",
            OrgKind::PartyCommittee,
            OrgKind::PartyBranch,
        ),
        (
            "league_tree",
            "L",
            "JL",
            OrgKind::LeagueCommittee,
            OrgKind::LeagueBranch,
        ),
    ];
    for (key, under, prefix, committee, branch) in trees {
        let top = &orgs[key];
        let school = add_org(
            app,
            committee,
            prefix.to_string(),
            name_of(top),
            app.world.org(under),
        )
        .await;
        made += 1;
        for (i, college) in children(top).iter().enumerate() {
            let c = add_org(
                app,
                committee,
                format!("{prefix}-{i}"),
                name_of(college),
                &school,
            )
            .await;
            made += 1;
            for (j, b) in children(college).iter().enumerate() {
                add_org(app, branch, format!("{prefix}-{i}-{j}"), name_of(b), &c).await;
                made += 1;
            }
        }
    }
    made
}

/// Uploads a file through the import form; returns the response (not followed).
async fn upload(
    app: &TestApp,
    c: &reqwest::Client,
    name: &str,
    bytes: Vec<u8>,
) -> reqwest::Response {
    let token = app.csrf(c, "/import").await;
    assert!(!token.is_empty(), "the import form carries a CSRF token");
    let part = reqwest::multipart::Part::bytes(bytes).file_name(name.to_string());
    let form = reqwest::multipart::Form::new().part("file", part);
    c.post(app.url(&format!("/import?_csrf={token}")))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

/// Uploads a file that should be accepted for preview; returns the job id and the preview page.
async fn upload_for_preview(
    app: &TestApp,
    c: &reqwest::Client,
    name: &str,
    bytes: Vec<u8>,
) -> (i64, String) {
    let res = upload(app, c, name, bytes).await;
    assert_eq!(res.status(), 303, "{name} is taken for preview");
    let location = res.headers()["location"].to_str().unwrap().to_string();
    let id: i64 = location
        .strip_prefix("/import/")
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("redirect to the preview, not {location}"));
    let page = c.get(app.url(&location)).send().await.unwrap();
    assert_eq!(page.status(), 200);
    (id, page.text().await.unwrap())
}

/// Confirms the import and waits (bounded) until the job has finished; returns the final
/// progress fragment.
async fn commit_and_wait(app: &TestApp, c: &reqwest::Client, id: i64, preview: &str) -> String {
    let token = redbranch_testkit::csrf_of(preview);
    let res = c
        .post(app.url(&format!("/import/{id}/commit")))
        .form(&[("_csrf", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303, "the commit is accepted");
    for _ in 0..240 {
        let html = app.text(c, &format!("/import/{id}/progress")).await;
        // While the job runs the fragment polls itself again.
        if !html.contains("hx-get=") {
            return html;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    panic!("import {id} did not finish");
}

/// Person entries in the audit log (creations, updates, moves).
async fn person_audit_entries(app: &TestApp) -> u64 {
    let scope = Scope {
        roots: vec![app.world.org("P").org_path(), app.world.org("L").org_path()],
    };
    let filter = AuditFilter {
        entity: Some("person".into()),
        page: 1,
        per_page: 1,
        ..AuditFilter::default()
    };
    audit::list(&app.db.conn, app.world.tenant, &scope, &filter)
        .await
        .unwrap()
        .1
}

/// `/api/v1/members?{query}` as the signed-in client sees it.
async fn members_json(app: &TestApp, c: &reqwest::Client, query: &str) -> Value {
    c.get(app.url(&format!("/api/v1/members?{query}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn member_total(app: &TestApp, c: &reqwest::Client) -> u64 {
    members_json(app, c, "per_page=1").await["total"]
        .as_u64()
        .unwrap()
}

/// Everyone stored for the test school, placed in an org or not.
async fn people_stored(app: &TestApp) -> i64 {
    let sql = format!(
        "SELECT COUNT(*) AS n FROM people WHERE tenant_id = {}",
        app.world.tenant.0
    );
    let b = app.db.conn.get_database_backend();
    app.db
        .conn
        .query_one_raw(Statement::from_string(b, sql))
        .await
        .unwrap()
        .unwrap()
        .try_get("", "n")
        .unwrap()
}

/// The rows of the messy roster its expectations file lists as broken.
fn broken_rows(expect: &Value) -> BTreeSet<u64> {
    let d = &expect["defects"];
    let mut rows = BTreeSet::new();
    for key in ["invalid_id_checksum", "missing_name"] {
        rows.extend(
            d[key]["rows"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(Value::as_u64),
        );
    }
    rows.extend(
        d["duplicate_student_id"]["pairs"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|p| p["duplicate_row"].as_u64()),
    );
    rows
}

both_backends!(
    a_school_admin_imports_the_3000_student_roster_once_and_a_second_time_changes_nothing,
    |app: TestApp| async move {
        let Some(dir) = fixtures() else { return };
        let made = create_fixture_orgs(&app, &dir).await;
        assert_eq!(made, 2 + 2 * 6 + 18 + 132);
        let c = app.as_user("school").await;
        let world_people = member_total(&app, &c).await;

        let form = c.get(app.url("/import")).send().await.unwrap();
        assert_eq!(form.status(), 200);

        let (id, preview) =
            upload_for_preview(&app, &c, "roster.xlsx", read(&dir, "roster.xlsx")).await;
        assert!(
            preview.contains("共读取 3000 行，有效 3000 行，问题 0 处"),
            "{preview}"
        );
        assert!(preview.contains("可以导入"));
        assert!(preview.contains(&format!("action=\"/import/{id}/commit\"")));

        let done = commit_and_wait(&app, &c, id, &preview).await;
        assert!(done.contains("已完成"), "{done}");
        assert!(done.contains("新增 3000 人"), "{done}");
        let page = app.text(&c, &format!("/import/{id}")).await;
        assert!(
            page.contains("新增 3000 人"),
            "the job page keeps the outcome"
        );
        assert_eq!(people_stored(&app).await, 6 + 3000, "everyone was stored");
        // The school admin's list shows everyone, the roster's 群众 in no branch included.
        assert_eq!(member_total(&app, &c).await, world_people + 3000);
        let audited = person_audit_entries(&app).await;
        assert!(audited >= 3000, "every new person is in the audit log");

        let (again, preview) =
            upload_for_preview(&app, &c, "roster.xlsx", read(&dir, "roster.xlsx")).await;
        assert_ne!(again, id);
        assert!(preview.contains("问题 0 处"), "{preview}");
        let done = commit_and_wait(&app, &c, again, &preview).await;
        assert!(done.contains("已完成"), "{done}");
        assert!(done.contains("新增 0 人"), "{done}");
        assert!(done.contains("未变化 3000 人"), "{done}");
        assert_eq!(people_stored(&app).await, 6 + 3000);
        assert_eq!(member_total(&app, &c).await, world_people + 3000);
        assert_eq!(
            person_audit_entries(&app).await,
            audited,
            "an unchanged roster writes no person entries"
        );
    }
);

both_backends!(
    the_messy_roster_is_previewed_with_exactly_its_broken_rows_and_cannot_be_committed,
    |app: TestApp| async move {
        let Some(dir) = fixtures() else { return };
        create_fixture_orgs(&app, &dir).await;
        let expect: Value =
            serde_json::from_slice(&read(&dir, "roster_messy_expect.json")).unwrap();
        let broken = broken_rows(&expect).len();
        assert!(broken > 0);
        let c = app.as_user("school").await;
        let before = member_total(&app, &c).await;

        let (id, preview) = upload_for_preview(
            &app,
            &c,
            "roster_messy.xlsx",
            read(&dir, "roster_messy.xlsx"),
        )
        .await;
        assert!(
            preview.contains(&format!("问题 {broken} 处")),
            "{broken} problems expected: {preview:.2000}"
        );
        assert!(preview.contains(&format!("问题清单（{broken} 处）")));
        assert_eq!(
            preview.matches("<td data-label=\"行\">").count(),
            broken,
            "one line per broken row"
        );
        for row in broken_rows(&expect) {
            assert!(
                preview.contains(&format!("<td data-label=\"行\">{row}</td>")),
                "row {row} is reported"
            );
        }
        assert!(preview.contains("不能导入"));
        assert!(
            !preview.contains(&format!("/import/{id}/commit")),
            "no commit button while there are problems"
        );
        assert_eq!(member_total(&app, &c).await, before, "nothing was written");
    }
);

both_backends!(
    a_file_that_is_not_a_spreadsheet_is_refused_in_chinese,
    |app: TestApp| async move {
        let c = app.as_user("school").await;
        let before = member_total(&app, &c).await;
        let mut corrupt = b"PK\x03\x04".to_vec();
        corrupt.extend_from_slice(&[0x5a; 2048]);
        let cases: [(&str, Vec<u8>, &str); 3] = [
            (
                "名单.txt",
                "学号,姓名\n2021001,张三\n".as_bytes().to_vec(),
                "不支持这种文件格式",
            ),
            (
                "roster.pdf",
                b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n".to_vec(),
                "不支持这种文件格式",
            ),
            ("roster.xlsx", corrupt, "文件已损坏"),
        ];
        let mut cases = cases.to_vec();
        if let Some(dir) = fixtures() {
            let mut truncated = read(&dir, "roster.xlsx");
            truncated.truncate(10_000);
            cases.push(("roster.xlsx", truncated, "文件已损坏"));
        }
        for (name, bytes, message) in cases {
            let res = upload(&app, &c, name, bytes).await;
            let status = res.status();
            let body = res.text().await.unwrap();
            assert_eq!(status, 422, "{name}: {body:.500}");
            assert!(
                body.contains(message),
                "{name}: {message} expected in {body:.2000}"
            );
        }
        assert_eq!(member_total(&app, &c).await, before);
    }
);

/// The student numbers of one page of the school administrator's list.
async fn page_numbers(app: &TestApp, c: &reqwest::Client, query: &str) -> Vec<String> {
    members_json(app, c, query).await["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["student_no"].as_str().unwrap().to_string())
        .collect()
}

// Past 2,000 people in scope the list reads its page along the sort-order index instead of
// sorting everyone in scope (db::people::list, Plan::InOrder); either way the page must be the
// the same as sorting everyone: pages in 学号 order with nobody lost or repeated, forwards and
// backwards.
both_backends!(
    a_large_list_pages_in_the_same_order_as_a_small_one,
    |app: TestApp| async move {
        let Some(dir) = fixtures() else { return };
        create_fixture_orgs(&app, &dir).await;
        let c = app.as_user("school").await;
        let (id, preview) =
            upload_for_preview(&app, &c, "roster.xlsx", read(&dir, "roster.xlsx")).await;
        let done = commit_and_wait(&app, &c, id, &preview).await;
        assert!(done.contains("新增 3000 人"), "{done}");

        let total = member_total(&app, &c).await;
        assert!(total > 2_000, "the school-wide list must be large: {total}");
        let mut everyone = Vec::new();
        for page in 1..=total.div_ceil(200) {
            everyone.extend(page_numbers(&app, &c, &format!("per_page=200&page={page}")).await);
        }
        assert_eq!(
            everyone.len() as u64,
            total,
            "paging loses or repeats nobody"
        );
        let mut sorted = everyone.clone();
        sorted.sort();
        assert_eq!(everyone, sorted, "pages follow each other in 学号 order");

        let first = page_numbers(&app, &c, "per_page=50").await;
        assert_eq!(first, sorted[..50]);
        let last = page_numbers(&app, &c, "per_page=50&dir=desc").await;
        let mut tail: Vec<String> = sorted[sorted.len() - 50..].to_vec();
        tail.reverse();
        assert_eq!(last, tail, "descending starts from the largest 学号");
    }
);
