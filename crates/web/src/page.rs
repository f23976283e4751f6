//! The page context every template gets, and the request context (`Ctx`) it is built from.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use redbranch_domain::authz::Permission;
use redbranch_i18n::{Locale, tr};

use crate::assets;
use crate::session::CurrentUser;

/// A one-shot message shown after a redirect.
#[derive(Debug, Clone)]
pub struct Flash {
    /// `ok` or `error`.
    pub kind: &'static str,
    pub text: String,
}

#[derive(Debug, Clone)]
pub struct UserBrief {
    pub display_name: String,
    pub role_key: &'static str,
    pub school: String,
}

#[derive(Debug, Clone)]
pub struct NavItem {
    pub href: &'static str,
    pub label_key: &'static str,
    pub icon: &'static str,
    pub active: bool,
    pub group_key: &'static str,
    pub in_tabbar: bool,
}

/// What `base.html` needs (see its header comment for the contract).
#[derive(Debug, Clone)]
pub struct Page {
    pub locale: Locale,
    pub lang: &'static str,
    pub title: String,
    pub back: Option<String>,
    pub csrf: String,
    pub css: String,
    pub js: String,
    pub htmx: String,
    pub user: Option<UserBrief>,
    pub nav: Vec<NavItem>,
    pub flash: Option<Flash>,
    pub other_lang: &'static str,
    pub other_lang_label: &'static str,
}

impl Page {
    pub fn t<'a>(&self, key: &'a str) -> &'a str {
        tr(self.locale, key)
    }
    pub fn ta(&self, key: &str, args: &[(&str, String)]) -> String {
        redbranch_i18n::tr_args(self.locale, key, args)
    }
}

/// Per-request context, put together by the middleware in `session`.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub locale: Locale,
    pub user: Option<CurrentUser>,
    pub csrf: String,
    pub flash: Option<Flash>,
    pub path: String,
}

impl Ctx {
    pub fn t<'a>(&self, key: &'a str) -> &'a str {
        tr(self.locale, key)
    }

    pub fn ta(&self, key: &str, args: &[(&str, String)]) -> String {
        redbranch_i18n::tr_args(self.locale, key, args)
    }

    /// The page context for a page titled with the catalogue key `title_key`.
    pub fn page(&self, title_key: &str) -> Page {
        self.page_titled(self.t(title_key).to_string())
    }

    /// The page context for a page whose title is already text (a person's or an org's name).
    pub fn page_titled(&self, title: String) -> Page {
        let (other_lang, other_lang_label) = match self.locale {
            Locale::ZhCn => ("en", "English"),
            Locale::En => ("zh-CN", "中文"),
        };
        Page {
            locale: self.locale,
            lang: self.locale.code(),
            title,
            back: None,
            csrf: self.csrf.clone(),
            css: assets::url("app.css"),
            js: assets::url("app.js"),
            htmx: assets::url("htmx.min.js"),
            user: self.user.as_ref().map(|u| UserBrief {
                display_name: u.display_name.clone(),
                role_key: u.grants.top_role().label_key(),
                school: u.tenant_name.clone(),
            }),
            nav: self
                .user
                .as_ref()
                .map(|u| nav(u, &self.path))
                .unwrap_or_default(),
            flash: self.flash.clone(),
            other_lang,
            other_lang_label,
        }
    }
}

fn nav(u: &CurrentUser, path: &str) -> Vec<NavItem> {
    let g = &u.grants;
    let mut items = Vec::new();
    let mut add = |href: &'static str, label_key, icon, group_key, in_tabbar, show: bool| {
        if show {
            // "/members" must not light up "/me": match whole path segments only.
            let active = if href == "/" {
                path == "/"
            } else {
                path == href || path.starts_with(&format!("{href}/"))
            };
            items.push(NavItem {
                href,
                label_key,
                icon,
                active,
                group_key,
                in_tabbar,
            });
        }
    };
    add("/", "nav.home", "home", "nav.group_main", true, true);
    add("/learn", "nav.learn", "learn", "nav.group_main", true, true);
    add(
        "/orgs",
        "nav.orgs",
        "org",
        "nav.group_org",
        true,
        g.anywhere(Permission::ViewOrg),
    );
    add(
        "/members",
        "nav.members",
        "members",
        "nav.group_org",
        true,
        g.anywhere(Permission::ViewMembers),
    );
    // Members reach their tasks from the tab bar; administrators from the sidebar (their tab
    // bar already holds the org tree and the member list).
    add(
        "/tasks",
        "nav.tasks",
        "check",
        "nav.group_main",
        !g.anywhere(Permission::ViewMembers),
        true,
    );
    add(
        "/notices",
        "nav.notices",
        "bell",
        "nav.group_main",
        true,
        true,
    );
    add(
        "/meetings",
        "nav.meetings",
        "check",
        "nav.group_org",
        true,
        true,
    );
    add(
        "/import",
        "nav.import",
        "import",
        "nav.group_admin",
        false,
        g.anywhere(Permission::ImportRoster),
    );
    add(
        "/audit",
        "nav.audit",
        "audit",
        "nav.group_admin",
        false,
        g.anywhere(Permission::ViewAudit),
    );
    add(
        "/settings",
        "nav.settings",
        "settings",
        "nav.group_admin",
        false,
        g.anywhere(Permission::ManageSettings),
    );
    add("/quiz", "nav.quiz", "check", "nav.group_main", true, true);
    add(
        "/exams",
        "nav.exams",
        "audit",
        "nav.group_main",
        false,
        true,
    );
    // Every member votes and is appraised in their branch: both entries are for everyone.
    add(
        "/elections",
        "nav.elections",
        "check",
        "nav.group_org",
        false,
        true,
    );
    add(
        "/appraisals",
        "nav.appraisals",
        "audit",
        "nav.group_org",
        false,
        true,
    );
    add(
        "/questions",
        "nav.questions",
        "import",
        "nav.group_admin",
        false,
        g.anywhere(Permission::ManageQuestions),
    );
    add(
        "/points",
        "nav.points",
        "home",
        "nav.group_me",
        false,
        u.person_id.is_some(),
    );
    add(
        "/points/adjust",
        "nav.points_adjust",
        "settings",
        "nav.group_admin",
        false,
        g.anywhere(Permission::ManagePoints),
    );
    add(
        "/lessons",
        "nav.lessons",
        "check",
        "nav.group_me",
        false,
        true,
    );
    add("/me", "nav.me", "me", "nav.group_me", true, true);
    // The sidebar groups by `group_key`; keep each group's items together.
    items.sort_by_key(|i| match i.group_key {
        "nav.group_main" => 0,
        "nav.group_org" => 1,
        "nav.group_me" => 3,
        _ => 2,
    });
    items
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = crate::error::AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<Ctx>().cloned().ok_or_else(|| {
            crate::error::AppError::Internal(anyhow::anyhow!("request context middleware missing"))
        })
    }
}

/// Renders an askama template into an HTML response; a template failure is a logged 500.
pub fn render(t: &impl askama::Template) -> crate::error::AppResult<axum::response::Response> {
    use axum::response::IntoResponse;
    let html = t
        .render()
        .map_err(|e| crate::error::AppError::Internal(e.into()))?;
    Ok(axum::response::Html(html).into_response())
}
