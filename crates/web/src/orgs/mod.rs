//! The org trees: browsing the Party and League trees, an org's page, and the committee's
//! changes to it (create a sub-org, rename, move, appoint a committee member).

mod appoint_position;
mod create_org;
mod move_org;
mod rename_org;
mod show_org;
mod show_tree;

pub use appoint_position::appoint_position;
pub use create_org::{NewOrgInput, create_org, insert_org, validate_new_org};
pub use move_org::move_org;
pub use rename_org::rename_org;
pub use show_org::show_org;
pub use show_tree::{list_children, show_tree};

use axum::http::HeaderMap;
use redbranch_db::org::Org;
use redbranch_domain::error::FieldErrors;
use redbranch_domain::org::OrgKind;

use crate::error::{AppError, AppResult};
use crate::page::Ctx;

/// A path id: a positive integer, or the page does not exist (never a 400 or a 500 for a typo).
pub fn parse_id(raw: &str) -> AppResult<i64> {
    raw.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or(AppError::NotFound)
}

/// Whether htmx asked for a fragment. A history restore wants the whole page even though it
/// also carries `HX-Request`, or going back after a search would show a bare table.
pub fn wants_fragment(headers: &HeaderMap) -> bool {
    headers.contains_key("hx-request") && !headers.contains_key("hx-history-restore-request")
}

/// Whether some kind of org may sit under `kind` (so the tree draws it as expandable).
pub fn may_have_children(kind: Option<OrgKind>) -> bool {
    kind.is_some_and(|k| OrgKind::ALL.iter().any(|c| c.may_sit_under(k)))
}

/// One org as a tree node or a link.
#[derive(Debug, Clone)]
pub struct OrgNode {
    pub id: i64,
    pub name: String,
    pub code: String,
    pub kind_label: String,
    /// `party` or `league`, for the badge colour.
    pub tree: String,
    pub expandable: bool,
    pub dissolved: bool,
}

impl OrgNode {
    pub fn of(ctx: &Ctx, o: &Org) -> Self {
        let kind = o.org_kind();
        Self {
            id: o.id,
            name: o.name.clone(),
            code: o.code.clone(),
            kind_label: kind.map_or_else(|| o.kind.clone(), |k| ctx.t(k.label_key()).to_string()),
            tree: o.tree.clone(),
            expandable: may_have_children(kind),
            dissolved: o.status != "active",
        }
    }
}

/// Validation messages of one form, already translated, keyed by form and field.
#[derive(Debug, Clone, Default)]
pub struct FormErrors {
    items: Vec<(&'static str, &'static str, String)>,
}

impl FormErrors {
    pub fn new(ctx: &Ctx, form: &'static str, errors: &FieldErrors) -> Self {
        let items = errors
            .0
            .iter()
            .map(|e| (form, e.field, crate::render::field_message(ctx.locale, e)))
            .collect();
        Self { items }
    }
    /// The message for `field` of `form`, if it has one.
    pub fn get(&self, form: &str, field: &str) -> Option<&str> {
        self.items
            .iter()
            .find(|(f, k, _)| *f == form && *k == field)
            .map(|(_, _, m)| m.as_str())
    }
    /// Whether `form` has any error (its section is then shown open).
    pub fn any(&self, form: &str) -> bool {
        self.items.iter().any(|(f, _, _)| *f == form)
    }
}
