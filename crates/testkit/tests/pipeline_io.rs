//! The pipeline's documents, Excel export, import and bulk actions, through HTTP on both
//! databases: what a secretary downloads and uploads, what the rules refuse, and who may not.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers outside #[test] functions: a step that fails is a failed test"
)]

use std::io::Read;

use redbranch_sheets::Cell;
use redbranch_testkit::{Session, TestApp, both_backends};
use serde_json::{Value, json};

async fn post_file(app: &TestApp, (c, csrf): &Session, query: &str, file: Vec<u8>) -> (u16, Value) {
    let res = c
        .post(app.url(&format!("/api/v1/pipeline/import{query}")))
        .header("x-csrf-token", csrf)
        .header(
            "content-type",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        .body(file)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn get_bytes(app: &TestApp, (c, _): &Session, path: &str) -> (u16, Vec<u8>) {
    let res = c.get(app.url(path)).send().await.unwrap();
    let status = res.status().as_u16();
    (status, res.bytes().await.unwrap().to_vec())
}

async fn set_birth_date(app: &TestApp, person: i64, date: &str) {
    app.sql(&format!(
        "UPDATE people SET birth_date = '{date}' WHERE id = {person}"
    ))
    .await;
}

async fn steps_of(app: &TestApp, s: &Session, person: i64) -> Vec<Value> {
    let (c, _) = s;
    let v: Value = c
        .get(app.url(&format!("/api/v1/members/{person}/pipeline")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    v["steps"].as_array().cloned().unwrap_or_default()
}

/// An import file: the header, then one row per person.
fn import_file(headers: &[&str], rows: &[&[&str]]) -> Vec<u8> {
    redbranch_sheets::write_xlsx(
        "发展党员",
        headers,
        rows.iter()
            .map(|r| r.iter().map(|c| Cell::from(*c)).collect::<Vec<_>>()),
    )
    .unwrap()
}

/// The text of `word/document.xml` inside a .docx.
fn document_xml(docx: &[u8]) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    xml
}

fn problems(report: &Value, key: &str) -> String {
    report[key]
        .as_array()
        .map(|v| {
            v.iter()
                .map(|i| {
                    format!(
                        "row {} [{}] {}",
                        i["row"],
                        i["column"].as_str().unwrap_or(""),
                        i["message"].as_str().unwrap_or("")
                    )
                })
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default()
}

both_backends!(
    the_export_lists_the_branch_pipeline_in_the_national_columns_and_is_refused_outside_scope,
    |app: TestApp| async move {
        let a = app.world.person("A001");
        set_birth_date(&app, a, "2004-05-01").await;
        let sec = app.session("seca").await;
        let (status, body) = app
            .post_json(
                &sec,
                &format!("/api/v1/members/{a}/pipeline"),
                json!({"step": "submit_application", "on": "2024-03-01"}),
            )
            .await;
        assert_eq!(status, 201, "{body}");

        let branch = app.world.org("PA1").id;
        let (status, bytes) = get_bytes(&app, &sec, &format!("/orgs/{branch}/pipeline.xlsx")).await;
        assert_eq!(status, 200);
        let sheets = redbranch_sheets::read_workbook(&bytes, "export.xlsx").unwrap();
        let rows = &sheets[0].rows;
        let header: Vec<String> = rows[0].iter().map(|c| c.text().into_owned()).collect();
        assert_eq!(header[1], "姓名");
        assert_eq!(header[5], "公民身份号码");
        assert_eq!(header[9], "申请入党日期");
        assert_eq!(rows.len(), 2, "only A001 is in the pipeline of the branch");
        let row: Vec<String> = rows[1].iter().map(|c| c.text().into_owned()).collect();
        assert_eq!(row[1], "张伟");
        assert_eq!(row[9], "2024-03-01");
        assert!(
            row[5].contains('*'),
            "the identity number is masked: {}",
            row[5]
        );

        let (status, json) =
            get_bytes(&app, &sec, &format!("/api/v1/orgs/{branch}/pipeline")).await;
        assert_eq!(status, 200);
        let json: Value = serde_json::from_slice(&json).unwrap();
        assert_eq!(json["rows"][0][1], "张伟");

        let other = app.world.org("PB1").id;
        let college_a = app.session("collegea").await;
        let (status, _) =
            get_bytes(&app, &college_a, &format!("/orgs/{other}/pipeline.xlsx")).await;
        assert_eq!(
            status, 403,
            "college A's admin may not export college B's branch"
        );
        let student = app.session("stua").await;
        let (status, _) = get_bytes(&app, &student, &format!("/orgs/{branch}/pipeline.xlsx")).await;
        assert_eq!(status, 403, "a student may not export the branch");
    }
);

both_backends!(
    a_printable_form_opens_as_docx_with_the_name_and_the_date_in_chinese,
    |app: TestApp| async move {
        let a = app.world.person("A001");
        set_birth_date(&app, a, "2004-05-01").await;
        let sec = app.session("seca").await;
        let (status, _) = app
            .post_json(
                &sec,
                &format!("/api/v1/members/{a}/pipeline"),
                json!({"step": "submit_application", "on": "2024-11-21"}),
            )
            .await;
        assert_eq!(status, 201);

        let (status, docx) =
            get_bytes(&app, &sec, &format!("/members/{a}/forms/activist.docx")).await;
        assert_eq!(status, 200);
        let xml = document_xml(&docx);
        assert!(xml.contains("张伟"), "the person's name is on the form");
        assert!(
            xml.contains("2024年11月21日"),
            "the application date in 年月日"
        );
        assert!(xml.contains("2004年5月1日"), "the birth date in 年月日");

        let branch = app.world.org("PA1").id;
        let (status, docx) = get_bytes(
            &app,
            &sec,
            &format!("/orgs/{branch}/forms/publicity.docx?people={a}&from=2025-11-21&to=2025-11-27&contact=0571-88888888"),
        )
        .await;
        assert_eq!(status, 200);
        let xml = document_xml(&docx);
        assert!(
            xml.contains("张伟") && xml.contains("2025年11月21日至2025年11月27日"),
            "{xml}"
        );
        assert!(
            xml.contains("0571-88888888"),
            "the branch's contact is on the notice"
        );

        let b = app.world.person("B001");
        let (status, _) = get_bytes(&app, &sec, &format!("/members/{b}/forms/activist.docx")).await;
        assert_eq!(
            status, 403,
            "another branch's secretary may not print B001's form"
        );
    }
);

const HEADERS: [&str; 5] = [
    "学号/工号",
    "姓名",
    "第1步 递交入党申请书",
    "第2步 党组织派人谈话",
    "第3步",
];

both_backends!(
    a_good_import_commits_every_step_and_the_people_reach_their_status,
    |app: TestApp| async move {
        let (a, b) = (app.world.person("A001"), app.world.person("A002"));
        set_birth_date(&app, a, "2004-05-01").await;
        set_birth_date(&app, b, "2003-01-09").await;
        // 张伟 became an activist as a 群众 (not through the League's 推优, which a 团员 under
        // 28 would need).
        app.sql(&format!(
            "UPDATE people SET political_status = 'masses' WHERE id = {a}"
        ))
        .await;
        let sec = app.session("seca").await;
        let file = import_file(
            &HEADERS,
            &[
                &["2021A001", "张伟", "2023-03-01", "2023-03-20", "2023-06-01"],
                &["2021A002", "王芳", "2023.4.2", "2023年4月30日", ""],
            ],
        );
        let (status, report) = post_file(&app, &sec, "", file.clone()).await;
        assert_eq!(status, 200, "{report}");
        assert_eq!(report["steps"], 5, "{report}");
        assert!(
            report["issues"].as_array().unwrap().is_empty(),
            "{}",
            problems(&report, "issues")
        );

        let (status, report) = post_file(&app, &sec, "?commit=true", file).await;
        assert_eq!(status, 201, "{report}");
        assert_eq!(report["committed"], 5);
        let steps = steps_of(&app, &sec, a).await;
        assert_eq!(steps.len(), 3);
        assert_eq!(steps[2]["step"], "recommend_activist");
        assert_eq!(steps[2]["on"], "2023-06-01");
        let (c, _) = &sec;
        let person: Value = c
            .get(app.url(&format!("/api/v1/members/{a}")))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(
            person.to_string().contains("party_activist"),
            "A001 is now an activist: {person}"
        );
        assert_eq!(steps_of(&app, &sec, b).await.len(), 2);
    }
);

both_backends!(
    a_past_violation_is_refused_by_row_and_rule_and_committed_only_with_an_admins_reason,
    |app: TestApp| async move {
        let a = app.world.person("A001");
        set_birth_date(&app, a, "2004-05-01").await;
        // The talk came two months after the application: 细则 asks for one.
        let file = import_file(
            &HEADERS[..4],
            &[&["2021A001", "张伟", "2023-03-01", "2023-05-02"]],
        );
        let sec = app.session("seca").await;
        let (status, report) = post_file(&app, &sec, "", file.clone()).await;
        assert_eq!(status, 200);
        let v = problems(&report, "violations");
        assert!(
            v.contains("row 2") && v.contains("第2步"),
            "the row and the step are named: {v}"
        );
        assert!(
            v.contains("1 个月内派人谈话") && v.contains("《中国共产党发展党员工作细则》"),
            "{v}"
        );

        let (status, report) = post_file(
            &app,
            &sec,
            "?commit=true&override_reason=补录",
            file.clone(),
        )
        .await;
        assert_eq!(
            status, 422,
            "a secretary may not import past a rule: {report}"
        );
        assert!(
            steps_of(&app, &sec, a).await.is_empty(),
            "nothing half-written"
        );

        let admin = app.session("collegea").await;
        let (status, report) = post_file(&app, &admin, "?commit=true", file.clone()).await;
        assert_eq!(status, 422, "an override needs a written reason: {report}");
        let (status, report) = post_file(
            &app,
            &admin,
            "?commit=true&override_reason=2023年纸质档案补录，谈话记录已核实",
            file,
        )
        .await;
        assert_eq!(status, 201, "{report}");
        let steps = steps_of(&app, &admin, a).await;
        assert_eq!(steps.len(), 2);
        assert!(
            steps[0]["override_reason"].is_null(),
            "the clear step is not an override"
        );
        assert_eq!(
            steps[1]["override_reason"],
            "2023年纸质档案补录，谈话记录已核实"
        );
    }
);

both_backends!(
    an_import_into_another_branch_or_by_a_student_is_refused,
    |app: TestApp| async move {
        let file = import_file(&HEADERS[..3], &[&["2021B001", "刘洋", "2023-03-01"]]);
        let sec = app.session("seca").await;
        let (status, report) = post_file(&app, &sec, "?commit=true", file.clone()).await;
        assert_eq!(status, 422, "{report}");
        assert!(
            problems(&report, "issues").contains("不在您有权记录的党组织内"),
            "{report}"
        );
        let student = app.session("stua").await;
        let (status, _) = post_file(&app, &student, "", file).await;
        assert_eq!(status, 403);
        let (status, _) = get_bytes(&app, &student, "/pipeline/import").await;
        assert_eq!(status, 403);
        let (status, page) = get_bytes(&app, &sec, "/pipeline/import").await;
        assert_eq!(status, 200);
        assert!(
            String::from_utf8(page)
                .unwrap()
                .contains("/pipeline/import/template.xlsx")
        );
        let branch = app.world.org("PA1").id;
        let (status, page) = get_bytes(
            &app,
            &sec,
            &format!("/orgs/{branch}/pipeline/bulk?step=submit_application"),
        )
        .await;
        assert_eq!(status, 200);
        let page = String::from_utf8(page).unwrap();
        assert!(
            page.contains("张伟") && !page.contains("刘洋"),
            "the bulk page lists the branch's people at the step only"
        );
    }
);

both_backends!(
    a_bulk_step_with_one_refusal_writes_nothing_and_names_that_person,
    |app: TestApp| async move {
        let ids = ["A001", "A002", "A003"].map(|n| app.world.person(n));
        set_birth_date(&app, ids[0], "2004-05-01").await;
        set_birth_date(&app, ids[1], "2003-01-09").await;
        // A003 is a year too young on the day of application.
        set_birth_date(&app, ids[2], "2006-09-01").await;
        let sec = app.session("seca").await;
        let body = json!({"step": "submit_application", "on": "2024-03-01", "person_ids": ids});
        let (status, v) = app
            .post_json(&sec, "/api/v1/pipeline/bulk", body.clone())
            .await;
        assert_eq!(status, 422, "{v}");
        let refused = v["error"]["refused"].as_array().unwrap();
        assert_eq!(refused.len(), 1, "{v}");
        assert_eq!(refused[0]["name"], "李娜");
        assert!(
            refused[0]["messages"][0]
                .as_str()
                .unwrap()
                .contains("18 周岁"),
            "{v}"
        );
        for id in ids {
            assert!(
                steps_of(&app, &sec, id).await.is_empty(),
                "nobody was recorded"
            );
        }

        set_birth_date(&app, ids[2], "2004-09-01").await;
        let (status, v) = app.post_json(&sec, "/api/v1/pipeline/bulk", body).await;
        assert_eq!(status, 201, "{v}");
        assert_eq!(v["recorded"], 3);

        let b = app.world.person("B001");
        set_birth_date(&app, b, "2004-05-01").await;
        let (status, v) = app
            .post_json(
                &sec,
                "/api/v1/pipeline/bulk",
                json!({"step": "application_talk", "on": "2024-03-10", "person_ids": [ids[0], b]}),
            )
            .await;
        assert_eq!(status, 422, "{v}");
        let refused = v["error"]["refused"].as_array().unwrap();
        assert_eq!(refused.len(), 1);
        assert_eq!(
            refused[0]["name"], "刘洋",
            "the person of another branch is named: {v}"
        );
        assert_eq!(
            steps_of(&app, &sec, ids[0]).await.len(),
            1,
            "A001's talk was not written"
        );
    }
);

both_backends!(
    a_league_member_made_activist_without_a_recommendation_is_a_violation_in_the_preview,
    |app: TestApp| async move {
        let a = app.world.person("A001");
        set_birth_date(&app, a, "2004-05-01").await;
        let sec = app.session("seca").await;
        let file = import_file(
            &HEADERS,
            &[&["2021A001", "张伟", "2023-03-01", "2023-03-20", "2023-06-01"]],
        );
        let (status, report) = post_file(&app, &sec, "", file).await;
        assert_eq!(status, 200, "{report}");
        assert!(
            report["issues"].as_array().unwrap().is_empty(),
            "{}",
            problems(&report, "issues")
        );
        let v = problems(&report, "violations");
        assert!(
            v.contains("row 2") && v.contains("推优"),
            "the missing 推优 is reported before committing, by row and rule: {v}"
        );
    }
);

both_backends!(
    an_imported_candidate_leaving_within_three_months_of_the_meeting_is_flagged_in_the_preview,
    |app: TestApp| async move {
        let (a, b) = (app.world.person("A001"), app.world.person("A002"));
        for p in [a, b] {
            set_birth_date(&app, p, "2003-01-09").await;
            // Not 团员: step 3 then needs no 推优, which is not what this test is about.
            app.sql(&format!(
                "UPDATE people SET political_status = 'masses' WHERE id = {p}"
            ))
            .await;
        }
        let steps: Vec<String> = (1..=15).map(|n| format!("第{n}步")).collect();
        let mut headers: Vec<&str> = vec!["学号", "姓名"];
        headers.extend(steps.iter().map(String::as_str));
        headers.extend([
            "培养联系人",
            "入党介绍人",
            "集中培训天数",
            "接收大会应到人数",
            "接收大会实到人数",
            "接收大会赞成票数",
            "预计离校时间",
        ]);
        let dates = [
            "2022-03-01",
            "2022-03-15",
            "2022-04-01",
            "2022-04-02",
            "2022-04-03",
            "2022-04-04",
            "2023-04-01",
            "2023-04-02",
            "2023-04-03",
            "2023-04-04",
            "2023-04-05",
            "2023-04-10",
            "2023-04-11",
            "2023-04-12",
            "2023-05-10",
        ];
        let row = |no: &'static str, name: &'static str, leaving: &'static str| {
            let mut r: Vec<&str> = vec![no, name];
            r.extend(dates);
            r.extend(["李娜", "李娜、杨磊", "3", "10", "9", "8", leaving]);
            r
        };
        // 支部大会 on 2023-05-10: leaving on 2023-08-10 (3 months on, the last day counted) is
        // flagged; 2023-08-11 is not.
        let flagged = row("2021A001", "张伟", "2023年8月10日");
        let clear = row("2021A002", "王芳", "2023-08-11");
        let file = import_file(&headers, &[&flagged, &clear]);
        let sec = app.session("seca").await;
        let (status, report) = post_file(&app, &sec, "", file).await;
        assert_eq!(status, 200, "{report}");
        assert!(
            report["issues"].as_array().unwrap().is_empty()
                && report["violations"].as_array().unwrap().is_empty(),
            "{}\n{}",
            problems(&report, "issues"),
            problems(&report, "violations")
        );
        let flags = problems(&report, "flags");
        assert!(
            flags.contains("row 2 [第15步")
                && flags.contains("第十九条")
                && flags.contains("2023-08-10"),
            "{flags}"
        );
        assert!(
            !flags.contains("row 3"),
            "the day after the window: {flags}"
        );
    }
);
