//! The appraisal's actions, each checked and written with its audit entry on the caller's
//! transaction: create a campaign, hand in a self-assessment, hand in the mutual assessment,
//! move to the next phase, decide grades (with the cap on 优秀 and the League's attendance
//! rule), publish. Shared by the page forms and the JSON API.

use std::collections::HashMap;

use redbranch_db::appraisal as dbap;
use redbranch_db::elections::branch_members;
use redbranch_db::org as dborg;
use redbranch_db::{ConnectionTrait, DbError};
use redbranch_domain::appraisal::{
    Grade, Phase, attendance_needed, attendance_sufficient, check_excellent_cap,
};
use redbranch_domain::authz::Permission;
use redbranch_domain::error::{FieldError, FieldErrors};
use redbranch_domain::org::{OrgId, OrgKind, Tree};
use serde::Deserialize;
use serde_json::{Value, json};

use super::Loaded;
use crate::error::{AppError, AppResult};
use crate::session::CurrentUser;
use crate::state::AppState;

async fn audit(
    c: &impl ConnectionTrait,
    u: &CurrentUser,
    (id, org): (i64, &dborg::Org),
    action: &str,
    after: Value,
) -> AppResult<()> {
    let e = crate::audit::entry(
        u,
        action,
        "appraisal",
        id,
        Some(org.org_path()),
        None,
        Some(after),
    );
    redbranch_db::audit::append(c, u.tenant, e).await?;
    Ok(())
}

#[derive(Debug, Default, Clone, Deserialize)]
pub struct CreateInput {
    #[serde(default)]
    pub org_id: String,
    #[serde(default)]
    pub year: String,
}

pub async fn create_appraisal(
    st: &AppState,
    c: &impl ConnectionTrait,
    u: &CurrentUser,
    input: &CreateInput,
) -> AppResult<dbap::Appraisal> {
    let bad_org = || FieldError::new("field.appraisal_org", "error.required");
    let org_id = input.org_id.trim().parse::<i64>().map_err(|_| bad_org())?;
    let org = dborg::get(c, u.tenant, OrgId(org_id))
        .await
        .map_err(|_| bad_org())?;
    u.grants.ensure(Permission::ManageVotes, &org.org_path())?;
    let tree = org.org_kind().map(OrgKind::tree).unwrap_or(Tree::Party);
    let this_year = chrono::Datelike::year(&st.clock.today());
    let year = input
        .year
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|y| (this_year - 1..=this_year).contains(y))
        .ok_or_else(|| {
            FieldError::new("field.appraisal_year", "appraisal.error.year").with("year", this_year)
        })?;
    let members: Vec<i64> = branch_members(c, u.tenant, org.id, tree)
        .await?
        .into_iter()
        .map(|(id, _, _)| id)
        .collect();
    if members.is_empty() {
        return Err(FieldError::new("field.appraisal_org", "appraisal.error.no_members").into());
    }
    let a = dbap::create(c, u.tenant, (org.id, tree, year), &members, u.user_id.0)
        .await
        .map_err(|e| match e {
            DbError::Duplicate(_) => AppError::from(
                FieldError::new("field.appraisal_year", "appraisal.error.exists")
                    .with("year", year),
            ),
            other => other.into(),
        })?;
    let after = json!({"year": year, "tree": tree.code(), "members": members.len()});
    audit(c, u, (a.id, &org), "create", after).await?;
    Ok(a)
}

#[derive(Debug, Default, Clone, Deserialize)]
pub struct SelfInput {
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub grade: String,
}

fn in_phase(l: &Loaded, p: Phase) -> AppResult<()> {
    if l.phase == p {
        Ok(())
    } else {
        Err(AppError::Conflict("appraisal_wrong_phase"))
    }
}

pub async fn submit_self(
    c: &impl ConnectionTrait,
    u: &CurrentUser,
    l: &Loaded,
    input: &SelfInput,
) -> AppResult<()> {
    let me =
        l.me.as_ref()
            .ok_or(AppError::Conflict("appraisal_not_taking_part"))?;
    in_phase(l, Phase::SelfAssessment)?;
    let mut errs = FieldErrors::default();
    let text = input.text.trim().to_string();
    if text.is_empty() || text.chars().count() > 5000 {
        errs.push(FieldError::new(
            "field.appraisal_self_text",
            "appraisal.error.self_text",
        ));
    }
    let grade = Grade::from_code(input.grade.trim());
    if grade.is_none() {
        errs.push(FieldError::new(
            "field.appraisal_self_grade",
            "error.required",
        ));
    }
    errs.into_result()?;
    let Some(grade) = grade else {
        return Err(FieldErrors::default().into());
    };
    dbap::save_self(c, l.a.id, me.person_id, text, grade).await?;
    audit(
        c,
        u,
        (l.a.id, &l.org),
        "appraisal_self",
        json!({"self_grade": grade.code()}),
    )
    .await
}

/// Grades keyed by person id (as text: JSON object keys and form field suffixes are text).
#[derive(Debug, Default, Clone, Deserialize)]
pub struct GradesInput {
    #[serde(default)]
    pub grades: HashMap<String, String>,
}

/// Reads one grade for each of `expected` and nothing else; names the member missing.
fn read_grades(
    input: &GradesInput,
    expected: &[i64],
    names: &HashMap<i64, String>,
) -> AppResult<Vec<(i64, Grade)>> {
    let mut errs = FieldErrors::default();
    let mut out = Vec::new();
    for key in input.grades.keys() {
        let known = key.parse::<i64>().ok().filter(|id| expected.contains(id));
        if known.is_none() {
            errs.push(FieldError::new(
                "field.appraisal_grades",
                "appraisal.error.unknown_member",
            ));
        }
    }
    for id in expected {
        let name = names.get(id).cloned().unwrap_or_else(|| id.to_string());
        match input
            .grades
            .get(&id.to_string())
            .and_then(|g| Grade::from_code(g.trim()))
        {
            Some(g) => out.push((*id, g)),
            None => errs.push(
                FieldError::new("field.appraisal_grades", "appraisal.error.grade_missing")
                    .with("name", name),
            ),
        }
    }
    errs.into_result()?;
    Ok(out)
}

/// Read on the caller's transaction: a second pool connection taken while the transaction
/// holds one can deadlock the pool when a whole branch hands in at once.
async fn names(
    c: &impl ConnectionTrait,
    u: &CurrentUser,
    l: &Loaded,
) -> AppResult<HashMap<i64, String>> {
    let ids: Vec<i64> = l.participants.iter().map(|p| p.person_id).collect();
    Ok(redbranch_db::people::by_ids(c, u.tenant, &ids)
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect())
}

/// The mutual assessment (互评/民主测评): one grade for every other member, handed in once.
/// The audit entry says only that the caller handed it in.
pub async fn submit_mutual(
    c: &impl ConnectionTrait,
    u: &CurrentUser,
    l: &Loaded,
    input: &GradesInput,
) -> AppResult<()> {
    let me =
        l.me.as_ref()
            .ok_or(AppError::Conflict("appraisal_not_taking_part"))?;
    in_phase(l, Phase::MutualAssessment)?;
    if me.rated {
        return Err(AppError::Conflict("appraisal_already_rated"));
    }
    let others: Vec<i64> = l
        .participants
        .iter()
        .map(|p| p.person_id)
        .filter(|p| *p != me.person_id)
        .collect();
    let grades = read_grades(input, &others, &names(c, u, l).await?)?;
    dbap::submit_mutual(c, l.a.id, me.person_id, &grades)
        .await
        .map_err(|e| match e {
            DbError::Conflict(_) => AppError::Conflict("appraisal_already_rated"),
            other => other.into(),
        })?;
    audit(
        c,
        u,
        (l.a.id, &l.org),
        "appraisal_mutual",
        json!({"submitted": true}),
    )
    .await
}

/// Self-assessment → mutual assessment → deciding.
pub async fn advance_appraisal(
    c: &impl ConnectionTrait,
    u: &CurrentUser,
    l: &Loaded,
) -> AppResult<Phase> {
    l.ensure_manage()?;
    let next = l
        .phase
        .next()
        .ok_or(AppError::Conflict("appraisal_wrong_phase"))?;
    dbap::set_phase(c, u.tenant, l.a.id, (l.phase, next), None)
        .await
        .map_err(|_| AppError::Conflict("appraisal_wrong_phase"))?;
    audit(
        c,
        u,
        (l.a.id, &l.org),
        "appraisal_phase",
        json!({"phase": next.code()}),
    )
    .await?;
    Ok(next)
}

/// The League's rule: more than ⅔ must have taken part (handed in the mutual assessment).
fn ensure_attendance(l: &Loaded) -> AppResult<()> {
    let n = l.participants.len() as u64;
    let took_part = l.participants.iter().filter(|p| p.rated).count() as u64;
    if attendance_sufficient(l.tree(), took_part, n) {
        Ok(())
    } else {
        Err(
            FieldError::new("field.appraisal_grades", "appraisal.error.attendance")
                .with("took_part", took_part)
                .with("members", n)
                .with("needed", attendance_needed(l.tree(), n))
                .into(),
        )
    }
}

/// The committee's decision: a grade for every member, all at once, within the cap on 优秀.
pub async fn decide_grades(
    c: &impl ConnectionTrait,
    u: &CurrentUser,
    l: &Loaded,
    input: &GradesInput,
) -> AppResult<()> {
    l.ensure_manage()?;
    in_phase(l, Phase::Deciding)?;
    ensure_attendance(l)?;
    let all: Vec<i64> = l.participants.iter().map(|p| p.person_id).collect();
    let grades = read_grades(input, &all, &names(c, u, l).await?)?;
    let excellent = grades
        .iter()
        .filter(|(_, g)| *g == Grade::Excellent)
        .count() as u64;
    check_excellent_cap(l.tree(), all.len() as u64, excellent).map_err(|cap| {
        let rule = match l.tree() {
            Tree::Party => "appraisal.error.cap_party",
            Tree::League => "appraisal.error.cap_league",
        };
        FieldError::new("field.appraisal_grades", rule)
            .with("given", cap.given)
            .with("max", cap.max)
            .with("members", all.len())
    })?;
    dbap::decide(c, l.a.id, &grades).await?;
    let after: serde_json::Map<String, Value> = grades
        .iter()
        .map(|(p, g)| (p.to_string(), json!(g.code())))
        .collect();
    audit(
        c,
        u,
        (l.a.id, &l.org),
        "appraisal_decide",
        json!({"grades": after}),
    )
    .await
}

/// Publishes the decided grades to the branch; every member must have one.
pub async fn publish_appraisal(
    st: &AppState,
    c: &impl ConnectionTrait,
    u: &CurrentUser,
    l: &Loaded,
) -> AppResult<()> {
    l.ensure_manage()?;
    in_phase(l, Phase::Deciding)?;
    ensure_attendance(l)?;
    if l.participants.iter().any(|p| p.final_grade.is_none()) {
        return Err(AppError::Conflict("appraisal_not_decided"));
    }
    let today = st.clock.today();
    dbap::set_phase(
        c,
        u.tenant,
        l.a.id,
        (Phase::Deciding, Phase::Published),
        Some(today),
    )
    .await
    .map_err(|_| AppError::Conflict("appraisal_wrong_phase"))?;
    audit(
        c,
        u,
        (l.a.id, &l.org),
        "appraisal_publish",
        json!({"published_on": today}),
    )
    .await
}
