//! Courses through HTTP: authors write and publish within their orgs (audited), public content
//! opens without signing in while restricted content is refused outside its subtree, media is
//! served with range requests, study time comes only from heartbeats of a visible page at the
//! server's pace, bad input (script, wrong or oversized files) is refused with nothing written,
//! and the school's links out and imported results from other platforms work.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers outside #[test] functions: a step that fails is a failed test"
)]

use redbranch_testkit::{Session, TestApp, both_backends, field_messages};
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

/// The 6-second test video (see `crates/testkit/fixtures/README.md`).
const WEBM: &[u8] = include_bytes!("../fixtures/lesson.webm");

async fn create_course(app: &TestApp, s: &Session, org: &str, title: &str) -> i64 {
    let org_id = app.world.org(org).id;
    let (status, v) = app
        .post_json(s, "/api/v1/courses", json!({"org_id": org_id, "title": title, "topic": "党史学习教育", "tags": ["党史", "二十大"]}))
        .await;
    assert_eq!(status, 201, "{v}");
    v["id"].as_i64().unwrap()
}

async fn add_article(app: &TestApp, s: &Session, course: i64, body: &str) -> (u16, Value) {
    app.post_json(
        s,
        &format!("/api/v1/courses/{course}/lessons"),
        json!({"title": "第一课 初心使命", "kind": "article", "body": body}),
    )
    .await
}

async fn publish(app: &TestApp, s: &Session, course: i64, body: Value) -> (u16, Value) {
    app.post_json(s, &format!("/api/v1/courses/{course}/publish"), body)
        .await
}

async fn upload(
    app: &TestApp,
    (c, csrf): &Session,
    course: i64,
    name: &str,
    bytes: Vec<u8>,
) -> (u16, Value) {
    let form = Form::new().part("file", Part::bytes(bytes).file_name(name.to_string()));
    let res = c
        .post(app.url(&format!("/api/v1/courses/{course}/media")))
        .header("x-csrf-token", csrf)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

/// A published article course of `PA1` (the branch of A001–A003), and its lesson id.
async fn branch_article(app: &TestApp) -> (i64, i64) {
    let sec = app.session("seca").await;
    let course = create_course(app, &sec, "PA1", "支部学习：党章").await;
    let (status, lesson) = add_article(app, &sec, course, "<h2>党章</h2><p>第一章 党员</p>").await;
    assert_eq!(status, 201, "{lesson}");
    let pa1 = app.world.org("PA1").id;
    let (status, v) = publish(
        app,
        &sec,
        course,
        json!({"visibility": "orgs", "org_ids": [pa1]}),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    (course, lesson["id"].as_i64().unwrap())
}

both_backends!(
    a_branch_course_opens_for_its_members_and_is_refused_outside_its_subtree,
    |app: TestApp| async move {
        let (course, _) = branch_article(&app).await;
        // A001 belongs to PA1: the course is listed and opens.
        let stu = app.session("stua").await;
        let list: Value = stu
            .0
            .get(app.url("/api/v1/courses"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(
            list["rows"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["id"] == course),
            "{list}"
        );
        assert_eq!(
            app.status(&stu.0, &format!("/learn/courses/{course}"))
                .await,
            200
        );

        // A course of college B, published to PB: refused to A001, signed in or not.
        let school = app.session("school").await;
        let b_course = create_course(&app, &school, "PB", "乙学院专题").await;
        assert_eq!(
            add_article(&app, &school, b_course, "乙学院的学习材料")
                .await
                .0,
            201
        );
        let pb = app.world.org("PB").id;
        assert_eq!(
            publish(
                &app,
                &school,
                b_course,
                json!({"visibility": "orgs", "org_ids": [pb]})
            )
            .await
            .0,
            200
        );
        assert_eq!(
            app.status(&stu.0, &format!("/api/v1/courses/{b_course}"))
                .await,
            403
        );
        assert_eq!(
            app.status(&stu.0, &format!("/learn/courses/{b_course}"))
                .await,
            403
        );
        let anon = app.client();
        assert_eq!(
            app.status(&anon, &format!("/api/v1/courses/{b_course}"))
                .await,
            401
        );
        let list: Value = stu
            .0
            .get(app.url("/api/v1/courses"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(
            !list["rows"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["id"] == b_course),
            "{list}"
        );

        // Authoring stops at the author's subtree: a PA1 secretary can neither write in PB's
        // course, nor publish to PB, nor publish to everyone.
        let sec = app.session("seca").await;
        assert_eq!(add_article(&app, &sec, b_course, "x").await.0, 403);
        assert_eq!(
            publish(
                &app,
                &sec,
                course,
                json!({"visibility": "orgs", "org_ids": [pb]})
            )
            .await
            .0,
            403
        );
        assert_eq!(
            publish(&app, &sec, course, json!({"visibility": "public"}))
                .await
                .0,
            403
        );
        let (status, _) = app
            .post_json(
                &sec,
                "/api/v1/courses",
                json!({"org_id": pb, "title": "越权课程"}),
            )
            .await;
        assert_eq!(status, 403);
        // A member authors nothing.
        let (status, _) = app
            .post_json(
                &stu,
                "/api/v1/courses",
                json!({"org_id": app.world.org("PA1").id, "title": "x"}),
            )
            .await;
        assert_eq!(status, 403);

        // Publication is audited, with the audience.
        assert_eq!(
            app.count("audit_log WHERE action = 'course_publish'").await,
            2
        );
        assert_eq!(
            app.count("audit_log WHERE action = 'course_create'").await,
            2
        );
    }
);

both_backends!(
    public_content_and_its_video_open_without_signing_in_with_range_requests,
    |app: TestApp| async move {
        let school = app.session("school").await;
        let course = create_course(&app, &school, "P", "党史公开课").await;
        let (status, article) = add_article(&app, &school, course, "百年党史\n\n第二段").await;
        assert_eq!(status, 201, "{article}");
        let (status, media) = upload(&app, &school, course, "第二课.webm", WEBM.to_vec()).await;
        assert_eq!(status, 201, "{media}");
        assert_eq!(media["content_type"], "video/webm");
        let (status, video) = app
            .post_json(
                &school,
                &format!("/api/v1/courses/{course}/lessons"),
                json!({"title": "第二课 视频", "media_id": media["id"], "duration_secs": 6}),
            )
            .await;
        assert_eq!(status, 201, "{video}");
        assert_eq!(video["kind"], "video");
        assert_eq!(
            publish(&app, &school, course, json!({"visibility": "public"}))
                .await
                .0,
            200
        );

        let anon = app.client();
        let hub = app.text(&anon, "/learn").await;
        assert!(hub.contains("党史公开课"), "{hub}");
        assert_eq!(
            app.status(&anon, &format!("/learn/courses/{course}")).await,
            200
        );
        let page = app
            .text(&anon, &format!("/learn/lessons/{}", article["id"]))
            .await;
        assert!(page.contains("<p>百年党史</p><p>第二段</p>"), "{page}");
        assert!(
            !page.contains("id=\"study\""),
            "nobody signed in: no heartbeat script"
        );

        let url = app.url(&format!("/media/{}", media["id"]));
        let len = WEBM.len();
        let res = anon
            .get(&url)
            .header("range", "bytes=100-199")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 206);
        assert_eq!(
            res.headers()["content-range"],
            format!("bytes 100-199/{len}").as_str()
        );
        assert_eq!(res.bytes().await.unwrap().as_ref(), &WEBM[100..200]);
        let res = anon
            .get(&url)
            .header("range", "bytes=-10")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 206);
        assert_eq!(res.bytes().await.unwrap().as_ref(), &WEBM[len - 10..]);
        let res = anon
            .get(&url)
            .header("range", format!("bytes={len}-"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 416);
        assert_eq!(
            res.headers()["content-range"],
            format!("bytes */{len}").as_str()
        );
        let res = anon.get(&url).send().await.unwrap();
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["accept-ranges"], "bytes");
        assert_eq!(res.bytes().await.unwrap().as_ref(), WEBM);

        // Withdrawn, it is gone for the public, media included.
        let (status, _) = app
            .post_json(
                &school,
                &format!("/api/v1/courses/{course}/withdraw"),
                json!({}),
            )
            .await;
        assert_eq!(status, 200);
        assert_eq!(
            app.status(&anon, &format!("/learn/courses/{course}")).await,
            303
        );
        assert_eq!(anon.get(&url).send().await.unwrap().status(), 303);
    }
);

both_backends!(
    study_time_comes_from_visible_heartbeats_at_the_servers_pace,
    |app: TestApp| async move {
        let (_, lesson) = branch_article(&app).await;
        let stu = app.session("stua").await;
        app.away_from_midnight();

        // The first beat starts the clock and earns nothing.
        let (status, v) = app.heartbeat(&stu, lesson, true, 0).await;
        assert_eq!(status, 200, "{v}");
        assert_eq!(
            (v["credited_seconds"].as_i64(), v["restarted"].as_bool()),
            (Some(0), Some(true))
        );
        // One interval later, the interval is credited.
        app.clock.advance(15);
        let (_, v) = app.heartbeat(&stu, lesson, true, 15).await;
        assert_eq!(v["credited_seconds"], 15, "{v}");

        // Faster than the interval: refused.
        app.clock.advance(2);
        let (status, v) = app.heartbeat(&stu, lesson, true, 1).await;
        assert_eq!(
            (status, v["error"]["code"].as_str()),
            (400, Some("heartbeat_too_soon"))
        );
        // A hidden tab's heartbeat is refused and earns nothing.
        app.clock.advance(13);
        let (status, v) = app.heartbeat(&stu, lesson, false, 15).await;
        assert_eq!(status, 400, "{v}");
        assert_eq!(v["error"]["code"], "heartbeat_hidden");
        assert!(
            v["error"]["message"].as_str().unwrap().contains("不在前台"),
            "{v}"
        );
        // Claiming more than elapsed: refused.
        let (status, v) = app.heartbeat(&stu, lesson, true, 60).await;
        assert_eq!(
            (status, v["error"]["code"].as_str()),
            (400, Some("heartbeat_overclaimed"))
        );
        let l: Value = stu
            .0
            .get(app.url(&format!("/api/v1/lessons/{lesson}")))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(l["progress"]["seconds"], 15, "refusals added nothing: {l}");

        // Back after a long absence: the gap is not credited, the clock restarts.
        app.clock.advance(600);
        let (_, v) = app.heartbeat(&stu, lesson, true, 20).await;
        assert_eq!(
            (v["credited_seconds"].as_i64(), v["restarted"].as_bool()),
            (Some(0), Some(true)),
            "{v}"
        );
        // Three more honest intervals reach the 60 s that complete an article.
        let mut last = Value::Null;
        for _ in 0..3 {
            app.clock.advance(15);
            let (status, v) = app.heartbeat(&stu, lesson, true, 15).await;
            assert_eq!(status, 200, "{v}");
            last = v;
        }
        assert_eq!(last["completed"], true, "{last}");
        assert_eq!(last["total_seconds"], 60);
        let me: Value = stu
            .0
            .get(app.url("/api/v1/me/study"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(me["completed_lessons"], 1, "{me}");
        assert_eq!(me["records"][0]["seconds"], 60);
        assert_eq!(
            app.count("study_records WHERE completed_at IS NOT NULL")
                .await,
            1
        );
        let page = app.text(&stu.0, "/learn/me").await;
        assert!(page.contains("已完成"), "{page}");

        // An account without a person record (a school administrator) earns nothing.
        let school = app.session("school").await;
        let (status, _) = app.heartbeat(&school, lesson, true, 0).await;
        assert_eq!(status, 400, "an account with no person records nothing");
    }
);

both_backends!(
    script_and_wrong_or_oversized_files_are_refused_with_nothing_written,
    |app: TestApp| async move {
        let sec = app.session("seca").await;
        let course = create_course(&app, &sec, "PA1", "材料").await;
        let (status, v) = add_article(
            &app,
            &sec,
            course,
            "<p>好文章</p><img src=x onerror=alert(1)>",
        )
        .await;
        assert_eq!(status, 422, "{v}");
        assert!(field_messages(&v).contains("脚本"), "{v}");
        let (status, v) = add_article(
            &app,
            &sec,
            course,
            "<a href=\"javascript:alert(1)\">点我</a>",
        )
        .await;
        assert_eq!(status, 422, "{v}");
        assert_eq!(app.count("lessons").await, 0);

        let (status, v) = upload(
            &app,
            &sec,
            course,
            "讲话.mp4",
            b"MZ\x90\0\x03\0\0\0".to_vec(),
        )
        .await;
        assert_eq!(status, 422, "{v}");
        assert!(field_messages(&v).contains("不支持的文件类型"), "{v}");
        app.sql(&format!(
            "UPDATE tenants SET settings = '{{\"courses\": {{\"max_media_bytes\": 1000}}}}' WHERE id = {}",
            app.world.tenant.0
        ))
        .await;
        let (status, v) = upload(&app, &sec, course, "大视频.webm", WEBM.to_vec()).await;
        assert_eq!(status, 422, "{v}");
        assert!(field_messages(&v).contains("超过"), "{v}");
        assert_eq!(app.count("course_media").await, 0);
        assert_eq!(app.count("course_media_chunks").await, 0);
        // A video lesson needs a video: an article kind without body, a video without a file.
        let (status, v) = app
            .post_json(
                &sec,
                &format!("/api/v1/courses/{course}/lessons"),
                json!({"title": "视频", "kind": "video"}),
            )
            .await;
        assert_eq!(status, 422, "{v}");
        // An empty course is not published.
        let pa1 = app.world.org("PA1").id;
        let (status, v) = publish(
            &app,
            &sec,
            course,
            json!({"visibility": "orgs", "org_ids": [pa1]}),
        )
        .await;
        assert_eq!(status, 422, "{v}");

        // The page form keeps what was typed and says why.
        let token = app.csrf(&sec.0, &format!("/learn/courses/{course}")).await;
        let form = Form::new()
            .text("title", "被拒的一课")
            .text("kind", "article")
            .text("body", "<script>alert(1)</script>");
        let res = sec
            .0
            .post(app.url(&format!("/learn/courses/{course}/lessons?_csrf={token}")))
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 422);
        let html = res.text().await.unwrap();
        assert!(
            html.contains("被拒的一课") && html.contains("脚本"),
            "{html}"
        );
        assert_eq!(app.count("lessons").await, 0);
    }
);

both_backends!(
    links_out_show_to_everyone_and_imported_results_are_all_or_nothing,
    |app: TestApp| async move {
        let school = app.session("school").await;
        let (status, v) = app
            .post_json(&school, "/api/v1/links", json!({"name": "学习强国", "url": "https://www.xuexi.cn/", "description": "每日学习"}))
            .await;
        assert_eq!(status, 201, "{v}");
        let (status, v) = app
            .post_json(
                &school,
                "/api/v1/links",
                json!({"name": "坏链接", "url": "javascript:alert(1)"}),
            )
            .await;
        assert_eq!(status, 422, "{v}");
        // Only the school level manages links.
        let college = app.session("collegea").await;
        let (status, _) = app
            .post_json(
                &college,
                "/api/v1/links",
                json!({"name": "x", "url": "https://a.cn"}),
            )
            .await;
        assert_eq!(status, 403);
        let anon = app.client();
        let hub = app.text(&anon, "/learn").await;
        assert!(
            hub.contains("https://www.xuexi.cn/") && hub.contains("noopener"),
            "{hub}"
        );

        // The 组织员 of college A imports 学习强国 points for A's people.
        let import = |s: Session, csv: &'static str| {
            let app = &app;
            async move {
                let form = Form::new()
                    .text("source", "xuexi")
                    .text("period", "2025-11")
                    .part(
                        "file",
                        Part::bytes(csv.as_bytes().to_vec()).file_name("积分.csv"),
                    );
                let res =
                    s.0.post(app.url("/api/v1/study-results/import"))
                        .header("x-csrf-token", &s.1)
                        .multipart(form)
                        .send()
                        .await
                        .unwrap();
                let status = res.status().as_u16();
                (status, res.json::<Value>().await.unwrap_or(Value::Null))
            }
        };
        let org = app.session("organiser").await;
        let (status, v) = import(org.clone(), "学号,姓名,积分\n2021A001,张伟,56\n2021A002,王芳,12.5\n2021B001,刘洋,30\n2021A003,李四,8\n").await;
        assert_eq!(status, 422, "{v}");
        let msgs = field_messages(&v);
        assert!(msgs.contains("第 3 行") && msgs.contains("12.5"), "{msgs}");
        assert!(
            msgs.contains("第 4 行") && msgs.contains("管理的组织范围"),
            "{msgs}"
        );
        assert!(msgs.contains("第 5 行") && msgs.contains("李四"), "{msgs}");
        assert_eq!(app.count("external_results").await, 0, "all rows or none");

        let (status, v) = import(
            org.clone(),
            "学号,姓名,积分\n2021A001,张伟,56\n2021A002,王芳,12\n",
        )
        .await;
        assert_eq!(status, 201, "{v}");
        assert_eq!(v["rows"], 2);
        // A corrected export of the same period replaces, not adds.
        let (status, _) = import(org, "学号,姓名,积分\n2021A001,张伟,60\n").await;
        assert_eq!(status, 201);
        assert_eq!(app.count("external_results").await, 2);
        let stu = app.session("stua").await;
        let me: Value = stu
            .0
            .get(app.url("/api/v1/me/study"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(me["external"][0]["score"], 60, "{me}");
        assert_eq!(me["external"][0]["source"], "xuexi");
        // A member imports nothing.
        let (status, _) = import(stu, "学号,姓名,积分\n2021A001,张伟,99\n").await;
        assert_eq!(status, 403);
        assert_eq!(
            app.count("audit_log WHERE action = 'study_results_import'")
                .await,
            2
        );
    }
);

both_backends!(
    an_author_writes_and_publishes_a_course_through_the_pages,
    |app: TestApp| async move {
        let sec = app.as_user("seca").await;
        let token = app.csrf(&sec, "/learn/new").await;
        let pa1 = app.world.org("PA1").id.to_string();
        let res = sec
            .post(app.url("/learn/courses"))
            .form(&[
                ("_csrf", token.as_str()),
                ("org_id", pa1.as_str()),
                ("title", ""),
                ("tags", "党史"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 422, "a course needs a title");
        let res = sec
            .post(app.url("/learn/courses"))
            .form(&[
                ("_csrf", token.as_str()),
                ("org_id", pa1.as_str()),
                ("title", "页面上建的课"),
                ("tags", "党史，团史"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 303);
        let to = res.headers()["location"].to_str().unwrap().to_string();
        let course: i64 = to.rsplit('/').next().unwrap().parse().unwrap();
        let form = Form::new()
            .text("title", "第一课")
            .text("kind", "article")
            .text("body", "正文\n\n第二段");
        let res = sec
            .post(app.url(&format!("/learn/courses/{course}/lessons?_csrf={token}")))
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 303);
        let res = sec
            .post(app.url(&format!("/learn/courses/{course}/publish")))
            .body(format!("_csrf={token}&visibility=orgs&org_ids={pa1}"))
            .header("content-type", "application/x-www-form-urlencoded")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 303);
        let stu = app.as_user("stua").await;
        let hub = app.text(&stu, "/learn").await;
        assert!(
            hub.contains("页面上建的课") && hub.contains("#团史"),
            "{hub}"
        );
    }
);
