//! The roster's columns: their template headers and the other names offices give them.

use crate::text::to_half_width;

/// A column the importer understands, in template order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Column {
    StudentNo,
    Name,
    Gender,
    Ethnicity,
    BirthDate,
    IdCard,
    Phone,
    College,
    Major,
    Grade,
    ClassName,
    PoliticalStatus,
    LeagueJoinedOn,
    PartyAppliedOn,
    ActivistOn,
    TargetOn,
    PartyJoinedOn,
    ConfirmedOn,
    LeagueBranch,
    PartyBranch,
}

/// Template headers, in the order of the clean roster and of the downloadable template.
pub const TEMPLATE_HEADERS: &[&str] = &[
    "学号",
    "姓名",
    "性别",
    "民族",
    "出生日期",
    "身份证号",
    "手机号",
    "学院",
    "专业",
    "年级",
    "班级",
    "政治面貌",
    "入团时间",
    "申请入党时间",
    "确定积极分子时间",
    "确定发展对象时间",
    "入党时间",
    "转正时间",
    "所在团支部",
    "所在党支部",
];

impl Column {
    pub const ALL: [Column; 20] = [
        Self::StudentNo,
        Self::Name,
        Self::Gender,
        Self::Ethnicity,
        Self::BirthDate,
        Self::IdCard,
        Self::Phone,
        Self::College,
        Self::Major,
        Self::Grade,
        Self::ClassName,
        Self::PoliticalStatus,
        Self::LeagueJoinedOn,
        Self::PartyAppliedOn,
        Self::ActivistOn,
        Self::TargetOn,
        Self::PartyJoinedOn,
        Self::ConfirmedOn,
        Self::LeagueBranch,
        Self::PartyBranch,
    ];

    /// Columns without which a row cannot become a person: the key, who, and the status that
    /// decides which organisation they belong to.
    pub const REQUIRED: [Column; 3] = [Self::StudentNo, Self::Name, Self::PoliticalStatus];

    /// Position in [`Column::ALL`] and [`TEMPLATE_HEADERS`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// The header the template uses.
    pub fn header(self) -> &'static str {
        TEMPLATE_HEADERS[self.index()]
    }

    /// Catalogue key of the field (`field.*`).
    pub fn field(self) -> &'static str {
        match self {
            Self::StudentNo => "field.student_no",
            Self::Name => "field.name",
            Self::Gender => "field.gender",
            Self::Ethnicity => "field.ethnicity",
            Self::BirthDate => "field.birth_date",
            Self::IdCard => "field.id_card",
            Self::Phone => "field.phone",
            Self::College => "field.college",
            Self::Major => "field.major",
            Self::Grade => "field.grade",
            Self::ClassName => "field.class_name",
            Self::PoliticalStatus => "field.political_status",
            Self::LeagueJoinedOn => "field.league_joined_on",
            Self::PartyAppliedOn => "field.party_applied_on",
            Self::ActivistOn => "field.activist_on",
            Self::TargetOn => "field.target_on",
            Self::PartyJoinedOn => "field.party_joined_on",
            Self::ConfirmedOn => "field.confirmed_on",
            Self::LeagueBranch => "field.league_branch",
            Self::PartyBranch => "field.party_branch",
        }
    }

    /// The column a header names, after clean-up (see `header_key`). Aliases are the names
    /// seen in real college and league-committee forms.
    pub fn from_header(raw: &str) -> Option<Column> {
        Some(match header_key(raw).as_str() {
            "学号" | "工号" | "学号/工号" | "学工号" | "学生学号" | "职工号" => {
                Self::StudentNo
            }
            "姓名" | "学生姓名" | "名字" => Self::Name,
            "性别" => Self::Gender,
            "民族" => Self::Ethnicity,
            "出生日期" | "出生年月日" | "出生年月" | "出生时间" | "生日" => {
                Self::BirthDate
            }
            "身份证号" | "身份证号码" | "身份证" | "公民身份号码" | "证件号码" | "身份证件号码" => {
                Self::IdCard
            }
            "手机号" | "手机号码" | "手机" | "联系电话" | "联系方式" | "电话" | "电话号码" => {
                Self::Phone
            }
            "学院" | "所在学院" | "所属学院" | "院系" | "二级学院" | "学院名称" => {
                Self::College
            }
            "专业" | "所学专业" | "专业名称" => Self::Major,
            "年级" | "所在年级" => Self::Grade,
            "班级" | "所在班级" | "班级名称" | "行政班" | "行政班级" => {
                Self::ClassName
            }
            "政治面貌" => Self::PoliticalStatus,
            "入团时间" | "入团日期" | "入团年月" => Self::LeagueJoinedOn,
            "申请入党时间"
            | "申请入党日期"
            | "入党申请时间"
            | "递交入党申请书时间"
            | "递交申请书时间" => Self::PartyAppliedOn,
            "确定积极分子时间"
            | "确定为入党积极分子时间"
            | "确定入党积极分子时间"
            | "列为积极分子时间" => Self::ActivistOn,
            "确定发展对象时间" | "确定为发展对象时间" | "列为发展对象时间" => {
                Self::TargetOn
            }
            "入党时间" | "入党日期" | "接收预备党员时间" | "发展为预备党员时间" => {
                Self::PartyJoinedOn
            }
            "转正时间" | "转正日期" | "预备党员转正时间" => Self::ConfirmedOn,
            "所在团支部" | "团支部" | "所属团支部" => Self::LeagueBranch,
            "所在党支部" | "党支部" | "所属党支部" => Self::PartyBranch,
            _ => return None,
        })
    }

    pub fn is_date(self) -> bool {
        matches!(
            self,
            Self::BirthDate
                | Self::LeagueJoinedOn
                | Self::PartyAppliedOn
                | Self::ActivistOn
                | Self::TargetOn
                | Self::PartyJoinedOn
                | Self::ConfirmedOn
        )
    }
}

/// A header reduced to its name: half-width, no spaces, no required-marks (`*`), no hints in
/// brackets (`出生日期（格式：2004-05-01）`), no trailing colon.
fn header_key(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut depth = 0u32;
    for c in to_half_width(raw).chars() {
        match c {
            '(' | '[' | '【' | '〔' => depth += 1,
            ')' | ']' | '】' | '〕' => depth = depth.saturating_sub(1),
            _ if depth > 0 => {}
            '*' | ':' | '※' => {}
            _ if c.is_whitespace() => {}
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_headers_follow_the_column_order() {
        for c in Column::ALL {
            assert_eq!(Column::from_header(c.header()), Some(c));
        }
        assert_eq!(TEMPLATE_HEADERS.len(), Column::ALL.len());
    }

    #[test]
    fn headers_with_marks_hints_and_aliases_are_recognised() {
        assert_eq!(Column::from_header("* 学号"), Some(Column::StudentNo));
        assert_eq!(
            Column::from_header("出生日期（格式：2004-05-01）"),
            Some(Column::BirthDate)
        );
        assert_eq!(Column::from_header("身份证号码"), Some(Column::IdCard));
        assert_eq!(Column::from_header("联系电话："), Some(Column::Phone));
        assert_eq!(Column::from_header("工号"), Some(Column::StudentNo));
        assert_eq!(Column::from_header("备注"), None);
    }
}
