//! `GET /members/{id}`: a person's profile and their history — memberships in both trees and the
//! steps of the political-status pipeline, in one chronological timeline.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::Response;
use chrono::NaiveDate;
use redbranch_db::people::{self as dbpeople, Person, PersonId};
use redbranch_db::pipeline::{self as dbpipeline, RecordedStep};
use redbranch_domain::authz::Permission;
use redbranch_domain::people::{Gender, PoliticalStatus};
use redbranch_domain::pipeline::Step;

use super::PersonOrgs;
use super::list_members::status_class;
use crate::error::AppResult;
use crate::page::{Ctx, Page, render};
use crate::session::{CurrentUser, SignedIn};
use crate::state::AppState;

/// A labelled value of the profile (only those that are filled in are shown).
pub struct Kv {
    pub label: String,
    pub value: String,
}

pub struct TimelineItem {
    pub date: String,
    pub text: String,
}

/// The profile as the page shows it.
pub struct PersonView {
    pub id: i64,
    pub name: String,
    pub status: String,
    pub status_class: &'static str,
    pub id_card_masked: String,
    pub has_id_card: bool,
    pub details: Vec<Kv>,
    pub dates: Vec<Kv>,
    pub party_org: Option<(i64, String)>,
    pub league_org: Option<(i64, String)>,
}

#[derive(Template)]
#[template(path = "members/show.html")]
struct ProfilePage {
    page: Page,
    p: PersonView,
    revealed: Option<String>,
    can_reveal: bool,
    timeline: Vec<TimelineItem>,
    /// Where the person stands in the 发展党员 pipeline, linking to the full record.
    pipeline_summary: String,
    /// The viewer may see the person's 党纪处分 records (linked only then).
    can_discipline: bool,
}

fn kv(ctx: &Ctx, key: &str, value: Option<String>) -> Option<Kv> {
    value.filter(|v| !v.is_empty()).map(|value| Kv {
        label: ctx.t(key).to_string(),
        value,
    })
}

fn date(d: Option<NaiveDate>) -> Option<String> {
    d.map(|d| d.format("%Y-%m-%d").to_string())
}

/// The political-status dates, in pipeline order, with their catalogue keys.
fn status_dates(p: &Person) -> [(&'static str, &'static str, Option<NaiveDate>); 6] {
    [
        (
            "field.league_joined_on",
            "members.event_league_joined",
            p.league_joined_on,
        ),
        (
            "field.party_applied_on",
            "members.event_party_applied",
            p.party_applied_on,
        ),
        ("field.activist_on", "members.event_activist", p.activist_on),
        ("field.target_on", "members.event_target", p.target_on),
        (
            "field.party_joined_on",
            "members.event_party_joined",
            p.party_joined_on,
        ),
        (
            "field.confirmed_on",
            "members.event_confirmed",
            p.confirmed_on,
        ),
    ]
}

/// The profile of `p` for a viewer already allowed to see it.
pub fn person_view(ctx: &Ctx, p: &Person, orgs: &PersonOrgs) -> PersonView {
    let status = PoliticalStatus::from_code(&p.political_status);
    let details = [
        kv(ctx, "field.student_no", Some(p.student_no.clone())),
        kv(
            ctx,
            "field.gender",
            p.gender
                .as_deref()
                .and_then(Gender::from_code)
                .map(|g| ctx.t(g.label_key()).to_string()),
        ),
        kv(ctx, "field.ethnicity", p.ethnicity.clone()),
        kv(ctx, "field.birth_date", date(p.birth_date)),
        kv(ctx, "field.phone", p.phone_masked()),
        kv(ctx, "field.college", p.college.clone()),
        kv(ctx, "field.major", p.major.clone()),
        kv(ctx, "field.grade", p.grade.clone()),
        kv(ctx, "field.class_name", p.class_name.clone()),
    ]
    .into_iter()
    .flatten()
    .collect();
    let dates = status_dates(p)
        .into_iter()
        .filter_map(|(field, _, d)| kv(ctx, field, date(d)))
        .collect();
    PersonView {
        id: p.id,
        name: p.name.clone(),
        status: status.map_or_else(
            || p.political_status.clone(),
            |s| ctx.t(s.label_key()).to_string(),
        ),
        status_class: status_class(status),
        id_card_masked: p.id_card_masked.clone().unwrap_or_default(),
        has_id_card: p.id_card_cipher.is_some(),
        details,
        dates,
        party_org: orgs.party.as_ref().map(|o| (o.id, o.name.clone())),
        league_org: orgs.league.as_ref().map(|o| (o.id, o.name.clone())),
    }
}

async fn timeline(
    st: &AppState,
    ctx: &Ctx,
    u: &CurrentUser,
    p: &Person,
    steps: &[(Step, RecordedStep)],
) -> AppResult<Vec<TimelineItem>> {
    let mut items: Vec<(NaiveDate, u8, String)> = Vec::new();
    for m in dbpeople::memberships(&st.db.conn, u.tenant, PersonId(p.id)).await? {
        let tree_key = if m.tree == "league" {
            "members.tree_league"
        } else {
            "members.tree_party"
        };
        let tree = ctx.t(tree_key).to_string();
        items.push((
            m.started_on,
            1,
            ctx.ta(
                "members.event_joined_org",
                &[("org", m.org_name.clone()), ("tree", tree.clone())],
            ),
        ));
        if let Some(end) = m.ended_on {
            // Leaving sorts before joining on the same day: a transfer reads "left A, joined B".
            items.push((
                end,
                0,
                ctx.ta(
                    "members.event_left_org",
                    &[("org", m.org_name), ("tree", tree)],
                ),
            ));
        }
    }
    for (step, r) in steps {
        items.push((
            r.happened_on,
            3,
            ctx.ta(
                "members.event_pipeline_step",
                &[
                    ("number", step.number().to_string()),
                    ("step", ctx.t(step.key()).to_string()),
                ],
            ),
        ));
    }
    let pid = PersonId(p.id);
    let league_steps = redbranch_db::league::league_steps_of(&st.db.conn, u.tenant, pid).await?;
    for (step, r) in &league_steps {
        items.push((
            r.happened_on,
            3,
            ctx.ta(
                "members.event_league_step",
                &[("step", ctx.t(step.key()).to_string())],
            ),
        ));
    }
    for (rec, meeting) in
        redbranch_db::league::recommendations_of(&st.db.conn, u.tenant, pid).await?
    {
        if rec.passed {
            items.push((
                meeting.held_on,
                3,
                ctx.t("members.event_recommended").to_string(),
            ));
        }
        if rec.decision.as_deref() == Some(redbranch_db::league::ACCEPTED)
            && let Some(on) = rec.decided_on
        {
            items.push((
                on,
                3,
                ctx.t("members.event_recommendation_accepted").to_string(),
            ));
        }
    }
    // A status date the pipeline recorded is already on the timeline as its step; dates from an
    // imported roster, before the pipeline was kept here, are shown on their own.
    let recorded = |d: NaiveDate| {
        steps.iter().any(|(_, r)| r.happened_on == d)
            || league_steps.iter().any(|(_, r)| r.happened_on == d)
    };
    for (_, key, d) in status_dates(p) {
        if let Some(d) = d.filter(|d| !recorded(*d)) {
            items.push((d, 2, ctx.t(key).to_string()));
        }
    }
    items.sort_by_key(|a| (a.0, a.1));
    Ok(items
        .into_iter()
        .map(|(d, _, text)| TimelineItem {
            date: d.format("%Y-%m-%d").to_string(),
            text,
        })
        .collect())
}

/// Renders the profile; `revealed` is the identity number in clear, shown this once.
pub(super) async fn render_profile(
    st: &AppState,
    ctx: &Ctx,
    u: &CurrentUser,
    p: &Person,
    orgs: &PersonOrgs,
    revealed: Option<String>,
) -> AppResult<Response> {
    let can_reveal = p.id_card_cipher.is_some()
        && revealed.is_none()
        && orgs.ensure(&u.grants, Permission::RevealIdCard).is_ok();
    let steps = dbpipeline::steps_of(&st.db.conn, u.tenant, PersonId(p.id)).await?;
    let timeline = timeline(st, ctx, u, p, &steps).await?;
    let pipeline_summary = match steps.last() {
        Some((step, _)) => ctx.ta(
            "pipeline_ui.summary_stage",
            &[("stage", ctx.t(step.stage().key()).to_string())],
        ),
        None => ctx.t("pipeline_ui.summary_none").to_string(),
    };
    let mut page = ctx.page_titled(p.name.clone());
    if u.grants.anywhere(Permission::ViewMembers) {
        page.back = Some("/members".into());
    }
    let shown = revealed.is_some();
    let mut res = render(&ProfilePage {
        page,
        p: person_view(ctx, p, orgs),
        revealed,
        can_reveal,
        timeline,
        pipeline_summary,
        can_discipline: crate::discipline::ensure_discipline(orgs, &u.grants).is_ok(),
    })?;
    if shown {
        // The clear number must not linger in a shared computer's cache or back button.
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    Ok(res)
}

pub async fn show_member(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
) -> AppResult<Response> {
    let (person, orgs) = super::viewable_person(&st, &u, &raw).await?;
    render_profile(&st, &ctx, &u, &person, &orgs, None).await
}
