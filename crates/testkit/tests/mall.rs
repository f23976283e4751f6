//! The points mall through HTTP and, for the race, through the database layer with real
//! concurrency: an item with negative stock is refused naming the field and nothing is written;
//! a redemption takes points and stock together; beyond the limit, the balance or the stock it
//! is refused and nothing is half-written; 1,000 concurrent redemptions of 100 units sell exactly
//! 100; fulfilment and cancellation (points back) by the item's administrator only.

use redbranch_db::TransactionTrait;
use redbranch_db::mall as dbmall;
use redbranch_db::people::PersonId;
use redbranch_testkit::{Session, TestApp, both_backends, field_messages};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};

async fn give(app: &TestApp, sys: &Session, person: i64, points: i64) {
    let (s, v) = app
        .post_json(
            sys,
            "/api/v1/points/adjustments",
            json!({"person_id": person, "points": points, "reason": "测试"}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
}

async fn new_item(
    app: &TestApp,
    s: &Session,
    org: &str,
    (price, stock, limit): (i64, i64, i64),
) -> (u16, Value) {
    let org = app.world.org(org).id;
    app.post_json(s, "/api/v1/mall/items", json!({"org_id": org, "name": "党史读本", "description": "精装", "price": price, "stock": stock, "per_person_limit": limit})).await
}

both_backends!(
    an_item_with_negative_stock_is_refused_naming_the_field_and_nothing_is_written,
    |app: TestApp| async move {
        let sys = app.session("sys").await;
        let (s, v) = new_item(&app, &sys, "L", (10, -1, 1)).await;
        assert_eq!(s, 422);
        assert!(field_messages(&v).contains("库存不能为负数"), "{v}");
        let (s, v) = new_item(&app, &sys, "L", (0, 5, 0)).await;
        assert_eq!(s, 422);
        assert!(field_messages(&v).contains("所需积分"), "{v}");
        assert_eq!(app.scalar("SELECT COUNT(*) FROM mall_items").await, 0);
        let college_a = app.session("collegea").await;
        let (s, _) = new_item(&app, &college_a, "LB", (10, 5, 1)).await;
        assert_eq!(
            s, 403,
            "college A's administrator runs no mall in college B"
        );
    }
);

both_backends!(
    a_redemption_takes_points_and_stock_and_refusals_write_nothing,
    |app: TestApp| async move {
        let sys = app.session("sys").await;
        let a001 = app.world.person("A001");
        give(&app, &sys, a001, 100).await;
        let (_, item) = new_item(&app, &sys, "LA", (20, 2, 2)).await;
        let id = item["id"].as_i64().unwrap();
        let stua = app.session("stua").await;
        let redeem = format!("/api/v1/mall/items/{id}/redeem");
        let (s, r) = app.post_json(&stua, &redeem, json!({})).await;
        assert_eq!(s, 201, "{r}");
        assert_eq!(r["status"], "pending");
        let (s, _) = app.post_json(&stua, &redeem, json!({})).await;
        assert_eq!(
            s, 201,
            "the second unit is within the limit of 2 and the balance of 80"
        );
        let (s, e) = app.post_json(&stua, &redeem, json!({})).await;
        assert_eq!(
            (s, e["error"]["code"].as_str()),
            (409, Some("limit_reached"))
        );
        assert_eq!(app.scalar("SELECT COUNT(*) FROM mall_redemptions").await, 2);
        assert_eq!(app.scalar("SELECT stock FROM mall_items").await, 0);
        assert_eq!(
            app.scalar("SELECT spent FROM points_totals").await,
            40,
            "the refused one took nothing"
        );
        // Balance: 60 left, a 61-point item is refused; one of exactly 60 would not be.
        let (_, other) = new_item(&app, &sys, "LA", (61, 5, 5)).await;
        let (s, e) = app
            .post_json(
                &stua,
                &format!("/api/v1/mall/items/{}/redeem", other["id"]),
                json!({}),
            )
            .await;
        assert_eq!(
            (s, e["error"]["code"].as_str()),
            (409, Some("insufficient_points"))
        );
        // Sold out.
        let (_, gone) = new_item(&app, &sys, "LA", (1, 0, 5)).await;
        let (s, e) = app
            .post_json(
                &stua,
                &format!("/api/v1/mall/items/{}/redeem", gone["id"]),
                json!({}),
            )
            .await;
        assert_eq!((s, e["error"]["code"].as_str()), (409, Some("sold_out")));
        assert_eq!(
            app.scalar("SELECT spent FROM points_totals").await,
            40,
            "nothing half-written"
        );
        // College B's item is not offered to a student of college A.
        let (_, b_item) = new_item(&app, &sys, "LB", (1, 5, 5)).await;
        let (s, _) = app
            .post_json(
                &stua,
                &format!("/api/v1/mall/items/{}/redeem", b_item["id"]),
                json!({}),
            )
            .await;
        assert_eq!(s, 404);
    }
);

both_backends!(
    the_items_administrator_fulfils_or_cancels_and_a_cancellation_gives_the_points_back,
    |app: TestApp| async move {
        let sys = app.session("sys").await;
        give(&app, &sys, app.world.person("A001"), 50).await;
        let (_, item) = new_item(&app, &sys, "LA", (20, 5, 5)).await;
        let stua = app.session("stua").await;
        let path = format!("/api/v1/mall/items/{}/redeem", item["id"]);
        let (_, r1) = app.post_json(&stua, &path, json!({})).await;
        let (_, r2) = app.post_json(&stua, &path, json!({})).await;
        let (s, _) = app
            .post_json(
                &stua,
                &format!("/api/v1/mall/redemptions/{}", r1["id"]),
                json!({"status": "fulfilled"}),
            )
            .await;
        assert_eq!(s, 403, "a member does not mark their own redemption");
        let school = app.session("school").await;
        let (s, v) = app
            .post_json(
                &school,
                &format!("/api/v1/mall/redemptions/{}", r1["id"]),
                json!({"status": "fulfilled"}),
            )
            .await;
        assert_eq!((s, v["status"].as_str()), (200, Some("fulfilled")));
        let (s, _) = app
            .post_json(
                &sys,
                &format!("/api/v1/mall/redemptions/{}", r1["id"]),
                json!({"status": "cancelled"}),
            )
            .await;
        assert_eq!(s, 409, "a fulfilled redemption is not cancelled");
        let (s, _) = app
            .post_json(
                &sys,
                &format!("/api/v1/mall/redemptions/{}", r2["id"]),
                json!({"status": "cancelled"}),
            )
            .await;
        assert_eq!(s, 200);
        let mine: Value = stua
            .0
            .get(app.url("/api/v1/points/me"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            mine["balance"], 30,
            "50 − 20 fulfilled; the cancelled 20 came back"
        );
        assert_eq!(app.scalar("SELECT stock FROM mall_items").await, 4);
        assert!(
            app.scalar(
                "SELECT COUNT(*) FROM audit_log WHERE action IN ('mall_redeem', 'mall_handle')"
            )
            .await
                >= 4
        );
    }
);

both_backends!(
    a_thousand_concurrent_redemptions_of_a_hundred_units_sell_exactly_a_hundred,
    |app: TestApp| async move {
        let t = app.world.tenant.0;
        // 1,000 people with 100 points each.
        app.sql(&format!(
            "INSERT INTO people (tenant_id, student_no, name, name_initials, political_status, created_at, updated_at) \
             WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000) \
             SELECT {t}, 'C' || CAST(i AS TEXT), '抢购' || CAST(i AS TEXT), 'qg', 'league_member', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM n"
        ))
        .await;
        app.sql(&format!(
            "INSERT INTO points_totals (person_id, tenant_id, earned, spent, updated_at) \
             SELECT id, tenant_id, 100, 0, CURRENT_TIMESTAMP FROM people WHERE tenant_id = {t} AND student_no LIKE 'C%'"
        ))
        .await;
        let sys = app.session("sys").await;
        let (_, item) = new_item(&app, &sys, "L", (30, 100, 1)).await;
        let item = dbmall::item(&app.db.conn, app.world.tenant, item["id"].as_i64().unwrap())
            .await
            .unwrap();
        let rows = app
            .db
            .conn
            .query_all_raw(Statement::from_string(
                app.db.backend(),
                "SELECT id FROM people WHERE student_no LIKE 'C%'",
            ))
            .await
            .unwrap();
        let ids: Vec<i64> = rows
            .iter()
            .map(|r| r.try_get_by_index(0).unwrap())
            .collect();
        assert_eq!(ids.len(), 1000);
        let mut tasks = Vec::new();
        for id in ids {
            let db = app.db.clone();
            let item = item.clone();
            let tenant = app.world.tenant;
            tasks.push(tokio::spawn(async move {
                let txn = db.conn.begin().await.unwrap();
                match dbmall::redeem(&txn, tenant, PersonId(id), &item).await {
                    Ok(_) => {
                        txn.commit().await.unwrap();
                        Ok(())
                    }
                    Err(redbranch_db::DbError::Conflict(code)) => Err(code),
                    Err(e) => panic!("unexpected: {e}"),
                }
            }));
        }
        let mut ok = 0;
        for task in tasks {
            match task.await.unwrap() {
                Ok(()) => ok += 1,
                Err(code) => assert_eq!(code, "sold_out"),
            }
        }
        assert_eq!(ok, 100);
        assert_eq!(app.scalar("SELECT stock FROM mall_items").await, 0);
        assert_eq!(
            app.scalar("SELECT COUNT(*) FROM mall_redemptions").await,
            100
        );
        assert_eq!(
            app.scalar("SELECT CAST(SUM(spent) AS BIGINT) FROM points_totals")
                .await,
            3000
        );
        assert_eq!(
            app.scalar("SELECT COUNT(*) FROM points_totals WHERE earned - spent < 0")
                .await,
            0
        );
        assert_eq!(
            app.scalar("SELECT COUNT(*) FROM points_ledger WHERE kind = 'spend'")
                .await,
            100,
            "refused ones left no ledger row"
        );
    }
);
