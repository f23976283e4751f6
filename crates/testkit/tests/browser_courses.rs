//! Browser test of courses at a phone width (390 px), on both databases: a member opens a course
//! from the learning hub, reads an article until the page's own heartbeats complete it (credited
//! by the server, not claimed), then opens the video lesson and seeks in it — the player's range
//! requests are answered 206. The school's heartbeat interval is shortened to 2 s so the test
//! need not wait 15 s per beat; the rules are the same.

#![expect(
    clippy::unwrap_used,
    reason = "test set-up outside #[test] functions: a step that fails is a failed test"
)]

use anyhow::{Context, ensure};
use redbranch_testkit::browser::{
    Client, Locator, Screen, check_viewport, eventually, in_browser, screenshot, sign_in_as, text,
};
use redbranch_testkit::{Session, TestApp, both_backends};
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

const WEBM: &[u8] = include_bytes!("../fixtures/lesson.webm");

/// A course of PA1 with an article and a 6 s video, published to PA1; its id.
async fn seed_course(app: &TestApp) -> i64 {
    app.sql(&format!(
        "UPDATE tenants SET settings = '{{\"courses\": {{\"heartbeat_secs\": 2, \"slack_secs\": 1, \"article_seconds\": 4}}}}' WHERE id = {}",
        app.world.tenant.0
    ))
    .await;
    let sec: Session = app.session("seca").await;
    let pa1 = app.world.org("PA1").id;
    let (_, c) = app
        .post_json(
            &sec,
            "/api/v1/courses",
            json!({"org_id": pa1, "title": "手机上学党章", "topic": "党章学习"}),
        )
        .await;
    let course = c["id"].as_i64().unwrap();
    let (status, _) = app
        .post_json(&sec, &format!("/api/v1/courses/{course}/lessons"),
            json!({"title": "第一课 党员的义务", "kind": "article", "body": "<h2>党员的义务</h2><p>认真学习马克思列宁主义……</p>"}))
        .await;
    assert_eq!(status, 201);
    let form = Form::new().part("file", Part::bytes(WEBM.to_vec()).file_name("第二课.webm"));
    let media: Value = sec
        .0
        .post(app.url(&format!("/api/v1/courses/{course}/media")))
        .header("x-csrf-token", &sec.1)
        .multipart(form)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let (status, _) = app
        .post_json(
            &sec,
            &format!("/api/v1/courses/{course}/lessons"),
            json!({"title": "第二课 视频", "media_id": media["id"], "duration_secs": 6}),
        )
        .await;
    assert_eq!(status, 201);
    let (status, _) = app
        .post_json(
            &sec,
            &format!("/api/v1/courses/{course}/publish"),
            json!({"visibility": "orgs", "org_ids": [pa1]}),
        )
        .await;
    assert_eq!(status, 200);
    course
}

async fn study_seconds(app: &TestApp) -> i64 {
    use sea_orm::{ConnectionTrait, Statement};
    let row = app
        .db
        .conn
        .query_one_raw(Statement::from_string(
            app.db.backend(),
            "SELECT CAST(COALESCE(SUM(seconds), 0) AS BIGINT) AS n FROM study_records",
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<i64>("", "n").unwrap()
}

async fn flow(app: &TestApp, c: Client) -> anyhow::Result<()> {
    sign_in_as(app, &c, "stua").await?;
    check_viewport(&c, Screen::Phone).await?;
    // 学习 is in the phone's tab bar.
    c.find(Locator::Css(".tabbar a[href='/learn']"))
        .await?
        .click()
        .await?;
    eventually("the hub lists the course", || async {
        Ok(text(&c, "#courses").await?.contains("手机上学党章"))
    })
    .await?;
    c.find(Locator::LinkText("手机上学党章"))
        .await?
        .click()
        .await?;
    eventually("the course page lists its lessons", || async {
        Ok(text(&c, "#lessons").await?.contains("第一课"))
    })
    .await?;
    c.find(Locator::LinkText("第一课 党员的义务"))
        .await?
        .click()
        .await?;
    eventually("the article shows", || async {
        Ok(text(&c, ".article-body").await?.contains("党员的义务"))
    })
    .await?;
    // The page beats every 2 s while visible; the server credits them until the 4 s are read.
    eventually("the article is completed by heartbeats", || async {
        Ok(text(&c, "#study-progress").await?.contains("已完成"))
    })
    .await?;
    let credited = study_seconds(app).await;
    ensure!(credited >= 4, "the server credited {credited} s");
    screenshot(app, &c, "courses-article-phone.png").await?;

    c.find(Locator::LinkText("下一课")).await?.click().await?;
    eventually("the video lesson loads its metadata", || async {
        let r = c
            .execute("return document.getElementById('media').readyState", vec![])
            .await?;
        Ok(r.as_u64().unwrap_or(0) >= 1)
    })
    .await?;
    c.execute(
        "const v = document.getElementById('media'); v.muted = true; v.currentTime = 4.5; return true",
        vec![],
    )
    .await?;
    eventually("the video has sought to 4.5 s", || async {
        let r = c
            .execute("const v = document.getElementById('media'); return !v.seeking && v.currentTime >= 4", vec![])
            .await?;
        Ok(r.as_bool() == Some(true))
    })
    .await?;
    // What the player asked the server for, as the browser saw the answers.
    let statuses = c
        .execute(
            "return performance.getEntriesByType('resource').filter(e => e.name.includes('/media/')).map(e => e.responseStatus || 0)",
            vec![],
        )
        .await?;
    let mut got: Vec<u64> = statuses
        .as_array()
        .context("resource entries")?
        .iter()
        .filter_map(serde_json::Value::as_u64)
        .collect();
    if got.iter().all(|s| *s == 0) {
        // A browser without responseStatus in Resource Timing: ask the same way a seek does.
        let r = c
            .execute_async(
                "const done = arguments[arguments.length - 1]; const src = document.getElementById('media').currentSrc;\
                 fetch(src, {headers: {Range: 'bytes=1000-1999'}}).then(r => done(r.status))",
                vec![],
            )
            .await?;
        got = r.as_u64().into_iter().collect();
    }
    ensure!(
        got.contains(&206),
        "the video's range requests were answered {got:?}"
    );
    screenshot(app, &c, "courses-video-phone.png").await?;
    Ok(())
}

both_backends!(
    a_member_reads_an_article_and_seeks_a_video_on_a_phone,
    |app: TestApp| async move {
        seed_course(&app).await;
        in_browser(&app, Screen::Phone, flow).await;
    }
);
