//! A course's study rate per org through HTTP: members who completed every timed lesson ÷
//! members, rolled up from the branch to the college, the college's branches ranked; read by
//! those who oversee the members or write the courses, only for orgs the course reaches.

use redbranch_testkit::coursekit::{read_through, two_article_course};
use redbranch_testkit::{TestApp, both_backends};
use serde_json::Value;

both_backends!(
    the_study_rate_counts_those_who_completed_every_lesson_rolled_up_to_the_college,
    |app: TestApp| async move {
        let school = app.session("school").await;
        let (course, [first, second]) = two_article_course(&app, &school).await;
        app.away_from_midnight();
        // A001 reads both articles, A002 only the first: one of PA1's three has completed.
        let stua = app.session("stua").await;
        read_through(&app, &stua, first).await;
        read_through(&app, &stua, second).await;
        let coma = app.session("coma").await;
        read_through(&app, &coma, first).await;

        let college = app.session("collegea").await;
        let pa = app.world.org("PA").id;
        let (s, v): (u16, Value) = app
            .get_json(
                &college,
                &format!("/api/v1/courses/{course}/study?org={pa}"),
            )
            .await;
        assert_eq!(s, 200, "{v}");
        assert_eq!(
            (
                v["rows"][0]["members"].as_i64(),
                v["rows"][0]["completed"].as_i64()
            ),
            (Some(3), Some(1)),
            "the college rolls up its branch: {v}"
        );
        assert_eq!(v["children"][0]["name"], "甲学院学生第一党支部");
        assert_eq!(v["children"][0]["rate_permille"], 333);
        let page = app
            .text(
                &college.0,
                &format!("/learn/courses/{course}/study?org={pa}"),
            )
            .await;
        assert!(
            page.contains("33.3%") && page.contains("甲学院学生第一党支部"),
            "{page}"
        );
        // The branch's secretary reads their branch; the course page links there for authors.
        let seca = app.session("seca").await;
        let pa1 = app.world.org("PA1").id;
        let (s, v) = app
            .get_json(&seca, &format!("/api/v1/courses/{course}/study?org={pa1}"))
            .await;
        assert_eq!(
            (s, v["rows"][0]["completed"].as_i64()),
            (200, Some(1)),
            "{v}"
        );
        let shown = app
            .text(&school.0, &format!("/learn/courses/{course}"))
            .await;
        assert!(shown.contains(&format!("/learn/courses/{course}/study")));
    }
);

both_backends!(
    study_rates_are_refused_outside_the_readers_scope_and_the_courses_audience,
    |app: TestApp| async move {
        let school = app.session("school").await;
        let (course, _) = two_article_course(&app, &school).await;
        let url = |org: &str| {
            format!(
                "/api/v1/courses/{course}/study?org={}",
                app.world.org(org).id
            )
        };
        let stua = app.session("stua").await;
        assert_eq!(
            app.get_json(&stua, &url("PA1")).await.0,
            403,
            "a member reads no rates"
        );
        let college = app.session("collegea").await;
        assert_eq!(
            app.get_json(&college, &url("PB")).await.0,
            403,
            "college A reads nothing of college B"
        );
        let (s, v) = app.get_json(&school, &url("PB")).await;
        assert_eq!(s, 400, "{v}");
        assert_eq!(v["error"]["code"], "course_not_for_org");
        assert_eq!(
            app.status(&stua.0, &format!("/learn/courses/{course}/study"))
                .await,
            403
        );
    }
);
