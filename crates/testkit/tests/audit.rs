//! The audit chain: every change leaves an entry; tampering is detected.

use redbranch_db::audit;
use redbranch_testkit::{TestApp, both_backends};
use sea_orm::ConnectionTrait;

both_backends!(
    the_chain_verifies_and_detects_an_altered_entry,
    |app: TestApp| async move {
        let t = app.world.tenant;
        for i in 0..3 {
            let e = audit::Entry {
                actor_user_id: None,
                actor_login: "tester".into(),
                ip: "127.0.0.1".into(),
                action: "update".into(),
                entity: "person".into(),
                entity_id: Some(i.to_string()),
                org_path: None,
                before: Some(serde_json::json!({"name": "甲"})),
                after: Some(serde_json::json!({"name": "乙"})),
            };
            audit::append(&app.db.conn, t, e).await.unwrap();
        }
        let v = audit::verify(&app.db.conn, t).await.unwrap();
        assert_eq!(v.first_bad_seq, None);
        assert!(v.entries >= 3);

        app.db
            .conn
            .execute_unprepared(
                "UPDATE audit_log SET after_value = '{\"name\":\"丙\"}' WHERE seq = 2",
            )
            .await
            .unwrap();
        let v = audit::verify(&app.db.conn, t).await.unwrap();
        assert_eq!(v.first_bad_seq, Some(2));
    }
);

both_backends!(
    a_sign_out_everywhere_is_in_the_audit_log_for_school_admins,
    |app: TestApp| async move {
        let c = app.as_user("seca").await;
        let token = app.csrf(&c, "/me").await;
        c.post(app.url("/logout/all"))
            .form(&[("_csrf", token.as_str())])
            .send()
            .await
            .unwrap();
        let admin = app.as_user("school").await;
        let html = app.text(&admin, "/audit").await;
        assert!(html.contains("logout_all"), "{html}");
        let student = app.as_user("stua").await;
        assert_eq!(app.status(&student, "/audit").await, 403);
    }
);
