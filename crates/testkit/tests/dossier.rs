//! The electronic dossier through HTTP: documents go in and come back byte-identical, anything
//! that is not a PDF/image/docx or is too large is refused naming the field (and nothing is
//! written), a 培养联系人 writes remarks the committee reviews and the person reads, 思想汇报 are
//! submitted and answered, and nobody outside the person's branch gets in.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers outside #[test] functions: a step that fails is a failed test"
)]

use redbranch_db::people::PersonId;
use redbranch_db::pipeline::{self as dbpipeline, NewStep};
use redbranch_domain::authz::Role;
use redbranch_domain::pipeline::Step;
use redbranch_testkit::{Session, TestApp, both_backends, field_messages};
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

/// A small but real PDF header and body.
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";

/// Records step 5 (指定培养联系人) for `person` with `cultivators`, as the pipeline would have.
async fn assign_cultivators(app: &TestApp, person: i64, cultivators: &[i64]) {
    dbpipeline::record(
        &app.db.conn,
        app.world.tenant,
        PersonId(person),
        NewStep {
            step: Step::AssignCultivators,
            on: "2024-05-01".parse().unwrap(),
            details: json!({"cultivators": cultivators}),
            override_reason: None,
            by: app.world.users["seca"],
        },
        None,
    )
    .await
    .unwrap();
}

async fn upload(
    app: &TestApp,
    (c, csrf): &Session,
    person: i64,
    (kind, filename, bytes): (&str, &str, Vec<u8>),
) -> (u16, Value) {
    let form = Form::new()
        .text("kind", kind.to_string())
        .text("step", "submit_application")
        .part(
            "file",
            Part::bytes(bytes)
                .file_name(filename.to_string())
                .mime_str("application/pdf")
                .unwrap(),
        );
    let res = c
        .post(app.url(&format!("/api/v1/members/{person}/documents")))
        .header("x-csrf-token", csrf)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn audit_count(app: &TestApp, action: &str) -> i64 {
    app.count(&format!("audit_log WHERE action = '{action}'"))
        .await
}

both_backends!(
    a_pdf_goes_in_and_comes_back_byte_identical_with_safe_headers,
    |app: TestApp| async move {
        let a = app.world.people["A001"];
        let sec = app.session("seca").await;
        let (status, body) = upload(
            &app,
            &sec,
            a,
            ("application_letter", "入党申请书.pdf", PDF.to_vec()),
        )
        .await;
        assert_eq!(status, 201, "{body}");
        assert_eq!(body["content_type"], "application/pdf");
        let id = body["id"].as_i64().unwrap();

        let res = sec
            .0
            .get(app.url(&format!("/members/{a}/documents/{id}")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let h = res.headers().clone();
        assert_eq!(h["x-content-type-options"], "nosniff");
        let disp = h["content-disposition"].to_str().unwrap();
        assert!(disp.starts_with("attachment;"), "{disp}");
        assert!(
            disp.contains("filename*=UTF-8''%E5%85%A5%E5%85%9A%E7%94%B3%E8%AF%B7%E4%B9%A6.pdf"),
            "the Chinese name survives: {disp}"
        );
        assert_eq!(res.bytes().await.unwrap().as_ref(), PDF);

        // The person reads their own dossier: the checklist shows the application as uploaded.
        let me = app.session("stua").await;
        let html = app.text(&me.0, &format!("/members/{a}/dossier")).await;
        assert!(
            html.contains("入党申请书.pdf"),
            "the person sees their document"
        );
        let own =
            me.0.get(app.url(&format!("/api/v1/members/{a}/documents/{id}")))
                .send()
                .await
                .unwrap();
        assert_eq!(own.status(), 200, "the person downloads their own document");
        // The audit log names the file by its hash, never by its bytes.
        assert_eq!(audit_count(&app, "dossier_document").await, 1);
    }
);

both_backends!(
    an_exe_renamed_pdf_and_an_oversize_file_are_refused_and_nothing_is_written,
    |app: TestApp| async move {
        let a = app.world.people["A001"];
        let sec = app.session("seca").await;
        let exe = b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xFF\xFF".to_vec();
        let (status, body) = upload(&app, &sec, a, ("application_letter", "申请书.pdf", exe)).await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(body["error"]["fields"][0]["field"], "document_file");
        assert!(
            field_messages(&body).contains("文件："),
            "names the field: {body}"
        );
        assert!(field_messages(&body).contains("PDF"), "{body}");

        let mut big = PDF.to_vec();
        big.resize(10 * 1024 * 1024 + 1, b' ');
        let (status, body) = upload(&app, &sec, a, ("application_letter", "big.pdf", big)).await;
        assert_eq!(status, 422, "{body}");
        assert!(
            field_messages(&body).contains("10 MB"),
            "names the limit: {body}"
        );

        let (status, body) = upload(&app, &sec, a, ("no_such_kind", "a.pdf", PDF.to_vec())).await;
        assert_eq!(status, 422, "{body}");
        assert!(field_messages(&body).contains("材料类别"), "{body}");

        assert_eq!(app.count("documents").await, 0, "nothing stored");
        assert_eq!(
            audit_count(&app, "dossier_document").await,
            0,
            "nothing audited"
        );

        // On the page, the refusal is under the field and the choices are kept.
        let form = Form::new().text("kind", "political_review").part(
            "file",
            Part::bytes(b"GIF89a....".to_vec()).file_name("x.pdf"),
        );
        let res = sec
            .0
            .post(app.url(&format!("/members/{a}/dossier/documents?_csrf={}", sec.1)))
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 422);
        let html = res.text().await.unwrap();
        assert!(
            html.contains("class=\"field-error\" role=\"alert\""),
            "error under the field"
        );
        assert!(
            html.contains("value=\"political_review\" selected"),
            "the kind is kept"
        );
        assert_eq!(app.count("documents").await, 0);
    }
);

both_backends!(
    a_cultivator_writes_a_remark_the_committee_reviews_and_the_person_reads_it,
    |app: TestApp| async move {
        let a = app.world.people["A001"];
        // B003 is a 正式党员 with no role on A's branch: only being the cultivator lets them in.
        app.add_user(
            "mentor",
            Some(app.world.people["B003"]),
            Role::Member,
            &["LB1"],
        )
        .await;
        let mentor = app.session("mentor").await;
        let path = format!("/api/v1/members/{a}/remarks");
        let (status, _) = app
            .post_json(&mentor, &path, json!({"kind": "thinking", "body": "x"}))
            .await;
        assert_eq!(status, 403, "not yet a cultivator");

        assign_cultivators(&app, a, &[app.world.people["B003"]]).await;
        app.clock.set_today("2025-10-15".parse().unwrap());
        let (status, body) = app
            .post_json(&mentor, &path, json!({"kind": "monthly", "body": "积极"}))
            .await;
        assert_eq!(status, 422, "a monthly remark names its month: {body}");
        assert!(field_messages(&body).contains("所评月份"), "{body}");
        let (status, body) = app
            .post_json(
                &mentor,
                &path,
                json!({"kind": "monthly", "period": "2025-11", "body": "积极"}),
            )
            .await;
        assert_eq!(status, 422, "November has not begun: {body}");
        let (status, body) = app.post_json(&mentor,
            &path,
            json!({"kind": "monthly", "period": "2025-09", "body": "学习认真，积极参加支部活动。"}),
        )
        .await;
        assert_eq!(status, 201, "{body}");
        let remark = body["id"].as_i64().unwrap();

        // The person reads it but may neither write about themselves nor review.
        let me = app.session("stua").await;
        let (status, _) = app
            .post_json(&me, &path, json!({"kind": "thinking", "body": "我很好"}))
            .await;
        assert_eq!(status, 403, "no remark on oneself");
        let review = format!("{path}/{remark}/review");
        let (status, _) = app
            .post_json(&me, &review, json!({"verdict": "agree"}))
            .await;
        assert_eq!(status, 403);
        let (status, _) = app
            .post_json(&mentor, &review, json!({"verdict": "agree"}))
            .await;
        assert_eq!(status, 403, "a cultivator does not review their own remark");

        let com = app.session("coma").await;
        let (status, body) = app
            .post_json(&com, &review, json!({"verdict": "comment"}))
            .await;
        assert_eq!(status, 422, "a comment needs its text: {body}");
        let (status, body) = app
            .post_json(
                &com,
                &review,
                json!({"verdict": "comment", "comment": "请补充具体事例"}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let (status, body) = app
            .post_json(&com, &review, json!({"verdict": "agree"}))
            .await;
        assert_eq!(status, 409, "a review is not rewritten: {body}");

        let html = app.text(&me.0, &format!("/members/{a}/dossier")).await;
        assert!(
            html.contains("学习认真，积极参加支部活动。"),
            "the person reads the remark"
        );
        assert!(
            html.contains("请补充具体事例"),
            "and the committee's comment"
        );
        assert!(
            !html.contains("/dossier/remarks\""),
            "but gets no form to write one"
        );
        assert_eq!(audit_count(&app, "dossier_remark").await, 1);
        assert_eq!(audit_count(&app, "dossier_review").await, 1);
    }
);

both_backends!(
    a_thought_report_is_submitted_with_a_file_and_answered_by_the_cultivator,
    |app: TestApp| async move {
        let a = app.world.people["A001"];
        app.add_user(
            "mentor",
            Some(app.world.people["B003"]),
            Role::Member,
            &["LB1"],
        )
        .await;
        assign_cultivators(&app, a, &[app.world.people["B003"]]).await;
        app.clock.set_today("2025-07-01".parse().unwrap());
        let me = app.session("stua").await;

        // Through the page: a file and text in one form.
        let form = Form::new()
            .text("quarter", "2025-Q4")
            .text("body", "本季度学习了党章。")
            .part("file", Part::bytes(PDF.to_vec()).file_name("思想汇报.pdf"));
        let res =
            me.0.post(app.url(&format!("/members/{a}/dossier/reports?_csrf={}", me.1)))
                .multipart(form)
                .send()
                .await
                .unwrap();
        assert_eq!(
            res.status(),
            422,
            "the fourth quarter has not begun on 1 July"
        );
        assert!(
            res.text().await.unwrap().contains("本季度学习了党章。"),
            "the text is kept"
        );
        assert_eq!(
            app.count("documents").await,
            0,
            "the file was not kept either"
        );

        let form = Form::new()
            .text("quarter", "2025-Q3")
            .text("body", "本季度学习了党章。")
            .part("file", Part::bytes(PDF.to_vec()).file_name("思想汇报.pdf"));
        let res =
            me.0.post(app.url(&format!("/members/{a}/dossier/reports?_csrf={}", me.1)))
                .multipart(form)
                .send()
                .await
                .unwrap();
        assert_eq!(res.status(), 303);
        let list: Value = serde_json::from_str(
            &app.text(&me.0, &format!("/api/v1/members/{a}/thought-reports"))
                .await,
        )
        .unwrap();
        let report = &list["rows"][0];
        assert_eq!(report["quarter"], "2025-Q3");
        assert_eq!(report["document"]["filename"], "思想汇报.pdf");
        let id = report["id"].as_i64().unwrap();

        let (status, _) = app
            .post_json(
                &me,
                &format!("/api/v1/members/{a}/thought-reports"),
                json!({"quarter": "2025-Q3"}),
            )
            .await;
        assert_eq!(status, 422, "neither text nor file");

        let answer = format!("/api/v1/members/{a}/thought-reports/{id}/answer");
        let (status, _) = app.post_json(&me, &answer, json!({"answer": "好"})).await;
        assert_eq!(status, 403, "the person does not answer their own report");
        let mentor = app.session("mentor").await;
        let (status, body) = app
            .post_json(&mentor, &answer, json!({"answer": "认识深刻，继续保持。"}))
            .await;
        assert_eq!(status, 200, "{body}");
        let html = app.text(&me.0, &format!("/members/{a}/dossier")).await;
        assert!(
            html.contains("认识深刻，继续保持。"),
            "the person sees the answer"
        );
        let last =
            redbranch_db::dossier::last_report_on(&app.db.conn, app.world.tenant, PersonId(a))
                .await
                .unwrap();
        assert_eq!(last.as_deref(), Some("2025-Q3"));
    }
);

both_backends!(
    nobody_outside_the_branch_reaches_the_dossier_on_any_route,
    |app: TestApp| async move {
        let a = app.world.people["A001"];
        let sec = app.session("seca").await;
        let (_, doc) = upload(&app, &sec, a, ("application_letter", "a.pdf", PDF.to_vec())).await;
        let doc = doc["id"].as_i64().unwrap();
        let (_, remark) = app
            .post_json(
                &sec,
                &format!("/api/v1/members/{a}/remarks"),
                json!({"kind": "thinking", "body": "好"}),
            )
            .await;
        let remark = remark["id"].as_i64().unwrap();
        app.add_user(
            "secb",
            Some(app.world.people["B002"]),
            Role::BranchSecretary,
            &["PB1", "LB1"],
        )
        .await;
        app.add_user("collegeb", None, Role::CollegeAdmin, &["PB", "LB"])
            .await;
        // A member of A's own League branch who is not the person and not their cultivator.
        app.add_user("stub", None, Role::Member, &["LA1"]).await;

        for login in ["secb", "collegeb", "stub"] {
            let who = app.session(login).await;
            for path in [
                format!("/members/{a}/dossier"),
                format!("/members/{a}/documents/{doc}"),
                format!("/api/v1/members/{a}/dossier"),
                format!("/api/v1/members/{a}/documents"),
                format!("/api/v1/members/{a}/documents/{doc}"),
                format!("/api/v1/members/{a}/remarks"),
                format!("/api/v1/members/{a}/thought-reports"),
            ] {
                assert_eq!(app.status(&who.0, &path).await, 403, "{login} GET {path}");
            }
            let (status, _) = upload(&app, &who, a, ("other", "b.pdf", PDF.to_vec())).await;
            assert_eq!(status, 403, "{login} upload");
            for (path, body) in [
                (
                    format!("/api/v1/members/{a}/remarks"),
                    json!({"kind": "thinking", "body": "x"}),
                ),
                (
                    format!("/api/v1/members/{a}/remarks/{remark}/review"),
                    json!({"verdict": "agree"}),
                ),
                (
                    format!("/api/v1/members/{a}/thought-reports"),
                    json!({"quarter": "2025-Q1", "body": "x"}),
                ),
                (
                    format!("/api/v1/members/{a}/thought-reports/1/answer"),
                    json!({"answer": "x"}),
                ),
            ] {
                let (status, _) = app.post_json(&who, &path, body).await;
                assert_eq!(status, 403, "{login} POST {path}");
            }
            for path in [
                format!("/members/{a}/dossier/remarks"),
                format!("/members/{a}/dossier/remarks/{remark}/review"),
                format!("/members/{a}/dossier/reports/1/answer"),
            ] {
                let status = app
                    .post_status(&who.0, &path, &[("_csrf", who.1.as_str()), ("body", "x")])
                    .await;
                assert_eq!(status, 403, "{login} form POST {path}");
            }
        }
        // A student reading a fellow student's dossier is refused too.
        let stua = app.session("stua").await;
        let other = app.world.people["A002"];
        assert_eq!(
            app.status(&stua.0, &format!("/members/{other}/dossier"))
                .await,
            403
        );
        // A's document asked for under a person of another college: refused before it is looked up.
        let b = app.world.people["B001"];
        assert_eq!(
            app.status(&sec.0, &format!("/members/{b}/documents/{doc}"))
                .await,
            403
        );
        // Under a person seca may see but who does not own it: not found.
        assert_eq!(
            app.status(&sec.0, &format!("/members/{other}/documents/{doc}"))
                .await,
            404
        );
        assert_eq!(app.count("documents").await, 1, "only seca's upload");
    }
);
