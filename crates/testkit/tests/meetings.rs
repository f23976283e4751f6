//! Meetings through HTTP: a branch plans a meeting and its invitees are told; members check in
//! with the rotating code (late after the grace minutes, twice changes nothing); an expired or
//! forged code, a leave request after the start, minutes with script and oversized or foreign
//! files are refused with clear messages and nothing written; the organiser corrects attendance
//! with a reason (audited); the record prints; and nobody outside the branch gets in.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers outside #[test] functions: a step that fails is a failed test"
)]

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use redbranch_domain::authz::Role;
use redbranch_testkit::{Session, TestApp, both_backends, field_messages};
use reqwest::multipart::{Form, Part};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};

/// A small but real PDF.
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";

/// A moment on 2026-03-05 in Beijing time.
fn at(h: u32, m: u32, s: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 5, h, m, s).single().unwrap() - chrono::Duration::hours(8)
}

/// Plans a PA1 meeting of `kind` on 2026-03-05 from 14:00 to 15:30 as `s`.
async fn plan(app: &TestApp, s: &Session, kind: &str, date: &str) -> (u16, Value) {
    let org = app.world.orgs["PA1"].id;
    app.post_json(
        s,
        "/api/v1/meetings",
        json!({"org_id": org, "kind": kind, "title": "三月支委会", "date": date,
            "start": "14:00", "end": "15:30", "place": "学院楼 301", "agenda": "一、学习\n二、讨论"}),
    )
    .await
}

async fn code(app: &TestApp, s: &Session, id: i64) -> String {
    let (status, v) = app
        .get_json(s, &format!("/api/v1/meetings/{id}/checkin-code"))
        .await;
    assert_eq!(status, 200, "{v}");
    v["code"].as_str().unwrap().to_string()
}

async fn status_of(app: &TestApp, s: &Session, id: i64, person: i64) -> String {
    let (_, v) = app.get_json(s, &format!("/api/v1/meetings/{id}")).await;
    v["attendees"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["person_id"] == person)
        .map(|a| a["status"].as_str().unwrap().to_string())
        .unwrap()
}

async fn audit_count(app: &TestApp, action: &str) -> i64 {
    let c = &app.db.conn;
    let sql = format!("SELECT COUNT(*) AS n FROM audit_log WHERE action = '{action}'");
    let row = c
        .query_one_raw(Statement::from_string(c.get_database_backend(), sql))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<i64>("", "n").unwrap()
}

both_backends!(
    invitees_are_told_and_check_in_by_code_on_time_or_late,
    |app: TestApp| async move {
        app.clock.set_now(at(13, 50, 0));
        let sec = app.session("seca").await;
        let (status, m) = plan(&app, &sec, "branch_committee", "2026-03-05").await;
        assert_eq!(status, 201, "{m}");
        let id = m["id"].as_i64().unwrap();
        assert_eq!(
            m["invited"], 3,
            "the branch's three members are invited: {m}"
        );

        // The notice reaches a member's home page.
        let stu = app.session("stua").await;
        let home = app.text(&stu.0, "/").await;
        assert!(
            home.contains("会议通知：三月支委会"),
            "notice on the home page"
        );

        // On time, then late after the 5 grace minutes, then again: nothing changes.
        app.clock.set_now(at(13, 58, 0));
        let c = code(&app, &sec, id).await;
        let (s, v) = app
            .post_json(
                &stu,
                &format!("/api/v1/meetings/{id}/checkin"),
                json!({"code": c}),
            )
            .await;
        assert_eq!((s, v["status"].as_str()), (200, Some("present")), "{v}");
        app.clock.set_now(at(14, 10, 0));
        let com = app.session("coma").await;
        let c = code(&app, &sec, id).await;
        let (s, v) = app
            .post_json(
                &com,
                &format!("/api/v1/meetings/{id}/checkin"),
                json!({"code": c}),
            )
            .await;
        assert_eq!((s, v["status"].as_str()), (200, Some("late")), "{v}");
        let (s, v) = app
            .post_json(
                &stu,
                &format!("/api/v1/meetings/{id}/checkin"),
                json!({"code": c}),
            )
            .await;
        assert_eq!((s, v["already"].as_bool()), (200, Some(true)), "{v}");
        let (_, d) = app.get_json(&sec, &format!("/api/v1/meetings/{id}")).await;
        assert_eq!(d["meeting"]["attended"], 2, "{d}");
        assert_eq!(audit_count(&app, "meeting_checkin").await, 2);
        assert_eq!(audit_count(&app, "meeting_create").await, 1);

        // A phone opening the QR link is checked in by the page too.
        let a3 = app.world.person("A003");
        let page = app.text(&sec.0, &format!("/checkin/{id}/{c}")).await;
        assert!(page.contains("签到成功"), "the scan page says so");
        assert_eq!(status_of(&app, &sec, id, a3).await, "late");
    }
);

both_backends!(
    an_expired_or_forged_code_is_refused_and_nothing_is_written,
    |app: TestApp| async move {
        app.clock.set_now(at(13, 0, 0));
        let sec = app.session("seca").await;
        let (_, m) = plan(&app, &sec, "branch_committee", "2026-03-05").await;
        let id = m["id"].as_i64().unwrap();
        let stu = app.session("stua").await;
        let path = format!("/api/v1/meetings/{id}/checkin");
        // Before check-in opens (30 minutes before the start), even a good code is refused.
        let c = code(&app, &sec, id).await;
        let (s, v) = app.post_json(&stu, &path, json!({"code": c})).await;
        assert_eq!(s, 400, "{v}");
        assert!(
            v["error"]["message"].as_str().unwrap().contains("30 分钟"),
            "{v}"
        );

        // A code shown at 14:00:00 still works in the next window and no longer at 14:01:00.
        app.clock.set_now(at(14, 0, 0));
        let shown = code(&app, &sec, id).await;
        app.clock.set_now(at(14, 1, 0));
        let (s, v) = app.post_json(&stu, &path, json!({"code": shown})).await;
        assert_eq!(s, 400, "{v}");
        assert!(
            v["error"]["message"].as_str().unwrap().contains("二维码"),
            "{v}"
        );
        let (s, v) = app
            .post_json(&stu, &path, json!({"code": "00000000000000000000"}))
            .await;
        assert_eq!(s, 400, "a forged code: {v}");
        let page = app.text(&stu.0, &format!("/checkin/{id}/deadbeef")).await;
        assert!(page.contains("签到码已失效"), "the phone is told why");
        let a1 = app.world.person("A001");
        assert_eq!(status_of(&app, &sec, id, a1).await, "invited");
        assert_eq!(audit_count(&app, "meeting_checkin").await, 0);
        app.clock.set_now(at(14, 0, 45));
        let (s, v) = app.post_json(&stu, &path, json!({"code": shown})).await;
        assert_eq!(s, 200, "within the next window: {v}");
    }
);

both_backends!(
    leave_is_asked_before_the_start_and_decided_by_the_branch,
    |app: TestApp| async move {
        app.clock.set_now(at(9, 0, 0));
        let sec = app.session("seca").await;
        let (_, m) = plan(&app, &sec, "branch_general", "2026-03-05").await;
        let id = m["id"].as_i64().unwrap();
        let stu = app.session("stua").await;
        let leave = format!("/api/v1/meetings/{id}/leave");
        let (s, v) = app.post_json(&stu, &leave, json!({"reason": ""})).await;
        assert_eq!(s, 422, "{v}");
        assert!(field_messages(&v).contains("必填"), "{v}");
        let (s, v) = app
            .post_json(&stu, &leave, json!({"reason": "实习在外"}))
            .await;
        assert_eq!(s, 200, "{v}");
        assert_eq!(v["mine"]["leave_status"], "pending");
        // A member cannot decide it; the secretary can.
        let a1 = app.world.person("A001");
        let decide = format!("/api/v1/meetings/{id}/leave/{a1}");
        let (s, _) = app
            .post_json(&stu, &decide, json!({"decision": "approve"}))
            .await;
        assert_eq!(s, 403);
        let (s, v) = app
            .post_json(&sec, &decide, json!({"decision": "approve"}))
            .await;
        assert_eq!(s, 200, "{v}");
        assert_eq!(status_of(&app, &sec, id, a1).await, "leave");
        // After the start it is too late to ask.
        app.clock.set_now(at(14, 0, 0));
        let com = app.session("coma").await;
        let (s, v) = app.post_json(&com, &leave, json!({"reason": "生病"})).await;
        assert_eq!(s, 422, "{v}");
        assert!(field_messages(&v).contains("会议已经开始"), "{v}");
        let a2 = app.world.person("A002");
        assert_eq!(status_of(&app, &sec, id, a2).await, "invited");
    }
);

both_backends!(
    the_organiser_corrects_attendance_with_a_reason_and_it_is_audited,
    |app: TestApp| async move {
        app.clock.set_now(at(15, 0, 0));
        let sec = app.session("seca").await;
        let (_, m) = plan(&app, &sec, "branch_committee", "2026-03-05").await;
        let id = m["id"].as_i64().unwrap();
        let a1 = app.world.person("A001");
        let path = format!("/api/v1/meetings/{id}/attendance/{a1}");
        let (s, v) = app
            .post_json(&sec, &path, json!({"status": "present", "reason": " "}))
            .await;
        assert_eq!(s, 422, "{v}");
        assert!(field_messages(&v).contains("必填"), "{v}");
        assert_eq!(audit_count(&app, "meeting_attendance_correct").await, 0);
        let (s, v) = app
            .post_json(
                &sec,
                &path,
                json!({"status": "present", "reason": "手机没电，现场确认"}),
            )
            .await;
        assert_eq!(s, 200, "{v}");
        assert_eq!(v["meeting"]["attended"], 1);
        assert_eq!(status_of(&app, &sec, id, a1).await, "present");
        assert_eq!(audit_count(&app, "meeting_attendance_correct").await, 1);
        let (s, v) = app
            .post_json(
                &sec,
                &path,
                json!({"status": "absent", "reason": "核实未到"}),
            )
            .await;
        assert_eq!(s, 200, "{v}");
        assert_eq!(v["meeting"]["attended"], 0, "the count follows: {v}");
        // A member cannot correct anyone.
        let stu = app.session("stua").await;
        let (s, _) = app
            .post_json(&stu, &path, json!({"status": "present", "reason": "x"}))
            .await;
        assert_eq!(s, 403);
    }
);

both_backends!(
    minutes_with_script_are_refused_and_clean_minutes_mark_the_meeting_held,
    |app: TestApp| async move {
        app.clock.set_now(at(10, 0, 0));
        let sec = app.session("seca").await;
        let (_, m) = plan(&app, &sec, "branch_committee", "2026-03-05").await;
        let id = m["id"].as_i64().unwrap();
        let path = format!("/api/v1/meetings/{id}/minutes");
        let (s, v) = app
            .post_json(&sec, &path, json!({"minutes": "一、学习"}))
            .await;
        assert_eq!(s, 422, "before the start: {v}");
        app.clock.set_now(at(15, 40, 0));
        let (s, v) = app
            .post_json(
                &sec,
                &path,
                json!({"minutes": "<p>学习</p><script>alert(1)</script>"}),
            )
            .await;
        assert_eq!(s, 422, "{v}");
        assert!(field_messages(&v).contains("脚本"), "{v}");
        let (_, d) = app.get_json(&sec, &format!("/api/v1/meetings/{id}")).await;
        assert_eq!(d["meeting"]["status"], "planned", "nothing written: {d}");
        assert!(d["meeting"]["minutes"].is_null());
        let (s, v) = app
            .post_json(
                &sec,
                &path,
                json!({"minutes": "<p><b>一、</b>学习党章</p><p><a href=\"https://example.org\">资料</a></p>",
                    "resolutions": "同意张伟为入党积极分子", "host": "李娜", "recorder": "王芳"}),
            )
            .await;
        assert_eq!(s, 200, "{v}");
        assert_eq!(v["meeting"]["status"], "held");
        assert!(
            v["meeting"]["minutes"]
                .as_str()
                .unwrap()
                .contains("<b>一、</b>"),
            "{v}"
        );
        let res = sec
            .0
            .get(app.url(&format!("/meetings/{id}/record.docx")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let bytes = res.bytes().await.unwrap();
        assert!(bytes.starts_with(b"PK"), "a docx is a zip");
        assert_eq!(audit_count(&app, "meeting_minutes").await, 1);
    }
);

async fn upload(
    app: &TestApp,
    (c, csrf): &Session,
    id: i64,
    name: &str,
    bytes: Vec<u8>,
) -> (u16, Value) {
    let form = Form::new().part("file", Part::bytes(bytes).file_name(name.to_string()));
    let res = c
        .post(app.url(&format!("/api/v1/meetings/{id}/files")))
        .header("x-csrf-token", csrf)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

both_backends!(
    oversized_or_foreign_files_are_refused_and_a_pdf_comes_back_intact,
    |app: TestApp| async move {
        app.clock.set_now(at(15, 0, 0));
        app.sql("UPDATE tenants SET settings = '{\"meetings\": {\"max_file_bytes\": 1000}}'")
            .await;
        let sec = app.session("seca").await;
        let (_, m) = plan(&app, &sec, "branch_committee", "2026-03-05").await;
        let id = m["id"].as_i64().unwrap();
        let mut big = PDF.to_vec();
        big.resize(2000, b' ');
        let (s, v) = upload(&app, &sec, id, "大.pdf", big).await;
        assert_eq!(s, 422, "{v}");
        assert!(field_messages(&v).contains("1 MB"), "{v}");
        let (s, v) = upload(&app, &sec, id, "x.exe", b"MZ\x90\x00binary".to_vec()).await;
        assert_eq!(s, 422, "{v}");
        let (s, v) = upload(&app, &sec, id, "签到表.pdf", PDF.to_vec()).await;
        assert_eq!(s, 201, "{v}");
        let (_, d) = app.get_json(&sec, &format!("/api/v1/meetings/{id}")).await;
        assert_eq!(
            d["files"].as_array().unwrap().len(),
            1,
            "only the good file: {d}"
        );
        let fid = v["id"].as_i64().unwrap();
        let back = sec
            .0
            .get(app.url(&format!("/meetings/{id}/files/{fid}")))
            .send()
            .await
            .unwrap();
        assert_eq!(back.bytes().await.unwrap().as_ref(), PDF);
    }
);

both_backends!(
    the_kind_must_suit_the_org_and_a_place_or_link_is_needed,
    |app: TestApp| async move {
        app.clock.set_now(at(9, 0, 0));
        let sec = app.session("seca").await;
        let (s, v) = plan(&app, &sec, "league_general", "2026-03-05").await;
        assert_eq!(s, 422, "{v}");
        assert!(field_messages(&v).contains("团组织"), "{v}");
        let league = app.world.orgs["LA1"].id;
        let (s, v) = app
            .post_json(
                &sec,
                "/api/v1/meetings",
                json!({"org_id": league, "kind": "league_general", "title": "团员大会", "date": "2026-03-06",
                    "start": "19:00", "end": "18:00", "online_link": "javascript:alert(1)"}),
            )
            .await;
        assert_eq!(s, 422, "{v}");
        let msgs = field_messages(&v);
        assert!(
            msgs.contains("结束时间须晚于开始时间") && msgs.contains("http"),
            "{msgs}"
        );
        let (s, v) = app
            .post_json(
                &sec,
                "/api/v1/meetings",
                json!({"org_id": league, "kind": "league_general", "title": "团员大会", "date": "2026-03-06",
                    "start": "19:00", "end": "20:00", "online_link": "https://meeting.tencent.com/dm/x"}),
            )
            .await;
        assert_eq!(s, 201, "{v}");
    }
);

both_backends!(
    nobody_outside_the_branch_plans_reads_or_checks_in,
    |app: TestApp| async move {
        app.clock.set_now(at(13, 50, 0));
        app.add_user(
            "secb",
            Some(app.world.person("B003")),
            Role::BranchSecretary,
            &["PB1", "LB1"],
        )
        .await;
        app.add_user(
            "stub",
            Some(app.world.person("B002")),
            Role::Member,
            &["LB1"],
        )
        .await;
        let sec = app.session("seca").await;
        let (_, m) = plan(&app, &sec, "branch_committee", "2026-03-05").await;
        let id = m["id"].as_i64().unwrap();
        let secb = app.session("secb").await;
        let stua = app.session("stua").await;
        // Another branch's secretary: may not plan for PA1, read, show the code, correct.
        let (s, _) = plan(&app, &secb, "branch_committee", "2026-03-05").await;
        assert_eq!(s, 403, "planning for another branch");
        let (s, _) = app.get_json(&secb, &format!("/api/v1/meetings/{id}")).await;
        assert_eq!(s, 403, "reading another branch's meeting");
        let (s, _) = app
            .get_json(&secb, &format!("/api/v1/meetings/{id}/checkin-code"))
            .await;
        assert_eq!(s, 403, "showing another branch's code");
        let a1 = app.world.person("A001");
        let (s, _) = app
            .post_json(
                &secb,
                &format!("/api/v1/meetings/{id}/attendance/{a1}"),
                json!({"status": "absent", "reason": "x"}),
            )
            .await;
        assert_eq!(s, 403, "correcting another branch's attendance");
        let pa = app.world.orgs["PA"].id;
        let (s, _) = app
            .get_json(&secb, &format!("/api/v1/meetings/compliance?org={pa}"))
            .await;
        assert_eq!(s, 403, "another college's compliance");
        // A member: reads the meeting they are invited to, nothing more.
        let (s, v) = app.get_json(&stua, &format!("/api/v1/meetings/{id}")).await;
        assert_eq!(s, 200);
        assert!(
            v["attendees"].as_array().unwrap().is_empty(),
            "a member does not see the others: {v}"
        );
        let (s, _) = app
            .get_json(&stua, &format!("/api/v1/meetings/{id}/checkin-code"))
            .await;
        assert_eq!(s, 403, "a member cannot show the code");
        let (s, _) = app.get_json(&stua, "/api/v1/meetings/compliance").await;
        assert_eq!(s, 403, "a member has no compliance view");
        let (s, _) = plan(&app, &stua, "branch_committee", "2026-03-05").await;
        assert_eq!(s, 403, "a member cannot plan");
        // Someone not invited cannot check in even with a good code.
        let stub = app.session("stub").await;
        let c = code(&app, &sec, id).await;
        let (s, v) = app
            .post_json(
                &stub,
                &format!("/api/v1/meetings/{id}/checkin"),
                json!({"code": c}),
            )
            .await;
        assert_eq!(s, 403, "{v}");
        let page = stub
            .0
            .get(app.url(&format!("/checkin/{id}/{c}")))
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), 400);
        assert!(
            page.text()
                .await
                .unwrap()
                .contains("不在本次会议的参会名单中")
        );
    }
);

/// Plans and completes a PA1 meeting of `kind` on `date` with `present` of its 3 invitees.
async fn held(app: &TestApp, sec: &Session, kind: &str, date: &str, present: &[&str]) {
    let (s, m) = plan(app, sec, kind, date).await;
    assert_eq!(s, 201, "{m}");
    let id = m["id"].as_i64().unwrap();
    for no in present {
        let p = app.world.person(no);
        let (s, v) = app
            .post_json(
                sec,
                &format!("/api/v1/meetings/{id}/attendance/{p}"),
                json!({"status": "present", "reason": "补录"}),
            )
            .await;
        assert_eq!(s, 200, "{v}");
    }
    let (s, v) = app
        .post_json(
            sec,
            &format!("/api/v1/meetings/{id}/minutes"),
            json!({"minutes": "会议内容"}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
}

fn states(v: &Value, kind: &str) -> Vec<String> {
    v["branch"]["kinds"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kind"] == kind)
        .unwrap()["slots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["state"].as_str().unwrap().to_string())
        .collect()
}

both_backends!(
    compliance_counts_what_was_held_checks_quorum_and_flags_silent_branches,
    |app: TestApp| async move {
        let day = NaiveDate::from_ymd_opt(2026, 4, 10).unwrap();
        app.clock
            .set_now(Utc.from_utc_datetime(&day.and_hms_opt(2, 0, 0).unwrap()));
        let sec = app.session("seca").await;
        held(&app, &sec, "branch_committee", "2026-01-15", &[]).await;
        held(&app, &sec, "branch_committee", "2026-03-15", &[]).await;
        // 1 of 3 is not more than half; 2 of 3 is.
        held(&app, &sec, "branch_general", "2026-02-10", &["A001"]).await;
        let pa1 = app.world.orgs["PA1"].id;
        let (s, v) = app
            .get_json(
                &sec,
                &format!("/api/v1/meetings/compliance?org={pa1}&year=2026"),
            )
            .await;
        assert_eq!(s, 200, "{v}");
        assert_eq!(
            &states(&v, "branch_committee")[..4],
            ["met", "missed", "met", "open"]
        );
        assert_eq!(&states(&v, "branch_general")[..2], ["no_quorum", "open"]);
        assert_eq!(v["branch"]["silent"], false, "held 26 days ago: {v}");
        held(
            &app,
            &sec,
            "branch_general",
            "2026-04-08",
            &["A001", "A002"],
        )
        .await;
        let (_, v) = app
            .get_json(
                &sec,
                &format!("/api/v1/meetings/compliance?org={pa1}&year=2026"),
            )
            .await;
        assert_eq!(&states(&v, "branch_general")[..2], ["no_quorum", "met"]);
        // The school: each college rolled up; college B's branch has held nothing.
        let school = app.session("school").await;
        let p = app.world.orgs["P"].id;
        let (s, v) = app
            .get_json(
                &school,
                &format!("/api/v1/meetings/compliance?org={p}&year=2026"),
            )
            .await;
        assert_eq!(s, 200, "{v}");
        assert_eq!(v["branches"], 2);
        assert_eq!(v["silent"], 1, "{v}");
        let pa = app.world.orgs["PA"].id;
        let a = v["children"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["org_id"] == pa)
            .unwrap()
            .clone();
        assert_eq!(
            a["tally"]["met"], 3,
            "two committee months and one quorate meeting: {a}"
        );
        assert_eq!(a["silent"], 0);
        let page = app
            .text(
                &school.0,
                &format!("/meetings/compliance?org={p}&year=2026"),
            )
            .await;
        assert!(
            page.contains("乙学院党委") && page.contains("超过 30 天未开展组织生活"),
            "the page drills down"
        );
        let page = app
            .text(&sec.0, &format!("/meetings/compliance?org={pa1}&year=2026"))
            .await;
        assert!(
            page.contains("人数不足") && page.contains("未开"),
            "the branch page shows each period"
        );
    }
);
