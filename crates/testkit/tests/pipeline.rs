//! The 发展党员 pipeline through the API: steps in order under the rules of
//! 《中国共产党发展党员工作细则》, refusals that name the rule, an administrator's audited override,
//! and the boundaries between branches and roles.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers outside #[test] functions: a step that fails is a failed test"
)]

use redbranch_testkit::{Session, TestApp, both_backends, field_messages};
use serde_json::{Value, json};

/// Records a step of `person`'s pipeline through the API.
async fn post(app: &TestApp, s: &Session, person: i64, body: Value) -> (u16, Value) {
    app.post_json(s, &format!("/api/v1/members/{person}/pipeline"), body)
        .await
}

/// `before → after` of every audit entry with `action`.
async fn audited_changes(app: &TestApp, action: &str) -> Vec<String> {
    use sea_orm::{ConnectionTrait, Statement};
    let sql = format!(
        "SELECT before_value, after_value FROM audit_log WHERE action = '{action}' ORDER BY seq"
    );
    app.db
        .conn
        .query_all_raw(Statement::from_string(app.db.backend(), sql))
        .await
        .unwrap()
        .iter()
        .map(|r| {
            let before: Option<String> = r.try_get("", "before_value").unwrap();
            let after: Option<String> = r.try_get("", "after_value").unwrap();
            format!(
                "{} → {}",
                before.unwrap_or_default(),
                after.unwrap_or_default()
            )
        })
        .collect()
}

/// Sets (or, with `None`, clears) a person's birth date behind the application's back.
async fn set_birth_date(app: &TestApp, person: i64, date: Option<&str>) {
    let value = date.map_or("NULL".to_string(), |d| format!("'{d}'"));
    app.sql(&format!(
        "UPDATE people SET birth_date = {value} WHERE id = {person}"
    ))
    .await;
}

both_backends!(
    a_branch_records_the_first_steps_in_order_and_the_applicant_becomes_an_activist,
    |app: TestApp| async move {
        let a = app.world.people["A001"];
        let sec = app.session("seca").await;

        set_birth_date(&app, a, None).await;
        let (status, body) = post(
            &app,
            &sec,
            a,
            json!({"step": "submit_application", "on": "2024.3.1"}),
        )
        .await;
        assert_eq!(status, 422, "no birth date on record: {body}");
        assert!(field_messages(&body).contains("出生日期"), "{body}");

        set_birth_date(&app, a, Some("2006-03-02")).await;
        let (status, body) = post(
            &app,
            &sec,
            a,
            json!({"step": "submit_application", "on": "2024-03-01"}),
        )
        .await;
        assert_eq!(status, 422, "one day short of 18: {body}");
        assert!(field_messages(&body).contains("须年满 18 周岁"), "{body}");
        assert!(
            field_messages(&body).contains("第五条"),
            "the refusal cites the article: {body}"
        );

        set_birth_date(&app, a, Some("2006-03-01")).await;
        let (status, body) = post(
            &app,
            &sec,
            a,
            json!({"step": "submit_application", "on": "2024年3月1日"}),
        )
        .await;
        assert_eq!(status, 201, "{body}");

        let record: Value = serde_json::from_str(
            &app.text(&sec.0, &format!("/api/v1/members/{a}/pipeline"))
                .await,
        )
        .unwrap();
        assert_eq!(record["next"]["step"], "application_talk");
        assert_eq!(
            record["next"]["due"], "2024-04-01",
            "the talk is due a month after the application"
        );

        let (status, body) = post(
            &app,
            &sec,
            a,
            json!({"step": "recommend_activist", "on": "2024-03-20"}),
        )
        .await;
        assert_eq!(status, 422);
        assert!(field_messages(&body).contains("须先记录第 2 步"), "{body}");

        let (status, body) = post(
            &app,
            &sec,
            a,
            json!({"step": "application_talk", "on": "2024-04-02"}),
        )
        .await;
        assert_eq!(status, 422);
        assert!(field_messages(&body).contains("最迟 2024-04-01"), "{body}");
        let (status, _) = post(
            &app,
            &sec,
            a,
            json!({"step": "application_talk", "on": "2024-04-01"}),
        )
        .await;
        assert_eq!(status, 201);
        let (status, _) = post(
            &app,
            &sec,
            a,
            json!({"step": "application_talk", "on": "2024-04-01"}),
        )
        .await;
        assert_eq!(status, 409, "a step is recorded once");

        let (status, body) = post(
            &app,
            &sec,
            a,
            json!({"step": "recommend_activist", "on": "2024-09-01"}),
        )
        .await;
        assert_eq!(status, 201, "{body}");
        let person: Value =
            serde_json::from_str(&app.text(&sec.0, &format!("/api/v1/members/{a}")).await).unwrap();
        assert_eq!(person["political_status"], "party_activist");
        assert_eq!(person["activist_on"], "2024-09-01");
        assert_eq!(person["party_applied_on"], "2024-03-01");
        // The status change is in the audit log with both sides.
        let changes = audited_changes(&app, "pipeline_step").await;
        assert!(
            changes
                .iter()
                .any(|c| c.contains("\"party_applicant\"") && c.contains("\"party_activist\"")),
            "{changes:?}"
        );
    }
);

both_backends!(
    only_an_administrator_overrides_a_refusal_and_only_with_a_reason_which_is_audited,
    |app: TestApp| async move {
        let a = app.world.people["A001"];
        set_birth_date(&app, a, Some("2003-01-01")).await;
        let sec = app.session("seca").await;
        let (status, _) = post(
            &app,
            &sec,
            a,
            json!({"step": "submit_application", "on": "2024-03-01"}),
        )
        .await;
        assert_eq!(status, 201);
        let late = json!({"step": "application_talk", "on": "2024-05-10", "override_reason": "申请人寒假在外实习，经党委同意延后谈话"});

        let (status, body) = post(&app, &sec, a, late.clone()).await;
        assert_eq!(status, 422, "a branch secretary cannot override: {body}");

        let admin = app.session("collegea").await;
        let mut no_reason = late.clone();
        no_reason["override_reason"] = json!("  ");
        let (status, _) = post(&app, &admin, a, no_reason).await;
        assert_eq!(status, 422, "not without a reason");

        let (status, body) = post(&app, &admin, a, late).await;
        assert_eq!(status, 201, "{body}");
        assert_eq!(body["overridden"], true);
        assert!(body["notices"].to_string().contains("已超期"), "{body}");

        let log = app.text(&admin.0, "/audit").await;
        assert!(log.contains("pipeline_override"), "{log:.3000}");
        let record = app
            .text(&admin.0, &format!("/api/v1/members/{a}/pipeline"))
            .await;
        assert!(
            record.contains("经党委同意延后谈话"),
            "the reason stays on the record: {record}"
        );
    }
);

both_backends!(
    another_branch_and_a_student_are_refused,
    |app: TestApp| async move {
        let b = app.world.people["B002"];
        let a = app.world.people["A002"];
        set_birth_date(&app, b, Some("2003-01-01")).await;
        set_birth_date(&app, a, Some("2003-01-01")).await;
        let step = json!({"step": "submit_application", "on": "2024-03-01"});

        let sec = app.session("seca").await;
        let (status, _) = post(&app, &sec, b, step.clone()).await;
        assert_eq!(status, 403, "branch A's secretary on college B's student");
        assert_eq!(
            app.status(&sec.0, &format!("/api/v1/members/{b}/pipeline"))
                .await,
            403
        );

        let stu = app.session("stua").await;
        let (status, _) = post(&app, &stu, a, step.clone()).await;
        assert_eq!(status, 403, "a student records nobody's steps");

        let com = app.session("coma").await;
        let (status, body) = post(&app, &com, a, step).await;
        assert_eq!(status, 201, "a committee member of the branch may: {body}");
        // The refused attempts wrote nothing: the school administrator sees B's record empty.
        let school = app.session("school").await;
        let record: Value = serde_json::from_str(
            &app.text(&school.0, &format!("/api/v1/members/{b}/pipeline"))
                .await,
        )
        .unwrap();
        assert_eq!(
            record["steps"],
            json!([]),
            "nothing recorded for B: {record}"
        );
    }
);

both_backends!(
    a_date_after_today_is_refused_naming_the_date_field,
    |app: TestApp| async move {
        let a = app.world.people["A001"];
        set_birth_date(&app, a, Some("2003-01-01")).await;
        let sec = app.session("seca").await;
        app.clock
            .set_today(chrono::NaiveDate::from_ymd_opt(2024, 3, 1).unwrap());
        let (status, body) = post(
            &app,
            &sec,
            a,
            json!({"step": "submit_application", "on": "2024-03-02"}),
        )
        .await;
        assert_eq!(status, 422, "{body}");
        assert!(
            field_messages(&body).contains("不能晚于今天（2024-03-01）"),
            "{body}"
        );
        let (status, _) = post(
            &app,
            &sec,
            a,
            json!({"step": "submit_application", "on": "2024-03-01"}),
        )
        .await;
        assert_eq!(status, 201, "today itself is accepted");
    }
);

both_backends!(
    the_branch_cannot_record_the_higher_committees_steps_and_the_organiser_can,
    |app: TestApp| async move {
        use redbranch_db::people::PersonId;
        use redbranch_db::pipeline::{NewStep, record};
        use redbranch_domain::pipeline::Step;
        let a = app.world.people["A001"];
        let by = app.world.users["seca"];
        // Steps 1–12 already on the record, as a branch would have them before 预审.
        for n in 1..=12 {
            let new = NewStep {
                step: Step::from_number(n).unwrap(),
                on: chrono::NaiveDate::from_ymd_opt(2024, 1, u32::from(n)).unwrap(),
                details: json!({}),
                override_reason: None,
                by,
            };
            record(&app.db.conn, app.world.tenant, PersonId(a), new, None)
                .await
                .unwrap();
        }
        let pre_review = json!({"step": "pre_review", "on": "2024-06-05"});
        let sec = app.session("seca").await;
        let (status, body) = post(&app, &sec, a, pre_review.clone()).await;
        assert_eq!(status, 403, "a branch secretary records no 预审: {body}");
        let page = app.text(&sec.0, &format!("/members/{a}/pipeline")).await;
        assert!(
            page.contains("下一步由上级党委") && !page.contains("id=\"next-step\""),
            "the branch sees the step is the higher committee's, with no form"
        );
        let organiser = app.session("organiser").await;
        let (status, body) = post(&app, &organiser, a, pre_review).await;
        assert_eq!(status, 201, "{body}");
    }
);
