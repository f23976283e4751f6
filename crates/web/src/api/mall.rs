//! The points mall in the JSON API: items offered to the caller, redemption, the caller's
//! redemptions; for administrators items (create) and fulfilment.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use redbranch_db::mall as dbmall;
use redbranch_domain::authz::Permission;
use serde_json::{Value, json};

use super::parse_json;
use crate::error::AppResult;
use crate::mall::{self, HandleInput, ItemInput};
use crate::orgs::parse_id;
use crate::session::SignedIn;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/mall/items", get(list_items).post(create_item))
        .route("/mall/items/{id}/redeem", post(redeem))
        .route("/mall/items/{id}/redemptions", get(list_item_redemptions))
        .route("/mall/redemptions", get(list_mine))
        .route("/mall/redemptions/{id}", post(handle))
}

async fn list_items(State(st): State<AppState>, SignedIn(u): SignedIn) -> AppResult<Json<Value>> {
    let (_, paths) = mall::my_paths(&st, &u).await?;
    let rows = dbmall::items_for(&st.db.conn, u.tenant, &paths).await?;
    Ok(Json(json!({ "rows": rows })))
}

async fn create_item(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    body: Bytes,
) -> AppResult<(StatusCode, Json<Value>)> {
    // Numbers may come as JSON numbers or strings; the form's checks apply either way.
    let v: Value = parse_json(&body)?;
    let s = |k: &str| match &v[k] {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    };
    let input = ItemInput {
        org_id: s("org_id"),
        name: s("name"),
        description: s("description"),
        price: s("price"),
        stock: s("stock"),
        per_person_limit: s("per_person_limit"),
    };
    let txn = redbranch_db::points::begin_write(&st.db.conn).await?;
    let item = mall::create_item(&txn, &u, &input).await?;
    txn.commit().await?;
    Ok((StatusCode::CREATED, Json(json!(item))))
}

async fn redeem(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
) -> AppResult<(StatusCode, Json<Value>)> {
    let id = parse_id(&raw)?;
    let r = mall::redeem_item(&st, &u, id).await?;
    Ok((StatusCode::CREATED, Json(json!(r))))
}

async fn list_mine(State(st): State<AppState>, SignedIn(u): SignedIn) -> AppResult<Json<Value>> {
    Ok(Json(
        json!({ "rows": mall::my_redemptions(&st, &u).await? }),
    ))
}

async fn list_item_redemptions(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
) -> AppResult<Json<Value>> {
    let id = parse_id(&raw)?;
    let item = dbmall::item(&st.db.conn, u.tenant, id).await?;
    u.grants.ensure(
        Permission::ManagePoints,
        &redbranch_domain::org::OrgPath::from_stored(item.org_path.clone()),
    )?;
    let rows = dbmall::redemptions_of_item(&st.db.conn, u.tenant, id).await?;
    Ok(Json(json!({ "item": item, "rows": rows })))
}

async fn handle(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
    body: Bytes,
) -> AppResult<Json<Value>> {
    let id = parse_id(&raw)?;
    let input: HandleInput = parse_json(&body)?;
    Ok(Json(json!(
        mall::handle_redemption(&st, &u, id, &input).await?
    )))
}

pub fn document_openapi(doc: &mut Value) {
    use super::points::{body, created, ok, sref as r};
    let created = |s: Value| {
        created(
            s,
            "Refused: sold_out, insufficient_points, limit_reached, item_inactive, not_pending",
        )
    };
    let id = super::openapi::id_param();
    let rows = |s: &str| json!({"type": "object", "properties": {"rows": {"type": "array", "items": r(s)}}});
    let paths = json!({
        "/api/v1/mall/items": {
            "get": {"tags": ["mall"], "summary": "Items offered to the caller (those of their orgs and the orgs above)", "responses": ok("Items", rows("MallItem"))},
            "post": {"tags": ["mall"], "summary": "Add an item on an org (ManagePoints; audited). Negative stock, a price under 1 or a limit under 1 is a 422 naming the field", "requestBody": body("NewMallItem"), "responses": created(r("MallItem"))}},
        "/api/v1/mall/items/{id}/redeem": {"post": {"tags": ["mall"], "summary": "Redeem one unit: points and stock taken in one transaction, never oversold, never below zero points (audited)", "parameters": [id], "responses": created(r("Redemption"))}},
        "/api/v1/mall/items/{id}/redemptions": {"get": {"tags": ["mall"], "summary": "Redemptions of an item (ManagePoints on its org)", "parameters": [id], "responses": ok("Redemptions", rows("Redemption"))}},
        "/api/v1/mall/redemptions": {"get": {"tags": ["mall"], "summary": "The caller's redemptions, newest first", "responses": ok("Redemptions", rows("Redemption"))}},
        "/api/v1/mall/redemptions/{id}": {"post": {"tags": ["mall"], "summary": "Mark a pending redemption fulfilled, or cancel it (points back, unit restocked); ManagePoints; audited", "parameters": [id],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "properties": {"status": {"type": "string", "enum": ["fulfilled", "cancelled"]}}}}}}, "responses": ok("The redemption", r("Redemption"))}}
    });
    let schemas = json!({
        "MallItem": {"type": "object", "properties": {"id": {"type": "integer"}, "org_id": {"type": "integer"}, "name": {"type": "string"}, "description": {"type": "string"}, "price": {"type": "integer"}, "stock": {"type": "integer"}, "per_person_limit": {"type": "integer"}, "active": {"type": "boolean"}}},
        "NewMallItem": {"type": "object", "required": ["org_id", "name", "price", "stock"], "properties": {"org_id": {"type": "integer"}, "name": {"type": "string"}, "description": {"type": "string"}, "price": {"type": "integer", "minimum": 1}, "stock": {"type": "integer", "minimum": 0}, "per_person_limit": {"type": "integer", "minimum": 1}}},
        "Redemption": {"type": "object", "properties": {"id": {"type": "integer"}, "item_id": {"type": "integer"}, "item_name": {"type": "string"}, "person_id": {"type": "integer"}, "person_name": {"type": "string"}, "price": {"type": "integer"}, "status": {"type": "string", "enum": ["pending", "fulfilled", "cancelled"]}, "redeemed_at": {"type": "string", "format": "date-time"}}}
    });
    super::points::merge(doc, paths, schemas);
}
