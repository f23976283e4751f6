//! A course the tests know and a member reading it honestly, shared by the HTTP and browser
//! tests of study rates.

use serde_json::json;

use crate::{Session, TestApp};

/// A course of the school with two articles, published to college A's Party subtree.
pub async fn two_article_course(app: &TestApp, school: &Session) -> (i64, [i64; 2]) {
    let (s, course) = app
        .post_json(
            school,
            "/api/v1/courses",
            json!({"org_id": app.world.org("P").id, "title": "党章学习", "topic": "党章"}),
        )
        .await;
    assert_eq!(s, 201, "{course}");
    let id = course["id"].as_i64().unwrap_or_default();
    let mut lessons = [0; 2];
    for (i, title) in ["第一章 党员", "第二章 党的组织制度"].iter().enumerate() {
        let (s, l) = app
            .post_json(
                school,
                &format!("/api/v1/courses/{id}/lessons"),
                json!({"title": title, "kind": "article", "body": format!("<p>{title}</p>")}),
            )
            .await;
        assert_eq!(s, 201, "{l}");
        lessons[i] = l["id"].as_i64().unwrap_or_default();
    }
    let (s, v) = app
        .post_json(
            school,
            &format!("/api/v1/courses/{id}/publish"),
            json!({"visibility": "orgs", "org_ids": [app.world.org("PA").id]}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    (id, lessons)
}

/// Reads `lesson` for the 60 s that complete an article, in honest 15 s heartbeats.
pub async fn read_through(app: &TestApp, s: &Session, lesson: i64) {
    let (status, v) = app.heartbeat(s, lesson, true, 0).await;
    assert_eq!(status, 200, "{v}");
    for _ in 0..4 {
        app.clock.advance(15);
        let (status, v) = app.heartbeat(s, lesson, true, 15).await;
        assert_eq!(status, 200, "{v}");
    }
}
