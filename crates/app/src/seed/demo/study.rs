//! The demo's 网上党校/团校: a published question bank (so the daily, weekly and topic quizzes
//! and the matches have questions), an exam, two courses of articles, last week's and this
//! week's 青年大学习 lessons with completions rolled up the League tree, mall items, and points
//! histories for the demo logins. Written through the ordinary database functions, in the
//! seeding's transaction; dates count back from the day the demo is made.

use anyhow::{Context, anyhow};
use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use rand::Rng;
use redbranch_domain::authz::Role;
use redbranch_domain::courses::{LessonKind, Visibility};
use redbranch_domain::exams::{Draw, ExamSpec};
use redbranch_domain::lessons::Question as LessonQuestion;
use redbranch_domain::questions::QuestionKind;

use super::activity::Activity;

/// Beijing time `hour`:00 on `day`, as UTC.
pub(super) fn at(day: NaiveDate, hour: u32) -> DateTime<Utc> {
    let naive = day.and_hms_opt(hour, 0, 0).unwrap_or_default() - Duration::hours(8);
    Utc.from_utc_datetime(&naive)
}

/// The bank at the Party root (a root's bank reaches everybody), published, and an exam on it.
pub(super) async fn bank_and_exam(a: &Activity<'_>) -> anyhow::Result<()> {
    let (root, path) = a.org(a.plan.party_root).await?;
    let by = a.user(Role::SchoolAdmin)?;
    let bank = redbranch_db::questions::create_bank(
        a.txn,
        a.tenant(),
        redbranch_db::questions::NewBank {
            org_id: root,
            org_path: path.clone(),
            name: "党的基本知识题库".into(),
            description: "党章、团章、党史与组织生活基本知识（演示题库）".into(),
            by,
        },
    )
    .await?;
    let qs = super::questions::questions();
    redbranch_db::questions::insert_questions(a.txn, a.tenant(), bank.id, &qs).await?;
    redbranch_db::questions::publish_bank(a.txn, a.tenant(), bank.id, by).await?;
    let draw = |kind, count| Draw {
        kind,
        topic: None,
        count,
    };
    let exam = redbranch_db::exams::create(
        a.txn,
        a.tenant(),
        redbranch_db::exams::NewExam {
            org_id: root,
            org_path: path,
            bank_id: bank.id,
            title: format!("{}年入党积极分子培训结业测试", a.today.year()),
            spec: ExamSpec::Random {
                draws: vec![
                    draw(QuestionKind::Single, 5),
                    draw(QuestionKind::Multiple, 2),
                    draw(QuestionKind::Judge, 2),
                    draw(QuestionKind::Fill, 1),
                ],
            },
            minutes: 20,
            max_attempts: 2,
            pass_percent: 60,
            credit_tenths: 10,
            shuffle: true,
            by,
        },
    )
    .await?;
    redbranch_db::exams::publish(a.txn, a.tenant(), exam.id, by).await?;
    Ok(())
}

/// Course articles: (course, lessons of (title, text)). Paragraphs are separated by blank lines.
type CourseText = (
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
);

const PUBLIC_COURSE: CourseText = (
    "学习贯彻党的二十大精神",
    "二十大精神",
    &[
        (
            "第一讲 大会的主题",
            "党的第二十次全国代表大会于2022年10月在北京召开。大会的主题是：高举中国特色社会主义伟大旗帜，全面贯彻新时代中国特色社会主义思想，弘扬伟大建党精神，自信自强、守正创新，踔厉奋发、勇毅前行，为全面建设社会主义现代化国家、全面推进中华民族伟大复兴而团结奋斗。\n\n学习时请对照原文，读懂主题中每一句话的含义，并联系自己的学习和工作谈体会。",
        ),
        (
            "第二讲 中国式现代化",
            "大会报告提出，从现在起，中国共产党的中心任务就是团结带领全国各族人民全面建成社会主义现代化强国、实现第二个百年奋斗目标，以中国式现代化全面推进中华民族伟大复兴。\n\n中国式现代化是人口规模巨大的现代化，是全体人民共同富裕的现代化，是物质文明和精神文明相协调的现代化，是人与自然和谐共生的现代化，是走和平发展道路的现代化。",
        ),
        (
            "第三讲 青年的使命",
            "报告寄语广大青年：坚定不移听党话、跟党走，怀抱梦想又脚踏实地，敢想敢为又善作善成，立志做有理想、敢担当、能吃苦、肯奋斗的新时代好青年。\n\n请结合本专业的学习，写下自己本学期的一个具体目标。",
        ),
    ],
);

const ACTIVIST_COURSE: CourseText = (
    "入党积极分子培训",
    "发展党员",
    &[
        (
            "第一课 端正入党动机",
            "入党动机是一个人要求入党的内在原因。只有为了共产主义和中国特色社会主义事业奋斗、为人民服务，才是正确的入党动机。\n\n端正入党动机不是一次完成的，要在学习和实践中不断检查、不断提高。",
        ),
        (
            "第二课 发展党员的程序",
            "发展党员工作分为五个阶段：入党申请人的培养教育，入党积极分子的确定和培养教育，发展对象的确定和考察，预备党员的接收，预备党员的教育考察和转正。\n\n入党积极分子经过一年以上的培养教育和考察，基本具备党员条件的，可以列为发展对象。",
        ),
    ],
);

/// Two courses of articles: one public (no sign-in needed), one for the Party tree.
pub(super) async fn courses(a: &Activity<'_>) -> anyhow::Result<()> {
    let (root, path) = a.org(a.plan.party_root).await?;
    let by = a.user(Role::SchoolAdmin)?;
    for ((title, topic, lessons), audience) in
        [(PUBLIC_COURSE, None), (ACTIVIST_COURSE, Some(root))]
    {
        let course = redbranch_db::courses::create_course(
            a.txn,
            a.tenant(),
            redbranch_db::courses::NewCourse {
                owner_org_id: root,
                owner_path: path.clone(),
                title: title.into(),
                summary: format!("{}（{} 讲）", title, lessons.len()),
                topic: Some(topic.into()),
                tags: vec![topic.into(), "理论学习".into()],
                by,
            },
        )
        .await?;
        for (lesson, text) in lessons {
            let html = redbranch_domain::courses::check_article(text)
                .map_err(|e| anyhow!("demo article {lesson}: {}", e.code()))?;
            redbranch_db::courses::add_lesson(
                a.txn,
                a.tenant(),
                course.id,
                redbranch_db::courses::NewLesson {
                    title: (*lesson).into(),
                    kind: LessonKind::Article,
                    body: Some(html),
                    media_id: None,
                    duration_secs: None,
                    by,
                },
            )
            .await?;
        }
        let (visibility, orgs) = match audience {
            None => (Visibility::Public, Vec::new()),
            Some(o) => (Visibility::Orgs, vec![o]),
        };
        redbranch_db::courses::publish(
            a.txn,
            a.tenant(),
            course.id,
            (visibility, &orgs),
            by,
            at(a.today - Duration::days(20), 9),
        )
        .await?;
    }
    Ok(())
}

/// The share of League members of college `c` who did last week's lesson and this week's so
/// far: some colleges do well, some poorly, so the rollup and the ranking have something to show.
const DONE_PERCENT: [(u32, u32); 6] = [(92, 55), (85, 41), (74, 30), (66, 22), (51, 12), (38, 5)];

fn lesson_questions() -> Vec<LessonQuestion> {
    let q = |prompt: &str, options: &[&str], answer| LessonQuestion {
        prompt: prompt.into(),
        options: options.iter().map(|o| (*o).to_string()).collect(),
        answer,
    };
    vec![
        q(
            "中国共产主义青年团是中国共产党的助手和什么？",
            &["后备军", "先锋队", "战斗堡垒"],
            0,
        ),
        q(
            "团员年满多少周岁、没有在团内担任职务，应办理离团手续？",
            &["25 周岁", "28 周岁", "35 周岁"],
            1,
        ),
        q(
            "“三会两制一课”中的“一课”是什么？",
            &["党课", "团课", "形势与政策课"],
            1,
        ),
    ]
}

/// The demo lessons' video: 8 s of test pattern and tone, H.264 baseline and AAC in MP4 (what
/// phones and the WeChat browser play), made with
/// `ffmpeg -f lavfi -i testsrc2=size=320x180:rate=12:duration=8 -f lavfi -i sine=frequency=523:duration=8:sample_rate=22050
/// -c:v libx264 -profile:v baseline -pix_fmt yuv420p -crf 40 -preset veryslow -c:a aac -b:a 24k -ac 1
/// -movflags +faststart -shortest lesson-sample.mp4` (72 KB).
const SAMPLE_VIDEO: &[u8] = include_bytes!("lesson-sample.mp4");

/// Last week's lesson (closed) and this week's (open), published to the whole League tree,
/// with completions paying `weekly_lesson` points as the page does. The member login has not
/// done this week's yet, so they can.
pub(super) async fn weekly_lessons(a: &mut Activity<'_>) -> anyhow::Result<()> {
    let (league_id, league_root) = a.org(a.plan.league_root).await?;
    let by = a.user(Role::SchoolAdmin)?;
    let monday = a.today - Duration::days(i64::from(a.today.weekday().num_days_from_monday()));
    let member = a.member_person()?;
    let questions = lesson_questions();
    let holder =
        redbranch_db::courses::video_holder(a.txn, a.tenant(), (league_id, &league_root), by)
            .await?;
    for (week, starts) in [(0usize, monday - Duration::days(7)), (1, monday)] {
        let iso = starts.iso_week();
        let title = format!("{}年第{}期", iso.year(), iso.week());
        // Each lesson its own copy, as an upload would be: a video belongs to one lesson.
        let video = redbranch_db::courses::add_media(
            a.txn,
            a.tenant(),
            redbranch_db::courses::NewMedia {
                course_id: holder,
                filename: format!("{title}.mp4"),
                content_type: "video/mp4",
                bytes: SAMPLE_VIDEO.to_vec(),
                by,
            },
        )
        .await?;
        let id = redbranch_db::lessons::publish(
            a.txn,
            a.tenant(),
            redbranch_db::lessons::NewLesson {
                title: &title,
                video_url: "",
                media_id: Some(video.id),
                questions: &questions,
                period: (starts, starts + Duration::days(6)),
            },
            std::slice::from_ref(&league_root),
            by.0,
        )
        .await?;
        // Answers are given on the days of the period that have passed (today for this week's).
        let days = (a.today - starts).num_days().clamp(0, 6) + i64::from(week == 0);
        for (i, p) in a.plan.people.iter().enumerate() {
            let Some((class, _)) = p.league else {
                continue;
            };
            let college = a.college_of_class(class);
            let pct = DONE_PERCENT[college % DONE_PERCENT.len()];
            let pct = if week == 0 { pct.0 } else { pct.1 };
            if a.rng.gen_range(0..100) >= pct || (week == 1 && i == member) {
                continue;
            }
            let person = a.person(i);
            let score = a.rng.gen_range(2..=3);
            redbranch_db::lessons::complete(a.txn, a.tenant(), id, person, score).await?;
            let day = starts + Duration::days(a.rng.gen_range(0..days.max(1)));
            let when = at(day, a.rng.gen_range(8..22)).min(a.now);
            let key = format!("lesson:{id}:{}", person.0);
            redbranch_db::points::award(a.txn, a.tenant(), person, "weekly_lesson", &key, when)
                .await?;
        }
    }
    Ok(())
}

/// Mall items at the two roots: (Party root?, name, description, price, stock, limit).
const ITEMS: [(bool, &str, &str, i64, i64, i64); 4] = [
    (
        true,
        "党史学习笔记本",
        "A5 布面笔记本，扉页印入党誓词",
        50,
        100,
        2,
    ),
    (
        true,
        "红色经典读本《红岩》",
        "人民文学出版社版，平装",
        120,
        30,
        1,
    ),
    (false, "团徽", "标准团徽（别针式）", 30, 200, 1),
    (false, "青年大学习帆布包", "校团委定制帆布包", 200, 20, 1),
];

/// The items, and the member's redemption of a notebook (pending, for the administrator).
pub(super) async fn mall(a: &Activity<'_>) -> anyhow::Result<()> {
    let by = a.user(Role::SchoolAdmin)?;
    let mut notebook = None;
    for (party, name, description, price, stock, limit) in ITEMS {
        let org = if party {
            a.plan.party_root
        } else {
            a.plan.league_root
        };
        let (id, path) = a.org(org).await?;
        let spec = redbranch_domain::mall::check_item(name, description, price, stock, limit)
            .map_err(|e| anyhow!("demo item {name}: {e:?}"))?;
        let item =
            redbranch_db::mall::create_item(a.txn, a.tenant(), (id, &path), &spec, by.0).await?;
        notebook.get_or_insert(item);
    }
    let item = notebook.context("no demo items")?;
    let member = a.person(a.member_person()?);
    redbranch_db::mall::redeem(a.txn, a.tenant(), member, &item).await?;
    Ok(())
}

/// Two weeks of activity for every demo login with a person (signing in, reading, watching,
/// the daily quiz), and an adjustment with its reason for the member.
pub(super) async fn points(a: &mut Activity<'_>) -> anyhow::Result<()> {
    let people: Vec<(usize, bool)> = a
        .plan
        .logins
        .iter()
        .filter_map(|l| l.person.map(|p| (p, l.role == Role::Member)))
        .collect();
    for (i, is_member) in people {
        let person = a.person(i);
        for back in (1..=14).rev() {
            let day = a.today - Duration::days(back);
            let keen = if is_member { 95 } else { 70 };
            let mut events: Vec<&str> = Vec::new();
            if a.rng.gen_range(0..100) < keen {
                events.push("login");
                events.extend(std::iter::repeat_n("article", a.rng.gen_range(1..=6)));
                events.extend(std::iter::repeat_n("video", a.rng.gen_range(0..=3)));
                if a.rng.gen_range(0..100) < keen {
                    events.push("daily_quiz");
                }
            }
            for (n, activity) in events.into_iter().enumerate() {
                let key = format!("demo:{}:{day}:{n}", person.0);
                let when = at(day, 8 + u32::try_from(n).unwrap_or(0).min(14));
                redbranch_db::points::award(a.txn, a.tenant(), person, activity, &key, when)
                    .await?;
            }
        }
    }
    let member = a.person(a.member_person()?);
    let admin = a.user(Role::CollegeAdmin)?;
    redbranch_db::points::adjust(
        a.txn,
        a.tenant(),
        member,
        (20, "参加“学雷锋”志愿服务活动（补录）"),
        &format!("adjust:demo:{}", member.0),
        admin.0,
    )
    .await?;
    Ok(())
}
