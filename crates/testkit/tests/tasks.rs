//! Annual plans and tasks through HTTP: the school publishes a goal, the branch breaks it into a
//! task for a member, the member submits a result with a file, and completion rolls up from the
//! branch to the college and the school; bad input is refused naming the field with nothing
//! written; nobody outside the subtree gets in. Browser: a member submits a result on a phone and
//! the branch sees the progress.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers outside #[test] functions: a step that fails is a failed test"
)]

use redbranch_domain::authz::Role;
use redbranch_testkit::browser::{
    Client, Locator, Screen, check_viewport, eventually, in_browser, sign_in_as, tap, text,
};
use redbranch_testkit::{Session, TestApp, both_backends, field_messages};
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";

fn today() -> chrono::NaiveDate {
    "2026-03-02".parse().unwrap()
}

async fn submit(
    app: &TestApp,
    s: &Session,
    task: i64,
    body: &str,
    file: Option<(&str, Vec<u8>)>,
) -> (u16, Value) {
    let mut form = Form::new().text("body", body.to_string());
    if let Some((name, bytes)) = file {
        form = form.part("file", Part::bytes(bytes).file_name(name.to_string()));
    }
    app.post_multipart(s, &format!("/api/v1/tasks/{task}/results"), form)
        .await
}

/// The school's 2026 goal, and a task of it for 2021A001 set by the branch secretary.
async fn plan_and_task(app: &TestApp) -> (i64, i64) {
    app.clock.set_today(today());
    let school = app.session("school").await;
    let p = app.world.org("P").id;
    let (s, plan) = app
        .post_json(
            &school,
            "/api/v1/plans",
            json!({"org_id": p, "year": "2026", "title": "全年开展主题党日 12 次"}),
        )
        .await;
    assert_eq!(s, 201, "{plan}");
    let sec = app.session("seca").await;
    let (s, task) = app
        .post_json(
            &sec,
            "/api/v1/tasks",
            json!({"plan_id": plan["id"], "assignee_student_no": "2021A001", "title": "撰写三月主题党日心得", "due_on": "2026-03-31"}),
        )
        .await;
    assert_eq!(s, 201, "{task}");
    (plan["id"].as_i64().unwrap(), task["id"].as_i64().unwrap())
}

both_backends!(
    a_member_submits_a_result_and_completion_rolls_up_the_tree,
    |app: TestApp| async move {
        let (plan, task) = plan_and_task(&app).await;
        let stu = app.session("stua").await;
        let (s, mine) = app.get_json(&stu, "/api/v1/tasks").await;
        assert_eq!(s, 200);
        assert_eq!(
            mine["mine"][0]["id"], task,
            "the member sees the task: {mine}"
        );
        assert_eq!(mine["mine"][0]["due_state"], "open");
        let unread = app
            .count(&format!(
                "notifications WHERE user_id = {} AND link = '/tasks/{task}'",
                app.world.users["stua"].0
            ))
            .await;
        assert_eq!(unread, 1, "the member was told");

        let college = app.session("collegea").await;
        let pa = app.world.org("PA").id;
        let (_, before) = app
            .get_json(
                &college,
                &format!("/api/v1/orgs/{pa}/task-progress?year=2026"),
            )
            .await;
        assert_eq!(before["total"]["percent"], 0, "{before}");

        let (s, r) = submit(
            &app,
            &stu,
            task,
            "已组织学习并撰写心得",
            Some(("心得.pdf", PDF.to_vec())),
        )
        .await;
        assert_eq!(s, 201, "{r}");

        let (_, after) = app
            .get_json(
                &college,
                &format!("/api/v1/orgs/{pa}/task-progress?year=2026"),
            )
            .await;
        assert_eq!(after["total"]["percent"], 100, "{after}");
        assert_eq!(after["rows"][0]["name"], "甲学院学生第一党支部");
        assert_eq!(after["rows"][0]["percent"], 100);
        let school = app.session("school").await;
        let p = app.world.org("P").id;
        let (_, top) = app
            .get_json(
                &school,
                &format!("/api/v1/orgs/{p}/task-progress?year=2026"),
            )
            .await;
        assert_eq!(top["total"]["done"], 1, "{top}");
        let pb = top["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == "乙学院党委")
            .unwrap();
        assert_eq!(pb["percent"], Value::Null, "no tasks is not 0 %: {pb}");

        let (_, view) = app
            .get_json(&college, &format!("/api/v1/plans/{plan}"))
            .await;
        assert_eq!(view["progress"]["percent"], 100, "{view}");
        let (_, t) = app.get_json(&stu, &format!("/api/v1/tasks/{task}")).await;
        let file = t["results"][0]["files"][0][0].as_i64().unwrap();
        let bytes = stu
            .0
            .get(app.url(&format!("/tasks/{task}/files/{file}")))
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        assert_eq!(&bytes[..], PDF, "the file comes back byte-identical");
        for action in ["plan_create", "task_create", "task_result"] {
            assert_eq!(
                app.count(&format!("audit_log WHERE action = '{action}'"))
                    .await,
                1,
                "{action} audited"
            );
        }
    }
);

both_backends!(
    a_returned_result_reopens_the_task_and_warnings_follow_the_due_date,
    |app: TestApp| async move {
        let (_, task) = plan_and_task(&app).await;
        let stu = app.session("stua").await;
        let (s, _) = submit(&app, &stu, task, "初稿", None).await;
        assert_eq!(s, 201);
        let (s, again) = submit(&app, &stu, task, "再交一次", None).await;
        assert_eq!(s, 422, "{again}");
        assert!(field_messages(&again).contains("结果已经提交"), "{again}");
        let sec = app.session("seca").await;
        let (s, r) = app
            .post_json(
                &sec,
                &format!("/api/v1/tasks/{task}/return"),
                json!({"comment": "请补充照片"}),
            )
            .await;
        assert_eq!(s, 200, "{r}");
        app.clock.set_today("2026-03-29".parse().unwrap());
        let (_, t) = app.get_json(&stu, &format!("/api/v1/tasks/{task}")).await;
        assert_eq!(t["status"], "returned");
        assert_eq!(t["due_state"], "due_soon", "three days before: {t}");
        app.clock.set_today("2026-04-01".parse().unwrap());
        let (_, t) = app.get_json(&stu, &format!("/api/v1/tasks/{task}")).await;
        assert_eq!(t["due_state"], "overdue", "the day after: {t}");
        let (s, _) = submit(&app, &stu, task, "补充了照片", None).await;
        assert_eq!(s, 201, "a late result is still taken");
        assert_eq!(app.count("audit_log WHERE action = 'task_return'").await, 1);
    }
);

both_backends!(
    bad_input_is_refused_naming_the_field_and_nothing_is_written,
    |app: TestApp| async move {
        let (plan, task) = plan_and_task(&app).await;
        let sec = app.session("seca").await;
        let tasks_before = app.count("tasks").await;
        for (body, want) in [
            (
                json!({"assignee_student_no": "2021A001", "title": "x", "due_on": "2026-03-01"}),
                "截止日期：截止日期不能早于今天（2026-03-02）",
            ),
            (
                json!({"assignee_student_no": "2021A001", "title": "x", "due_on": "2026-02-30"}),
                "截止日期：“2026-02-30”不是有效日期",
            ),
            (
                json!({"assignee_student_no": "2021A001", "title": "x", "due_on": "下周"}),
                "不是有效日期",
            ),
            (
                json!({"plan_id": plan, "assignee_student_no": "2021A001", "title": "x", "due_on": "2027-01-05"}),
                "属于 2026 年度计划的任务，须在 2026 年内截止",
            ),
            (
                json!({"assignee_org_id": app.world.org("PA1").id, "assignee_student_no": "2021A001", "title": "x", "due_on": "2026-04-01"}),
                "执行人：请选择一个执行组织",
            ),
            (
                json!({"assignee_student_no": "2099X999", "title": "x", "due_on": "2026-04-01"}),
                "找不到学号/工号为“2099X999”的人",
            ),
            (
                json!({"assignee_student_no": "2021A001", "title": " ", "due_on": "2026-04-01"}),
                "任务名称",
            ),
        ] {
            let (s, e) = app.post_json(&sec, "/api/v1/tasks", body).await;
            assert_eq!(s, 422, "{e}");
            assert!(field_messages(&e).contains(want), "want {want}: {e}");
        }
        let school = app.session("school").await;
        let (s, e) = app
            .post_json(
                &school,
                "/api/v1/plans",
                json!({"org_id": app.world.org("P").id, "year": "2030", "title": "x"}),
            )
            .await;
        assert_eq!(s, 422);
        assert!(
            field_messages(&e).contains("年度：年度计划只能是 2025 至 2027 年"),
            "{e}"
        );
        assert_eq!(
            app.count("tasks").await,
            tasks_before,
            "nothing half-written"
        );

        // A committee member of the branch may see the task but it is not theirs to submit.
        let com = app.session("coma").await;
        let (s, e) = submit(&app, &com, task, "代交", None).await;
        assert_eq!(s, 422, "{e}");
        assert!(
            field_messages(&e).contains("执行人：这项任务没有分配给你"),
            "{e}"
        );

        let stu = app.session("stua").await;
        let (s, e) = submit(&app, &stu, task, "", None).await;
        assert_eq!(s, 422);
        assert!(
            field_messages(&e).contains("完成情况：请填写完成情况，或附上文件"),
            "{e}"
        );
        let (s, e) = submit(
            &app,
            &stu,
            task,
            "见附件",
            Some(("a.exe", b"MZ\x90\x00binary".to_vec())),
        )
        .await;
        assert_eq!(s, 422);
        assert!(field_messages(&e).contains("附件："), "{e}");
        let tid = app.world.tenant.0;
        app.sql(&format!("UPDATE tenants SET settings = '{{\"dossier\": {{\"max_document_bytes\": 1024}}}}' WHERE id = {tid}")).await;
        let (s, e) = submit(
            &app,
            &stu,
            task,
            "见附件",
            Some(("big.pdf", [PDF, &[b' '; 4096][..]].concat())),
        )
        .await;
        assert_eq!(s, 422);
        assert!(field_messages(&e).contains("附件：文件超过 1 MB"), "{e}");
        assert_eq!(
            app.count("task_results").await,
            0,
            "no result without its file"
        );
        assert_eq!(app.count("attachments").await, 0);
        assert_eq!(
            app.count(&format!("tasks WHERE id = {task} AND status = 'open'"))
                .await,
            1
        );
    }
);

both_backends!(
    nobody_outside_the_subtree_sees_sets_or_counts_tasks,
    |app: TestApp| async move {
        let (plan, task) = plan_and_task(&app).await;
        app.add_user(
            "secb",
            Some(app.world.person("B003")),
            Role::BranchSecretary,
            &["PB1"],
        )
        .await;
        let other = app.session("secb").await;
        let pa = app.world.org("PA").id;
        let pa1 = app.world.org("PA1").id;
        for path in [
            format!("/api/v1/tasks/{task}"),
            format!("/api/v1/orgs/{pa}/task-progress"),
            format!("/api/v1/orgs/{pa1}/task-progress"),
            format!("/tasks/{task}"),
        ] {
            assert_eq!(app.get_json(&other, &path).await.0, 403, "{path}");
        }
        let (s, _) = app
            .post_json(
                &other,
                "/api/v1/tasks",
                json!({"assignee_student_no": "2021A001", "title": "越权", "due_on": "2026-04-01"}),
            )
            .await;
        assert_eq!(
            s, 403,
            "another branch cannot set a task for college A's member"
        );
        let (s, _) = app
            .post_json(
                &other,
                "/api/v1/tasks",
                json!({"assignee_org_id": pa1, "title": "越权", "due_on": "2026-04-01"}),
            )
            .await;
        assert_eq!(s, 403);
        let (s, _) = submit(&app, &other, task, "越权", None).await;
        assert_eq!(s, 403);
        let (s, _) = app
            .post_json(
                &other,
                &format!("/api/v1/tasks/{task}/return"),
                json!({"comment": "x"}),
            )
            .await;
        assert_eq!(s, 403);
        // A branch secretary does not publish yearly goals; a member sees no progress.
        let sec = app.session("seca").await;
        let (s, _) = app
            .post_json(
                &sec,
                "/api/v1/plans",
                json!({"org_id": pa1, "year": "2026", "title": "x"}),
            )
            .await;
        assert_eq!(s, 403);
        let stu = app.session("stua").await;
        assert_eq!(
            app.get_json(&stu, &format!("/api/v1/orgs/{pa1}/task-progress"))
                .await
                .0,
            403
        );
        let (s, _) = app
            .post_json(
                &stu,
                &format!("/api/v1/tasks/{task}/return"),
                json!({"comment": "x"}),
            )
            .await;
        assert_eq!(s, 403, "the assignee cannot return their own result");
        // The school's plan concerns college B too; the task under college A does not show there.
        let (s, v) = app.get_json(&other, &format!("/api/v1/plans/{plan}")).await;
        assert_eq!(s, 200);
        assert_eq!(v["tasks"].as_array().map(Vec::len), Some(0), "{v}");
    }
);

/// A member opens their task on a phone, submits a result, and the branch sees 100 %.
async fn submit_on_a_phone(app: &TestApp, c: Client) -> anyhow::Result<()> {
    let (_, task) = plan_and_task(app).await;
    sign_in_as(app, &c, "stua").await?;
    check_viewport(&c, Screen::Phone).await?;
    c.find(Locator::Css(".tabbar a[href='/tasks']"))
        .await?
        .click()
        .await?;
    eventually("the task list shows the task", || async {
        Ok(text(&c, "#mine").await?.contains("撰写三月主题党日心得"))
    })
    .await?;
    c.find(Locator::LinkText("撰写三月主题党日心得"))
        .await?
        .click()
        .await?;
    eventually("the task page opens", || async {
        Ok(c.current_url().await?.path() == format!("/tasks/{task}"))
    })
    .await?;
    c.find(Locator::Id("result-body"))
        .await?
        .send_keys("已组织学习，心得见正文")
        .await?;
    tap(&c, "#results form button[type=submit]").await?;
    eventually("the result is shown", || async {
        Ok(text(&c, "#results")
            .await?
            .contains("已组织学习，心得见正文"))
    })
    .await?;
    anyhow::ensure!(
        text(&c, "#task").await?.contains("已完成"),
        "the task shows as done"
    );
    c.delete_all_cookies().await?;
    sign_in_as(app, &c, "seca").await?;
    let pa1 = app.world.org("PA1").id;
    c.goto(&app.url(&format!("/tasks/progress?org={pa1}&year=2026")))
        .await?;
    eventually("the branch sees 100 %", || async {
        Ok(text(&c, "#progress-total").await?.contains("100%"))
    })
    .await?;
    redbranch_testkit::browser::screenshot(app, &c, "tasks-progress-phone.png").await?;
    Ok(())
}

both_backends!(
    a_member_submits_on_a_phone_and_the_branch_sees_progress,
    |app: TestApp| async move { in_browser(&app, Screen::Phone, submit_on_a_phone).await }
);
