//! Sign-in, lockout, forced password change, CSRF, sign-out — through HTTP on both databases.

use redbranch_testkit::{PASSWORD, TestApp, both_backends};

both_backends!(
    a_right_password_signs_in_and_a_wrong_one_is_refused_in_chinese,
    |app: TestApp| async move {
        let (_, res) = app.sign_in("stua", "Wrong-pass1").await;
        assert_eq!(res.status(), 422);
        let body = res.text().await.unwrap();
        assert!(body.contains("学号/工号或密码错误"), "{body}");

        let (c, res) = app.sign_in("stua", PASSWORD).await;
        assert_eq!(res.status(), 303);
        let home = c.get(app.url("/")).send().await.unwrap();
        assert_eq!(home.status(), 200);
        assert!(home.text().await.unwrap().contains("stua"));
    }
);

both_backends!(
    five_failures_lock_the_account_even_with_the_right_password,
    |app: TestApp| async move {
        for _ in 0..5 {
            app.sign_in("coma", "Wrong-pass1").await;
        }
        let (_, res) = app.sign_in("coma", PASSWORD).await;
        assert_eq!(res.status(), 422);
        assert!(res.text().await.unwrap().contains("锁定"));
    }
);

both_backends!(
    an_initial_password_must_be_changed_before_anything_else,
    |app: TestApp| async move {
        let (c, res) = app.sign_in("fresh", PASSWORD).await;
        assert_eq!(res.headers()["location"], "/password");
        let home = c.get(app.url("/members")).send().await.unwrap();
        assert_eq!(home.headers()["location"], "/password");

        let token = app.csrf(&c, "/password").await;
        let weak = c
            .post(app.url("/password"))
            .form(&[
                ("_csrf", token.as_str()),
                ("current_password", PASSWORD),
                ("new_password", "abcdefgh"),
                ("confirm_password", "abcdefgh"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(weak.status(), 422);
        assert!(weak.text().await.unwrap().contains("至少 3 类"));

        let ok = c
            .post(app.url("/password"))
            .form(&[
                ("_csrf", token.as_str()),
                ("current_password", PASSWORD),
                ("new_password", "New-Secret-42"),
                ("confirm_password", "New-Secret-42"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(ok.status(), 303);
        assert_eq!(app.status(&c, "/").await, 200);
    }
);

both_backends!(
    a_form_post_without_the_csrf_token_is_refused,
    |app: TestApp| async move {
        let c = app.as_user("stua").await;
        let res = c
            .post(app.url("/logout"))
            .form(&[("x", "1")])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 400);
        assert!(res.text().await.unwrap().contains("页面已过期"));
        assert_eq!(app.status(&c, "/").await, 200, "still signed in");
    }
);

both_backends!(
    signing_out_everywhere_ends_other_sessions,
    |app: TestApp| async move {
        let phone = app.as_user("stua").await;
        let laptop = app.as_user("stua").await;
        let token = app.csrf(&laptop, "/me").await;
        let res = laptop
            .post(app.url("/logout/all"))
            .form(&[("_csrf", token.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 303);
        let after = phone.get(app.url("/")).send().await.unwrap();
        assert_eq!(after.status(), 303);
        assert!(
            after.headers()["location"]
                .to_str()
                .unwrap()
                .starts_with("/login")
        );
    }
);

both_backends!(health_and_readiness_answer, |app: TestApp| async move {
    let c = app.client();
    assert_eq!(app.text(&c, "/healthz").await, "ok");
    assert_eq!(app.status(&c, "/readyz").await, 200);
});

both_backends!(pages_speak_english_when_asked, |app: TestApp| async move {
    let c = app.client();
    let html = app.text(&c, "/login?lang=en").await;
    assert!(html.contains("lang=\"en\""));
    assert!(
        !html.contains("登录"),
        "no Chinese left on the English sign-in page"
    );
});

both_backends!(
    only_the_school_tier_changes_the_school_name,
    |app: TestApp| async move {
        let college = app.as_user("collegea").await;
        assert_eq!(app.status(&college, "/settings").await, 403);
        let token = app.csrf(&college, "/").await;
        let refused = college
            .post(app.url("/settings"))
            .form(&[("_csrf", token.as_str()), ("name", "改名大学")])
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), 403);

        let school = app.as_user("school").await;
        let token = app.csrf(&school, "/settings").await;
        let empty = school
            .post(app.url("/settings"))
            .form(&[("_csrf", token.as_str()), ("name", "  ")])
            .send()
            .await
            .unwrap();
        assert_eq!(empty.status(), 422);
        let ok = school
            .post(app.url("/settings"))
            .form(&[("_csrf", token.as_str()), ("name", "测试理工大学")])
            .send()
            .await
            .unwrap();
        assert_eq!(ok.status(), 303);
        let page = app.text(&school, "/settings").await;
        assert!(
            page.contains("测试理工大学") && page.contains("已保存"),
            "{page}"
        );
    }
);
