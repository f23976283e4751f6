//! 党纪处分 on the web: recording a person's discipline records (shared by the page and the
//! API), who may see them, and what the pipeline reads from them (an introducer under 留党察看,
//! 细则 第十四条).
//!
//! Discipline is decided by Party committees, and its record is sensitive: reading and writing
//! both need `ApprovePipeline` (组织员, college and school administrators: the 上级党委's side of
//! the pipeline) on the person's **Party** org. A branch secretary, the person's classmates and
//! the League side see nothing; the refusal at step 9 names the rule, not the record.

mod api;
mod page;

use axum::Router;
use axum::routing::{get, post};
use chrono::NaiveDate;
use redbranch_db::ConnectionTrait;
use redbranch_db::discipline::{self as dbdiscipline, DisciplineRow, NewDiscipline};
use redbranch_db::org as dborg;
use redbranch_db::people::{Person, PersonId};
use redbranch_domain::authz::{Forbidden, Grants, Permission};
use redbranch_domain::discipline::{Discipline, DisciplineKind, under_probation_on};
use redbranch_domain::error::{FieldError, FieldErrors};
use redbranch_domain::org::{OrgId, Tree};
use serde::Deserialize;
use serde_json::{Value, json};

pub use api::document_paths;

use crate::error::{AppError, AppResult};
use crate::members::PersonOrgs;
use crate::orgs::parse_id;
use crate::session::CurrentUser;
use crate::state::AppState;

/// Longest reason and 文号 kept; longer is refused rather than cut.
const MAX_REASON: usize = 1000;
const MAX_DOCUMENT_NO: usize = 60;

/// The page and API routes, merged into the main router.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/members/{id}/discipline",
            get(page::show_discipline).post(page::submit_discipline),
        )
        .route(
            "/api/v1/members/{id}/discipline",
            get(api::list_discipline).post(api::create_discipline),
        )
        .route(
            "/members/{id}/discipline/{rec}/restore",
            post(page::submit_restore),
        )
        .route(
            "/api/v1/members/{id}/discipline/{rec}/restore",
            post(api::restore_discipline),
        )
        .route(
            "/members/{id}/discipline/{rec}/withdraw",
            post(page::submit_withdraw),
        )
        .route(
            "/api/v1/members/{id}/discipline/{rec}/withdraw",
            post(api::withdraw_discipline),
        )
}

/// `ApprovePipeline` on the person's Party org (a school-level grant for someone in none).
pub fn ensure_discipline(orgs: &PersonOrgs, grants: &Grants) -> Result<(), Forbidden> {
    let only_party = PersonOrgs {
        party: orgs.party.clone(),
        league: None,
    };
    only_party.ensure(grants, Permission::ApprovePipeline)
}

/// The person and their orgs, if the viewer may see their discipline records (the page's and
/// the API's first step).
pub(super) async fn person_for(
    st: &AppState,
    u: &CurrentUser,
    raw: &str,
) -> AppResult<(Person, PersonOrgs)> {
    let person = redbranch_db::people::get(&st.db.conn, u.tenant, PersonId(parse_id(raw)?)).await?;
    let orgs = PersonOrgs::of(&st.db.conn, u.tenant, &person).await?;
    ensure_discipline(&orgs, &u.grants)?;
    Ok((person, orgs))
}

/// A discipline record as the recorder states it (the API's JSON; the page's form).
#[derive(Debug, Default, Clone, Deserialize)]
pub struct DisciplineRequest {
    /// `warning`, `serious_warning`, `removal_from_post`, `probation` or `expulsion`.
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub decided_on: String,
    /// 留党察看 only: 1 or 2 (党章 第四十条).
    pub probation_years: Option<u32>,
    /// 留党察看 only: the day Party rights were restored.
    pub restored_on: Option<String>,
    /// The Party organisation that decided (an org id of the school's Party tree).
    pub decided_by_org: Option<i64>,
    pub document_no: Option<String>,
    #[serde(default)]
    pub reason: String,
}

/// A date that must be given, well formed and not after today.
fn date(
    field: &'static str,
    raw: &str,
    today: NaiveDate,
    errs: &mut FieldErrors,
) -> Option<NaiveDate> {
    if raw.trim().is_empty() {
        errs.push(FieldError::new(field, "error.required"));
        return None;
    }
    crate::league::date_field(field, raw, today, errs)
}

/// Checks `req` and writes it with its audit entry on `c`. The caller has checked
/// [`ensure_discipline`]; nothing is written when this returns an error.
pub async fn record_discipline(
    st: &AppState,
    c: &impl ConnectionTrait,
    u: &CurrentUser,
    (person, orgs): (&Person, &PersonOrgs),
    req: &DisciplineRequest,
) -> AppResult<DisciplineRow> {
    let mut errs = FieldErrors::default();
    let today = st.clock.today();
    let kind = DisciplineKind::from_code(req.kind.trim());
    if kind.is_none() {
        errs.push(FieldError::new(
            "field.discipline_kind",
            "discipline.unknown_kind",
        ));
    }
    let decided_on = date("field.discipline_on", &req.decided_on, today, &mut errs);
    let restored_on = match req.restored_on.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(raw) => date("field.restored_on", raw, today, &mut errs),
    };
    let reason = req.reason.trim().to_string();
    if reason.is_empty() {
        errs.push(FieldError::new("field.discipline_reason", "error.required"));
    } else if reason.chars().count() > MAX_REASON {
        errs.push(
            FieldError::new("field.discipline_reason", "error.too_long").with("max", MAX_REASON),
        );
    }
    let document_no = req
        .document_no
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string);
    if document_no
        .as_ref()
        .is_some_and(|d| d.chars().count() > MAX_DOCUMENT_NO)
    {
        errs.push(
            FieldError::new("field.document_no", "error.too_long").with("max", MAX_DOCUMENT_NO),
        );
    }
    let decided_by = match req.decided_by_org {
        None => None,
        Some(id) => match dborg::get(c, u.tenant, OrgId(id)).await {
            Ok(o) if o.org_kind().map(|k| k.tree()) == Some(Tree::Party) => Some(o),
            Ok(_) | Err(redbranch_db::DbError::NotFound) => {
                errs.push(FieldError::new(
                    "field.decided_by_org",
                    "discipline.not_party_org",
                ));
                None
            }
            Err(e) => return Err(e.into()),
        },
    };
    let (Some(kind), Some(decided_on)) = (kind, decided_on) else {
        return Err(AppError::Invalid(errs));
    };
    let rule = Discipline {
        kind,
        decided_on,
        probation_months: req.probation_years.map(|y| y.saturating_mul(12)),
        restored_on,
    };
    if let Err(e) = rule.check() {
        errs.0.extend(e.0);
    }
    errs.into_result()?;
    let expelled = kind == DisciplineKind::Expulsion;
    let row = dbdiscipline::insert(
        c,
        u.tenant,
        PersonId(person.id),
        NewDiscipline {
            rule,
            decided_by_org: decided_by.as_ref().map(|o| o.id),
            document_no,
            reason,
            by: u.user_id,
            status_before: expelled.then(|| person.political_status.clone()),
        },
    )
    .await?;
    let mut after = record_json(&row);
    if expelled {
        let ended = dbdiscipline::end_membership(c, u.tenant, PersonId(person.id)).await?;
        after["membership_ended"] = json!(ended);
        after["status_before"] = json!(person.political_status);
    }
    let e = crate::audit::entry(
        u,
        "discipline_record",
        "person",
        person.id,
        orgs.party.as_ref().map(|o| o.org_path()),
        None,
        Some(after),
    );
    redbranch_db::audit::append(c, u.tenant, e).await?;
    Ok(row)
}

/// Records that Party rights were restored on `raw_on` after the 留党察看 `id` of `person`:
/// only on a 留党察看 that stands (409 `already_withdrawn` otherwise) without a restoration, not before the period's last day (党章 第四十条),
/// not after today. Audited as `discipline_restored`. The caller has checked
/// [`ensure_discipline`].
pub async fn restore_discipline(
    st: &AppState,
    c: &impl ConnectionTrait,
    u: &CurrentUser,
    (person, orgs): (&Person, &PersonOrgs),
    id: i64,
    raw_on: &str,
) -> AppResult<DisciplineRow> {
    let row = dbdiscipline::get(c, u.tenant, PersonId(person.id), id).await?;
    // A withdrawn record has no rule any more: say so rather than that it is not a 留党察看.
    if row.withdrawn_at.is_some() {
        return Err(AppError::Conflict("already_withdrawn"));
    }
    let Some(rule) = dbdiscipline::as_rule(&row).filter(|d| d.kind == DisciplineKind::Probation)
    else {
        return Err(FieldError::new("field.restored_on", "discipline.only_for_probation").into());
    };
    if row.restored_on.is_some() {
        return Err(AppError::Conflict("already_restored"));
    }
    let mut errs = FieldErrors::default();
    let on = date("field.restored_on", raw_on, st.clock.today(), &mut errs);
    errs.into_result()?;
    let Some(on) = on else {
        return Err(AppError::BadRequest("bad_json"));
    };
    Discipline {
        restored_on: Some(on),
        ..rule
    }
    .check()?;
    dbdiscipline::restore(c, u.tenant, id, on).await?;
    let after = dbdiscipline::get(c, u.tenant, PersonId(person.id), id).await?;
    let e = crate::audit::entry(
        u,
        "discipline_restored",
        "person",
        person.id,
        orgs.party.as_ref().map(|o| o.org_path()),
        Some(record_json(&row)),
        Some(record_json(&after)),
    );
    redbranch_db::audit::append(c, u.tenant, e).await?;
    Ok(after)
}

/// Withdraws (撤销) the record `id` of `person`: entered by mistake, or the decision revoked on
/// appeal. A reason is required; the record stays, marked, and counts for no rule from then on.
/// Withdrawing an expulsion gives back the status it ended, if the person is still 群众.
/// Audited as `discipline_withdrawn`. The caller has checked [`ensure_discipline`].
pub async fn withdraw_discipline(
    c: &impl ConnectionTrait,
    u: &CurrentUser,
    (person, orgs): (&Person, &PersonOrgs),
    id: i64,
    raw_reason: &str,
) -> AppResult<DisciplineRow> {
    let row = dbdiscipline::get(c, u.tenant, PersonId(person.id), id).await?;
    if row.withdrawn_at.is_some() {
        return Err(AppError::Conflict("already_withdrawn"));
    }
    let reason = raw_reason.trim();
    if reason.is_empty() {
        return Err(FieldError::new("field.withdrawn_reason", "error.required").into());
    }
    if reason.chars().count() > MAX_REASON {
        return Err(FieldError::new("field.withdrawn_reason", "error.too_long")
            .with("max", MAX_REASON)
            .into());
    }
    dbdiscipline::withdraw(c, u.tenant, id, u.user_id, reason).await?;
    let withdrawn = dbdiscipline::get(c, u.tenant, PersonId(person.id), id).await?;
    let mut after = record_json(&withdrawn);
    if row.kind == DisciplineKind::Expulsion.code()
        && let Some(before) = &row.status_before
    {
        let back =
            dbdiscipline::restore_membership(c, u.tenant, PersonId(person.id), before).await?;
        after["membership_restored"] = json!(back);
    }
    let e = crate::audit::entry(
        u,
        "discipline_withdrawn",
        "person",
        person.id,
        orgs.party.as_ref().map(|o| o.org_path()),
        Some(record_json(&row)),
        Some(after),
    );
    redbranch_db::audit::append(c, u.tenant, e).await?;
    Ok(withdrawn)
}

/// One record as the API returns it (and the audit entry keeps it).
pub fn record_json(r: &DisciplineRow) -> Value {
    let rule = dbdiscipline::as_rule(r);
    json!({
        "id": r.id, "person_id": r.person_id, "kind": r.kind, "decided_on": r.decided_on,
        "probation_years": r.probation_months.map(|m| m / 12),
        "period_ends": rule.and_then(|d| d.period_ends()), "restored_on": r.restored_on,
        "decided_by_org": r.decided_by_org, "document_no": r.document_no, "reason": r.reason,
        "withdrawn_at": r.withdrawn_at, "withdrawn_reason": r.withdrawn_reason,
    })
}

/// For each of `ids` (the 入党介绍人, in order): whether they are under 留党察看 with rights not
/// restored on `on`, from their discipline records (细则 第十四条). One query for all.
pub async fn under_probation(
    c: &impl ConnectionTrait,
    u: &CurrentUser,
    ids: &[i64],
    on: NaiveDate,
) -> AppResult<Vec<bool>> {
    let rows = dbdiscipline::records_of_people(c, u.tenant, ids).await?;
    Ok(ids
        .iter()
        .map(|id| under_probation_in(&rows, *id, on))
        .collect())
}

/// Whether `person` is under 留党察看 on `on` according to `rows` (records of several people,
/// read at once by a caller that checks many).
pub fn under_probation_in(rows: &[DisciplineRow], person: i64, on: NaiveDate) -> bool {
    let mine: Vec<Discipline> = rows
        .iter()
        .filter(|r| r.person_id == person)
        .filter_map(dbdiscipline::as_rule)
        .collect();
    under_probation_on(&mine, on)
}
