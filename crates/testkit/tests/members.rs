//! The member list and profiles: search, scope, and the boundaries between branches.

use redbranch_testkit::{TestApp, both_backends};

both_backends!(
    a_branch_secretary_finds_their_people_by_name_initials_or_number,
    |app: TestApp| async move {
        let c = app.as_user("seca").await;
        let by_name = c.get(app.url("/members?q=%E5%BC%A0")).send().await.unwrap();
        assert_eq!(by_name.status(), 200);
        assert!(by_name.text().await.unwrap().contains("张伟"));
        let by_initials = app.text(&c, "/api/v1/members?q=zw").await;
        assert!(by_initials.contains("张伟"), "{by_initials}");
        let by_number = app.text(&c, "/api/v1/members?q=2021A00").await;
        assert!(by_number.contains("\"total\":3"), "{by_number}");
    }
);

both_backends!(
    a_branch_secretary_never_sees_another_colleges_people,
    |app: TestApp| async move {
        let c = app.as_user("seca").await;
        let list = app.text(&c, "/api/v1/members?per_page=200").await;
        assert!(
            list.contains("张伟") && !list.contains("刘洋"),
            "college B's 刘洋 must not be listed: {list}"
        );
        let foreign = app.world.person("B001");
        assert_eq!(app.status(&c, &format!("/members/{foreign}")).await, 403);
        assert_eq!(
            app.status(&c, &format!("/api/v1/members/{foreign}")).await,
            403
        );
        let own = app.world.person("A002");
        assert_eq!(app.status(&c, &format!("/members/{own}")).await, 200);
    }
);

both_backends!(
    a_student_sees_only_their_own_record,
    |app: TestApp| async move {
        let c = app.as_user("stua").await;
        assert_eq!(app.status(&c, "/members").await, 403);
        let me = app.world.person("A001");
        assert_eq!(app.status(&c, &format!("/members/{me}")).await, 200);
        let classmate = app.world.person("A002");
        assert_eq!(app.status(&c, &format!("/members/{classmate}")).await, 403);
    }
);

both_backends!(
    identity_numbers_leave_in_clear_only_when_asked_by_someone_allowed_and_it_is_audited,
    |app: TestApp| async move {
        let cell_texts = |bytes: &[u8]| -> String {
            let sheets = redbranch_sheets::read_workbook(bytes, "x.xlsx").unwrap();
            sheets[0]
                .rows
                .iter()
                .flatten()
                .map(|c| c.text().to_string())
                .collect::<Vec<_>>()
                .join("|")
        };
        let secretary = app.as_user("seca").await;
        let refused = secretary
            .get(app.url("/members/export.xlsx?reveal=1"))
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), 403);
        let masked = secretary
            .get(app.url("/members/export.xlsx"))
            .send()
            .await
            .unwrap();
        assert_eq!(masked.status(), 200);
        let text = cell_texts(&masked.bytes().await.unwrap());
        assert!(
            text.contains("420106********") && !text.contains("42010620030101"),
            "{text}"
        );

        let college = app.as_user("collegea").await;
        let clear = college
            .get(app.url("/members/export.xlsx?reveal=1"))
            .send()
            .await
            .unwrap();
        assert_eq!(clear.status(), 200);
        let text = cell_texts(&clear.bytes().await.unwrap());
        assert!(text.contains("42010620030101"), "{text}");
        let audit = app
            .as_user("school")
            .await
            .get(app.url("/audit?action=export_revealed"))
            .send()
            .await
            .unwrap();
        assert!(audit.text().await.unwrap().contains("collegea"));
    }
);
