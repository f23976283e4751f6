//! E-mail over real SMTP: the server's `[smtp]` points at an in-process sink
//! ([`redbranch_testkit::smtp::SmtpSink`]) and the tests read what arrived on the wire — a
//! published notice reaches the one recipient who entered an address, with its Chinese subject
//! and text; the daily deadline job mails an overdue item once to the secretary who must act,
//! and not again the next time it runs.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers outside #[test] functions: a step that fails is a failed test"
)]

use chrono::NaiveDate;
use redbranch_db::people::PersonId;
use redbranch_db::pipeline::{NewStep, record};
use redbranch_domain::people::PoliticalStatus;
use redbranch_domain::pipeline::{DateField, Milestone, Step};
use redbranch_testkit::smtp::SmtpSink;
use redbranch_testkit::{Backend, Session, TestApp};
use redbranch_web::WebSettings;
use redbranch_web::pipeline::due::run_due;
use reqwest::multipart::Form;
use serde_json::json;

const FROM: &str = "党委组织部 <dangwei@example.edu.cn>";

/// The app with `[smtp]` set to a fresh sink (`None`: PostgreSQL not reachable outside CI).
async fn start(backend: Backend) -> Option<(TestApp, SmtpSink)> {
    let sink = SmtpSink::start().await.unwrap();
    let mut s = WebSettings::default();
    s.security.admin_totp_required = false;
    s.smtp = Some(sink.settings(FROM));
    Some((TestApp::start_with(backend, s).await?, sink))
}

async fn set_email(app: &TestApp, s: &Session, email: &str) {
    let (status, v) = app
        .post_json(s, "/api/v1/me/email", json!({ "email": email }))
        .await;
    assert_eq!(status, 200, "{v}");
}

async fn a_notice_is_mailed_to_whoever_entered_an_address(backend: Backend) {
    let Some((app, sink)) = start(backend).await else {
        return;
    };
    let stu = app.session("stua").await;
    set_email(&app, &stu, "zhang@example.edu.cn").await;
    let college = app.session("collegea").await;
    let mut form = Form::new();
    for (k, v) in [
        ("org_id", app.world.org("PA").id.to_string()),
        ("title", "关于开展三月主题党日的通知".to_string()),
        (
            "body",
            "各支部：\n请于月底前完成“学习二十大”主题党日。".to_string(),
        ),
    ] {
        form = form.text(k, v);
    }
    let (s, n) = app.post_multipart(&college, "/api/v1/notices", form).await;
    assert_eq!(s, 201, "{n}");
    let id = n["id"].as_i64().unwrap();

    let mails = sink.wait_for(1).await;
    assert_eq!(
        mails.len(),
        1,
        "only one recipient has an address: {mails:?}"
    );
    let m = &mails[0];
    assert_eq!(m.to, ["zhang@example.edu.cn"]);
    assert_eq!(m.from, "dangwei@example.edu.cn");
    assert!(
        m.header("to").unwrap().contains("zhang@example.edu.cn"),
        "{:?}",
        m.headers()
    );
    assert_eq!(m.subject(), "【红枝】新通知：关于开展三月主题党日的通知");
    let text = m.text();
    assert!(
        text.contains("各支部：\n请于月底前完成“学习二十大”主题党日。"),
        "the Chinese text, decoded: {text:?} from {}",
        m.data
    );
    assert!(text.contains(&format!("/notices/{id}")), "{text:?}");
    // Nothing more arrives for those without an address.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(sink.mails().len(), 1);
}

async fn an_overdue_deadline_is_mailed_once(backend: Backend) {
    let Some((app, sink)) = start(backend).await else {
        return;
    };
    // A001 applied on 1 March 2024; the branch should have talked to them within a month.
    let on = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
    record(
        &app.db.conn,
        app.world.tenant,
        PersonId(app.world.people["A001"]),
        NewStep {
            step: Step::SubmitApplication,
            on,
            details: json!({}),
            override_reason: None,
            by: app.world.users["seca"],
        },
        Some(Milestone {
            status: PoliticalStatus::PartyApplicant,
            field: DateField::PartyApplied,
            date: on,
        }),
    )
    .await
    .unwrap();
    let sec = app.session("seca").await;
    set_email(&app, &sec, "secretary@example.edu.cn").await;
    let smtp = sink.settings(FROM);
    let day = NaiveDate::from_ymd_opt(2024, 4, 11).unwrap();
    let run = run_due(&app.db, Some(&smtp), app.world.tenant, day, true)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(run.overdue, 1, "{run:?}");

    let mails = sink.wait_for(1).await;
    assert_eq!(
        mails.len(),
        1,
        "the secretary has an address, the committee member not"
    );
    let m = &mails[0];
    assert_eq!(m.to, ["secretary@example.edu.cn"]);
    assert_eq!(m.subject(), "【红枝】发展党员工作期限提醒（1 项）");
    let text = m.text();
    assert!(
        text.contains("已逾期：应于 2024-04-01 前与入党申请人 张伟（甲学院学生第一党支部）谈话"),
        "{text:?}"
    );
    assert!(
        text.contains(&format!("/members/{}/pipeline", app.world.people["A001"])),
        "{text:?}"
    );

    // The next day's run finds the same item still overdue: stored once, mailed once.
    let run = run_due(
        &app.db,
        Some(&smtp),
        app.world.tenant,
        day.succ_opt().unwrap(),
        true,
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(run.overdue, 1);
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(sink.mails().len(), 1, "no second mail for the same item");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notice_mail_sqlite() {
    a_notice_is_mailed_to_whoever_entered_an_address(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notice_mail_postgres() {
    a_notice_is_mailed_to_whoever_entered_an_address(Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deadline_mail_sqlite() {
    an_overdue_deadline_is_mailed_once(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deadline_mail_postgres() {
    an_overdue_deadline_is_mailed_once(Backend::Postgres).await;
}
