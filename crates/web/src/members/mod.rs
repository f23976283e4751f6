//! Members: the scoped member list (page, fragment, export) and a person's profile.

mod export_members;
mod list_members;
mod reveal_id_card;
mod show_member;

pub use export_members::{Numbers, build_members_export, build_members_xlsx, export_members};
pub use list_members::list_members;
pub use reveal_id_card::reveal_id_card;
pub use show_member::{PersonView, person_view, show_member};

use redbranch_db::org::{self as dborg, Org};
use redbranch_db::people::{MemberFilter, Person, SortKey};
use redbranch_db::tenants::TenantId;
use redbranch_domain::authz::{Forbidden, Grants, Permission};
use redbranch_domain::org::OrgId;
use redbranch_domain::people::PoliticalStatus;
use serde::Deserialize;

use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// Pages beyond this are empty anyway; capping keeps the SQL offset inside a signed 64-bit
/// integer whatever number is typed into the address bar.
const MAX_PAGE: u64 = 1_000_000;

/// The list's query string. Every value arrives as text so that a bad one gets a clear answer
/// (or is ignored) rather than the extractor's bare 400.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct MemberQuery {
    pub q: Option<String>,
    pub org: Option<String>,
    pub status: Option<String>,
    pub grade: Option<String>,
    pub class: Option<String>,
    pub sort: Option<String>,
    pub dir: Option<String>,
    pub page: Option<String>,
    pub per_page: Option<String>,
    /// `1` on an export: identity and phone numbers in clear (RevealIdCard; audited).
    pub reveal: Option<String>,
}

fn non_empty(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

impl MemberQuery {
    /// The filter this query asks for. An unknown status or org is a 400 with a message saying
    /// which; a malformed page number means the first page; `per_page` is kept within 1–`max`.
    pub async fn to_filter(
        &self,
        st: &AppState,
        tenant: TenantId,
        per_page: u64,
        max_per_page: u64,
    ) -> AppResult<MemberFilter> {
        let status = match non_empty(&self.status) {
            Some(s) => {
                Some(PoliticalStatus::from_code(s).ok_or(AppError::BadRequest("unknown_status"))?)
            }
            None => None,
        };
        let org = match non_empty(&self.org) {
            Some(s) => {
                let id = s
                    .parse::<i64>()
                    .map_err(|_| AppError::BadRequest("unknown_org"))?;
                match dborg::get(&st.db.conn, tenant, OrgId(id)).await {
                    Ok(o) => Some(o.org_path()),
                    Err(redbranch_db::DbError::NotFound) => {
                        return Err(AppError::BadRequest("unknown_org"));
                    }
                    Err(e) => return Err(e.into()),
                }
            }
            None => None,
        };
        let sort = match non_empty(&self.sort) {
            Some("name") => SortKey::Name,
            Some("grade") => SortKey::Grade,
            Some("status") => SortKey::Status,
            _ => SortKey::StudentNo,
        };
        let page = non_empty(&self.page)
            .and_then(|p| p.parse::<u64>().ok())
            .unwrap_or(1)
            .clamp(1, MAX_PAGE);
        let per_page = non_empty(&self.per_page)
            .and_then(|p| p.parse::<u64>().ok())
            .unwrap_or(per_page)
            .clamp(1, max_per_page);
        Ok(MemberFilter {
            q: non_empty(&self.q).map(str::to_string),
            org,
            status,
            grade: non_empty(&self.grade).map(str::to_string),
            class_name: non_empty(&self.class).map(str::to_string),
            sort,
            desc: non_empty(&self.dir) == Some("desc"),
            page,
            per_page,
        })
    }

    /// Whether anything narrows the list (the empty state then suggests clearing it).
    pub fn is_filtered(&self) -> bool {
        [&self.q, &self.org, &self.status, &self.grade, &self.class]
            .into_iter()
            .any(|v| non_empty(v).is_some())
    }

    fn pairs(&self) -> Vec<(&'static str, &str)> {
        let mut v = Vec::new();
        for (k, val) in [
            ("q", &self.q),
            ("org", &self.org),
            ("status", &self.status),
            ("grade", &self.grade),
            ("class", &self.class),
        ] {
            if let Some(s) = non_empty(val) {
                v.push((k, s));
            }
        }
        v
    }

    /// The filters and the sort as a query string, without `page` (the pager adds it).
    pub fn base_query(&self) -> String {
        let mut v = self.pairs();
        if let Some(s) = non_empty(&self.sort) {
            v.push(("sort", s));
        }
        if let Some(d) = non_empty(&self.dir) {
            v.push(("dir", d));
        }
        serde_urlencoded::to_string(v).unwrap_or_default()
    }

    /// The filters only (what the export needs).
    pub fn filter_query(&self) -> String {
        serde_urlencoded::to_string(self.pairs()).unwrap_or_default()
    }

    /// The link a column header points to: sort by `key`, flipping the direction when the list
    /// is already sorted by it.
    pub fn sort_href(&self, key: &str) -> String {
        let current = non_empty(&self.sort).unwrap_or("student_no");
        let desc = non_empty(&self.dir) == Some("desc");
        let dir = if current == key && !desc {
            "desc"
        } else {
            "asc"
        };
        let mut v = self.pairs();
        v.push(("sort", key));
        v.push(("dir", dir));
        format!("?{}", serde_urlencoded::to_string(v).unwrap_or_default())
    }
}

/// The person with id `raw` and their orgs, if `u` may see them: one's own record always,
/// anyone else's with ViewMembers on their org.
pub async fn viewable_person(
    st: &AppState,
    u: &crate::session::CurrentUser,
    raw: &str,
) -> AppResult<(Person, PersonOrgs)> {
    let id = crate::orgs::parse_id(raw)?;
    let person =
        redbranch_db::people::get(&st.db.conn, u.tenant, redbranch_db::people::PersonId(id))
            .await?;
    let orgs = PersonOrgs::of(&st.db.conn, u.tenant, &person).await?;
    if u.person_id != Some(person.id) {
        orgs.ensure(&u.grants, Permission::ViewMembers)?;
    }
    Ok((person, orgs))
}

/// A person's current Party and League orgs: what decides who may see or act on them.
#[derive(Debug, Clone, Default)]
pub struct PersonOrgs {
    pub party: Option<Org>,
    pub league: Option<Org>,
}

impl PersonOrgs {
    /// Read on `c`: inside a transaction, pass the transaction (a read on a second pool
    /// connection while one is held can exhaust the pool under load).
    pub async fn of(
        c: &impl redbranch_db::ConnectionTrait,
        tenant: TenantId,
        p: &Person,
    ) -> AppResult<Self> {
        let load = |id: Option<i64>| async move {
            match id {
                Some(id) => match dborg::get(c, tenant, OrgId(id)).await {
                    Ok(o) => Ok(Some(o)),
                    Err(redbranch_db::DbError::NotFound) => Ok(None),
                    Err(e) => Err(AppError::from(e)),
                },
                None => Ok(None),
            }
        };
        Ok(Self {
            party: load(p.party_org_id).await?,
            league: load(p.league_org_id).await?,
        })
    }

    /// [`PersonOrgs::of`] for many people with one query (imports, bulk actions, lists), keyed
    /// by person id.
    pub async fn of_many<'a>(
        st: &AppState,
        tenant: TenantId,
        people: impl IntoIterator<Item = &'a Person>,
    ) -> AppResult<std::collections::HashMap<i64, Self>> {
        let people: Vec<&Person> = people.into_iter().collect();
        let ids: Vec<i64> = people
            .iter()
            .flat_map(|p| [p.party_org_id, p.league_org_id])
            .flatten()
            .collect();
        let orgs = dborg::by_ids(&st.db.conn, tenant, &ids).await?;
        let find = |id: Option<i64>| id.and_then(|id| orgs.iter().find(|o| o.id == id).cloned());
        Ok(people
            .iter()
            .map(|p| {
                let o = Self {
                    party: find(p.party_org_id),
                    league: find(p.league_org_id),
                };
                (p.id, o)
            })
            .collect())
    }

    /// `p` on either of the person's orgs. Someone in no org at all is covered only by a
    /// school-level grant (one held on the top of a tree), so that a branch secretary cannot see
    /// everyone who has not been placed yet.
    pub fn ensure(&self, grants: &Grants, p: Permission) -> Result<(), Forbidden> {
        let orgs: Vec<&Org> = [&self.party, &self.league].into_iter().flatten().collect();
        let ok = if orgs.is_empty() {
            grants.scope(p).roots.iter().any(|r| r.depth() == 1)
        } else {
            orgs.iter().any(|o| grants.allows(p, &o.org_path()))
        };
        if ok { Ok(()) } else { Err(Forbidden(p)) }
    }
}
