//! The pipeline board and the daily deadline job: counts rolled up the tree, a branch's people
//! by status, deadlines on the home page of whoever must act, one notification per deadline
//! however often the job runs, and one run a day however many nodes try.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers outside #[test] functions: a step that fails is a failed test"
)]

use chrono::NaiveDate;
use redbranch_db::people::PersonId;
use redbranch_db::pipeline::{NewStep, record};
use redbranch_domain::people::PoliticalStatus;
use redbranch_domain::pipeline::{DateField, Milestone, Step};
use redbranch_testkit::{TestApp, both_backends};
use redbranch_web::pipeline::due::run_due;
use serde_json::{Value, json};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// Puts `steps` on a person's record as the branch would have recorded them, with the status
/// the last milestone gives.
async fn on_record(app: &TestApp, who: &str, steps: &[(Step, &str)], status: PoliticalStatus) {
    let person = app.world.people[who];
    for (i, (step, on)) in steps.iter().enumerate() {
        let milestone = (i + 1 == steps.len()).then_some(Milestone {
            status,
            field: DateField::PartyApplied,
            date: d(on),
        });
        let new = NewStep {
            step: *step,
            on: d(on),
            details: json!({}),
            override_reason: None,
            by: app.world.users["seca"],
        };
        record(
            &app.db.conn,
            app.world.tenant,
            PersonId(person),
            new,
            milestone,
        )
        .await
        .unwrap();
    }
}

/// A001 (甲 college) applied on 1 March and has not been talked to; B002 (乙 college) is an
/// activist since 10 January.
async fn seed(app: &TestApp) {
    on_record(
        app,
        "A001",
        &[(Step::SubmitApplication, "2024-03-01")],
        PoliticalStatus::PartyApplicant,
    )
    .await;
    on_record(
        app,
        "B002",
        &[
            (Step::SubmitApplication, "2023-09-01"),
            (Step::ApplicationTalk, "2023-09-10"),
            (Step::RecommendActivist, "2024-01-10"),
        ],
        PoliticalStatus::PartyActivist,
    )
    .await;
}

async fn json_of(app: &TestApp, c: &reqwest::Client, path: &str) -> Value {
    serde_json::from_str(&app.text(c, path).await).unwrap()
}

both_backends!(
    the_board_rolls_counts_up_the_tree_and_a_branch_lists_its_people,
    |app: TestApp| async move {
        seed(&app).await;
        run_due(&app.db, None, app.world.tenant, d("2024-04-11"), true)
            .await
            .unwrap();
        let school = app.as_user("school").await;
        let root = app.world.orgs["P"].id;
        let board = json_of(
            &app,
            &school,
            &format!("/api/v1/orgs/{root}/pipeline/board"),
        )
        .await;
        assert_eq!(board["total"]["by_status"]["party_applicant"], 1, "{board}");
        assert_eq!(board["total"]["by_status"]["party_activist"], 1, "{board}");
        let rows = board["rows"].as_array().unwrap();
        let college_a = rows.iter().find(|r| r["name"] == "甲学院党委").unwrap();
        assert_eq!(college_a["by_status"]["party_applicant"], 1);
        assert_eq!(college_a["by_status"]["party_activist"], 0);
        assert_eq!(college_a["overdue"], 1, "A001's talk was due on 1 April");
        let college_b = rows.iter().find(|r| r["name"] == "乙学院党委").unwrap();
        assert_eq!(
            college_b["overdue"], 1,
            "B002's 思想汇报 was due on 10 April"
        );
        // The board reads the job's per-org counts: they equal a recount of the deadlines,
        // also after a later run replaced them.
        let differ = "SELECT COUNT(*) FROM ( \
            SELECT s.org_id FROM pipeline_due_orgs s LEFT JOIN ( \
              SELECT org_id, SUM(CASE WHEN overdue THEN 0 ELSE 1 END) AS near, \
                SUM(CASE WHEN overdue THEN 1 ELSE 0 END) AS overdue \
              FROM pipeline_due WHERE org_id IS NOT NULL GROUP BY org_id) r ON r.org_id = s.org_id \
            WHERE r.org_id IS NULL OR r.near <> s.near OR r.overdue <> s.overdue \
            UNION ALL SELECT d.org_id FROM pipeline_due d LEFT JOIN pipeline_due_orgs s \
              ON s.org_id = d.org_id WHERE d.org_id IS NOT NULL AND s.org_id IS NULL) x";
        assert!(app.scalar("SELECT COUNT(*) FROM pipeline_due_orgs").await > 0);
        assert_eq!(app.scalar(differ).await, 0, "after the first run");
        run_due(&app.db, None, app.world.tenant, d("2024-09-30"), true)
            .await
            .unwrap();
        assert_eq!(app.scalar(differ).await, 0, "after a later run");
        let later = json_of(
            &app,
            &school,
            &format!("/api/v1/orgs/{root}/pipeline/board"),
        )
        .await;
        let overdue = app
            .scalar("SELECT COUNT(*) FROM pipeline_due WHERE overdue AND org_id IS NOT NULL")
            .await;
        assert_eq!(later["total"]["overdue"], overdue, "{later}");
        run_due(&app.db, None, app.world.tenant, d("2024-04-11"), true)
            .await
            .unwrap();

        let page = app.text(&school, &format!("/pipeline?org={root}")).await;
        assert!(
            page.contains("甲学院党委") && page.contains("逾期"),
            "{page:.2000}"
        );

        let branch = app.world.orgs["PA1"].id;
        let sec = app.as_user("seca").await;
        let page = app.text(&sec, "/pipeline").await;
        assert!(
            page.contains("张伟") && page.contains("已到第 1 步 递交入党申请书"),
            "the secretary's board is their branch, with each person's step: {page:.3000}"
        );
        let other = app.world.orgs["PB1"].id;
        assert_eq!(
            app.status(&sec, &format!("/pipeline?org={other}")).await,
            403,
            "another college's branch is refused"
        );
        assert_eq!(
            app.status(&sec, &format!("/api/v1/orgs/{other}/pipeline/board"))
                .await,
            403
        );
        let student = app.as_user("stua").await;
        assert_eq!(
            app.status(&student, &format!("/pipeline?org={branch}"))
                .await,
            403,
            "a student has no board"
        );
    }
);

/// Rows where the per-org status counts the board reads (kept by triggers, migration m0020)
/// differ from a recount of the people themselves.
const COUNTS_DIFFER: &str = "SELECT COUNT(*) FROM ( \
    SELECT c.org_id FROM org_status_people c LEFT JOIN ( \
      SELECT party_org_id AS org_id, political_status AS status, COUNT(*) AS n FROM people \
      WHERE party_org_id IS NOT NULL GROUP BY party_org_id, political_status) r \
      ON r.org_id = c.org_id AND r.status = c.status \
    WHERE c.headcount <> COALESCE(r.n, 0) \
    UNION ALL SELECT p.party_org_id FROM people p LEFT JOIN org_status_people c \
      ON c.org_id = p.party_org_id AND c.status = p.political_status \
    WHERE p.party_org_id IS NOT NULL AND c.org_id IS NULL) x";

/// The applicants the board shows for the college named `name`.
fn applicants(board: &Value, name: &str) -> Value {
    let rows = board["rows"].as_array().unwrap();
    let row = rows.iter().find(|r| r["name"] == name).unwrap();
    row["by_status"]["party_applicant"].clone()
}

both_backends!(
    the_boards_people_counts_follow_every_kind_of_write_to_people,
    |app: TestApp| async move {
        assert!(app.scalar("SELECT COUNT(*) FROM org_status_people").await > 0);
        assert_eq!(app.scalar(COUNTS_DIFFER).await, 0, "the seeded school");
        // Recorded steps move people from status to status.
        seed(&app).await;
        assert_eq!(app.scalar(COUNTS_DIFFER).await, 0, "after recorded steps");
        let school = app.as_user("school").await;
        let root = app.world.orgs["P"].id;
        let board_path = format!("/api/v1/orgs/{root}/pipeline/board");
        let board = json_of(&app, &school, &board_path).await;
        assert_eq!(applicants(&board, "甲学院党委"), 1, "{board}");
        assert_eq!(applicants(&board, "乙学院党委"), 0, "{board}");

        // A transfer of A001 to 乙's branch moves its count with it.
        let (a1, b1) = (app.world.orgs["PA1"].id, app.world.orgs["PB1"].id);
        let a001 = app.world.people["A001"];
        app.sql(&format!(
            "UPDATE people SET party_org_id = {b1} WHERE id = {a001}"
        ))
        .await;
        assert_eq!(app.scalar(COUNTS_DIFFER).await, 0, "after a transfer");
        let board = json_of(&app, &school, &board_path).await;
        assert_eq!(applicants(&board, "甲学院党委"), 0, "{board}");
        assert_eq!(applicants(&board, "乙学院党委"), 1, "{board}");

        // One statement changing many people, a person added, a person removed, and an edit
        // that changes neither status nor branch.
        app.sql(&format!(
            "UPDATE people SET political_status = 'party_applicant' WHERE party_org_id = {b1}"
        ))
        .await;
        assert_eq!(app.scalar(COUNTS_DIFFER).await, 0, "after a bulk change");
        let t = app.world.tenant.0;
        app.sql(&format!(
            "INSERT INTO people (tenant_id, student_no, name, name_initials, political_status, \
               party_org_id, created_at, updated_at) \
             VALUES ({t}, '2021A009', '赵新', 'zx', 'party_applicant', {a1}, \
               CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
        ))
        .await;
        app.sql("UPDATE people SET name = '赵欣' WHERE student_no = '2021A009'")
            .await;
        assert_eq!(
            app.scalar(COUNTS_DIFFER).await,
            0,
            "after an insert and an edit"
        );
        let board = json_of(&app, &school, &board_path).await;
        assert_eq!(applicants(&board, "甲学院党委"), 1, "{board}");
        app.sql("DELETE FROM people WHERE student_no = '2021A009'")
            .await;
        assert_eq!(app.scalar(COUNTS_DIFFER).await, 0, "after a delete");
        let board = json_of(&app, &school, &board_path).await;
        assert_eq!(applicants(&board, "甲学院党委"), 0, "{board}");
        assert_eq!(applicants(&board, "乙学院党委"), 4, "{board}");
    }
);

both_backends!(
    deadlines_reach_whoever_must_act_once_and_the_job_runs_once_a_day,
    |app: TestApp| async move {
        seed(&app).await;
        let day = d("2024-04-02");
        let first = run_due(&app.db, None, app.world.tenant, day, false)
            .await
            .unwrap();
        assert!(first.is_some(), "the first node to try runs the job");
        let again = run_due(&app.db, None, app.world.tenant, day, false)
            .await
            .unwrap();
        assert!(again.is_none(), "a second node the same day does not");

        let sec = app.as_user("seca").await;
        let home = app.text(&sec, "/").await;
        assert!(
            home.contains("应于 2024-04-01 前与入党申请人 张伟（甲学院学生第一党支部）谈话"),
            "the secretary's home page lists the overdue talk: {home:.4000}"
        );
        assert!(
            home.contains("已逾期：应于 2024-04-01 前与入党申请人 张伟"),
            "and a notification tells them: {home:.4000}"
        );
        assert!(
            !home.contains("王芳") && !home.contains("刘洋"),
            "nothing of another college"
        );
        let colleague = app.as_user("collegea").await;
        let home_b = app.text(&colleague, "/").await;
        assert!(
            !home_b.contains("已逾期"),
            "a branch deadline is not the college's message: {home_b:.3000}"
        );

        // A second run (forced, as `redbranch jobs due` does) sends nothing new.
        run_due(&app.db, None, app.world.tenant, day, true)
            .await
            .unwrap();
        let home = app.text(&sec, "/").await;
        assert_eq!(
            home.matches("已逾期：应于 2024-04-01").count(),
            1,
            "{home:.4000}"
        );

        let csrf = app.csrf(&sec, "/").await;
        let id = home
            .split("/notifications/")
            .nth(1)
            .and_then(|s| s.split('/').next())
            .unwrap()
            .to_string();
        let other = app.as_user("organiser").await;
        let other_csrf = app.csrf(&other, "/").await;
        app.post_status(
            &other,
            &format!("/notifications/{id}/read"),
            &[("_csrf", other_csrf.as_str())],
        )
        .await;
        assert!(
            app.text(&sec, "/")
                .await
                .contains("已逾期：应于 2024-04-01"),
            "someone else cannot mark the secretary's message read"
        );
        let status = app
            .post_status(
                &sec,
                &format!("/notifications/{id}/read"),
                &[("_csrf", csrf.as_str())],
            )
            .await;
        assert_eq!(status, 303);
        assert!(
            !app.text(&sec, "/")
                .await
                .contains("已逾期：应于 2024-04-01")
        );
    }
);

both_backends!(
    a_thought_report_handed_in_moves_the_next_one_a_quarter_on,
    |app: TestApp| async move {
        seed(&app).await;
        let b = app.world.people["B002"];
        let by = app.world.users["school"].0;
        let tenant = app.world.tenant.0;
        app.sql(&format!(
            "INSERT INTO thought_reports (tenant_id, person_id, quarter, body, submitted_by, \
                 submitted_on, submitted_at) VALUES ({tenant}, {b}, '2024-Q2', '学习体会', {by}, \
                 '2024-04-01', '2024-04-01 08:00:00+00')"
        ))
        .await;
        let run = run_due(&app.db, None, app.world.tenant, d("2024-04-11"), true)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(run.overdue, 1, "only A001's talk is late: {run:?}");
        let school = app.as_user("school").await;
        let root = app.world.orgs["P"].id;
        let board = json_of(
            &app,
            &school,
            &format!("/api/v1/orgs/{root}/pipeline/board"),
        )
        .await;
        let college_b = board["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == "乙学院党委")
            .cloned()
            .unwrap();
        assert_eq!(college_b["overdue"], 0, "{board}");
    }
);
