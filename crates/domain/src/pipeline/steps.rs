//! The 5 stages and 25 steps of 《中国共产党发展党员工作细则》 (2014), in order (RULES §1).
//!
//! Codes are stable snake_case identifiers stored in the database and used as catalogue keys
//! (`pipeline.stage.<code>`, `pipeline.step.<code>`); renaming one is a data migration.

coded! {
    /// The five stages. `Ord` means "further along".
    Stage, "pipeline.stage.", 5 {
        /// 申请入党
        Application = "application",
        /// 入党积极分子 (确定和培养教育)
        Activist = "activist",
        /// 发展对象 (确定和考察)
        Target = "target",
        /// 接收预备党员
        Admission = "admission",
        /// 教育考察和转正
        Probation = "probation",
    }
}

coded! {
    /// The 25 steps. `Ord` means "further along"; `number()` is the official step number.
    Step, "pipeline.step.", 25 {
        /// 1 递交入党申请书
        SubmitApplication = "submit_application",
        /// 2 党组织派人谈话
        ApplicationTalk = "application_talk",
        /// 3 推荐和确定积极分子 (党员推荐 or 群团组织推优, decided by the 支委会)
        RecommendActivist = "recommend_activist",
        /// 4 报上级党委备案
        FileActivist = "file_activist",
        /// 5 指定培养联系人
        AssignCultivators = "assign_cultivators",
        /// 6 培养教育考察
        CultivateActivist = "cultivate_activist",
        /// 7 确定发展对象
        DetermineTarget = "determine_target",
        /// 8 报上级党委备案
        FileTarget = "file_target",
        /// 9 确定入党介绍人
        AssignIntroducers = "assign_introducers",
        /// 10 政治审查
        PoliticalReview = "political_review",
        /// 11 集中培训
        IntensiveTraining = "intensive_training",
        /// 12 支委会审查
        CommitteeReview = "committee_review",
        /// 13 上级党委预审
        PreReview = "pre_review",
        /// 14 填写入党志愿书
        FillApplicationForm = "fill_application_form",
        /// 15 支部大会讨论 (admission)
        AdmissionMeeting = "admission_meeting",
        /// 16 上级党委派人谈话
        AdmissionTalk = "admission_talk",
        /// 17 上级党委审批
        AdmissionApproval = "admission_approval",
        /// 18 报再上一级组织部门备案
        AdmissionFiling = "admission_filing",
        /// 19 编入党支部和党小组
        JoinBranch = "join_branch",
        /// 20 入党宣誓
        Oath = "oath",
        /// 21 继续教育考察
        ProbationEducation = "probation_education",
        /// 22 提出转正申请
        RequestConversion = "request_conversion",
        /// 23 支部大会讨论 (conversion)
        ConversionMeeting = "conversion_meeting",
        /// 24 上级党委审批 (conversion)
        ConversionApproval = "conversion_approval",
        /// 25 材料归档
        Archive = "archive",
    }
}

impl Stage {
    /// 1..=5.
    pub fn number(self) -> u8 {
        self as u8 + 1
    }

    /// The steps of this stage, in order.
    pub fn steps(self) -> impl Iterator<Item = Step> {
        Step::ALL.into_iter().filter(move |s| s.stage() == self)
    }
}

impl Step {
    /// The official step number, 1..=25.
    pub fn number(self) -> u8 {
        self as u8 + 1
    }

    /// The step with official number `n` (1..=25).
    pub fn from_number(n: u8) -> Option<Self> {
        Self::ALL.get(usize::from(n).checked_sub(1)?).copied()
    }

    /// The stage the step belongs to (细则: steps 1–2, 3–6, 7–11, 12–18, 19–25).
    pub fn stage(self) -> Stage {
        match self.number() {
            1..=2 => Stage::Application,
            3..=6 => Stage::Activist,
            7..=11 => Stage::Target,
            12..=18 => Stage::Admission,
            _ => Stage::Probation,
        }
    }

    /// Whether the step is the 上级党委's act rather than the branch's: its 预审, its talk with
    /// the candidate, its approvals and its filing upward (细则, 第四、五章). Recording one needs
    /// the organiser's or the college's approval right, not only the branch's.
    pub fn by_higher_committee(self) -> bool {
        matches!(
            self,
            Step::PreReview
                | Step::AdmissionTalk
                | Step::AdmissionApproval
                | Step::AdmissionFiling
                | Step::ConversionApproval
        )
    }

    /// The step after this one; `None` after 材料归档.
    pub fn next(self) -> Option<Self> {
        Self::from_number(self.number() + 1)
    }
}
