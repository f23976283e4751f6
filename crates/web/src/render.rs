//! Rendering errors for the request they belong to: JSON under `/api`, a page or a redirect
//! otherwise, always in the caller's language.

use askama::Template;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use redbranch_i18n::{Locale, tr, tr_args};
use serde_json::json;

use crate::error::ErrorInfo;
use crate::page::{Ctx, Page};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    page: Page,
    message: String,
}

/// The translated text of a field error.
pub fn field_message(locale: Locale, e: &redbranch_domain::error::FieldError) -> String {
    let args: Vec<(&str, String)> = e.args.iter().map(|(k, v)| (*k, v.clone())).collect();
    tr_args(locale, e.code, &args)
}

/// A field error as one line naming its field: "推优大会：推优大会到会人数须超过…". For lists of
/// refusals shown above a form, where the message cannot sit under its own input.
pub fn field_line(locale: Locale, e: &redbranch_domain::error::FieldError) -> String {
    format!("{}：{}", tr(locale, e.field), field_message(locale, e))
}

/// The `{"error": {code, message, fields}}` body of an error, in `locale` (the API's, and the
/// match socket's error message).
pub fn error_body(locale: Locale, info: &ErrorInfo) -> serde_json::Value {
    let fields: Vec<_> = info
        .fields
        .iter()
        .map(|f| {
            json!({
                "field": f.field.trim_start_matches("field."),
                "code": f.code.trim_start_matches("error."),
                "message": field_line(locale, f),
            })
        })
        .collect();
    json!({"error": {"code": info.code, "message": tr(locale, &format!("error.{}", info.code)), "fields": fields}})
}

fn api_body(locale: Locale, info: &ErrorInfo) -> Response {
    (info.status, Json(error_body(locale, info))).into_response()
}

/// An error before the request context exists (the context itself failed).
pub fn error_response(_st: &AppState, path: &str, locale: Locale, info: ErrorInfo) -> Response {
    if path.starts_with("/api/") {
        return api_body(locale, &info);
    }
    let text = tr(locale, &format!("error.{}", info.code)).to_string();
    (info.status, Html(format!("<!DOCTYPE html><html lang=\"{}\"><meta charset=\"utf-8\"><p>{}</p><p><a href=\"/\">⟵</a></p></html>", locale.code(), escape(&text)))).into_response()
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The response for an error a handler (or extractor) returned.
pub fn error_page(_st: &AppState, ctx: &Ctx, info: ErrorInfo) -> Response {
    if ctx.path.starts_with("/api/") {
        return api_body(ctx.locale, &info);
    }
    match (info.status, info.code) {
        (StatusCode::UNAUTHORIZED, _) => {
            let next =
                serde_urlencoded::to_string([("next", ctx.path.as_str())]).unwrap_or_default();
            return Redirect::to(&format!("/login?{next}")).into_response();
        }
        (_, "password_change_required") => return Redirect::to("/password").into_response(),
        (_, "second_factor_required") => return Redirect::to("/login/totp").into_response(),
        _ => {}
    }
    let mut message = ctx.t(&format!("error.{}", info.code)).to_string();
    for f in &info.fields {
        message.push_str(&format!(
            "\n{}：{}",
            ctx.t(f.field),
            field_message(ctx.locale, f)
        ));
    }
    let title = match info.status {
        StatusCode::NOT_FOUND => "error.not_found",
        StatusCode::FORBIDDEN => "error.forbidden",
        StatusCode::INTERNAL_SERVER_ERROR => "error.internal",
        _ => "error.bad_request",
    };
    let page = ErrorPage {
        page: ctx.page(title),
        message,
    };
    match page.render() {
        Ok(html) => (info.status, Html(html)).into_response(),
        Err(_) => info.status.into_response(),
    }
}
