//! 党纪处分 through HTTP on both databases: an organiser records 留党察看, the introducer it hits
//! is refused at step 9 naming 细则 第十四条 until the period is over, and a branch secretary
//! can neither read nor write the records; an expulsion ends membership, and a record withdrawn
//! with a reason stays marked and counts for nothing.

use redbranch_testkit::{TestApp, both_backends, field_messages};
use serde_json::json;

fn discipline_path(person: i64) -> String {
    format!("/api/v1/members/{person}/discipline")
}

both_backends!(
    an_introducer_under_party_probation_is_refused_until_the_period_ends,
    |app: TestApp| async move {
        let a = app.world.person("A001");
        let (li_na, yang_lei) = (app.world.person("A003"), app.world.person("B003"));
        app.sql(&format!(
            "UPDATE people SET political_status = 'masses', birth_date = '2003-01-09' WHERE id = {a}"
        ))
        .await;
        app.clock
            .set_today(chrono::NaiveDate::from_ymd_opt(2024, 7, 1).unwrap());
        let sec = app.session("seca").await;
        let pipeline = format!("/api/v1/members/{a}/pipeline");
        for (step, on) in [
            ("submit_application", "2022-03-01"),
            ("application_talk", "2022-03-15"),
            ("recommend_activist", "2022-04-01"),
            ("file_activist", "2022-04-02"),
            ("assign_cultivators", "2022-04-03"),
            ("cultivate_activist", "2022-04-04"),
            ("determine_target", "2023-04-01"),
            ("file_target", "2023-04-02"),
        ] {
            let body = json!({"step": step, "on": on, "cultivators": [li_na]});
            let (status, body) = app.post_json(&sec, &pipeline, body).await;
            assert_eq!(status, 201, "{step}: {body}");
        }

        // 李娜 was put on one year's 留党察看 on 2023-06-01: under it to 2024-06-01 inclusive.
        let organiser = app.session("organiser").await;
        let (status, body) = app
            .post_json(
                &organiser,
                &discipline_path(li_na),
                json!({"kind": "probation", "decided_on": "2023-06-01", "probation_years": 1,
                    "decided_by_org": app.world.org("PA").id, "document_no": "甲党纪〔2023〕3号",
                    "reason": "违反组织纪律"}),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        assert_eq!(body["period_ends"], "2024-06-01");
        assert_eq!(
            app.count("audit_log WHERE action = 'discipline_record'")
                .await,
            1
        );

        let introducers = |on: &str| json!({"step": "assign_introducers", "on": on, "introducers": [li_na, yang_lei]});
        let (status, body) = app
            .post_json(&sec, &pipeline, introducers("2024-06-01"))
            .await;
        assert_eq!(status, 422, "the last day of the period: {body}");
        let m = field_messages(&body);
        assert!(
            m.contains("第 1 位入党介绍人受留党察看处分") && m.contains("第十四条"),
            "{m}"
        );
        let (status, body) = app
            .post_json(&sec, &pipeline, introducers("2024-06-02"))
            .await;
        assert_eq!(status, 201, "the day after the period: {body}");
    }
);

both_backends!(
    discipline_records_are_refused_to_a_branch_secretary_and_checked_on_the_page,
    |app: TestApp| async move {
        let li_na = app.world.person("A003");
        let yang_lei = app.world.person("B003");
        let record =
            json!({"kind": "warning", "decided_on": "2024-01-10", "reason": "无故不参加组织生活"});

        let sec = app.session("seca").await;
        let (status, _) = app
            .post_json(&sec, &discipline_path(li_na), record.clone())
            .await;
        assert_eq!(status, 403, "a branch secretary records no discipline");
        assert_eq!(app.status(&sec.0, &discipline_path(li_na)).await, 403);
        let page = format!("/members/{li_na}/discipline");
        assert_eq!(app.status(&sec.0, &page).await, 403, "nor reads it");
        let profile = app.text(&sec.0, &format!("/members/{li_na}")).await;
        assert!(!profile.contains(&page), "and is not offered the link");

        let organiser = app.session("organiser").await;
        let (status, _) = app
            .post_json(&organiser, &discipline_path(yang_lei), record.clone())
            .await;
        assert_eq!(status, 403, "college A's organiser on college B's member");
        assert!(
            app.text(&organiser.0, &format!("/members/{li_na}"))
                .await
                .contains(&page)
        );

        // The page: 留党察看 without its period is refused under the field, the text kept.
        let csrf = app.csrf(&organiser.0, &page).await;
        let (status, html) = app
            .post_form(
                &organiser.0,
                &page,
                &[
                    ("_csrf", csrf.as_str()),
                    ("kind", "probation"),
                    ("decided_on", "2024-01-10"),
                    ("probation_years", ""),
                    ("reason", "违反组织纪律，情节较重"),
                ],
            )
            .await;
        assert_eq!(status, 422);
        assert!(
            html.contains("留党察看期限须为一年或二年") && html.contains("违反组织纪律，情节较重"),
            "{html:.6000}"
        );
        let status = app
            .post_status(
                &organiser.0,
                &page,
                &[
                    ("_csrf", csrf.as_str()),
                    ("kind", "probation"),
                    ("decided_on", "2024-01-10"),
                    ("probation_years", "2"),
                    ("reason", "违反组织纪律，情节较重"),
                ],
            )
            .await;
        assert_eq!(status, 303);
        let html = app.text(&organiser.0, &page).await;
        assert!(
            html.contains("留党察看 2 年，至 2026-01-10 期满"),
            "{html:.6000}"
        );
        let (status, list) = app.get_json(&organiser, &discipline_path(li_na)).await;
        assert_eq!(status, 200);
        assert_eq!(list["records"][0]["probation_years"], 2);

        // Rights restored: not before the period's last day (2026-01-10), and once.
        app.clock
            .set_today(chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap_or_default());
        let rec = list["records"][0]["id"].as_i64().unwrap_or_default();
        let restore = format!("{page}/{rec}/restore");
        let form = [("_csrf", csrf.as_str()), ("restored_on", "2026-01-09")];
        let (status, html) = app.post_form(&organiser.0, &restore, &form).await;
        assert_eq!(status, 422);
        assert!(html.contains("早于察看期满日 2026-01-10"), "{html:.6000}");
        let path = format!("{}/{rec}/restore", discipline_path(li_na));
        let (status, _) = app
            .post_json(&sec, &path, json!({"restored_on": "2026-01-10"}))
            .await;
        assert_eq!(status, 403, "nor restores rights");
        let (status, body) = app
            .post_json(&organiser, &path, json!({"restored_on": "2026-01-10"}))
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["restored_on"], "2026-01-10");
        let (status, _) = app
            .post_json(&organiser, &path, json!({"restored_on": "2026-01-11"}))
            .await;
        assert_eq!(status, 409, "restored once");
        assert_eq!(
            app.count("audit_log WHERE action = 'discipline_restored'")
                .await,
            1
        );
    }
);

both_backends!(
    expulsion_ends_party_membership_and_a_warning_does_not,
    |app: TestApp| async move {
        let (li_na, wang_fang) = (app.world.person("A003"), app.world.person("A002"));
        let organiser = app.session("organiser").await;
        let status = |p: i64| {
            let app = &app;
            async move {
                app.count(&format!(
                    "people WHERE id = {p} AND political_status = 'masses'"
                ))
                .await
            }
        };
        let before = app
            .count(&format!(
                "people WHERE id = {wang_fang} AND political_status = 'party_member'"
            ))
            .await;
        let (code, body) = app
            .post_json(
                &organiser,
                &discipline_path(wang_fang),
                json!({"kind": "warning", "decided_on": "2024-03-01", "reason": "无故不参加组织生活"}),
            )
            .await;
        assert_eq!(code, 201, "{body}");
        assert_eq!(
            app.count(&format!(
                "people WHERE id = {wang_fang} AND political_status = 'party_member'"
            ))
            .await,
            before,
            "a warning leaves the status as it was"
        );
        assert_eq!(status(li_na).await, 0);
        let page = app
            .text(&organiser.0, &format!("/members/{li_na}/discipline"))
            .await;
        assert!(
            page.contains("政治面貌改为“群众”"),
            "the form says what an expulsion does"
        );
        let (code, body) = app
            .post_json(
                &organiser,
                &discipline_path(li_na),
                json!({"kind": "expulsion", "decided_on": "2024-03-01", "reason": "严重违纪"}),
            )
            .await;
        assert_eq!(code, 201, "{body}");
        assert_eq!(status(li_na).await, 1, "开除党籍: 李娜 is 群众 now");
        let (_, shown) = app
            .get_json(&organiser, &format!("/api/v1/members/{li_na}"))
            .await;
        assert_eq!(shown["political_status"], "masses", "{shown}");
        assert_eq!(
            app.count("audit_log WHERE action = 'discipline_record' AND after_value LIKE '%membership_ended\":true%'")
                .await,
            1,
            "the audit entry says the membership ended"
        );
    }
);

both_backends!(
    a_record_withdrawn_with_a_reason_stays_marked_and_counts_for_nothing,
    |app: TestApp| async move {
        let li_na = app.world.person("A003");
        let is_member = |status: &'static str| {
            let app = &app;
            async move {
                app.count(&format!(
                    "people WHERE id = {li_na} AND political_status = '{status}'"
                ))
                .await
            }
        };
        app.clock
            .set_today(chrono::NaiveDate::from_ymd_opt(2024, 7, 1).unwrap_or_default());
        let organiser = app.session("organiser").await;
        let path = discipline_path(li_na);
        let (code, probation) = app
            .post_json(
                &organiser,
                &path,
                json!({"kind": "probation", "decided_on": "2024-03-01", "probation_years": 2,
                    "reason": "违反组织纪律"}),
            )
            .await;
        assert_eq!(code, 201, "{probation}");
        let (code, expulsion) = app
            .post_json(
                &organiser,
                &path,
                json!({"kind": "expulsion", "decided_on": "2024-03-02", "reason": "录错了人"}),
            )
            .await;
        assert_eq!(code, 201, "{expulsion}");
        assert_eq!(is_member("masses").await, 1);
        let (_, list) = app.get_json(&organiser, &path).await;
        assert_eq!(list["under_probation_today"], true, "{list}");

        // Refused: a branch secretary, and a withdrawal without a reason.
        let withdraw = |rec: &serde_json::Value| format!("{path}/{}/withdraw", rec["id"]);
        let sec = app.session("seca").await;
        let (code, _) = app
            .post_json(&sec, &withdraw(&expulsion), json!({"reason": "录入有误"}))
            .await;
        assert_eq!(code, 403, "a branch secretary withdraws nothing");
        let (code, body) = app
            .post_json(&organiser, &withdraw(&expulsion), json!({"reason": "  "}))
            .await;
        assert_eq!(code, 422);
        assert!(field_messages(&body).contains("撤销理由：必填"), "{body}");
        assert_eq!(is_member("masses").await, 1, "nothing changed");

        // Withdrawn: the status the expulsion ended comes back; once only.
        let (code, body) = app
            .post_json(
                &organiser,
                &withdraw(&expulsion),
                json!({"reason": "录入有误：应为王芳的记录"}),
            )
            .await;
        assert_eq!(code, 200, "{body}");
        assert_eq!(body["withdrawn_reason"], "录入有误：应为王芳的记录");
        assert_eq!(is_member("party_member").await, 1, "李娜 is a 党员 again");
        let (code, _) = app
            .post_json(
                &organiser,
                &withdraw(&expulsion),
                json!({"reason": "再撤一次"}),
            )
            .await;
        assert_eq!(code, 409, "withdrawn once");

        // The page: the probation withdrawn through its form, revoked on appeal; both records
        // stay, marked, and the person is under no 留党察看 any more.
        let page = format!("/members/{li_na}/discipline");
        let csrf = app.csrf(&organiser.0, &page).await;
        let form = format!("{page}/{}/withdraw", probation["id"]);
        let (code, html) = app
            .post_form(
                &organiser.0,
                &form,
                &[("_csrf", csrf.as_str()), ("reason", "")],
            )
            .await;
        assert_eq!(code, 422);
        assert!(html.contains("撤销理由：必填"), "{html:.6000}");
        let code = app
            .post_status(
                &organiser.0,
                &form,
                &[
                    ("_csrf", csrf.as_str()),
                    ("reason", "经申诉，上级党委撤销该处分决定"),
                ],
            )
            .await;
        assert_eq!(code, 303);
        let html = app.text(&organiser.0, &page).await;
        assert!(
            html.contains("撤销：经申诉，上级党委撤销该处分决定")
                && html.contains("撤销：录入有误：应为王芳的记录")
                && !html.contains("留党察看中"),
            "{html:.6000}"
        );
        let (_, list) = app.get_json(&organiser, &path).await;
        assert_eq!(list["under_probation_today"], false, "{list}");
        let (code, body) = app
            .post_json(
                &organiser,
                &format!("{path}/{}/restore", probation["id"]),
                json!({"restored_on": "2024-07-01"}),
            )
            .await;
        assert_eq!(
            code, 409,
            "a withdrawn 留党察看 has no rights to restore: {body}"
        );
        assert_eq!(body["error"]["code"], "already_withdrawn");
        assert_eq!(list["records"].as_array().map(Vec::len), Some(2));
        assert_eq!(
            app.count("audit_log WHERE action = 'discipline_withdrawn'")
                .await,
            2
        );
    }
);
