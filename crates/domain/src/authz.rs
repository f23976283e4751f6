//! Authorisation: roles held on org subtrees, and the one question "may this user do P on org O".
//!
//! Three tiers of administration (school / college / branch) each see only their own subtree.
//! A grant on an org covers that org and everything below it. Handlers call [`Grants::ensure`]
//! visibly; list queries filter by [`Grants::scope`] in SQL.

use serde::Serialize;

use crate::org::OrgPath;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A student or staff member: sees their own record and their branch's public page.
    Member,
    /// 支部委员: reads the branch roster.
    BranchCommittee,
    /// 支部书记: manages the branch roster and committee.
    BranchSecretary,
    /// 组织员: works across the branches of a college.
    Organiser,
    /// 二级党委 / 院团委 administrator.
    CollegeAdmin,
    /// 校党委组织部 / 校团委 administrator.
    SchoolAdmin,
    /// Runs the deployment; also holds school-wide rights.
    SystemAdmin,
}

impl Role {
    pub const ALL: [Role; 7] = [
        Self::Member,
        Self::BranchCommittee,
        Self::BranchSecretary,
        Self::Organiser,
        Self::CollegeAdmin,
        Self::SchoolAdmin,
        Self::SystemAdmin,
    ];
    pub fn code(self) -> &'static str {
        match self {
            Self::Member => "member",
            Self::BranchCommittee => "branch_committee",
            Self::BranchSecretary => "branch_secretary",
            Self::Organiser => "organiser",
            Self::CollegeAdmin => "college_admin",
            Self::SchoolAdmin => "school_admin",
            Self::SystemAdmin => "system_admin",
        }
    }
    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == s)
    }
    pub fn label_key(self) -> &'static str {
        match self {
            Self::Member => "role.member",
            Self::BranchCommittee => "role.branch_committee",
            Self::BranchSecretary => "role.branch_secretary",
            Self::Organiser => "role.organiser",
            Self::CollegeAdmin => "role.college_admin",
            Self::SchoolAdmin => "role.school_admin",
            Self::SystemAdmin => "role.system_admin",
        }
    }
    /// Administrators get a second factor and a shorter idle timeout (等保 2.0, GB/T 22239-2019
    /// 8.1.4.1: 重要用户 use two or more authentication factors).
    pub fn is_administrator(self) -> bool {
        matches!(
            self,
            Self::Organiser | Self::CollegeAdmin | Self::SchoolAdmin | Self::SystemAdmin
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// See an org's page: name, committee, member count.
    ViewOrg,
    /// List people and open their profiles.
    ViewMembers,
    /// Create and change person records and memberships.
    EditMembers,
    /// See an identity number unmasked (on explicit request; audited).
    RevealIdCard,
    ExportMembers,
    ImportRoster,
    /// Create, rename, move and dissolve orgs; appoint committee members.
    ManageOrgs,
    ViewAudit,
    /// Grant and revoke roles.
    ManageRoles,
    ManageSettings,
    /// Record a step of someone's 发展党员 pipeline (the branch committee's 组织委员 and up).
    RecordPipeline,
    /// Record a step the rules refuse, with a written reason (administrators only; audited).
    OverridePipelineRule,
    /// Record the 上级党委's steps of the pipeline (预审, approvals, filing upward): 组织员 and
    /// college or school administrators, never the branch itself.
    ApprovePipeline,
    /// Author question banks and exams of an org, publish them, see exam results (branch
    /// secretaries and up).
    ManageQuestions,
    /// Plan meetings, show their check-in code, correct attendance, decide leave, record
    /// minutes; see the compliance of the orgs below (branch committee and up).
    ManageMeetings,
    /// Run a branch's 民主评议 and its elections: create, open, close, count, decide grades
    /// (the branch secretary and up). Voting and rating need no permission, only a place on
    /// the roll.
    ManageVotes,
    /// Write courses and lessons owned by an org and publish them to its subtree (audited).
    AuthorContent,
    /// Import study results exported by 学习强国, 智慧团建 or 青年大学习 for people in the subtree.
    ImportStudyResults,
    /// Points: adjust a person's points, publish rule tables, run the mall of an org (items,
    /// fulfilment), see individual leaderboards where the school allows them. College tier up.
    ManagePoints,
    /// Publish a weekly lesson to the League orgs of a subtree and read its participation.
    PublishLessons,
    /// Publish an org's yearly goals (年度计划): college and school tiers.
    ManagePlans,
    /// Break goals into tasks for the groups and members of a subtree, return results, see
    /// progress: the branch committee and up.
    ManageTasks,
    /// Publish notices to a subtree and remind those who have not read them: the branch
    /// secretary and up.
    PublishNotices,
}

impl Permission {
    pub const ALL: [Permission; 23] = [
        Self::ViewOrg,
        Self::ViewMembers,
        Self::EditMembers,
        Self::RevealIdCard,
        Self::ExportMembers,
        Self::ImportRoster,
        Self::ManageOrgs,
        Self::ViewAudit,
        Self::ManageRoles,
        Self::ManageSettings,
        Self::RecordPipeline,
        Self::OverridePipelineRule,
        Self::ApprovePipeline,
        Self::ManageQuestions,
        Self::ManageMeetings,
        Self::ManageVotes,
        Self::AuthorContent,
        Self::ImportStudyResults,
        Self::ManagePoints,
        Self::PublishLessons,
        Self::ManagePlans,
        Self::ManageTasks,
        Self::PublishNotices,
    ];
}

/// The permission matrix: which role may do what (within the subtree it is held on).
pub fn role_permits(role: Role, p: Permission) -> bool {
    use Permission::*;
    match role {
        Role::Member => matches!(p, ViewOrg),
        Role::BranchCommittee => {
            matches!(
                p,
                ViewOrg | ViewMembers | RecordPipeline | ManageMeetings | ManageTasks
            )
        }
        Role::BranchSecretary => matches!(
            p,
            ViewOrg
                | ViewMembers
                | EditMembers
                | ExportMembers
                | ManageOrgs
                | RecordPipeline
                | ManageQuestions
                | ManageMeetings
                | ManageVotes
                | AuthorContent
                | ManageTasks
                | PublishNotices
        ),
        Role::Organiser => matches!(
            p,
            ViewOrg
                | ViewMembers
                | EditMembers
                | ExportMembers
                | ImportRoster
                | ViewAudit
                | RecordPipeline
                | ApprovePipeline
                | ManageQuestions
                | ManageMeetings
                | ManageVotes
                | AuthorContent
                | ImportStudyResults
                | ManageTasks
                | PublishNotices
        ),
        Role::CollegeAdmin => !matches!(p, ManageSettings),
        Role::SchoolAdmin | Role::SystemAdmin => true,
    }
}

/// One role held on one org subtree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Grant {
    pub role: Role,
    pub org: OrgPath,
}

/// Everything a user holds. Built once per request from the database.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Grants(pub Vec<Grant>);

/// The subtrees in which a user may exercise one permission; empty means nowhere.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    pub roots: Vec<OrgPath>,
}

impl Scope {
    pub fn is_empty(&self) -> bool {
        self.roots.is_empty()
    }
    pub fn covers(&self, org: &OrgPath) -> bool {
        self.roots.iter().any(|r| r.contains(org))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("forbidden: {0:?}")]
pub struct Forbidden(pub Permission);

impl Grants {
    /// May the holder do `p` on the org at `org`?
    pub fn allows(&self, p: Permission, org: &OrgPath) -> bool {
        self.0
            .iter()
            .any(|g| role_permits(g.role, p) && g.org.contains(org))
    }

    /// The one visible check handlers make before acting on an org or a person in it.
    pub fn ensure(&self, p: Permission, org: &OrgPath) -> Result<(), Forbidden> {
        if self.allows(p, org) {
            Ok(())
        } else {
            Err(Forbidden(p))
        }
    }

    /// Whether the holder may do `p` anywhere at all (to show a menu entry, say).
    pub fn anywhere(&self, p: Permission) -> bool {
        self.0.iter().any(|g| role_permits(g.role, p))
    }

    /// The subtrees where `p` is allowed, with nested roots folded into their ancestors.
    pub fn scope(&self, p: Permission) -> Scope {
        let mut roots: Vec<OrgPath> = self
            .0
            .iter()
            .filter(|g| role_permits(g.role, p))
            .map(|g| g.org.clone())
            .collect();
        roots.sort();
        roots.dedup();
        let mut folded: Vec<OrgPath> = Vec::new();
        for r in roots {
            if !folded.iter().any(|f| f.contains(&r)) {
                folded.push(r);
            }
        }
        Scope { roots: folded }
    }

    pub fn is_administrator(&self) -> bool {
        self.0.iter().any(|g| g.role.is_administrator())
    }

    /// The highest role held, for the home page and the session policy.
    pub fn top_role(&self) -> Role {
        self.0.iter().map(|g| g.role).max().unwrap_or(Role::Member)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::org::OrgId;

    fn path(ids: &[i64]) -> OrgPath {
        let mut p = OrgPath::root(OrgId(ids[0]));
        for i in &ids[1..] {
            p = p.child(OrgId(*i));
        }
        p
    }

    #[test]
    fn a_branch_secretary_manages_their_branch_but_not_the_next_one() {
        let g = Grants(vec![Grant {
            role: Role::BranchSecretary,
            org: path(&[1, 2, 3]),
        }]);
        assert!(g.ensure(Permission::EditMembers, &path(&[1, 2, 3])).is_ok());
        assert!(
            g.ensure(Permission::EditMembers, &path(&[1, 2, 3, 9]))
                .is_ok()
        );
        assert_eq!(
            g.ensure(Permission::EditMembers, &path(&[1, 2, 4])),
            Err(Forbidden(Permission::EditMembers))
        );
        assert!(g.ensure(Permission::EditMembers, &path(&[1, 2])).is_err());
    }

    #[test]
    fn a_sibling_whose_id_starts_with_the_same_digits_is_outside() {
        let g = Grants(vec![Grant {
            role: Role::CollegeAdmin,
            org: path(&[1, 7]),
        }]);
        assert!(!g.allows(Permission::ViewMembers, &path(&[1, 70])));
    }

    #[test]
    fn a_member_cannot_list_people() {
        let g = Grants(vec![Grant {
            role: Role::Member,
            org: path(&[1, 2, 3]),
        }]);
        assert!(g.allows(Permission::ViewOrg, &path(&[1, 2, 3])));
        assert!(!g.allows(Permission::ViewMembers, &path(&[1, 2, 3])));
        assert!(g.scope(Permission::ViewMembers).is_empty());
    }

    #[test]
    fn scope_folds_nested_grants_and_keeps_separate_trees() {
        let g = Grants(vec![
            Grant {
                role: Role::CollegeAdmin,
                org: path(&[1, 2]),
            },
            Grant {
                role: Role::BranchSecretary,
                org: path(&[1, 2, 3]),
            },
            Grant {
                role: Role::CollegeAdmin,
                org: path(&[100, 200]),
            },
        ]);
        assert_eq!(
            g.scope(Permission::ViewMembers).roots,
            vec![path(&[1, 2]), path(&[100, 200])]
        );
    }

    #[test]
    fn the_branch_records_pipeline_steps_and_only_administrators_override_a_refusal() {
        for r in [
            Role::BranchCommittee,
            Role::BranchSecretary,
            Role::Organiser,
        ] {
            assert!(role_permits(r, Permission::RecordPipeline), "{r:?}");
            assert!(!role_permits(r, Permission::OverridePipelineRule), "{r:?}");
        }
        assert!(!role_permits(Role::Member, Permission::RecordPipeline));
        for r in [Role::BranchCommittee, Role::BranchSecretary, Role::Member] {
            assert!(!role_permits(r, Permission::ApprovePipeline), "{r:?}");
        }
        for r in [Role::Organiser, Role::CollegeAdmin, Role::SchoolAdmin] {
            assert!(role_permits(r, Permission::ApprovePipeline), "{r:?}");
        }
        for r in [Role::CollegeAdmin, Role::SchoolAdmin, Role::SystemAdmin] {
            assert!(role_permits(r, Permission::OverridePipelineRule), "{r:?}");
        }
    }

    #[test]
    fn only_school_tier_changes_settings() {
        assert!(!role_permits(
            Role::CollegeAdmin,
            Permission::ManageSettings
        ));
        assert!(role_permits(Role::SchoolAdmin, Permission::ManageSettings));
    }

    #[test]
    fn colleges_set_goals_branches_set_tasks_and_secretaries_publish_notices() {
        for r in [Role::CollegeAdmin, Role::SchoolAdmin, Role::SystemAdmin] {
            assert!(role_permits(r, Permission::ManagePlans), "{r:?}");
        }
        for r in [
            Role::Member,
            Role::BranchCommittee,
            Role::BranchSecretary,
            Role::Organiser,
        ] {
            assert!(!role_permits(r, Permission::ManagePlans), "{r:?}");
        }
        assert!(role_permits(Role::BranchCommittee, Permission::ManageTasks));
        assert!(!role_permits(Role::Member, Permission::ManageTasks));
        assert!(!role_permits(
            Role::BranchCommittee,
            Permission::PublishNotices
        ));
        assert!(role_permits(
            Role::BranchSecretary,
            Permission::PublishNotices
        ));
        assert!(role_permits(Role::Organiser, Permission::PublishNotices));
    }

    #[test]
    fn administrators_are_the_organiser_tier_and_up() {
        assert!(!Role::BranchSecretary.is_administrator());
        assert!(Role::Organiser.is_administrator());
    }
}
