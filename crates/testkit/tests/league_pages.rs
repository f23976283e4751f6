//! The League record page: the branch records 入团 steps through the plain form, a refusal keeps
//! the form with the rule's message, and a student cannot record or read another's record.

use redbranch_testkit::{TestApp, both_backends};

both_backends!(
    the_league_branch_records_through_the_page_and_a_refusal_keeps_the_form,
    |app: TestApp| async move {
        let a = app.world.people["A002"];
        app.sql(&format!(
            "UPDATE people SET political_status = 'masses', birth_date = '2005-01-01' \
                 WHERE id = {a}"
        ))
        .await;
        app.clock
            .set_today(chrono::NaiveDate::from_ymd_opt(2023, 5, 1).unwrap());
        let sec = app.as_user("seca").await;
        let path = format!("/members/{a}/league");
        let csrf = app.csrf(&sec, &path).await;
        let status = app
            .post_status(
                &sec,
                &path,
                &[
                    ("_csrf", csrf.as_str()),
                    ("step", "submit_application"),
                    ("on", "2023-03-01"),
                ],
            )
            .await;
        assert_eq!(status, 303);
        let page = app.text(&sec, &path).await;
        assert!(page.contains("2023-03-01"), "{page:.3000}");

        let (status, page) = app
            .post_form(
                &sec,
                &path,
                &[
                    ("_csrf", csrf.as_str()),
                    ("step", "talk"),
                    ("on", "2023-04-20"),
                ],
            )
            .await;
        assert_eq!(status, 422);
        assert!(
            page.contains("2023-04-20") && page.contains("field-error"),
            "the refusal names the rule under the form and keeps the date: {page:.4000}"
        );

        let student = app.as_user("stua").await;
        let own = app.world.people["A001"];
        assert_eq!(
            app.status(&student, &format!("/members/{own}/league"))
                .await,
            200
        );
        assert_eq!(app.status(&student, &path).await, 403, "not a classmate's");
        let csrf = app.csrf(&student, "/me").await;
        let status = app
            .post_status(
                &student,
                &format!("/members/{own}/league"),
                &[
                    ("_csrf", csrf.as_str()),
                    ("step", "submit_application"),
                    ("on", "2023-03-01"),
                ],
            )
            .await;
        assert_eq!(
            status, 403,
            "a student records nothing, not even on their own record"
        );
    }
);

/// Makes `person` a candidate for 推优 (born 2003, a 团员 since 2019, applied on `applied`), and
/// lets the school recommend half a branch: LA1's three members give a quota of 1.
async fn ready_for_recommendation(app: &TestApp, person: i64, applied: &str) {
    app.sql(&format!(
        "UPDATE people SET birth_date = '2003-01-01', league_joined_on = '2019-05-04', \
             party_applied_on = '{applied}' WHERE id = {person}"
    ))
    .await;
    app.sql(&format!(
        "UPDATE tenants SET settings = '{{\"league\": {{\"recommend_quota_percent\": 50}}}}' \
             WHERE id = {}",
        app.world.tenant.0
    ))
    .await;
    app.clock
        .set_today(chrono::NaiveDate::from_ymd_opt(2024, 10, 20).unwrap_or_default());
}

both_backends!(
    a_league_secretary_holds_a_recommendation_meeting_and_the_party_branch_accepts_through_the_pages,
    |app: TestApp| async move {
        let a = app.world.person("A001");
        ready_for_recommendation(&app, a, "2024-01-01").await;
        let (la1, pa1) = (app.world.org("LA1").id, app.world.org("PA1").id);
        let sec = app.as_user("seca").await;

        let org_page = app.text(&sec, &format!("/orgs/{la1}")).await;
        assert!(
            org_page.contains(&format!("/orgs/{la1}/recommendations")),
            "the League branch's page links to its 推优大会"
        );
        let path = format!("/orgs/{la1}/recommendations");
        let page = app.text(&sec, &path).await;
        assert!(
            page.contains("召开推优大会") && page.contains("张伟"),
            "{page:.3000}"
        );
        let csrf = app.csrf(&sec, &path).await;
        let yes_a = format!("yes_{a}");
        let a_id = a.to_string();
        let meeting = |present: &'static str| {
            vec![
                ("_csrf", csrf.clone()),
                ("on", "2024-10-08".to_string()),
                ("entitled", "3".to_string()),
                ("present", present.to_string()),
                ("candidate", a_id.clone()),
                (yes_a.as_str(), "2".to_string()),
            ]
        };
        let (status, page) = app.post_form(&sec, &path, &meeting("1")).await;
        assert_eq!(status, 422);
        assert!(
            page.contains("至少须到 2 人，实到 1 人") && page.contains("学校推优入党办法"),
            "the quorum rule is shown with its source: {page:.5000}"
        );
        assert!(
            page.contains("value=\"2024-10-08\"")
                && page.contains(&format!("value=\"{a}\" checked"))
                && page.contains(&format!("name=\"yes_{a}\" inputmode=\"numeric\" value=\"2\"")),
            "what was typed is kept: {page:.6000}"
        );
        assert_eq!(app.count("league_recommendation_meetings").await, 0);

        let (status, _) = app.post_form(&sec, &path, &meeting("3")).await;
        assert_eq!(status, 303);
        let page = app.text(&sec, &path).await;
        assert!(
            page.contains("2024-10-08") && page.contains("推优大会通过") && page.contains("待党支部决定"),
            "{page:.5000}"
        );

        // The Party side: the branch committee member decides for PA1.
        let com = app.as_user("coma").await;
        let decide = format!("/orgs/{pa1}/recommendations");
        assert!(
            app.text(&com, &format!("/orgs/{pa1}"))
                .await
                .contains(&decide)
        );
        let page = app.text(&com, &decide).await;
        assert!(page.contains("张伟") && page.contains("接受"), "{page:.4000}");
        let rec = app.scalar("SELECT MAX(id) FROM league_recommendations").await;
        let action = format!("{decide}/{rec}/decision");
        let csrf = app.csrf(&com, &decide).await;
        let (status, page) = app.post_form(&com, &action, &[
                ("_csrf", csrf.as_str()),
                ("on", "2024-10-09"),
                ("reason", ""),
                ("decision", "declined"),
            ]).await;
        assert_eq!(status, 422);
        assert!(
            page.contains("不接受推优须写明理由") && page.contains("value=\"2024-10-09\""),
            "{page:.4000}"
        );
        let status = app
            .post_status(
                &com,
                &action,
                &[
                    ("_csrf", csrf.as_str()),
                    ("on", "2024-10-09"),
                    ("reason", ""),
                    ("decision", "accepted"),
                ],
            )
            .await;
        assert_eq!(status, 303);
        assert!(
            app.text(&com, &decide).await.contains("党支部已接受"),
            "the list shows the decision"
        );
        assert!(app.text(&sec, &path).await.contains("党支部已接受"));
        let audited = app
            .count("audit_log WHERE action = 'league_recommendation_decision'")
            .await;
        assert_eq!(audited, 1);
    }
);

both_backends!(
    another_branchs_secretary_is_refused_on_both_recommendation_pages,
    |app: TestApp| async move {
        let a = app.world.person("A001");
        ready_for_recommendation(&app, a, "2024-01-01").await;
        let (la1, pa1) = (app.world.org("LA1").id, app.world.org("PA1").id);
        let sec = app.as_user("seca").await;
        let path = format!("/orgs/{la1}/recommendations");
        let csrf = app.csrf(&sec, &path).await;
        let a_id = a.to_string();
        let yes_a = format!("yes_{a}");
        let form = [
            ("_csrf", csrf.as_str()),
            ("on", "2024-10-08"),
            ("entitled", "3"),
            ("present", "3"),
            ("candidate", a_id.as_str()),
            (yes_a.as_str(), "3"),
        ];
        assert_eq!(app.post_status(&sec, &path, &form).await, 303);
        let rec = app
            .scalar("SELECT MAX(id) FROM league_recommendations")
            .await;

        app.add_user(
            "secb",
            Some(app.world.person("B003")),
            redbranch_domain::authz::Role::BranchSecretary,
            &["PB1", "LB1"],
        )
        .await;
        let other = app.as_user("secb").await;
        let csrf = app.csrf(&other, "/me").await;
        assert_eq!(app.status(&other, &path).await, 403);
        let mut form = form;
        form[0].1 = csrf.as_str();
        assert_eq!(
            app.post_status(&other, &path, &form).await,
            403,
            "branch B's secretary holds no meeting for branch A"
        );
        let decide = format!("/orgs/{pa1}/recommendations");
        assert_eq!(app.status(&other, &decide).await, 403);
        let decision = [
            ("_csrf", csrf.as_str()),
            ("on", "2024-10-09"),
            ("decision", "accepted"),
        ];
        assert_eq!(
            app.post_status(&other, &format!("{decide}/{rec}/decision"), &decision)
                .await,
            403
        );
        let pb1 = app.world.org("PB1").id;
        assert_eq!(
            app.post_status(
                &other,
                &format!("/orgs/{pb1}/recommendations/{rec}/decision"),
                &decision
            )
            .await,
            403,
            "nor through their own branch's address"
        );
        assert_eq!(
            app.scalar("SELECT COUNT(*) FROM league_recommendations WHERE decision IS NOT NULL")
                .await,
            0
        );
    }
);
