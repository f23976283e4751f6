//! The League side of issue #3 through the API: a person walked through 发展团员, refusals that
//! name their rule, 推优大会 refused for quorum, quota and eligibility, the Party branch's
//! decision making 积极分子 possible, and the boundaries between branches and roles.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers outside #[test] functions: a step that fails is a failed test"
)]

use redbranch_testkit::{Session, TestApp, both_backends, field_messages};
use serde_json::{Value, json};

async fn get(app: &TestApp, (c, _): &Session, path: &str) -> Value {
    serde_json::from_str(&app.text(c, path).await).unwrap()
}

/// Makes `person` a candidate for 推优: born 2003, a 团员 since 2019, applied to the Party on
/// `applied`.
async fn eligible(app: &TestApp, person: i64, applied: &str) {
    app.sql(&format!(
        "UPDATE people SET birth_date = '2003-01-01', league_joined_on = '2019-05-04', \
             party_applied_on = '{applied}' WHERE id = {person}"
    ))
    .await;
}

/// The school allows 50 % of a branch to be recommended: LA1's three members give a quota of 1.
async fn half_quota(app: &TestApp) {
    app.sql(&format!(
            "UPDATE tenants SET settings = '{{\"league\": {{\"recommend_quota_percent\": 50}}}}' WHERE id = {}",
            app.world.tenant.0
        ),
    )
    .await;
}

fn recs_path(app: &TestApp, org: &str) -> String {
    format!("/api/v1/orgs/{}/recommendations", app.world.org(org).id)
}

both_backends!(
    a_young_person_is_walked_through_joining_the_league,
    |app: TestApp| async move {
        let a = app.world.person("A001");
        let (intro1, intro2) = (app.world.person("A002"), app.world.person("A003"));
        app.sql(&format!("UPDATE people SET political_status = 'masses', birth_date = '2008-01-01', league_joined_on = NULL WHERE id = {a}"),
        )
        .await;
        let sec = app.session("seca").await;
        let path = format!("/api/v1/members/{a}/league");
        let step = |s: &str, on: &str| json!({"step": s, "on": on});

        let (status, body) = app
            .post_json(&sec, &path, step("submit_application", "2021-12-31"))
            .await;
        assert_eq!(status, 422, "13 years old: {body}");
        assert!(field_messages(&body).contains("须年满 14 周岁"), "{body}");

        for (s, on) in [
            ("submit_application", "2024-03-01"),
            ("application_talk", "2024-03-20"),
            ("decide_activist", "2024-04-01"),
        ] {
            let (status, body) = app.post_json(&sec, &path, step(s, on)).await;
            assert_eq!(status, 201, "{s}: {body}");
        }
        let record = get(&app, &sec, &path).await;
        assert_eq!(record["next"]["step"], "training");
        assert_eq!(record["next"]["due"], "2024-07-01");

        let (status, body) = app
            .post_json(
                &sec,
                &path,
                json!({"step": "training", "on": "2024-06-30", "class_hours": 8}),
            )
            .await;
        assert_eq!(status, 422);
        assert!(
            field_messages(&body).contains("2024-07-01 起方可完成培养"),
            "{body}"
        );
        let (status, body) = app
            .post_json(
                &sec,
                &path,
                json!({"step": "training", "on": "2024-07-01", "class_hours": 8}),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        let (status, _) = app
            .post_json(&sec, &path, step("decide_target", "2024-07-10"))
            .await;
        assert_eq!(status, 201);
        let (status, _) = app.post_json(&sec,
            &path,
            json!({"step": "assign_introducers", "on": "2024-07-11", "introducers": [intro1, intro2]}),
        )
        .await;
        assert_eq!(status, 201, "a 团员 and a Party member introduce");
        let (status, body) = app.post_json(&sec,
            &path,
            json!({"step": "branch_meeting", "on": "2024-07-12", "entitled": 30, "present": 31, "yes": 20}),
        )
        .await;
        assert_eq!(status, 422, "{body}");
        assert!(field_messages(&body).contains("实到不能多于应到"), "{body}");
        let (status, _) = app.post_json(&sec,
            &path,
            json!({"step": "branch_meeting", "on": "2024-07-12", "entitled": 30, "present": 20, "yes": 16}),
        )
        .await;
        assert_eq!(status, 201);
        let (status, body) = app
            .post_json(&sec, &path, step("approval", "2024-07-20"))
            .await;
        assert_eq!(status, 422);
        assert!(field_messages(&body).contains("发展团员编号"), "{body}");
        let (status, body) = app
            .post_json(
                &sec,
                &path,
                json!({"step": "approval", "on": "2024-07-20", "league_no": "２０２４ 0720 0001"}),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        assert_eq!(body["league_no"], "202407200001");
        let (status, _) = app.post_json(&sec, &path, step("oath", "2024-07-20")).await;
        assert_eq!(status, 201);

        let person = get(&app, &sec, &format!("/api/v1/members/{a}")).await;
        assert_eq!(person["political_status"], "league_member");
        assert_eq!(person["league_joined_on"], "2024-07-20");
        let admin = app.session("collegea").await;
        assert!(app.text(&admin.0, "/audit").await.contains("league_step"));
    }
);

both_backends!(
    a_recommendation_meeting_is_refused_for_quorum_quota_and_an_ineligible_candidate,
    |app: TestApp| async move {
        half_quota(&app).await;
        let (a, b) = (app.world.person("A001"), app.world.person("A002"));
        eligible(&app, a, "2024-04-01").await;
        eligible(&app, b, "2024-01-01").await;
        let sec = app.session("seca").await;
        let path = recs_path(&app, "LA1");
        let meeting = |present: u32, yes_a: u32, yes_b: u32| {
            json!({"on": "2024-10-08", "entitled": 3, "present": present,
                "candidates": [{"person_id": a, "yes": yes_a}, {"person_id": b, "yes": yes_b}]})
        };

        let (status, body) = app.post_json(&sec, &path, meeting(1, 1, 1)).await;
        assert_eq!(status, 422, "{body}");
        assert!(
            field_messages(&body).contains("至少须到 2 人，实到 1 人"),
            "{body}"
        );

        let (status, body) = app.post_json(&sec, &path, meeting(3, 3, 3)).await;
        assert_eq!(status, 422, "{body}");
        assert!(
            field_messages(&body).contains("最多推优 1 人，本次通过 2 人"),
            "{body}"
        );

        eligible(&app, a, "2024-04-09").await;
        let (status, body) = app.post_json(&sec, &path, meeting(3, 3, 1)).await;
        assert_eq!(status, 422, "{body}");
        let m = field_messages(&body);
        assert!(
            m.contains("张伟") && m.contains("递交入党申请书满 6 个月"),
            "{m}"
        );

        let listed = get(&app, &sec, &path).await;
        assert_eq!(
            listed["meetings"],
            json!([]),
            "refused meetings wrote nothing"
        );

        eligible(&app, a, "2024-04-08").await;
        let (status, body) = app.post_json(&sec, &path, meeting(3, 3, 1)).await;
        assert_eq!(status, 201, "the day six months on counts: {body}");
        assert_eq!(body["quota"], 1);
        assert_eq!(body["candidates"][0]["passed"], true);
        assert_eq!(body["candidates"][0]["valid_until"], "2026-10-08");
        assert_eq!(
            body["candidates"][1]["passed"], false,
            "1 of 3 is no majority"
        );
    }
);

both_backends!(
    an_accepted_recommendation_lets_a_young_league_member_become_an_activist,
    |app: TestApp| async move {
        half_quota(&app).await;
        let a = app.world.person("A001");
        eligible(&app, a, "2024-01-01").await;
        let sec = app.session("seca").await;
        let party = format!("/api/v1/members/{a}/pipeline");
        for (s, on) in [
            ("submit_application", "2024-01-01"),
            ("application_talk", "2024-01-15"),
        ] {
            let (status, body) = app
                .post_json(&sec, &party, json!({"step": s, "on": on}))
                .await;
            assert_eq!(status, 201, "{body}");
        }
        let activist = json!({"step": "recommend_activist", "on": "2024-10-10"});
        let (status, body) = app.post_json(&sec, &party, activist.clone()).await;
        assert_eq!(status, 422, "no 推优 yet: {body}");
        assert!(
            field_messages(&body).contains("一般应从团员推优中产生"),
            "{body}"
        );

        let (status, body) = app.post_json(&sec,
            &recs_path(&app, "LA1"),
            json!({"on": "2024-10-08", "entitled": 3, "present": 3, "candidates": [{"person_id": a, "yes": 3}]}),
        )
        .await;
        assert_eq!(status, 201, "{body}");
        let rec = body["candidates"][0]["id"].as_i64().unwrap();
        let (status, _) = app.post_json(&sec, &party, activist.clone()).await;
        assert_eq!(
            status, 422,
            "recommended but not yet accepted by the Party branch"
        );

        let pending = get(&app, &sec, &recs_path(&app, "PA1")).await;
        assert_eq!(pending["recommendations"][0]["id"], rec, "{pending}");

        let com = app.session("coma").await;
        let decision = format!("/api/v1/recommendations/{rec}/decision");
        let (status, body) = app
            .post_json(
                &com,
                &decision,
                json!({"decision": "accepted", "on": "2024-10-07"}),
            )
            .await;
        assert_eq!(status, 422, "before the meeting: {body}");
        let (status, body) = app
            .post_json(
                &com,
                &decision,
                json!({"decision": "accepted", "on": "2024-10-09"}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["decision"], "accepted");
        let (status, _) = app
            .post_json(
                &com,
                &decision,
                json!({"decision": "declined", "on": "2024-10-09"}),
            )
            .await;
        assert_eq!(status, 409, "decided once");

        let (status, body) = app.post_json(&sec, &party, activist).await;
        assert_eq!(status, 201, "{body}");
        let record = get(&app, &sec, &format!("/api/v1/members/{a}/league")).await;
        assert_eq!(record["recommendations"][0]["decision"], "accepted");
    }
);

both_backends!(
    other_colleges_other_branches_and_students_are_refused,
    |app: TestApp| async move {
        let (a, b) = (app.world.person("A001"), app.world.person("B002"));
        half_quota(&app).await;
        eligible(&app, b, "2024-01-01").await;
        app.sql(&format!(
            "UPDATE people SET birth_date = '2008-01-01' WHERE id = {a}"
        ))
        .await;
        let step = json!({"step": "submit_application", "on": "2024-03-01"});
        let b_meeting = json!({"on": "2024-10-08", "entitled": 3, "present": 3, "candidates": [{"person_id": b, "yes": 3}]});

        let stu = app.session("stua").await;
        let (status, _) = app
            .post_json(&stu, &format!("/api/v1/members/{a}/league"), step.clone())
            .await;
        assert_eq!(status, 403, "a student records nobody's League steps");
        let (status, _) = app
            .post_json(&stu, &recs_path(&app, "LA1"), b_meeting.clone())
            .await;
        assert_eq!(status, 403, "a student holds no 推优大会");

        let sec = app.session("seca").await;
        let (status, _) = app
            .post_json(&sec, &format!("/api/v1/members/{b}/league"), step.clone())
            .await;
        assert_eq!(status, 403, "branch A's secretary on college B's student");
        let (status, _) = app
            .post_json(&sec, &recs_path(&app, "LB1"), b_meeting.clone())
            .await;
        assert_eq!(status, 403, "branch A's secretary on branch B's meeting");

        let college_a = app.session("collegea").await;
        let (status, _) = app
            .post_json(&college_a, &recs_path(&app, "LB1"), b_meeting.clone())
            .await;
        assert_eq!(status, 403, "college A's admin on college B");
        assert_eq!(app.status(&college_a.0, &recs_path(&app, "LB1")).await, 403);

        let (status, _) = app
            .post_json(&college_a, &recs_path(&app, "LA"), b_meeting.clone())
            .await;
        assert_eq!(status, 400, "only a League branch holds a 推优大会");

        let coma = app.session("coma").await;
        let (status, _) = app
            .post_json(&coma, &format!("/api/v1/members/{a}/league"), step)
            .await;
        assert_eq!(
            status, 403,
            "a Party committee member has no say in the League"
        );

        let school = app.session("school").await;
        let (status, body) = app
            .post_json(&school, &recs_path(&app, "LB1"), b_meeting)
            .await;
        assert_eq!(status, 201, "{body}");
        let rec = body["candidates"][0]["id"].as_i64().unwrap();
        let decision = format!("/api/v1/recommendations/{rec}/decision");
        let accept = json!({"decision": "accepted", "on": "2024-10-09"});
        for who in [&college_a, &sec, &stu] {
            let (status, _) = app.post_json(who, &decision, accept.clone()).await;
            assert_eq!(status, 403, "only B's Party side decides on B");
        }
        let (status, _) = app.post_json(&school, &decision, accept).await;
        assert_eq!(status, 200);
    }
);
