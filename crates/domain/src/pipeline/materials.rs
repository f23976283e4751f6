//! The materials each step of the pipeline leaves in the dossier, and which are still missing.
//!
//! The list follows RULES §1 and 《中国共产党发展党员工作细则》 (2014): each item names the
//! regulation it comes from, with the article only where RULES gives one (a wrong article shown
//! to a Party secretary is worse than none).

use super::{Citation, Step};

const XIZE: &str = "《中国共产党发展党员工作细则》";
/// RULES §1 stage 2: 思想汇报 at least quarterly is a school rule.
const SCHOOL: &str = "学校规定";
const NO_ARTICLE: &str = "—";

const fn xize(article: &'static str) -> Citation {
    Citation {
        source: XIZE,
        article,
    }
}

coded! {
    /// A kind of document in the dossier. `Other` is never required.
    Material, "dossier.material.", 17 {
        /// 入党申请书
        ApplicationLetter = "application_letter",
        /// 谈话记录
        TalkRecord = "talk_record",
        /// 推荐材料 (党员推荐表 or 团组织推优材料)
        Recommendation = "recommendation",
        /// 支委会会议记录
        CommitteeMinutes = "committee_minutes",
        /// 备案报告
        FilingReport = "filing_report",
        /// 培养教育考察登记表
        CultivationRecord = "cultivation_record",
        /// 思想汇报
        ThoughtReport = "thought_report",
        /// 政审材料
        PoliticalReview = "political_review",
        /// 培训结业证明
        TrainingCertificate = "training_certificate",
        /// 公示材料
        Publicity = "publicity",
        /// 上级党委预审意见
        PreReviewOpinion = "pre_review_opinion",
        /// 入党志愿书 (scan)
        ApplicationForm = "application_form",
        /// 支部大会会议记录
        MeetingMinutes = "meeting_minutes",
        /// 上级党委审批意见
        Approval = "approval",
        /// 入党誓词 / 宣誓记录
        OathRecord = "oath_record",
        /// 转正申请书
        ConversionApplication = "conversion_application",
        /// 其他材料
        Other = "other",
    }
}

impl Material {
    /// Materials the person writes themselves, which they may upload to their own dossier.
    pub fn by_the_person(self) -> bool {
        matches!(
            self,
            Self::ApplicationLetter | Self::ThoughtReport | Self::ConversionApplication
        )
    }
}

/// One material a step requires, and where the requirement comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Required {
    pub material: Material,
    pub source: Citation,
}

/// A `Required` literal (a struct literal, so `&[…]` of them is promoted to a `'static`).
macro_rules! req {
    ($m:ident, $c:expr) => {
        Required {
            material: Material::$m,
            source: $c,
        }
    };
}

/// The materials `step` must leave in the dossier.
pub fn required_for(step: Step) -> &'static [Required] {
    use Step as S;
    const X: Citation = xize(NO_ARTICLE);
    const ART_17: Citation = xize("第十七条");
    const SCHOOL_RULE: Citation = Citation {
        source: SCHOOL,
        article: NO_ARTICLE,
    };
    match step {
        S::SubmitApplication => &[req!(ApplicationLetter, X)],
        S::ApplicationTalk | S::AdmissionTalk => &[req!(TalkRecord, X)],
        S::RecommendActivist => &[req!(Recommendation, X), req!(CommitteeMinutes, X)],
        S::FileActivist | S::FileTarget | S::AdmissionFiling => &[req!(FilingReport, X)],
        S::CultivateActivist => &[req!(CultivationRecord, X), req!(ThoughtReport, SCHOOL_RULE)],
        S::DetermineTarget | S::CommitteeReview => &[req!(CommitteeMinutes, X), req!(Publicity, X)],
        S::PoliticalReview => &[req!(PoliticalReview, X)],
        S::IntensiveTraining => &[req!(TrainingCertificate, ART_17)],
        S::PreReview => &[req!(PreReviewOpinion, X)],
        S::FillApplicationForm => &[req!(ApplicationForm, X)],
        S::AdmissionMeeting | S::ConversionMeeting => &[req!(MeetingMinutes, X)],
        S::AdmissionApproval | S::ConversionApproval => &[req!(Approval, X)],
        S::Oath => &[req!(OathRecord, X)],
        S::ProbationEducation => &[req!(ThoughtReport, SCHOOL_RULE)],
        S::RequestConversion => &[req!(ConversionApplication, X)],
        S::AssignCultivators | S::AssignIntroducers | S::JoinBranch | S::Archive => &[],
    }
}

/// Where one required material stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChecklistItem {
    pub required: Required,
    /// The ids of the documents that satisfy it (empty: missing).
    pub documents: Vec<i64>,
}

impl ChecklistItem {
    pub fn is_missing(&self) -> bool {
        self.documents.is_empty()
    }
}

/// A document as the checklist sees it: its id, the step it was filed under (if any), its kind.
pub type Filed = (i64, Option<Step>, Material);

/// The checklist of `steps`: for each required material, the documents filed for it. A document
/// filed under that step counts, and so does one filed under no step (an 入党申请书 uploaded
/// before anyone recorded step 1 still is the application).
pub fn checklist(steps: &[Step], documents: &[Filed]) -> Vec<(Step, Vec<ChecklistItem>)> {
    steps
        .iter()
        .map(|&step| {
            let items = required_for(step)
                .iter()
                .map(|r| ChecklistItem {
                    required: *r,
                    documents: documents
                        .iter()
                        .filter(|(_, s, m)| *m == r.material && s.is_none_or(|s| s == step))
                        .map(|(id, _, _)| *id)
                        .collect(),
                })
                .collect();
            (step, items)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_step_with_paperwork_names_its_source() {
        for step in Step::ALL {
            for r in required_for(step) {
                assert_ne!(r.material, Material::Other, "{step:?}");
                assert!(
                    r.source.source.starts_with('《') || r.source.source == SCHOOL,
                    "{step:?} cites {}",
                    r.source
                );
            }
        }
        assert_eq!(
            required_for(Step::IntensiveTraining)[0].source.to_string(),
            "《中国共产党发展党员工作细则》第十七条",
            "RULES gives article 17 for the training"
        );
        assert_eq!(
            required_for(Step::PoliticalReview)[0].source.to_string(),
            "《中国共产党发展党员工作细则》",
            "RULES gives no article for 政审: none is invented"
        );
    }

    #[test]
    fn a_document_counts_for_its_own_step_or_for_any_when_filed_under_none() {
        use Material::*;
        let docs: Vec<Filed> = vec![
            (1, None, ApplicationLetter),
            (2, Some(Step::RecommendActivist), CommitteeMinutes),
            (3, Some(Step::ApplicationTalk), Recommendation),
        ];
        let list = checklist(
            &[
                Step::SubmitApplication,
                Step::RecommendActivist,
                Step::DetermineTarget,
            ],
            &docs,
        );
        assert_eq!(list[0].1[0].documents, vec![1], "filed under no step");
        let recommend = &list[1].1;
        assert!(
            recommend[0].is_missing(),
            "a recommendation filed under another step does not count"
        );
        assert_eq!(recommend[1].documents, vec![2]);
        assert!(
            list[2].1[0].is_missing(),
            "the 支委会 minutes of step 3 are not those of step 7"
        );
    }

    #[test]
    fn the_person_uploads_only_what_they_write() {
        assert!(Material::ThoughtReport.by_the_person());
        assert!(!Material::PoliticalReview.by_the_person());
    }
}
