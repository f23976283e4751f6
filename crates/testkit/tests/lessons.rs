//! The weekly lesson through HTTP: publication scoped to the publisher's League orgs and
//! audited; answers within the period only, once, earning points once; participation per org
//! (members who completed ÷ members) and the provincial total that counts non-members too,
//! rolled up the League tree; who has not completed for their branch, reminders once, and the
//! Excel export.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers outside #[test] functions: a step that fails is a failed test"
)]

use redbranch_testkit::{Session, TestApp, both_backends, field_messages};
use serde_json::{Value, json};

fn lesson(app: &TestApp, org: &str) -> Value {
    let today = app.clock.today();
    json!({
        "title": "2025年第30期",
        "video_url": "https://video.example.cn/qndxx/30.mp4",
        "starts_on": today,
        "ends_on": today + chrono::Duration::days(6),
        "org_ids": [app.world.org(org).id],
        "questions": [
            {"prompt": "中国共产主义青年团成立于哪一年？", "options": ["1921", "1922"], "answer": 1},
            {"prompt": "团员的年龄上限是？", "options": ["28 周岁", "35 周岁"], "answer": 0}
        ]
    })
}

async fn publish(app: &TestApp, s: &Session, org: &str) -> i64 {
    let (status, v) = app
        .post_json(s, "/api/v1/weekly-lessons", lesson(app, org))
        .await;
    assert_eq!(status, 201, "{v}");
    v["id"].as_i64().unwrap()
}

both_backends!(
    a_lesson_is_published_within_the_publishers_orgs_and_audited,
    |app: TestApp| async move {
        let college_a = app.session("collegea").await;
        let (s, _) = app
            .post_json(&college_a, "/api/v1/weekly-lessons", lesson(&app, "LB"))
            .await;
        assert_eq!(
            s, 403,
            "college A's League committee does not publish to college B"
        );
        let seca = app.session("seca").await;
        let (s, _) = app
            .post_json(&seca, "/api/v1/weekly-lessons", lesson(&app, "LA1"))
            .await;
        assert_eq!(s, 403, "a branch secretary does not publish lessons");
        let mut bad = lesson(&app, "LA");
        bad["ends_on"] = json!(app.clock.today() - chrono::Duration::days(1));
        bad["questions"] = json!([]);
        let (s, v) = app
            .post_json(&college_a, "/api/v1/weekly-lessons", bad)
            .await;
        assert_eq!(s, 422);
        let msgs = field_messages(&v);
        assert!(
            msgs.contains("结束日期不能早于开始日期") && msgs.contains("道题"),
            "{msgs}"
        );
        assert_eq!(app.scalar("SELECT COUNT(*) FROM weekly_lessons").await, 0);
        publish(&app, &college_a, "LA").await;
        assert_eq!(
            app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'lesson_publish'")
                .await,
            1
        );
    }
);

both_backends!(
    answers_count_once_within_the_period_and_earn_points_once,
    |app: TestApp| async move {
        let school = app.session("school").await;
        let id = publish(&app, &school, "L").await;
        let stua = app.session("stua").await;
        let path = format!("/api/v1/weekly-lessons/{id}/answers");
        let (s, v) = app.post_json(&stua, &path, json!({"answers": [1]})).await;
        assert_eq!(s, 422, "every question must be answered: {v}");
        let (s, v) = app
            .post_json(&stua, &path, json!({"answers": [1, 1]}))
            .await;
        assert_eq!(s, 201, "{v}");
        assert_eq!(
            (
                v["score"].as_i64(),
                v["as_member"].as_bool(),
                v["points"].as_i64()
            ),
            (Some(1), Some(true), Some(10))
        );
        let (s, v) = app
            .post_json(&stua, &path, json!({"answers": [1, 0]}))
            .await;
        assert_eq!(
            (s, v["error"]["code"].as_str()),
            (409, Some("already_completed"))
        );
        let (_, me) = app.get_json(&stua, "/api/v1/points/me").await;
        assert_eq!(me["earned"], 10, "paid once");
        // The day after the period: refused, nothing written.
        app.clock
            .set_today(app.clock.today() + chrono::Duration::days(7));
        let coma = app.session("coma").await;
        let (s, v) = app
            .post_json(&coma, &path, json!({"answers": [1, 0]}))
            .await;
        assert_eq!(s, 422);
        assert!(field_messages(&v).contains("不能再提交"), "{v}");
        assert_eq!(
            app.scalar("SELECT COUNT(*) FROM lesson_completions").await,
            1
        );
        // The last day itself was still open.
        app.clock
            .set_today(app.clock.today() - chrono::Duration::days(1));
        let (s, _) = app
            .post_json(&coma, &path, json!({"answers": [1, 0]}))
            .await;
        assert_eq!(s, 201);
    }
);

both_backends!(
    participation_counts_members_and_separately_everyone_rolled_up_the_league_tree,
    |app: TestApp| async move {
        let school = app.session("school").await;
        let id = publish(&app, &school, "L").await;
        // A001 (团员) and A003 (a Party member in the League branch, so not a 团员) complete.
        for login in ["stua", "seca"] {
            let s = app.session(login).await;
            let (status, v) = app
                .post_json(
                    &s,
                    &format!("/api/v1/weekly-lessons/{id}/answers"),
                    json!({"answers": [1, 0]}),
                )
                .await;
            assert_eq!(status, 201, "{login}: {v}");
        }
        let root = app.world.org("L").id;
        let (s, v) = app
            .get_json(
                &school,
                &format!("/api/v1/weekly-lessons/{id}/participation?org={root}"),
            )
            .await;
        assert_eq!(s, 200, "{v}");
        let row = |name: &str| {
            v["rows"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["name"] == name)
                .cloned()
                .unwrap()
        };
        let la1 = row("甲2101班团支部");
        assert_eq!(
            (
                la1["members"].as_i64(),
                la1["member_done"].as_i64(),
                la1["all_done"].as_i64()
            ),
            (Some(2), Some(1), Some(2))
        );
        assert_eq!(la1["rate_text"], "50.0%");
        assert_eq!(la1["all_rate_text"], "100.0%");
        let school_row = row("测试大学团委");
        assert_eq!(
            (
                school_row["members"].as_i64(),
                school_row["member_done"].as_i64()
            ),
            (Some(4), Some(1)),
            "rolled up: {school_row}"
        );
        assert_eq!(school_row["rate_text"], "25.0%");
        assert_eq!(row("乙学院团委")["rate_text"], "0.0%");
        // The page ranks the colleges and exports the provincial table.
        let page = app
            .text(
                &school.0,
                &format!("/lessons/{id}/participation?org={root}"),
            )
            .await;
        assert!(
            page.contains("甲学院团委") && page.contains("50.0%"),
            "the page ranks the colleges"
        );
        let res = school
            .0
            .get(app.url(&format!("/lessons/{id}/participation.xlsx?org={root}")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        assert!(
            res.headers()["content-type"]
                .to_str()
                .unwrap()
                .contains("spreadsheetml")
        );
    }
);

both_backends!(
    the_branch_secretary_sees_who_has_not_completed_and_reminds_them_once,
    |app: TestApp| async move {
        let school = app.session("school").await;
        let id = publish(&app, &school, "L").await;
        let stua = app.session("stua").await;
        app.post_json(
            &stua,
            &format!("/api/v1/weekly-lessons/{id}/answers"),
            json!({"answers": [1, 0]}),
        )
        .await;
        let branch = app.world.org("LA1").id;
        let seca = app.session("seca").await;
        let (s, v) = app
            .get_json(
                &seca,
                &format!("/api/v1/weekly-lessons/{id}/pending?org={branch}"),
            )
            .await;
        assert_eq!(s, 200, "{v}");
        let names: Vec<&str> = v["rows"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|r| r["name"].as_str())
            .collect();
        assert_eq!(
            names,
            vec!["王芳"],
            "A002 is the branch's only 团员 not done"
        );
        let (s, v) = app
            .post_json(
                &seca,
                &format!("/api/v1/weekly-lessons/{id}/remind?org={branch}"),
                json!({}),
            )
            .await;
        assert_eq!((s, v["reminded"].as_i64()), (200, Some(1)));
        app.post_json(
            &seca,
            &format!("/api/v1/weekly-lessons/{id}/remind?org={branch}"),
            json!({}),
        )
        .await;
        assert_eq!(
            app.scalar("SELECT COUNT(*) FROM notifications WHERE kind = 'lessons.reminder'")
                .await,
            1,
            "reminded once"
        );
        let coma = app.session("coma").await;
        let home = app.text(&coma.0, "/").await;
        assert!(
            home.contains("2025年第30期"),
            "the reminder shows on A002's home page"
        );
        let other = app.world.org("LB1").id;
        let (s, _) = app
            .get_json(
                &seca,
                &format!("/api/v1/weekly-lessons/{id}/pending?org={other}"),
            )
            .await;
        assert_eq!(s, 403, "another branch's list is not theirs");
        let (s, _) = app
            .get_json(
                &coma,
                &format!("/api/v1/weekly-lessons/{id}/pending?org={branch}"),
            )
            .await;
        assert_eq!(
            s, 403,
            "the Party branch committee does not read the League branch's list"
        );
    }
);

both_backends!(
    a_member_answers_on_the_page_without_javascript,
    |app: TestApp| async move {
        let school = app.session("school").await;
        let id = publish(&app, &school, "L").await;
        let stua = app.as_user("stua").await;
        let page = app.text(&stua, &format!("/lessons/{id}")).await;
        assert!(page.contains("中国共产主义青年团成立于哪一年"));
        let csrf = redbranch_testkit::csrf_of(&page);
        let status = app
            .post_status(
                &stua,
                &format!("/lessons/{id}"),
                &[("_csrf", csrf.as_str()), ("q0", "1")],
            )
            .await;
        assert_eq!(status, 422, "an unanswered question keeps the form");
        let status = app
            .post_status(
                &stua,
                &format!("/lessons/{id}"),
                &[("_csrf", csrf.as_str()), ("q0", "1"), ("q1", "0")],
            )
            .await;
        assert_eq!(status, 303);
        let list = app.text(&stua, "/lessons").await;
        assert!(list.contains("已学习"));
    }
);

/// An MP4 (by its `ftyp` box) of 2.5 MiB, so that a range can straddle the 1 MiB chunks.
fn mp4() -> Vec<u8> {
    let mut v = vec![0, 0, 0, 0x18];
    v.extend_from_slice(b"ftypisom");
    v.resize(2_621_440, 0);
    for (i, b) in v.iter_mut().enumerate().skip(12) {
        *b = (i % 251) as u8;
    }
    v
}

/// Uploads `bytes` as a lesson video for org `org` through the API.
async fn upload_video(app: &TestApp, s: &Session, org: &str, bytes: Vec<u8>) -> (u16, Value) {
    let form = reqwest::multipart::Form::new()
        .text("org_id", app.world.org(org).id.to_string())
        .part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name("第30期.mp4"),
        );
    app.post_multipart(s, "/api/v1/weekly-lessons/media", form)
        .await
}

/// Publishes a lesson to `org` that plays the uploaded `media` instead of a URL.
async fn publish_with_video(app: &TestApp, s: &Session, org: &str, media: &Value) -> i64 {
    let mut body = lesson(app, org);
    body["video_url"] = json!("");
    body["media_id"] = media["id"].clone();
    let (status, v) = app.post_json(s, "/api/v1/weekly-lessons", body).await;
    assert_eq!(status, 201, "{v}");
    v["id"].as_i64().unwrap()
}

both_backends!(
    an_uploaded_video_plays_with_ranges_for_the_lessons_orgs_and_nobody_else,
    |app: TestApp| async move {
        let college_a = app.session("collegea").await;
        let video = mp4();
        let (s, media) = upload_video(&app, &college_a, "LA", video.clone()).await;
        assert_eq!(s, 201, "{media}");
        assert_eq!(media["content_type"], "video/mp4");
        let id = publish_with_video(&app, &college_a, "LA", &media).await;
        let shown = app
            .get_json(&college_a, &format!("/api/v1/weekly-lessons/{id}"))
            .await
            .1;
        let src = format!("/media/{}", media["id"]);
        assert_eq!(shown["video_src"], src.as_str(), "{shown}");
        // A member of the lesson's org seeks across the 1 MiB chunk boundary.
        let stua = app.as_user("stua").await;
        let page = app.text(&stua, &format!("/lessons/{id}")).await;
        assert!(page.contains(&format!("src=\"{src}\"")), "{page}");
        let res = stua
            .get(app.url(&src))
            .header("range", "bytes=1048570-1048589")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 206);
        assert_eq!(
            res.headers()["content-range"],
            format!("bytes 1048570-1048589/{}", video.len()).as_str()
        );
        assert_eq!(res.headers()["content-type"], "video/mp4");
        assert!(
            res.headers()["cache-control"]
                .to_str()
                .unwrap()
                .starts_with("private")
        );
        assert_eq!(
            res.bytes().await.unwrap().as_ref(),
            &video[1_048_570..1_048_590]
        );
        // Outside the lesson's orgs: refused, signed in or not.
        let organiser = app.as_user("organiser").await;
        assert_eq!(
            app.status(&organiser, &src).await,
            403,
            "college A's Party organiser is outside the League lesson"
        );
        let anon = app.status(&app.client(), &src).await.as_u16();
        assert!(matches!(anon, 401 | 303), "signed out: {anon}");
        let school = app.session("school").await;
        let (_, other) = upload_video(&app, &school, "LB", mp4()).await;
        publish_with_video(&app, &school, "LB", &other).await;
        let other_src = format!("/media/{}", other["id"]);
        assert_eq!(
            app.status(&stua, &other_src).await,
            403,
            "college B's lesson video is not college A's member's"
        );
        assert_eq!(
            app.status(&school.0, &other_src).await,
            200,
            "its publisher"
        );
        // Media of the holder is no course anybody can open.
        let holder = app.scalar("SELECT MIN(course_id) FROM course_media").await;
        assert_eq!(
            app.status(&school.0, &format!("/learn/courses/{holder}"))
                .await,
            404
        );
    }
);

both_backends!(
    a_file_that_is_not_a_video_or_not_ones_own_upload_is_refused_naming_the_field,
    |app: TestApp| async move {
        let college_a = app.session("collegea").await;
        let pdf = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n".to_vec();
        let (s, v) = upload_video(&app, &college_a, "LA", pdf).await;
        assert_eq!(s, 422, "{v}");
        assert_eq!(v["error"]["fields"][0]["field"], "lesson_video_file");
        assert!(field_messages(&v).contains("视频文件"), "{v}");
        let seca = app.session("seca").await;
        let (s, _) = upload_video(&app, &seca, "LA1", mp4()).await;
        assert_eq!(s, 403, "a branch secretary does not publish lessons");
        let (s, _) = upload_video(&app, &college_a, "LB", mp4()).await;
        assert_eq!(s, 403, "nor does college A for college B");
        assert_eq!(app.scalar("SELECT COUNT(*) FROM course_media").await, 0);
        // Another publisher's upload cannot be named; nor one a lesson already plays.
        let school = app.session("school").await;
        let (_, theirs) = upload_video(&app, &school, "L", mp4()).await;
        let mut body = lesson(&app, "LA");
        body["video_url"] = json!("");
        body["media_id"] = theirs["id"].clone();
        let (s, v) = app
            .post_json(&college_a, "/api/v1/weekly-lessons", body)
            .await;
        assert_eq!(s, 422, "{v}");
        assert_eq!(v["error"]["fields"][0]["field"], "lesson_video_file");
        publish_with_video(&app, &school, "L", &theirs).await;
        let mut again = lesson(&app, "L");
        again["media_id"] = theirs["id"].clone();
        let (s, _) = app
            .post_json(&school, "/api/v1/weekly-lessons", again)
            .await;
        assert_eq!(s, 422, "one video, one lesson");
    }
);

both_backends!(
    the_publish_form_takes_the_video_file_and_writes_nothing_when_refused,
    |app: TestApp| async move {
        let admin = app.as_user("collegea").await;
        let csrf = app.csrf(&admin, "/lessons").await;
        let form = |ends: &str| {
            reqwest::multipart::Form::new()
                .text("title", "2025年第31期")
                .text("video_url", "")
                .text("starts_on", app.clock.today().to_string())
                .text("ends_on", ends.to_string())
                .text("org_id", app.world.org("LA").id.to_string())
                .text("questions", "团员的年龄上限是？\n*28 周岁\n35 周岁")
                .part(
                    "file",
                    reqwest::multipart::Part::bytes(mp4()).file_name("31.mp4"),
                )
        };
        let url = app.url(&format!("/lessons?_csrf={csrf}"));
        let yesterday = (app.clock.today() - chrono::Duration::days(1)).to_string();
        let res = admin
            .post(&url)
            .multipart(form(&yesterday))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 422);
        assert!(
            res.text()
                .await
                .unwrap()
                .contains("结束日期不能早于开始日期")
        );
        assert_eq!(
            app.scalar("SELECT COUNT(*) FROM course_media").await,
            0,
            "the refused lesson's upload is not kept"
        );
        let ends = (app.clock.today() + chrono::Duration::days(6)).to_string();
        let res = admin
            .post(&url)
            .multipart(form(&ends))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 303);
        let id = app.scalar("SELECT MAX(id) FROM weekly_lessons").await;
        let stua = app.as_user("stua").await;
        let page = app.text(&stua, &format!("/lessons/{id}")).await;
        assert!(page.contains("src=\"/media/"), "{page}");
        let n = app
            .scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'lesson_video_upload'")
            .await;
        assert_eq!(n, 1);
    }
);
