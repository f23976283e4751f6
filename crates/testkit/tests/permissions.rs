//! Every permission boundary has a test that crosses it and is refused.
//!
//! Each login of the test school (see `world.rs`: college 甲 holds PA1/LA1, college 乙 PB1/LB1)
//! tries every endpoint on its own college and on the other one, through HTTP, on both
//! databases. The expected outcomes are written out below as a table; a first check confirms
//! that the table says what the role × permission matrix (`domain::authz::role_permits`) and the
//! world's grants say, then every cell is tried for real. Refused changes must leave the data as
//! it was; ids that do not exist, belong to another school or are not numbers at all are a 404
//! (never a 500).

#![expect(
    clippy::unwrap_used,
    reason = "test helpers outside #[test] functions: a step that fails is a failed test"
)]

use redbranch_db::audit::{self, AuditFilter};
use redbranch_db::auth::{self, UserId};
use redbranch_db::org::{self as dborg, NewOrg, Org};
use redbranch_db::people::{self as dbpeople, PersonData, PersonId};
use redbranch_db::tenants::{self, TenantId};
use redbranch_domain::authz::{Grants, Permission, Scope};
use redbranch_domain::org::{OrgId, OrgKind, Tree};
use redbranch_domain::people::{PersonName, PoliticalStatus, StudentNo, id_card_check_char};
use redbranch_testkit::{TestApp, both_backends};

/// What a user notices: the page opens (or the change is made), or they are refused (403).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Allowed,
    Refused,
}

/// Allowed: 200 for a page or a reveal, 303 for a change that redirects to its result.
const Y: Outcome = Outcome::Allowed;
/// Refused: 403, and nothing changed.
const N: Outcome = Outcome::Refused;

/// The world's logins, in the order of the table's columns.
const LOGINS: [&str; 7] = [
    "sys",
    "school",
    "collegea",
    "organiser",
    "seca",
    "coma",
    "stua",
];

/// One request. In paths, `{A}` is person A002 (college 甲: PA1, LA1), `{B}` is person B002
/// (college 乙: PB1, LB1), and `{PA1}`, `{LA1}`, `{PB1}` are orgs by code.
#[derive(Debug, Clone, Copy)]
enum Call {
    Get(&'static str),
    /// `POST /members/{id}/reveal-id` for a person by 学号 suffix.
    Reveal(&'static str),
    /// `POST /orgs/{id}/rename` for an org by code.
    Rename(&'static str),
    /// `POST /orgs/{id}/children` (a 党小组 under a 党支部) for an org by code.
    AddChild(&'static str),
}

/// What the written matrix requires for a call.
#[derive(Debug, Clone, Copy)]
enum Needs {
    /// The permission on some subtree.
    Anywhere(Permission),
    /// The permission on (a subtree holding) this org.
    On(Permission, &'static str),
    /// Oneself, or ViewMembers on one of the person's orgs.
    Profile(&'static str),
    /// RevealIdCard on one of the person's orgs (one's own number included).
    IdCard(&'static str),
    /// ExportMembers on every subtree the viewer's member list covers.
    ExportAll,
}

struct Row {
    call: Call,
    needs: Needs,
    expect: [Outcome; 7],
}

fn row(call: Call, needs: Needs, expect: [Outcome; 7]) -> Row {
    Row {
        call,
        needs,
        expect,
    }
}

/// The permission matrix as a user meets it.
#[rustfmt::skip]
fn table() -> Vec<Row> {
    use Call::*;
    use Needs::*;
    use Permission::*;
    vec![
        //  call                                      needs                          sys school collegea organiser seca coma stua
        row(Get("/members"),                          Anywhere(ViewMembers),         [Y, Y, Y, Y, Y, Y, N]),
        row(Get("/members/{A}"),                      Profile("A002"),               [Y, Y, Y, Y, Y, Y, N]),
        row(Get("/members/{B}"),                      Profile("B002"),               [Y, Y, N, N, N, N, N]),
        row(Get("/members/export.xlsx"),              ExportAll,                     [Y, Y, Y, Y, Y, N, N]),
        row(Get("/members/export.xlsx?org={PA1}"),    On(ExportMembers, "PA1"),      [Y, Y, Y, Y, Y, N, N]),
        row(Get("/members/export.xlsx?org={PB1}"),    On(ExportMembers, "PB1"),      [Y, Y, N, N, N, N, N]),
        row(Reveal("A002"),                           IdCard("A002"),                [Y, Y, Y, N, N, N, N]),
        row(Reveal("B002"),                           IdCard("B002"),                [Y, Y, N, N, N, N, N]),
        row(Get("/orgs"),                             Anywhere(ViewOrg),             [Y, Y, Y, Y, Y, Y, Y]),
        row(Get("/orgs/{PA1}"),                       On(ViewOrg, "PA1"),            [Y, Y, Y, Y, Y, Y, N]),
        row(Get("/orgs/{LA1}"),                       On(ViewOrg, "LA1"),            [Y, Y, Y, N, Y, N, Y]),
        row(Get("/orgs/{PB1}"),                       On(ViewOrg, "PB1"),            [Y, Y, N, N, N, N, N]),
        row(Rename("PA1"),                            On(ManageOrgs, "PA1"),         [Y, Y, Y, N, Y, N, N]),
        row(Rename("PB1"),                            On(ManageOrgs, "PB1"),         [Y, Y, N, N, N, N, N]),
        row(AddChild("PA1"),                          On(ManageOrgs, "PA1"),         [Y, Y, Y, N, Y, N, N]),
        row(AddChild("PB1"),                          On(ManageOrgs, "PB1"),         [Y, Y, N, N, N, N, N]),
        row(Get("/import"),                           Anywhere(ImportRoster),        [Y, Y, Y, Y, N, N, N]),
        row(Get("/audit"),                            Anywhere(ViewAudit),           [Y, Y, Y, Y, N, N, N]),
        row(Get("/api/v1/members"),                   Anywhere(ViewMembers),         [Y, Y, Y, Y, Y, Y, N]),
        row(Get("/api/v1/members/{A}"),               Profile("A002"),               [Y, Y, Y, Y, Y, Y, N]),
        row(Get("/api/v1/members/{B}"),               Profile("B002"),               [Y, Y, N, N, N, N, N]),
        row(Get("/api/v1/orgs"),                      Anywhere(ViewOrg),             [Y, Y, Y, Y, Y, Y, Y]),
        row(Get("/api/v1/orgs/{PA1}"),                On(ViewOrg, "PA1"),            [Y, Y, Y, Y, Y, Y, N]),
        row(Get("/api/v1/orgs/{LA1}"),                On(ViewOrg, "LA1"),            [Y, Y, Y, N, Y, N, Y]),
        row(Get("/api/v1/orgs/{PB1}"),                On(ViewOrg, "PB1"),            [Y, Y, N, N, N, N, N]),
    ]
}

/// The names the world gives its people (`world.rs`), by 学号 suffix.
fn person_name(no: &str) -> &'static str {
    match no {
        "A001" => "张伟",
        "A002" => "王芳",
        "A003" => "李娜",
        "B001" => "刘洋",
        "B002" => "陈静",
        _ => "杨磊",
    }
}

/// The identity number the world gives a person (`world.rs`: 42010620030101 + sequence + check).
fn clear_id_card(no: &str) -> String {
    let i = ["A001", "A002", "A003", "B001", "B002", "B003"]
        .iter()
        .position(|n| *n == no)
        .unwrap_or(0);
    let seq = i * 2 + 11;
    let body = format!("42010620030101{:03}", seq % 1000);
    format!("{body}{}", id_card_check_char(&body))
}

fn fill(app: &TestApp, template: &str) -> String {
    let mut path = template
        .replace("{A}", &app.world.person("A002").to_string())
        .replace("{B}", &app.world.person("B002").to_string());
    for code in ["PA1", "LA1", "PB1"] {
        path = path.replace(&format!("{{{code}}}"), &app.world.org(code).id.to_string());
    }
    path
}

fn user_of(app: &TestApp, login: &str) -> UserId {
    *app.world
        .users
        .get(login)
        .unwrap_or_else(|| panic!("no login {login}"))
}

async fn org_by_id(app: &TestApp, id: i64) -> Option<Org> {
    dborg::get(&app.db.conn, app.world.tenant, OrgId(id))
        .await
        .ok()
}

/// Whether `grants` allow `p` on one of the person's current orgs.
async fn on_person(app: &TestApp, grants: &Grants, p: Permission, no: &str) -> bool {
    let person = dbpeople::get(
        &app.db.conn,
        app.world.tenant,
        PersonId(app.world.person(no)),
    )
    .await
    .unwrap();
    for id in [person.party_org_id, person.league_org_id]
        .into_iter()
        .flatten()
    {
        if let Some(o) = org_by_id(app, id).await
            && grants.allows(p, &o.org_path())
        {
            return true;
        }
    }
    false
}

/// The outcome the written matrix gives `login` for `needs`, from the grants in the database.
async fn derived(app: &TestApp, login: &str, needs: Needs) -> Outcome {
    let user = user_of(app, login);
    let grants = auth::grants(&app.db.conn, user).await.unwrap();
    let ok = match needs {
        Needs::Anywhere(p) => grants.anywhere(p),
        Needs::On(p, code) => grants.allows(p, &app.world.org(code).org_path()),
        Needs::Profile(no) => {
            let me = auth::user(&app.db.conn, user).await.unwrap().person_id;
            me == Some(app.world.person(no))
                || on_person(app, &grants, Permission::ViewMembers, no).await
        }
        Needs::IdCard(no) => on_person(app, &grants, Permission::RevealIdCard, no).await,
        Needs::ExportAll => {
            let view = grants.scope(Permission::ViewMembers);
            !view.is_empty()
                && view
                    .roots
                    .iter()
                    .all(|r| grants.allows(Permission::ExportMembers, r))
        }
    };
    if ok {
        Outcome::Allowed
    } else {
        Outcome::Refused
    }
}

/// How many identity numbers have been revealed (the audit log records every look).
async fn reveals(app: &TestApp) -> u64 {
    let scope = Scope {
        roots: vec![app.world.org("P").org_path(), app.world.org("L").org_path()],
    };
    let filter = AuditFilter {
        action: Some("reveal".into()),
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

/// Makes the call as `login` and checks what the user sees and what is left in the database.
async fn attempt(app: &TestApp, c: &reqwest::Client, token: &str, login: &str, r: &Row) {
    let col = LOGINS.iter().position(|l| *l == login).unwrap_or(0);
    let want = r.expect[col];
    let what = format!("{login} → {:?}", r.call);
    match r.call {
        Call::Get(template) => {
            let res = c.get(app.url(&fill(app, template))).send().await.unwrap();
            let status = res.status().as_u16();
            let body = res.text().await.unwrap_or_default();
            let expected = if want == Y { 200 } else { 403 };
            assert_eq!(status, expected, "{what}: {body:.300}");
            // The person or org the address names is on the page only when allowed.
            let secret = if template.ends_with("{A}") {
                Some(person_name("A002").to_string())
            } else if template.ends_with("{B}") {
                Some(person_name("B002").to_string())
            } else {
                match ["PA1", "LA1", "PB1"].into_iter().find(|code| {
                    template.ends_with(&format!("{{{code}}}")) && !template.contains('?')
                }) {
                    Some(code) => org_by_id(app, app.world.org(code).id).await.map(|o| o.name),
                    None => None,
                }
            };
            if let Some(secret) = secret {
                assert_eq!(body.contains(&secret), want == Y, "{what} shows {secret}?");
            }
        }
        Call::Reveal(no) => {
            let before = reveals(app).await;
            let id = app.world.person(no);
            let res = c
                .post(app.url(&format!("/members/{id}/reveal-id")))
                .form(&[("_csrf", token)])
                .send()
                .await
                .unwrap();
            let status = res.status().as_u16();
            let body = res.text().await.unwrap_or_default();
            let clear = clear_id_card(no);
            if want == Y {
                assert_eq!(status, 200, "{what}: {body:.300}");
                assert!(body.contains(&clear), "{what}: the number is shown");
                assert_eq!(
                    reveals(app).await,
                    before + 1,
                    "{what}: the look is audited"
                );
            } else {
                assert_eq!(status, 403, "{what}: {body:.300}");
                assert!(!body.contains(&clear), "{what}: the number stays hidden");
                assert_eq!(reveals(app).await, before, "{what}: nothing recorded");
            }
        }
        Call::Rename(code) => {
            let id = app.world.org(code).id;
            let before = org_by_id(app, id).await.unwrap().name;
            let new_name = format!("{code}{login}改名");
            let res = c
                .post(app.url(&format!("/orgs/{id}/rename")))
                .form(&[("_csrf", token), ("name", new_name.as_str())])
                .send()
                .await
                .unwrap();
            let status = res.status().as_u16();
            let after = org_by_id(app, id).await.unwrap().name;
            if want == Y {
                assert_eq!(status, 303, "{what}");
                assert_eq!(
                    res.headers()["location"].to_str().unwrap(),
                    format!("/orgs/{id}"),
                    "{what}"
                );
                assert_eq!(after, new_name, "{what}: renamed");
            } else {
                assert_eq!(status, 403, "{what}");
                assert_eq!(after, before, "{what}: the name is unchanged");
            }
        }
        Call::AddChild(code) => {
            let parent = app.world.org(code).id;
            let child_code = format!("G-{login}-{code}");
            let children_before = dborg::children(&app.db.conn, app.world.tenant, OrgId(parent))
                .await
                .unwrap()
                .len();
            let res = c
                .post(app.url(&format!("/orgs/{parent}/children")))
                .form(&[
                    ("_csrf", token),
                    ("kind", OrgKind::PartyGroup.code()),
                    ("code", child_code.as_str()),
                    ("name", &format!("{code}{login}党小组")),
                    ("founded_on", ""),
                ])
                .send()
                .await
                .unwrap();
            let status = res.status().as_u16();
            let created = dborg::by_code(&app.db.conn, app.world.tenant, &child_code)
                .await
                .unwrap();
            let children_after = dborg::children(&app.db.conn, app.world.tenant, OrgId(parent))
                .await
                .unwrap()
                .len();
            if want == Y {
                assert_eq!(status, 303, "{what}");
                let created = created.unwrap_or_else(|| panic!("{what}: no new org"));
                assert_eq!(created.parent_id, Some(parent), "{what}");
                assert_eq!(
                    res.headers()["location"].to_str().unwrap(),
                    format!("/orgs/{}", created.id),
                    "{what}"
                );
                assert_eq!(children_after, children_before + 1, "{what}");
            } else {
                assert_eq!(status, 403, "{what}");
                assert!(created.is_none(), "{what}: no org was created");
                assert_eq!(children_after, children_before, "{what}");
            }
        }
    }
}

both_backends!(
    the_written_table_says_what_the_role_matrix_and_the_grants_say,
    |app: TestApp| async move {
        let mut wrong = Vec::new();
        for r in table() {
            for (col, login) in LOGINS.iter().enumerate() {
                let derived = derived(&app, login, r.needs).await;
                if derived != r.expect[col] {
                    wrong.push(format!(
                        "{login} × {:?} ({:?}): table says {:?}, the matrix {derived:?}",
                        r.call, r.needs, r.expect[col]
                    ));
                }
            }
        }
        assert!(wrong.is_empty(), "{wrong:#?}");
    }
);

both_backends!(
    every_login_is_allowed_or_refused_exactly_as_the_table_says,
    |app: TestApp| async move {
        let rows = table();
        for login in LOGINS {
            let c = app.as_user(login).await;
            let token = app.csrf(&c, "/me").await;
            assert!(!token.is_empty(), "{login} has a CSRF token");
            for r in &rows {
                attempt(&app, &c, &token, login, r).await;
            }
        }
    }
);

both_backends!(
    a_foreign_org_filter_never_widens_a_member_list,
    |app: TestApp| async move {
        let foreign = app.world.org("PB1").id;
        for login in ["collegea", "organiser", "seca", "coma"] {
            let c = app.as_user(login).await;
            let res = c
                .get(app.url(&format!("/api/v1/members?org={foreign}&per_page=200")))
                .send()
                .await
                .unwrap();
            let status = res.status().as_u16();
            let body = res.text().await.unwrap();
            assert!(status == 200 || status == 403, "{login}: {status} {body}");
            for no in ["B001", "B002", "B003"] {
                assert!(
                    !body.contains(person_name(no)),
                    "{login} must not see {} of college 乙: {body}",
                    person_name(no)
                );
            }
            let page = app.text(&c, &format!("/members?org={foreign}")).await;
            assert!(!page.contains(person_name("B002")), "{login}: {page:.300}");
        }
    }
);

/// Paths whose id no school has.
const MISSING: i64 = 987_654_321;

both_backends!(
    ids_that_do_not_exist_are_not_found_for_every_login,
    |app: TestApp| async move {
        for login in LOGINS {
            let c = app.as_user(login).await;
            let token = app.csrf(&c, "/me").await;
            for path in [
                format!("/members/{MISSING}"),
                format!("/orgs/{MISSING}"),
                format!("/api/v1/members/{MISSING}"),
                format!("/api/v1/orgs/{MISSING}"),
            ] {
                let status = app.status(&c, &path).await;
                assert_eq!(status, 404, "{login} GET {path}");
            }
            for (path, form) in [
                (
                    format!("/members/{MISSING}/reveal-id"),
                    vec![("_csrf", token.as_str())],
                ),
                (
                    format!("/orgs/{MISSING}/rename"),
                    vec![("_csrf", token.as_str()), ("name", "不存在的组织")],
                ),
                (
                    format!("/orgs/{MISSING}/children"),
                    vec![
                        ("_csrf", token.as_str()),
                        ("kind", "party_group"),
                        ("code", "MISSING-CHILD"),
                        ("name", "不存在的党小组"),
                    ],
                ),
            ] {
                let status = app.post_status(&c, &path, &form).await;
                assert_eq!(status, 404, "{login} POST {path}");
            }
        }
        assert!(
            dborg::by_code(&app.db.conn, app.world.tenant, "MISSING-CHILD")
                .await
                .unwrap()
                .is_none()
        );
    }
);

/// Another school in the same database: one org tree and one person.
async fn other_school(app: &TestApp) -> (TenantId, Org, Org, i64) {
    let c = &app.db.conn;
    let t = TenantId(tenants::create(c, "other", "另一所大学").await.unwrap().id);
    let root = dborg::create(
        c,
        t,
        NewOrg {
            kind: OrgKind::PartyCommittee,
            code: "OP".into(),
            name: "另一所大学党委".into(),
            parent: None,
            founded_on: None,
            sort_order: 0,
        },
        None,
    )
    .await
    .unwrap();
    let branch = dborg::create(
        c,
        t,
        NewOrg {
            kind: OrgKind::PartyBranch,
            code: "OP1".into(),
            name: "另一所大学第一党支部".into(),
            parent: Some(root.org_id()),
            founded_on: None,
            sort_order: 0,
        },
        None,
    )
    .await
    .unwrap();
    let d = PersonData {
        student_no: StudentNo::parse("2021Z001").unwrap(),
        name: PersonName::parse("赵敏").unwrap(),
        gender: None,
        ethnicity: None,
        birth_date: None,
        id_card: None,
        phone: None,
        college: None,
        major: None,
        grade: None,
        class_name: None,
        political_status: PoliticalStatus::Masses,
        league_joined_on: None,
        party_applied_on: None,
        activist_on: None,
        target_on: None,
        party_joined_on: None,
        confirmed_on: None,
    };
    let p = match dbpeople::upsert(c, &app.crypto, t, &d).await.unwrap() {
        dbpeople::Upserted::Inserted(p)
        | dbpeople::Upserted::Unchanged(p)
        | dbpeople::Upserted::Updated { person: p, .. } => p,
    };
    let on = chrono::NaiveDate::from_ymd_opt(2021, 9, 1).unwrap();
    dbpeople::set_org(c, t, &p, Tree::Party, Some(branch.org_id()), on)
        .await
        .unwrap();
    (t, root, branch, p.id)
}

both_backends!(
    another_schools_ids_are_not_found_even_for_a_system_admin,
    |app: TestApp| async move {
        // Signed in first: with two schools the sign-in form asks which one.
        let sys = app.as_user("sys").await;
        let school = app.as_user("school").await;
        let (t2, root, branch, person) = other_school(&app).await;
        for (login, c) in [("sys", sys), ("school", school)] {
            let token = app.csrf(&c, "/me").await;
            for path in [
                format!("/members/{person}"),
                format!("/api/v1/members/{person}"),
                format!("/orgs/{}", root.id),
                format!("/orgs/{}", branch.id),
                format!("/api/v1/orgs/{}", branch.id),
                format!("/api/v1/orgs/{}/children", root.id),
            ] {
                let res = c.get(app.url(&path)).send().await.unwrap();
                let status = res.status();
                let body = res.text().await.unwrap();
                assert_eq!(status, 404, "{login} GET {path}");
                assert!(
                    !body.contains("另一所大学") && !body.contains("赵敏"),
                    "{login} GET {path}: {body:.300}"
                );
            }
            for path in [
                format!("/members?org={}", branch.id),
                format!("/api/v1/members?org={}", branch.id),
                format!("/members/export.xlsx?org={}", branch.id),
            ] {
                let res = c.get(app.url(&path)).send().await.unwrap();
                let status = res.status();
                let body = res.text().await.unwrap_or_default();
                assert_eq!(status, 400, "{login} GET {path}: an unknown org");
                assert!(!body.contains("赵敏"), "{login} GET {path}");
            }
            let posts = [
                (
                    format!("/members/{person}/reveal-id"),
                    vec![("_csrf", token.as_str())],
                ),
                (
                    format!("/orgs/{}/rename", branch.id),
                    vec![("_csrf", token.as_str()), ("name", "被篡改的支部")],
                ),
                (
                    format!("/orgs/{}/children", branch.id),
                    vec![
                        ("_csrf", token.as_str()),
                        ("kind", "party_group"),
                        ("code", "TAMPER"),
                        ("name", "越权党小组"),
                    ],
                ),
            ];
            for (path, form) in posts {
                let status = app.post_status(&c, &path, &form).await;
                assert_eq!(status, 404, "{login} POST {path}");
            }
        }
        let c = &app.db.conn;
        assert_eq!(
            dborg::get(c, t2, branch.org_id()).await.unwrap().name,
            "另一所大学第一党支部",
            "the other school's branch keeps its name"
        );
        assert!(
            dborg::children(c, t2, branch.org_id())
                .await
                .unwrap()
                .is_empty()
        );
        for t in [t2, app.world.tenant] {
            assert!(dborg::by_code(c, t, "TAMPER").await.unwrap().is_none());
        }
        let p = dbpeople::get(c, t2, PersonId(person)).await.unwrap();
        assert_eq!(p.party_org_id, Some(branch.id));
    }
);

both_backends!(
    odd_ids_in_the_address_are_not_found_and_never_a_server_error,
    |app: TestApp| async move {
        let c = app.as_user("school").await;
        let token = app.csrf(&c, "/me").await;
        let odd = ["99999999999999999999", "abc", "0", "-1", "1.5", "%E4%B8%80"];
        for id in odd {
            for path in [
                format!("/members/{id}"),
                format!("/orgs/{id}"),
                format!("/orgs/{id}/children"),
                format!("/api/v1/members/{id}"),
                format!("/api/v1/orgs/{id}"),
                format!("/api/v1/orgs/{id}/children"),
            ] {
                let status = app.status(&c, &path).await;
                assert_eq!(status, 404, "GET {path}");
            }
            for path in [
                format!("/members/{id}/reveal-id"),
                format!("/orgs/{id}/rename"),
            ] {
                let status = app
                    .post_status(&c, &path, &[("_csrf", token.as_str()), ("name", "新名称")])
                    .await;
                assert_eq!(status, 404, "POST {path}");
            }
            // The import pages and the list filters answer with a client error, never a 500.
            for path in [
                format!("/import/{id}"),
                format!("/import/{id}/progress"),
                format!("/members?org={id}"),
                format!("/members?page={id}"),
                format!("/api/v1/members?org={id}&page={id}&per_page={id}"),
                format!("/members/export.xlsx?org={id}"),
                format!("/audit?page={id}"),
            ] {
                let status = app.status(&c, &path).await;
                assert!(
                    !status.is_server_error(),
                    "GET {path} gave {status}, not a client error"
                );
            }
        }
    }
);

// Found and fixed (information disclosure): `POST /orgs/{id}/positions` looked the 学号 up in
// the whole school and, when the person is outside the org, answers "{name}不是本组织…的成员"
// (crates/web/src/orgs/appoint_position.rs, the `person_not_in_org` error built with
// `.with("name", &p.name)`). A branch secretary of college 甲, who holds no ViewMembers on
// college 乙, so learns the name behind any 学号 of college 乙. The secure answer names nobody
// outside the viewer's member scope. Un-ignore once fixed.
/// Written by hand rather than with `both_backends!` so that each half can carry `#[ignore]`.
mod appointing_someone_from_another_college_does_not_reveal_their_name {
    use super::*;

    async fn check(app: TestApp) {
        let c = app.as_user("seca").await;
        let token = app.csrf(&c, "/me").await;
        let branch = app.world.org("PA1").id;
        let res = c
            .post(app.url(&format!("/orgs/{branch}/positions")))
            .form(&[
                ("_csrf", token.as_str()),
                ("student_no", "2021B002"),
                ("title", "member"),
                ("started_on", "2025-09-01"),
            ])
            .send()
            .await
            .unwrap();
        let status = res.status().as_u16();
        let body = res.text().await.unwrap();
        assert!(status == 422 || status == 403, "{status}");
        assert!(
            !body.contains(person_name("B002")),
            "the name of college 乙's 陈静 must not be shown to college 甲's secretary"
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        if let Some(app) = TestApp::start(redbranch_testkit::Backend::Sqlite).await {
            check(app).await;
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        if let Some(app) = TestApp::start(redbranch_testkit::Backend::Postgres).await {
            check(app).await;
        }
    }
}
