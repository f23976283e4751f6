//! The steps of 发展团员, in order (RULES §5, 《中国共产主义青年团发展团员工作细则》2023).
//!
//! Codes are stored in the database and are catalogue keys (`league.step.<code>`); renaming one
//! is a data migration.

coded! {
    /// The nine steps. `Ord` means "further along"; `number()` counts from 1.
    LeagueStep, "league.step.", 9 {
        /// 递交入团申请书
        SubmitApplication = "submit_application",
        /// 团组织派人谈话
        ApplicationTalk = "application_talk",
        /// 确定入团积极分子 (团员推荐 or 少先队推优, decided by the 支委会, filed upward)
        DecideActivist = "decide_activist",
        /// 培养教育 (团课)
        Training = "training",
        /// 确定发展对象 (预审 by the 基层团委)
        DecideTarget = "decide_target",
        /// 确定入团介绍人
        AssignIntroducers = "assign_introducers",
        /// 支部大会讨论
        BranchMeeting = "branch_meeting",
        /// 团委审批
        Approval = "approval",
        /// 入团宣誓
        Oath = "oath",
    }
}

impl LeagueStep {
    /// 1..=9.
    pub fn number(self) -> u8 {
        self as u8 + 1
    }

    /// The step before this one; `None` for the application.
    pub fn previous(self) -> Option<Self> {
        Self::ALL
            .get(usize::from(self.number()).checked_sub(2)?)
            .copied()
    }

    /// The step after this one; `None` after the oath.
    pub fn next(self) -> Option<Self> {
        Self::ALL.get(usize::from(self.number())).copied()
    }
}
