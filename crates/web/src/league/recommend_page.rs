//! `GET|POST /orgs/{id}/recommendations` for a League branch: the form of a 推优大会 (the
//! date, those entitled and present, and for each of the branch's members a box to make them a
//! candidate and their yes votes) above the branch's past meetings and what became of each
//! recommendation. A refusal re-renders the form (422) with every rule's message, citation
//! included, and what was typed. The same URL of a Party branch is the decision list
//! ([`super::decide_page`]).

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use redbranch_db::TransactionTrait;
use redbranch_db::league::{self as dbleague, ACCEPTED};
use redbranch_db::org::{self as dborg, Org};
use redbranch_db::people as dbpeople;
use redbranch_domain::authz::Permission;
use redbranch_domain::org::{OrgId, OrgKind, Tree};

use super::{CandidateRequest, RecommendRequest, record_recommendation, settings};
use crate::error::{AppError, AppResult};
use crate::orgs::parse_id;
use crate::page::{Ctx, Page, render};
use crate::session::{CurrentUser, SignedIn, redirect_with_flash};
use crate::state::AppState;

/// Members offered as candidates; a League branch is a class, far below this.
const MEMBERS_SHOWN: u64 = 500;

/// One member of the branch on the form.
pub struct MemberRow {
    pub id: i64,
    pub name: String,
    pub student_no: String,
    /// 递交入党申请书 date, or "" when none is recorded (such a member cannot be recommended).
    pub applied_on: String,
    pub checked: bool,
    pub yes: String,
}

/// One candidate of a past meeting.
pub struct PastCandidate {
    pub person_id: i64,
    pub name: String,
    pub yes: i32,
    pub passed: bool,
    /// 待党支部决定 / 党支部已接受 / 党支部未接受（reason）, for passed candidates.
    pub status: String,
}

pub struct PastMeeting {
    pub held_on: String,
    pub entitled: i32,
    pub present: i32,
    pub members: i32,
    pub quota: i32,
    pub candidates: Vec<PastCandidate>,
}

#[derive(Template)]
#[template(path = "league/recommend.html")]
struct RecommendPage {
    page: Page,
    org_id: i64,
    may_record: bool,
    members: Vec<MemberRow>,
    on: String,
    entitled: String,
    present: String,
    quota_hint: String,
    /// Every refusal, each a whole sentence with its rule and citation.
    errors: Vec<String>,
    meetings: Vec<PastMeeting>,
}

/// What was typed: the date, the counts, and (person, yes) of each ticked member.
#[derive(Debug, Default, Clone)]
pub struct MeetingForm {
    pub on: String,
    pub entitled: String,
    pub present: String,
    pub candidates: Vec<(i64, String)>,
}

impl MeetingForm {
    /// Repeated `candidate=<id>` and one `yes_<id>` per member.
    fn parse(body: &[u8]) -> Self {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body).unwrap_or_default();
        let mut f = Self::default();
        let mut yes: Vec<(i64, String)> = Vec::new();
        for (k, v) in pairs {
            let v = v.trim().to_string();
            match k.as_str() {
                "on" => f.on = v,
                "entitled" => f.entitled = v,
                "present" => f.present = v,
                "candidate" => f
                    .candidates
                    .extend(v.parse::<i64>().ok().map(|id| (id, String::new()))),
                other => {
                    if let Some(id) = other.strip_prefix("yes_").and_then(|s| s.parse().ok()) {
                        yes.push((id, v));
                    }
                }
            }
        }
        for (id, typed) in &mut f.candidates {
            if let Some((_, v)) = yes.iter().find(|(y, _)| y == id) {
                typed.clone_from(v);
            }
        }
        f
    }
}

/// The org of the page; viewing needs `ViewMembers` on it (as the API's list).
pub(super) async fn org_for(st: &AppState, u: &CurrentUser, raw: &str) -> AppResult<Org> {
    let org = dborg::get(&st.db.conn, u.tenant, OrgId(parse_id(raw)?)).await?;
    u.grants.ensure(Permission::ViewMembers, &org.org_path())?;
    Ok(org)
}

async fn page_for(
    st: &AppState,
    ctx: &Ctx,
    u: &CurrentUser,
    org: &Org,
    (form, errors): (MeetingForm, Vec<String>),
) -> AppResult<RecommendPage> {
    let c = &st.db.conn;
    let s = settings(st, u).await?;
    let people = dbpeople::in_org(c, u.tenant, org.org_id(), Tree::League, MEMBERS_SHOWN).await?;
    let members = people
        .iter()
        .map(|p| {
            let typed = form.candidates.iter().find(|(id, _)| *id == p.id);
            MemberRow {
                id: p.id,
                name: p.name.clone(),
                student_no: p.student_no.clone(),
                applied_on: crate::fmt::date_opt(p.party_applied_on),
                checked: typed.is_some(),
                yes: typed.map(|(_, y)| y.clone()).unwrap_or_default(),
            }
        })
        .collect();
    let count = dbleague::member_count(c, u.tenant, org.id).await?;
    let count = u32::try_from(count).unwrap_or(u32::MAX);
    let quota_hint = ctx.ta(
        "league_ui.quota_hint",
        &[
            ("members", count.to_string()),
            ("percent", s.recommend_quota_percent.to_string()),
            ("quota", s.quota(count).to_string()),
        ],
    );
    let meetings = dbleague::meetings_of(c, u.tenant, org.id).await?;
    let ids: Vec<i64> = meetings
        .iter()
        .flat_map(|(_, rows)| rows.iter().map(|r| r.person_id))
        .collect();
    let names = dbpeople::by_ids(c, u.tenant, &ids).await?;
    let meetings = meetings
        .into_iter()
        .map(|(m, rows)| PastMeeting {
            held_on: m.held_on.format("%Y-%m-%d").to_string(),
            entitled: m.entitled,
            present: m.present,
            members: m.members,
            quota: m.quota,
            candidates: rows
                .into_iter()
                .map(|r| PastCandidate {
                    person_id: r.person_id,
                    name: names
                        .iter()
                        .find(|p| p.id == r.person_id)
                        .map(|p| p.name.clone())
                        .unwrap_or_default(),
                    yes: r.yes_votes,
                    passed: r.passed,
                    status: decision_label(ctx, &r),
                })
                .collect(),
        })
        .collect();
    let mut page = ctx.page_titled(ctx.ta("league_ui.meeting_title", &[("org", org.name.clone())]));
    page.back = Some(format!("/orgs/{}", org.id));
    Ok(RecommendPage {
        page,
        org_id: org.id,
        may_record: u.grants.allows(Permission::RecordPipeline, &org.org_path()),
        members,
        on: form.on,
        entitled: form.entitled,
        present: form.present,
        quota_hint,
        errors,
        meetings,
    })
}

/// What the Party branch made of a recommendation, for the League side's list.
pub(super) fn decision_label(ctx: &Ctx, r: &dbleague::RecommendationRow) -> String {
    match (r.passed, r.decision.as_deref()) {
        (false, _) => String::new(),
        (true, None) => ctx.t("league_ui.undecided").to_string(),
        (true, Some(ACCEPTED)) => ctx.t("league_ui.accepted").to_string(),
        (true, Some(_)) => match &r.decision_reason {
            Some(reason) => ctx.ta("league_ui.declined_because", &[("reason", reason.clone())]),
            None => ctx.t("league_ui.declined").to_string(),
        },
    }
}

/// The League branch's page: the form (for those who record) and the past meetings.
pub(super) async fn show_meeting_page(
    st: &AppState,
    ctx: &Ctx,
    u: &CurrentUser,
    org: &Org,
) -> AppResult<Response> {
    let form = MeetingForm {
        on: st.clock.today().format("%Y-%m-%d").to_string(),
        ..MeetingForm::default()
    };
    render(&page_for(st, ctx, u, org, (form, Vec::new())).await?)
}

/// A count typed into the form: empty is "not given", anything else must be a whole number.
fn typed_count(ctx: &Ctx, field: &str, raw: &str, errors: &mut Vec<String>) -> Option<u32> {
    if raw.is_empty() {
        return None;
    }
    let n = raw.parse::<u32>().ok();
    if n.is_none() {
        errors.push(format!(
            "{}：{}",
            ctx.t(field),
            ctx.ta("league_ui.not_a_count", &[("value", raw.to_string())])
        ));
    }
    n
}

pub async fn submit_meeting(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
    body: Bytes,
) -> AppResult<Response> {
    let org = dborg::get(&st.db.conn, u.tenant, OrgId(parse_id(&raw)?)).await?;
    u.grants
        .ensure(Permission::RecordPipeline, &org.org_path())?;
    if org.org_kind() != Some(OrgKind::LeagueBranch) {
        return Err(AppError::BadRequest("not_league_branch"));
    }
    let form = MeetingForm::parse(&body);
    let mut errors = Vec::new();
    let mut candidates = Vec::new();
    for (id, yes) in &form.candidates {
        // An unticked count means no votes; a ticked member with nothing typed is 0 yes.
        let yes = typed_count(&ctx, "pipeline_ui.yes", yes, &mut errors).unwrap_or(0);
        candidates.push(CandidateRequest {
            person_id: *id,
            yes,
        });
    }
    let req = RecommendRequest {
        on: form.on.clone(),
        entitled: typed_count(&ctx, "field.entitled", &form.entitled, &mut errors),
        present: typed_count(&ctx, "field.present", &form.present, &mut errors),
        candidates,
    };
    if errors.is_empty() {
        let s = settings(&st, &u).await?;
        let txn = st.db.conn.begin().await?;
        match record_recommendation(&st, &txn, (&u, ctx.locale), &s, &org, &req).await {
            Ok(_) => {
                txn.commit().await?;
                return Ok(redirect_with_flash(
                    &format!("/orgs/{}/recommendations", org.id),
                    "ok",
                    "league_ui.flash_meeting",
                    st.settings.cookie_secure,
                ));
            }
            Err(AppError::Invalid(fields)) => {
                // Nothing was written; let the connection go before the page reads on another.
                drop(txn);
                errors.extend(
                    fields
                        .0
                        .iter()
                        .map(|f| crate::render::field_line(ctx.locale, f)),
                );
            }
            Err(e) => return Err(e),
        }
    }
    let mut res = render(&page_for(&st, &ctx, &u, &org, (form, errors)).await?)?;
    *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(res)
}
