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

        let res = sec
            .post(app.url(&path))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("step", "talk"),
                ("on", "2023-04-20"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 422);
        let page = res.text().await.unwrap();
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
