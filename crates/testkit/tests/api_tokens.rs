//! API tokens: issued for a login and password without any cookie, then used as a bearer.

use redbranch_testkit::{PASSWORD, TestApp, both_backends};

both_backends!(
    an_api_token_is_issued_without_a_cookie_and_works_as_bearer,
    |app: TestApp| async move {
        let c = reqwest::Client::new();
        let res = c
            .post(app.url("/api/v1/tokens"))
            .json(&serde_json::json!({"login": "seca", "password": PASSWORD, "name": "ci"}))
            .send()
            .await
            .unwrap();
        let status = res.status();
        let body: serde_json::Value = res.json().await.unwrap();
        assert!(status.is_success(), "{status} {body}");
        let token = body["token"].as_str().unwrap_or_default().to_string();
        assert!(token.starts_with("rb_"), "{body}");
        let me = c
            .get(app.url("/api/v1/me"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(me.status(), 200);
        let nobody = c.get(app.url("/api/v1/members")).send().await.unwrap();
        assert_eq!(nobody.status(), 401);
        assert!(
            nobody
                .text()
                .await
                .unwrap()
                .contains("\"code\":\"unauthenticated\"")
        );
    }
);

both_backends!(
    a_wrong_password_gets_no_token_and_a_chinese_error,
    |app: TestApp| async move {
        let res = reqwest::Client::new()
        .post(app.url("/api/v1/tokens"))
        .json(&serde_json::json!({"login": "seca", "password": "nope-Nope1", "school": "test", "name": "ci"}))
        .send()
        .await
        .unwrap();
        assert!(res.status().is_client_error());
        let body = res.text().await.unwrap();
        assert!(!body.contains("rb_"), "{body}");
        assert!(body.contains("密码"), "{body}");
    }
);
