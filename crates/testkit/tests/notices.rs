//! Notices through HTTP: a college publishes to its subtree (or to some roles), the recipients are
//! fixed and told in-app, a member's first opening is the read receipt the publisher sees,
//! reminders go to those who have not read at most once a day (by hand or by the daily job),
//! pinned notices show on the home page; bad input is refused naming the field with nothing
//! written; nobody outside gets in. Browser: the branch secretary publishes on a phone, a member
//! reads it, the receipt shows for the publisher.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers outside #[test] functions: a step that fails is a failed test"
)]

use redbranch_domain::authz::Role;
use redbranch_testkit::browser::{
    Client, Locator, Screen, check_viewport, eventually, in_browser, sign_in_as, tap, text,
};
use redbranch_testkit::{Session, TestApp, both_backends, field_messages};
use redbranch_web::notices::remind::run_reminders;
use reqwest::multipart::{Form, Part};
use serde_json::Value;

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";

fn day(s: &str) -> chrono::NaiveDate {
    s.parse().unwrap()
}

async fn post(app: &TestApp, (c, csrf): &Session, path: &str) -> (u16, Value) {
    let res = c
        .post(app.url(path))
        .header("x-csrf-token", csrf)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

/// Publishes through the API: `fields` as text parts, an optional file.
async fn publish(
    app: &TestApp,
    s: &Session,
    fields: &[(&str, String)],
    file: Option<Vec<u8>>,
) -> (u16, Value) {
    let mut form = Form::new();
    for (k, v) in fields {
        form = form.text(k.to_string(), v.clone());
    }
    if let Some(bytes) = file {
        form = form.part("file", Part::bytes(bytes).file_name("通知.pdf"));
    }
    app.post_multipart(s, "/api/v1/notices", form).await
}

/// The college publishes a pinned notice to its whole subtree with a document.
async fn college_notice(app: &TestApp) -> i64 {
    app.clock.set_today(day("2026-03-02"));
    let college = app.session("collegea").await;
    let (s, n) = publish(
        app,
        &college,
        &[
            ("org_id", app.world.org("PA").id.to_string()),
            ("title", "关于开展三月主题党日的通知".into()),
            ("body", "各支部：\n请于月底前完成。".into()),
            ("pinned", "on".into()),
        ],
        Some(PDF.to_vec()),
    )
    .await;
    assert_eq!(s, 201, "{n}");
    n["id"].as_i64().unwrap()
}

both_backends!(
    a_notice_reaches_its_subtree_and_the_publisher_sees_who_read,
    |app: TestApp| async move {
        let id = college_notice(&app).await;
        let college = app.session("collegea").await;
        let (_, r) = app
            .get_json(&college, &format!("/api/v1/notices/{id}/receipts"))
            .await;
        let mut names: Vec<&str> = r["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["name"].as_str().unwrap())
            .collect();
        names.sort_unstable();
        assert_eq!(
            names,
            ["coma", "organiser", "seca", "stua"],
            "members and officers of college A, not the publisher: {r}"
        );
        let stua = app.world.users["stua"].0;
        assert_eq!(app.count(&format!("notifications WHERE user_id = {stua} AND read_at IS NULL AND link = '/notices/{id}'")).await, 1);

        let stu = app.session("stua").await;
        let home = app.text(&stu.0, "/").await;
        assert!(
            home.contains("关于开展三月主题党日的通知") && home.contains("置顶"),
            "pinned on the home page"
        );
        let (s, n) = app.get_json(&stu, &format!("/api/v1/notices/{id}")).await;
        assert_eq!(s, 200, "{n}");
        assert_eq!(n["total"], Value::Null, "a reader sees no receipts");
        let file = n["files"][0][0].as_i64().unwrap();
        let bytes = stu
            .0
            .get(app.url(&format!("/notices/{id}/files/{file}")))
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        assert_eq!(&bytes[..], PDF);
        assert_eq!(
            app.count(&format!(
                "notifications WHERE user_id = {stua} AND read_at IS NULL"
            ))
            .await,
            0,
            "opening it clears the notification"
        );

        let (_, r) = app
            .get_json(&college, &format!("/api/v1/notices/{id}/receipts"))
            .await;
        assert_eq!(
            (r["read"].as_i64(), r["total"].as_i64()),
            (Some(1), Some(4)),
            "{r}"
        );
        let page = app.text(&college.0, &format!("/notices/{id}")).await;
        assert!(page.contains("已读 1 / 4"), "the receipt shows on the page");
        assert_eq!(
            app.count("audit_log WHERE action = 'notice_publish'").await,
            1
        );
        // B's people got nothing and cannot open it.
        let fresh = app
            .add_user(
                "memberb",
                Some(app.world.person("B002")),
                Role::Member,
                &["LB1"],
            )
            .await;
        assert_eq!(
            app.count(&format!("notice_recipients WHERE user_id = {}", fresh.0))
                .await,
            0
        );
        let b = app.session("memberb").await;
        assert_eq!(
            app.get_json(&b, &format!("/api/v1/notices/{id}")).await.0,
            403
        );
        assert_eq!(
            app.get_json(&b, &format!("/notices/{id}/files/{file}"))
                .await
                .0,
            403
        );
    }
);

both_backends!(
    a_notice_to_one_role_reaches_only_its_holders,
    |app: TestApp| async move {
        app.clock.set_today(day("2026-03-02"));
        let college = app.session("collegea").await;
        let (s, n) = publish(
            &app,
            &college,
            &[
                ("org_id", app.world.org("PA").id.to_string()),
                ("roles", "branch_secretary".into()),
                ("title", "支部书记会议".into()),
                ("body", "周五下午开会。".into()),
            ],
            None,
        )
        .await;
        assert_eq!(s, 201, "{n}");
        assert_eq!(n["recipients"], 1, "only seca: {n}");
        let stu = app.session("stua").await;
        assert_eq!(
            app.get_json(&stu, &format!("/api/v1/notices/{}", n["id"]))
                .await
                .0,
            403
        );
    }
);

both_backends!(
    reminders_go_to_those_who_have_not_read_once_a_day,
    |app: TestApp| async move {
        let id = college_notice(&app).await;
        let college = app.session("collegea").await;
        let (s, r) = post(&app, &college, &format!("/api/v1/notices/{id}/remind")).await;
        assert_eq!(s, 200, "{r}");
        assert_eq!(r["reminded"], 4);
        let (s, e) = post(&app, &college, &format!("/api/v1/notices/{id}/remind")).await;
        assert_eq!(s, 409, "{e}");
        assert!(
            e["error"]["message"]
                .as_str()
                .unwrap()
                .contains("每天最多提醒一次"),
            "{e}"
        );
        let stu = app.session("stua").await;
        app.get_json(&stu, &format!("/api/v1/notices/{id}")).await;
        app.clock.set_today(day("2026-03-03"));
        let (_, r) = post(&app, &college, &format!("/api/v1/notices/{id}/remind")).await;
        assert_eq!(r["reminded"], 3, "the reader is left alone");
        assert_eq!(
            app.count("audit_log WHERE action = 'notice_remind'").await,
            2
        );
        // The daily job reminds once, three days after publication, whichever node runs it.
        let st = redbranch_web::AppState::new(
            app.db.clone(),
            app.crypto.clone(),
            redbranch_web::WebSettings::default(),
        );
        let t = app.world.tenant;
        let early = run_reminders(&st, t, day("2026-03-04"), false)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(early.notices, 0, "not yet");
        let run = run_reminders(&st, t, day("2026-03-05"), false)
            .await
            .unwrap()
            .unwrap();
        assert_eq!((run.notices, run.reminded), (1, 3));
        assert!(
            run_reminders(&st, t, day("2026-03-05"), false)
                .await
                .unwrap()
                .is_none(),
            "claimed once a day"
        );
        let later = run_reminders(&st, t, day("2026-03-06"), false)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(later.notices, 0, "the automatic reminder comes once");
        for who in ["seca", "coma", "stua"] {
            app.get_json(&app.session(who).await, &format!("/api/v1/notices/{id}"))
                .await;
        }
        app.get_json(
            &app.session("organiser").await,
            &format!("/api/v1/notices/{id}"),
        )
        .await;
        app.clock.set_today(day("2026-03-09"));
        let (s, e) = post(&app, &college, &format!("/api/v1/notices/{id}/remind")).await;
        assert_eq!(s, 409);
        assert!(
            e["error"]["message"]
                .as_str()
                .unwrap()
                .contains("所有人都已阅读"),
            "{e}"
        );
    }
);

both_backends!(
    bad_notices_are_refused_naming_the_field_and_nothing_is_written,
    |app: TestApp| async move {
        app.clock.set_today(day("2026-03-02"));
        let sec = app.session("seca").await;
        let pa1 = app.world.org("PA1").id.to_string();
        let base = |extra: &[(&'static str, String)]| {
            let mut f = vec![
                ("org_id", pa1.clone()),
                ("title", "通知".to_string()),
                ("body", "正文".to_string()),
            ];
            for (k, v) in extra {
                f.retain(|(fk, _)| fk != k);
                f.push((k, v.clone()));
            }
            f
        };
        for (fields, want) in [
            (
                base(&[("targets", app.world.org("PB1").id.to_string())]),
                "发送给：只能发给发布组织本身及其下级组织",
            ),
            (base(&[("title", "  ".into())]), "标题：必填"),
            (base(&[("body", "字".repeat(5001))]), "正文："),
            (
                base(&[("roles", "chairman".into())]),
                "只发给这些职务：“chairman”不是系统中的职务",
            ),
        ] {
            let (s, e) = publish(&app, &sec, &fields, None).await;
            assert_eq!(s, 422, "{e}");
            assert!(field_messages(&e).contains(want), "want {want}: {e}");
        }
        let (s, e) = publish(&app, &sec, &base(&[]), Some(b"GIF89a not allowed".to_vec())).await;
        assert_eq!(s, 422);
        assert!(field_messages(&e).contains("附件："), "{e}");
        let tid = app.world.tenant.0;
        app.sql(&format!("UPDATE tenants SET settings = '{{\"dossier\": {{\"max_document_bytes\": 1024}}}}' WHERE id = {tid}")).await;
        let (s, e) = publish(
            &app,
            &sec,
            &base(&[]),
            Some([PDF, &[b' '; 4096][..]].concat()),
        )
        .await;
        assert_eq!(s, 422);
        assert!(field_messages(&e).contains("附件：文件超过 1 MB"), "{e}");
        assert_eq!(app.count("notices").await, 0, "nothing half-written");
        assert_eq!(app.count("notice_recipients").await, 0);
        assert_eq!(app.count("attachments").await, 0);
        assert_eq!(app.count("notifications").await, 0);

        let stu = app.session("stua").await;
        let (s, e) = app
            .post_json(
                &stu,
                "/api/v1/me/email",
                serde_json::json!({"email": "zhang@localhost"}),
            )
            .await;
        assert_eq!(s, 422);
        assert!(
            field_messages(&e).contains("电子邮箱：“zhang@localhost”不是有效的邮箱地址"),
            "{e}"
        );
        let (s, _) = app
            .post_json(
                &stu,
                "/api/v1/me/email",
                serde_json::json!({"email": "zhang@example.edu.cn"}),
            )
            .await;
        assert_eq!(s, 200);
        assert!(
            app.text(&stu.0, "/me/email")
                .await
                .contains("zhang@example.edu.cn")
        );
        assert_eq!(
            app.count("audit_log WHERE action = 'email_change'").await,
            1
        );
    }
);

both_backends!(
    nobody_publishes_or_reads_receipts_outside_their_scope,
    |app: TestApp| async move {
        let id = college_notice(&app).await;
        let stu = app.session("stua").await;
        let pa1 = app.world.org("PA1").id.to_string();
        let (s, _) = publish(
            &app,
            &stu,
            &[
                ("org_id", pa1.clone()),
                ("title", "x".into()),
                ("body", "y".into()),
            ],
            None,
        )
        .await;
        assert_eq!(s, 403, "a member publishes nothing");
        assert_eq!(
            app.get_json(&stu, &format!("/api/v1/notices/{id}/receipts"))
                .await
                .0,
            403
        );
        assert_eq!(
            post(&app, &stu, &format!("/api/v1/notices/{id}/remind"))
                .await
                .0,
            403
        );
        app.add_user(
            "secb",
            Some(app.world.person("B003")),
            Role::BranchSecretary,
            &["PB1"],
        )
        .await;
        let other = app.session("secb").await;
        let (s, _) = publish(
            &app,
            &other,
            &[("org_id", pa1), ("title", "x".into()), ("body", "y".into())],
            None,
        )
        .await;
        assert_eq!(
            s, 403,
            "another college's secretary cannot publish from branch A"
        );
        assert_eq!(
            app.get_json(&other, &format!("/api/v1/notices/{id}/receipts"))
                .await
                .0,
            403
        );
        assert_eq!(
            post(&app, &other, &format!("/api/v1/notices/{id}/remind"))
                .await
                .0,
            403
        );
        let (_, list) = app.get_json(&other, "/api/v1/notices").await;
        assert_eq!(
            list["published"].as_array().map(Vec::len),
            Some(0),
            "{list}"
        );
        assert_eq!(
            app.status(&other.0, "/notices/new").await,
            200,
            "they may publish in their own branch"
        );
        assert_eq!(app.status(&stu.0, "/notices/new").await, 403);
    }
);

/// The branch secretary publishes on a phone; a member reads it; the receipt shows.
async fn publish_and_read(app: &TestApp, c: Client) -> anyhow::Result<()> {
    sign_in_as(app, &c, "seca").await?;
    check_viewport(&c, Screen::Phone).await?;
    c.find(Locator::Css(".tabbar a[href='/notices']"))
        .await?
        .click()
        .await?;
    eventually("the notices page opens", || async {
        Ok(c.current_url().await?.path() == "/notices")
    })
    .await?;
    c.find(Locator::Css(".primary-action a[href='/notices/new']"))
        .await?
        .click()
        .await?;
    eventually("the form opens", || async {
        Ok(c.find(Locator::Id("notice-title")).await.is_ok())
    })
    .await?;
    c.find(Locator::Id("notice-title"))
        .await?
        .send_keys("支部大会通知")
        .await?;
    c.find(Locator::Id("notice-body"))
        .await?
        .send_keys("本周五晚七点召开支部党员大会。")
        .await?;
    tap(&c, "form button[type=submit].btn-primary").await?;
    eventually("the notice shows its receipts", || async {
        Ok(text(&c, "#read-count").await?.contains("已读 0 / 2"))
    })
    .await?;
    let path = c.current_url().await?.path().to_string();
    c.delete_all_cookies().await?;
    sign_in_as(app, &c, "stua").await?;
    c.find(Locator::Css(".tabbar a[href='/notices']"))
        .await?
        .click()
        .await?;
    eventually("the member has it unread", || async {
        Ok(text(&c, "#inbox").await?.contains("未读"))
    })
    .await?;
    c.find(Locator::LinkText("支部大会通知"))
        .await?
        .click()
        .await?;
    eventually("the member reads it", || async {
        Ok(text(&c, "#notice")
            .await?
            .contains("本周五晚七点召开支部党员大会。"))
    })
    .await?;
    c.delete_all_cookies().await?;
    sign_in_as(app, &c, "seca").await?;
    c.goto(&app.url(&path)).await?;
    eventually("the publisher sees the receipt", || async {
        Ok(text(&c, "#read-count").await?.contains("已读 1 / 2"))
    })
    .await?;
    redbranch_testkit::browser::screenshot(app, &c, "notice-receipts-phone.png").await?;
    Ok(())
}

both_backends!(
    a_secretary_publishes_on_a_phone_and_sees_the_member_read_it,
    |app: TestApp| async move { in_browser(&app, Screen::Phone, publish_and_read).await }
);
