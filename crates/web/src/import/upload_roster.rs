//! POST /import: receive a roster file, check every row, and keep it for the preview.

use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use redbranch_domain::authz::{Forbidden, Permission};

use super::{parse_file, report_of};
use crate::error::{AppError, AppResult};
use crate::page::Ctx;
use crate::session::SignedIn;
use crate::state::AppState;

const ACCEPTED: [&str; 3] = [".xlsx", ".xls", ".csv"];

pub async fn upload_roster(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    mut form: Multipart,
) -> AppResult<Response> {
    if !u.grants.anywhere(Permission::ImportRoster) {
        return Err(AppError::Forbidden(Forbidden(Permission::ImportRoster)));
    }
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(field) = form
        .next_field()
        .await
        .map_err(|_| AppError::BadRequest("upload_broken"))?
    {
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or("roster.xlsx").to_string();
            let bytes = field.bytes().await.map_err(|_| AppError::TooLarge)?;
            file = Some((name, bytes.to_vec()));
        }
    }
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return super::show_import::form_with_error(
            &ctx,
            "import.no_file",
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    };
    let lower = name.to_lowercase();
    if !ACCEPTED.iter().any(|ext| lower.ends_with(ext)) {
        return super::show_import::form_with_error(
            &ctx,
            "sheet.unsupported_format",
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    // Parsing a large workbook takes seconds of CPU: keep it off the async workers.
    let parsed = {
        let (b, n) = (bytes.clone(), name.clone());
        tokio::task::spawn_blocking(move || parse_file(&b, &n))
            .await
            .map_err(|e| AppError::Internal(e.into()))?
    };
    let parsed = match parsed {
        Ok(p) => p,
        Err(code) => {
            return super::show_import::form_with_error(
                &ctx,
                code,
                StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
    };
    let report = report_of(&parsed, ctx.locale);
    let json = serde_json::to_string(&report).map_err(|e| AppError::Internal(e.into()))?;
    let rows = i32::try_from(report.rows).unwrap_or(i32::MAX);
    let job = redbranch_db::import::create(
        &st.db.conn,
        u.tenant,
        redbranch_db::import::NewJob {
            user_id: u.user_id.0,
            kind: "roster",
            file_name: &name,
            content: bytes,
            total_rows: rows,
            report: json,
        },
    )
    .await?;
    Ok(Redirect::to(&format!("/import/{}", job.id)).into_response())
}
