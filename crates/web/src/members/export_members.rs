//! `GET /members/export.xlsx`: the member list, with the same filters, as an Excel file laid out
//! like the roster template (so it can be edited and imported again). Phone and identity numbers
//! stay masked. The CLI's `redbranch export members` uses [`build_members_xlsx`] too.

use axum::extract::{Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use redbranch_db::people::{self as dbpeople, MemberFilter};
use redbranch_db::tenants::TenantId;
use redbranch_db::{Db, TransactionTrait};
use redbranch_domain::authz::{Forbidden, Permission, Scope};
use redbranch_domain::people::{Gender, PoliticalStatus};
use redbranch_domain::roster::Column;
use redbranch_i18n::{Locale, tr};
use redbranch_sheets::Cell;
use serde_json::json;

use super::MemberQuery;
use crate::error::{AppError, AppResult};
use crate::page::Ctx;
use crate::session::SignedIn;
use crate::state::AppState;

/// Rows fetched per query while exporting.
const BATCH: u64 = 200;

/// The exported columns, in the roster template's order.
const COLUMNS: [Column; 12] = [
    Column::StudentNo,
    Column::Name,
    Column::Gender,
    Column::PoliticalStatus,
    Column::College,
    Column::Major,
    Column::Grade,
    Column::ClassName,
    Column::PartyBranch,
    Column::LeagueBranch,
    Column::Phone,
    Column::IdCard,
];

fn text(v: Option<String>) -> Cell {
    match v {
        Some(s) if !s.is_empty() => Cell::Text(s),
        _ => Cell::Empty,
    }
}

/// The header row: the template's own (Chinese) headers, so that a Chinese export imports back
/// unchanged; the catalogue's field names in English.
fn headers(locale: Locale) -> Vec<&'static str> {
    COLUMNS
        .iter()
        .map(|c| {
            if locale == Locale::ZhCn {
                c.header()
            } else {
                tr(locale, c.field())
            }
        })
        .collect()
}

/// Whether identity numbers and phone numbers go into the file in clear. Only on request, by
/// someone holding `Permission::RevealIdCard` over everything exported, and audited as such.
pub enum Numbers<'a> {
    Masked,
    Revealed(&'a redbranch_db::crypto::Crypto),
}

/// The export as `.xlsx` bytes and its number of data rows.
pub async fn build_members_export(
    db: &Db,
    tenant: TenantId,
    scope: &Scope,
    filter: &MemberFilter,
    locale: Locale,
    numbers: Numbers<'_>,
) -> AppResult<(Vec<u8>, usize)> {
    let all = dbpeople::list_all(&db.conn, tenant, scope, filter).await?;
    let mut rows: Vec<Vec<Cell>> = Vec::with_capacity(all.len());
    // The list row lacks 专业 and the numbers; fetch the person records a chunk at a time.
    for chunk in all.chunks(1000) {
        let ids: Vec<i64> = chunk.iter().map(|r| r.id).collect();
        let records: std::collections::HashMap<i64, dbpeople::Person> =
            dbpeople::by_ids(&db.conn, tenant, &ids)
                .await?
                .into_iter()
                .map(|p| (p.id, p))
                .collect();
        for r in chunk {
            let Some(p) = records.get(&r.id) else {
                continue;
            };
            let (phone, id_card) = match numbers {
                Numbers::Masked => (p.phone_masked(), p.id_card_masked.clone()),
                Numbers::Revealed(crypto) => (p.phone.clone(), p.reveal_id_card(crypto)?),
            };
            let gender = p
                .gender
                .as_deref()
                .and_then(Gender::from_code)
                .map(|g| tr(locale, g.label_key()).to_string());
            let status = PoliticalStatus::from_code(&p.political_status).map_or_else(
                || p.political_status.clone(),
                |s| tr(locale, s.label_key()).to_string(),
            );
            rows.push(vec![
                Cell::Text(p.student_no.clone()),
                Cell::Text(p.name.clone()),
                text(gender),
                Cell::Text(status),
                text(p.college.clone()),
                text(p.major.clone()),
                text(p.grade.clone()),
                text(p.class_name.clone()),
                text(r.party_org_name.clone()),
                text(r.league_org_name.clone()),
                text(phone),
                text(id_card),
            ]);
        }
    }
    let n = rows.len();
    let sheet = tr(locale, "members.export_sheet");
    let bytes = redbranch_sheets::write_xlsx(sheet, &headers(locale), rows)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("writing the member export: {e}")))?;
    Ok((bytes, n))
}

/// The member list matching `filter` within `scope`, as `.xlsx` bytes.
pub async fn build_members_xlsx(
    db: &Db,
    tenant: TenantId,
    scope: &Scope,
    filter: &MemberFilter,
    locale: Locale,
) -> AppResult<Vec<u8>> {
    Ok(
        build_members_export(db, tenant, scope, filter, locale, Numbers::Masked)
            .await?
            .0,
    )
}

/// RFC 5987 encoding for the UTF-8 file name in `Content-Disposition`.
fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

pub async fn export_members(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Query(q): Query<MemberQuery>,
) -> AppResult<Response> {
    let filter = q.to_filter(&st, u.tenant, BATCH, BATCH).await?;
    // Exporting the filtered org needs ExportMembers there; exporting "everything" needs it on
    // every subtree the list shows, so the file never holds less than the screen without saying.
    match &filter.org {
        Some(org) => u.grants.ensure(Permission::ExportMembers, org)?,
        None => {
            let view = u.grants.scope(Permission::ViewMembers);
            if view.is_empty() {
                return Err(AppError::Forbidden(Forbidden(Permission::ExportMembers)));
            }
            for root in &view.roots {
                u.grants.ensure(Permission::ExportMembers, root)?;
            }
        }
    }
    let scope = u.grants.scope(Permission::ExportMembers);
    // Clear numbers only when asked for, and only over orgs where the user may see them.
    let reveal = q.reveal.as_deref() == Some("1");
    if reveal {
        for root in &scope.roots {
            u.grants.ensure(Permission::RevealIdCard, root)?;
        }
    }
    let numbers = if reveal {
        Numbers::Revealed(&st.crypto)
    } else {
        Numbers::Masked
    };
    let (bytes, n) =
        build_members_export(&st.db, u.tenant, &scope, &filter, ctx.locale, numbers).await?;

    let after = json!({"filter": q.filter_query(), "rows": n, "numbers_in_clear": reveal});
    let txn = st.db.conn.begin().await?;
    let entry = crate::audit::entry(
        &u,
        if reveal { "export_revealed" } else { "export" },
        "members",
        filter.org.as_ref().map_or("all", |o| o.as_str()),
        filter.org.clone(),
        None,
        Some(after),
    );
    redbranch_db::audit::append(&txn, u.tenant, entry).await?;
    txn.commit().await?;

    let today = crate::fmt::beijing(chrono::Utc::now(), "%Y-%m-%d");
    let stem = ctx.t("members.export_file_stem");
    let disposition = format!(
        "attachment; filename=\"members-{today}.xlsx\"; filename*=UTF-8''{}-{today}.xlsx",
        percent_encode(stem)
    );
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}
