//! The demo's 组织生活: a year of held meetings for four Party branches — two that hold every
//! required meeting (compliance green), two that miss some (red) — while the other branches
//! held none (silent); one meeting planned for next week; a pinned notice to the whole school;
//! a college plan with an open task for the member's branch.

use chrono::{Datelike, Duration, NaiveDate};
use rand::Rng;
use rand::seq::SliceRandom;
use redbranch_db::meetings::entity::{meeting_attendees as att, meetings};
use redbranch_domain::authz::Role;
use redbranch_domain::meetings::MeetingKind;
use redbranch_domain::people::PoliticalStatus;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::activity::Activity;
use super::study::at;

/// How a branch keeps its meetings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Habit {
    /// Every required meeting, quorate.
    Full,
    /// Skips a 支委会 now and then, and one 支部大会 falls short of a quorum.
    Patchy,
    /// As patchy, and nothing in the last two months (the silent-branch warning).
    Lapsed,
}

/// The meetings a branch holds in the month starting `month`: (kind, day of month, title).
fn month_plan(month: NaiveDate) -> Vec<(MeetingKind, u32, String)> {
    let m = month.month();
    let mut out = vec![
        (MeetingKind::BranchCommittee, 3, format!("{m}月支委会")),
        (MeetingKind::PartyGroup, 9, format!("{m}月党小组学习")),
        (
            MeetingKind::ThemePartyDay,
            15,
            format!("{m}月主题党日：重温入党誓词"),
        ),
    ];
    if m.is_multiple_of(3) {
        out.push((
            MeetingKind::BranchGeneral,
            20,
            format!("第{}季度支部党员大会", m / 3),
        ));
        out.push((
            MeetingKind::PartyLecture,
            24,
            format!("第{}季度党课：学习党章", m / 3),
        ));
    }
    if m == 1 {
        out.push((
            MeetingKind::OrgLife,
            12,
            "年度组织生活会暨民主评议党员".into(),
        ));
    }
    out
}

/// Marks `present` of the meeting's invitees present and the meeting held, with minutes: two
/// statements for the attendance instead of one per person.
async fn hold(
    a: &Activity<'_>,
    meeting: i64,
    present: &[i64],
    by: redbranch_db::auth::UserId,
) -> anyhow::Result<()> {
    att::Entity::update_many()
        .col_expr(att::Column::Status, Expr::value("present"))
        .col_expr(att::Column::Via, Expr::value("organiser"))
        .filter(att::Column::MeetingId.eq(meeting))
        .filter(att::Column::PersonId.is_in(present.iter().copied()))
        .exec(a.txn)
        .await?;
    meetings::Entity::update_many()
        .col_expr(
            meetings::Column::Attended,
            Expr::value(i64::try_from(present.len()).unwrap_or(0)),
        )
        .filter(meetings::Column::Id.eq(meeting))
        .exec(a.txn)
        .await?;
    redbranch_db::meetings::record_minutes(
        a.txn,
        a.tenant(),
        meeting,
        redbranch_db::meetings::Minutes {
            minutes: "会议按议程进行。与会同志结合学习内容逐一发言，支部书记作总结。".into(),
            resolutions: Some("按期完成本月各项工作。".into()),
            host: Some("支部书记".into()),
            recorder: Some("组织委员".into()),
            by,
        },
    )
    .await?;
    Ok(())
}

/// A year of meetings for four branches, and next week's 主题党日 of the member's branch.
pub(super) async fn meetings(a: &mut Activity<'_>) -> anyhow::Result<()> {
    let by = a.user(Role::BranchSecretary)?;
    let cs = &a.plan.colleges;
    let branches = [
        (cs[0].branches[0], Habit::Full),
        (cs[0].branches[1], Habit::Full),
        (cs[1].branches[0], Habit::Patchy),
        (cs[2].branches[0], Habit::Lapsed),
    ];
    let first = NaiveDate::from_ymd_opt(a.today.year() - 1, a.today.month(), 1).unwrap_or(a.today);
    for (branch, habit) in branches {
        let org_id = a.w.orgs[branch].0;
        let status = |i: usize| a.plan.people[i].data.political_status;
        let in_branch: Vec<usize> = (0..a.plan.people.len())
            .filter(|i| a.plan.people[*i].party.is_some_and(|(o, _)| o == branch))
            .collect();
        let members: Vec<i64> = in_branch
            .iter()
            .filter(|i| status(**i) >= PoliticalStatus::ProbationaryMember)
            .map(|i| a.person(*i).0)
            .collect();
        // Activists and development targets come to the 主题党日 and the 党课 too.
        let with_activists: Vec<i64> = in_branch
            .iter()
            .filter(|i| status(**i) >= PoliticalStatus::PartyActivist)
            .map(|i| a.person(*i).0)
            .collect();
        let mut month = first;
        let mut short_general = habit != Habit::Full;
        while month <= a.today {
            let months_ago = (a.today.year() - month.year()) * 12 + a.today.month() as i32
                - month.month() as i32;
            for (kind, day, title) in month_plan(month) {
                let held_on = month + Duration::days(i64::from(day - 1));
                if held_on >= a.today || held_on < a.today - Duration::days(365) {
                    continue;
                }
                let skip = match habit {
                    Habit::Full => false,
                    Habit::Lapsed if months_ago <= 2 => true,
                    _ => kind == MeetingKind::BranchCommittee && a.rng.gen_range(0..3) == 0,
                };
                if skip {
                    continue;
                }
                let invitees = match kind {
                    MeetingKind::ThemePartyDay | MeetingKind::PartyLecture => &with_activists,
                    _ => &members,
                };
                let mut present = invitees.clone();
                present.shuffle(&mut a.rng);
                let quorum_missed = short_general && kind == MeetingKind::BranchGeneral;
                let keep = if quorum_missed {
                    short_general = false;
                    invitees.len() / 2
                } else {
                    invitees.len() - a.rng.gen_range(0..=invitees.len() / 6)
                };
                present.truncate(keep);
                let m = redbranch_db::meetings::create(
                    a.txn,
                    a.tenant(),
                    redbranch_db::meetings::NewMeeting {
                        org_id,
                        kind: kind.code(),
                        title,
                        starts_at: at(held_on, 14),
                        ends_at: at(held_on, 16),
                        held_on,
                        place: Some("党员活动室".into()),
                        online_link: None,
                        agenda: "一、集中学习\n二、讨论交流\n三、支部书记总结".into(),
                        by,
                        invitees: invitees.clone(),
                    },
                )
                .await?;
                hold(a, m.id, &present, by).await?;
            }
            month = month
                .checked_add_months(chrono::Months::new(1))
                .unwrap_or(a.today + Duration::days(1));
        }
        if habit == Habit::Full && branch == cs[0].branches[0] {
            let day = a.today + Duration::days(7);
            redbranch_db::meetings::create(
                a.txn,
                a.tenant(),
                redbranch_db::meetings::NewMeeting {
                    org_id,
                    kind: MeetingKind::ThemePartyDay.code(),
                    title: format!("{}月主题党日：参观校史馆", day.month()),
                    starts_at: at(day, 14),
                    ends_at: at(day, 16),
                    held_on: day,
                    place: Some("校史馆".into()),
                    online_link: None,
                    agenda: "一、参观校史馆\n二、交流发言".into(),
                    by,
                    invitees: with_activists.clone(),
                },
            )
            .await?;
        }
    }
    Ok(())
}

/// A pinned notice from the school's Party committee to everyone with an account.
pub(super) async fn notice(a: &Activity<'_>) -> anyhow::Result<()> {
    let by = a.user(Role::SchoolAdmin)?;
    let targets = [
        a.w.orgs[a.plan.party_root].0,
        a.w.orgs[a.plan.league_root].0,
    ];
    let recipients: Vec<i64> =
        a.w.users
            .iter()
            .filter(|u| **u != by)
            .map(|u| u.0)
            .collect();
    redbranch_db::notices::publish(
        a.txn,
        a.tenant(),
        redbranch_db::notices::NewNotice {
            org_id: targets[0],
            title: "关于开展本学期“三会一课”情况自查的通知".into(),
            body: "各学院党委、各党支部：\n\n请于本月底前对照《中国共产党支部工作条例（试行）》，在系统中补齐本学期会议记录，并在“组织生活”页面查看本支部的合规情况。\n\n校党委组织部".into(),
            roles: String::new(),
            pinned: true,
            on: a.today - Duration::days(2),
            by,
        },
        &targets,
        &recipients,
    )
    .await?;
    Ok(())
}

/// The college's plan for the year and an open task for the member's branch, due in ten days.
pub(super) async fn task(a: &Activity<'_>) -> anyhow::Result<()> {
    let by = a.user(Role::CollegeAdmin)?;
    let college = a.w.orgs[a.plan.colleges[0].party].0;
    let branch = a.w.orgs[a.plan.colleges[0].branches[0]].0;
    let plan = redbranch_db::tasks::add_plan(
        a.txn,
        a.tenant(),
        redbranch_db::tasks::NewPlan {
            org_id: college,
            year: a.today.year(),
            title: format!("{}年度党建工作要点", a.today.year()),
            body: "一、加强理论学习\n二、规范组织生活\n三、做好发展党员工作".into(),
            by,
        },
    )
    .await?;
    redbranch_db::tasks::add_task(
        a.txn,
        a.tenant(),
        redbranch_db::tasks::NewTask {
            plan_id: Some(plan.id),
            org_id: college,
            assignee_org_id: Some(branch),
            assignee_person_id: None,
            title: "组织一次主题党日活动并上传活动照片".into(),
            body: "围绕“重温入党誓词”开展活动，活动结束后上传照片和简要总结。".into(),
            due_on: a.today + Duration::days(10),
            by,
        },
    )
    .await?;
    Ok(())
}
