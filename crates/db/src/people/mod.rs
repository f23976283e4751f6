//! People: person records, their time-bounded memberships, and the scoped member list.

pub mod entity;
mod list;
pub(crate) use list::subtree_ids;

use chrono::{NaiveDate, Utc};
use redbranch_domain::org::{OrgId, Tree};
use redbranch_domain::people::{IdCardNo, PhoneNo, PoliticalStatus};
use redbranch_domain::text::pinyin_initials;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde_json::{Map, Value, json};

use crate::DbError;
use crate::crypto::Crypto;
use crate::tenants::TenantId;
use entity::{memberships, people};

pub use entity::people::Model as Person;
pub use list::{MemberFilter, MemberPage, MemberRow, SortKey, count_by_status, list, list_all};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub struct PersonId(pub i64);

pub use redbranch_domain::people::PersonData;

impl Person {
    pub fn person_id(&self) -> PersonId {
        PersonId(self.id)
    }
    pub fn status(&self) -> Option<PoliticalStatus> {
        PoliticalStatus::from_code(&self.political_status)
    }
    /// The masked phone number for screens and default exports.
    pub fn phone_masked(&self) -> Option<String> {
        self.phone
            .as_deref()
            .and_then(|p| PhoneNo::parse(p).ok())
            .map(|p| p.masked())
    }
    /// The identity number in clear. Callers check `Permission::RevealIdCard` and audit first.
    pub fn reveal_id_card(&self, crypto: &Crypto) -> Result<Option<String>, DbError> {
        self.id_card_cipher
            .as_deref()
            .map(|c| crypto.open(c))
            .transpose()
    }
}

/// The audit view of a person's data: what a change log shows, with sensitive values masked.
pub fn audit_view(p: &Person) -> Value {
    json!({
        "student_no": p.student_no, "name": p.name, "gender": p.gender, "ethnicity": p.ethnicity,
        "birth_date": p.birth_date, "id_card": p.id_card_masked, "phone": p.phone_masked(),
        "college": p.college, "major": p.major, "grade": p.grade, "class_name": p.class_name,
        "political_status": p.political_status, "league_joined_on": p.league_joined_on,
        "party_applied_on": p.party_applied_on, "activist_on": p.activist_on, "target_on": p.target_on,
        "party_joined_on": p.party_joined_on, "confirmed_on": p.confirmed_on,
        "party_org_id": p.party_org_id, "league_org_id": p.league_org_id,
    })
}

/// Only the keys whose values differ, as `(before, after)` objects.
pub fn diff(before: &Value, after: &Value) -> (Value, Value) {
    let (mut b, mut a) = (Map::new(), Map::new());
    if let (Some(bo), Some(ao)) = (before.as_object(), after.as_object()) {
        for (k, av) in ao {
            let bv = bo.get(k).unwrap_or(&Value::Null);
            if bv != av {
                b.insert(k.clone(), bv.clone());
                a.insert(k.clone(), av.clone());
            }
        }
    }
    (Value::Object(b), Value::Object(a))
}

pub(crate) fn apply(
    am: &mut people::ActiveModel,
    d: &PersonData,
    crypto: &Crypto,
    existing: Option<&Person>,
) -> Result<(), DbError> {
    am.student_no = Set(d.student_no.as_str().to_string());
    am.name = Set(d.name.as_str().to_string());
    am.name_initials = Set(pinyin_initials(d.name.as_str()));
    am.gender = Set(d.gender.map(|g| g.code().to_string()));
    am.ethnicity = Set(d.ethnicity.clone());
    am.birth_date = Set(d
        .birth_date
        .or_else(|| d.id_card.as_ref().map(IdCardNo::birth_date)));
    let hash = d.id_card.as_ref().map(|i| crypto.blind_index(i.as_str()));
    // The ciphertext is re-sealed only when the number changed: sealing is randomised, so a
    // re-import of the same file must not turn into a write.
    if existing.map(|e| e.id_card_hash.clone()) != Some(hash.clone()) {
        am.id_card_cipher = Set(d
            .id_card
            .as_ref()
            .map(|i| crypto.seal(i.as_str()))
            .transpose()?);
        am.id_card_hash = Set(hash);
        am.id_card_masked = Set(d.id_card.as_ref().map(IdCardNo::masked));
    }
    am.phone = Set(d.phone.as_ref().map(|p| p.as_str().to_string()));
    am.college = Set(d.college.clone());
    am.major = Set(d.major.clone());
    am.grade = Set(d.grade.clone());
    am.class_name = Set(d.class_name.clone());
    am.political_status = Set(d.political_status.code().to_string());
    am.league_joined_on = Set(d.league_joined_on);
    am.party_applied_on = Set(d.party_applied_on);
    am.activist_on = Set(d.activist_on);
    am.target_on = Set(d.target_on);
    am.party_joined_on = Set(d.party_joined_on);
    am.confirmed_on = Set(d.confirmed_on);
    Ok(())
}

pub async fn get(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    id: PersonId,
) -> Result<Person, DbError> {
    people::Entity::find_by_id(id.0)
        .filter(people::Column::TenantId.eq(tenant.0))
        .one(c)
        .await?
        .ok_or(DbError::NotFound)
}

/// Several people at once (one query, for exports), in no particular order.
pub async fn by_ids(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    ids: &[i64],
) -> Result<Vec<Person>, DbError> {
    Ok(people::Entity::find()
        .filter(people::Column::TenantId.eq(tenant.0))
        .filter(people::Column::Id.is_in(ids.iter().copied()))
        .all(c)
        .await?)
}

pub async fn by_student_no(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    no: &str,
) -> Result<Option<Person>, DbError> {
    Ok(people::Entity::find()
        .filter(people::Column::TenantId.eq(tenant.0))
        .filter(people::Column::StudentNo.eq(no))
        .one(c)
        .await?)
}

/// The people of the school with one of `nos` as 学号/工号, by number.
pub async fn by_student_nos(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    nos: &[String],
) -> Result<std::collections::HashMap<String, Person>, DbError> {
    let mut out = std::collections::HashMap::new();
    // Chunked: SQLite caps the bound parameters of one statement.
    for chunk in nos.chunks(1000) {
        for p in people::Entity::find()
            .filter(people::Column::TenantId.eq(tenant.0))
            .filter(people::Column::StudentNo.is_in(chunk.iter().cloned()))
            .all(c)
            .await?
        {
            out.insert(p.student_no.clone(), p);
        }
    }
    Ok(out)
}

/// Finds people by exact identity number through the blind index.
pub async fn by_id_card(
    c: &impl ConnectionTrait,
    crypto: &Crypto,
    tenant: TenantId,
    id: &IdCardNo,
) -> Result<Vec<Person>, DbError> {
    Ok(people::Entity::find()
        .filter(people::Column::TenantId.eq(tenant.0))
        .filter(people::Column::IdCardHash.eq(crypto.blind_index(id.as_str())))
        .all(c)
        .await?)
}

/// What an upsert did, with the audit diff when something changed.
#[derive(Debug, Clone, PartialEq)]
pub enum Upserted {
    Inserted(Person),
    Updated {
        person: Person,
        before: Value,
        after: Value,
    },
    Unchanged(Person),
}

/// Inserts a person, or updates the one with the same 学号. Unchanged data writes nothing.
pub async fn upsert(
    c: &impl ConnectionTrait,
    crypto: &Crypto,
    tenant: TenantId,
    d: &PersonData,
) -> Result<Upserted, DbError> {
    let now = Utc::now();
    match by_student_no(c, tenant, d.student_no.as_str()).await? {
        None => {
            let mut am = people::ActiveModel {
                tenant_id: Set(tenant.0),
                created_at: Set(now),
                updated_at: Set(now),
                party_org_id: Set(None),
                league_org_id: Set(None),
                ..Default::default()
            };
            apply(&mut am, d, crypto, None)?;
            Ok(Upserted::Inserted(am.insert(c).await?))
        }
        Some(existing) => {
            let before = audit_view(&existing);
            let mut am: people::ActiveModel = existing.clone().into();
            apply(&mut am, d, crypto, Some(&existing))?;
            if !am.is_changed() {
                return Ok(Upserted::Unchanged(existing));
            }
            am.updated_at = Set(now);
            let person = am.update(c).await?;
            let (b, a) = diff(&before, &audit_view(&person));
            if a.as_object().is_some_and(Map::is_empty) {
                return Ok(Upserted::Unchanged(person));
            }
            Ok(Upserted::Updated {
                person,
                before: b,
                after: a,
            })
        }
    }
}

/// Puts a person in an org of one tree from `on`, closing their previous membership in that tree.
/// Returns false when they were already there.
pub async fn set_org(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    person: &Person,
    tree: Tree,
    org: Option<OrgId>,
    on: NaiveDate,
) -> Result<bool, DbError> {
    let current = match tree {
        Tree::Party => person.party_org_id,
        Tree::League => person.league_org_id,
    };
    if current == org.map(|o| o.0) {
        return Ok(false);
    }
    memberships::Entity::update_many()
        .col_expr(memberships::Column::EndedOn, Expr::value(on))
        .filter(memberships::Column::PersonId.eq(person.id))
        .filter(memberships::Column::Tree.eq(tree.code()))
        .filter(memberships::Column::EndedOn.is_null())
        .exec(c)
        .await?;
    if let Some(o) = org {
        memberships::ActiveModel {
            tenant_id: Set(tenant.0),
            person_id: Set(person.id),
            org_id: Set(o.0),
            tree: Set(tree.code().into()),
            started_on: Set(on),
            ended_on: Set(None),
            note: Set(None),
            ..Default::default()
        }
        .insert(c)
        .await?;
    }
    let col = match tree {
        Tree::Party => people::Column::PartyOrgId,
        Tree::League => people::Column::LeagueOrgId,
    };
    people::Entity::update_many()
        .col_expr(col, Expr::value(org.map(|o| o.0)))
        .col_expr(people::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(people::Column::Id.eq(person.id))
        .exec(c)
        .await?;
    Ok(true)
}

/// One stretch of time in one org.
#[derive(Debug, Clone, sea_orm::FromQueryResult, serde::Serialize)]
pub struct MembershipView {
    pub org_id: i64,
    pub org_name: String,
    pub tree: String,
    pub started_on: NaiveDate,
    pub ended_on: Option<NaiveDate>,
}

/// A person's org history in both trees, oldest first: "which branch, when".
pub async fn memberships(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    person: PersonId,
) -> Result<Vec<MembershipView>, DbError> {
    use crate::org::entity::orgs;
    use sea_orm::QuerySelect;
    Ok(memberships::Entity::find()
        .select_only()
        .column(memberships::Column::OrgId)
        .column_as(orgs::Column::Name, "org_name")
        .column(memberships::Column::Tree)
        .column(memberships::Column::StartedOn)
        .column(memberships::Column::EndedOn)
        .join(
            sea_orm::JoinType::InnerJoin,
            memberships::Entity::belongs_to(orgs::Entity)
                .from(memberships::Column::OrgId)
                .to(orgs::Column::Id)
                .into(),
        )
        .filter(memberships::Column::TenantId.eq(tenant.0))
        .filter(memberships::Column::PersonId.eq(person.0))
        .order_by_asc(memberships::Column::StartedOn)
        .order_by_asc(memberships::Column::Id)
        .into_model::<MembershipView>()
        .all(c)
        .await?)
}

/// People whose current membership is in exactly this org (for the org page).
pub async fn in_org(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    org: OrgId,
    tree: Tree,
    limit: u64,
) -> Result<Vec<Person>, DbError> {
    use sea_orm::QuerySelect;
    let col = match tree {
        Tree::Party => people::Column::PartyOrgId,
        Tree::League => people::Column::LeagueOrgId,
    };
    Ok(people::Entity::find()
        .filter(people::Column::TenantId.eq(tenant.0))
        .filter(col.eq(org.0))
        .order_by_asc(people::Column::StudentNo)
        .limit(limit)
        .all(c)
        .await?)
}
