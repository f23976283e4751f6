//! The demo school's colleges, majors and classes, and name pools for synthetic tenants.

/// The fictional school of the demo (the same as the shared fixtures' roster).
pub const SCHOOL: &str = "江城理工大学";

/// The grades at school on [`super::pipeline::AS_OF`], oldest first.
pub const GRADES: [i32; 4] = [2021, 2022, 2023, 2024];

pub struct College {
    /// Two digits, the first part of a 学号.
    pub code: &'static str,
    pub name: &'static str,
    /// Share of women among its students, in per cent.
    pub female_pct: u32,
    pub majors: &'static [Major],
}

pub struct Major {
    pub name: &'static str,
    /// The abbreviation classes are named with: 计科 → 计科2101班.
    pub abbr: &'static str,
    /// Number of classes in each of [`GRADES`].
    pub classes: [u8; 4],
    /// Which of the college's three student Party branches (1–3) cultivates its students.
    /// Branches are vertical (all grades of some majors) so each has senior 正式党员.
    pub branch: u8,
}

const fn m(name: &'static str, abbr: &'static str, classes: [u8; 4], branch: u8) -> Major {
    Major {
        name,
        abbr,
        classes,
        branch,
    }
}

/// 6 colleges, 23 majors, 132 classes.
pub const COLLEGES: &[College] = &[
    College {
        code: "01",
        name: "计算机学院",
        female_pct: 30,
        majors: &[
            m("计算机科学与技术", "计科", [2, 2, 2, 2], 1),
            m("软件工程", "软工", [2, 2, 2, 2], 2),
            m("网络工程", "网工", [1, 1, 1, 2], 1),
            m("数据科学与大数据技术", "数据", [1, 1, 2, 2], 2),
            m("人工智能", "智能", [2, 2, 2, 2], 3),
        ],
    },
    College {
        code: "02",
        name: "机械工程学院",
        female_pct: 15,
        majors: &[
            m("机械设计制造及其自动化", "机制", [2, 2, 2, 2], 1),
            m("车辆工程", "车辆", [1, 2, 2, 2], 2),
            m("测控技术与仪器", "测控", [1, 1, 1, 1], 3),
            m("工业设计", "工设", [1, 1, 1, 1], 3),
        ],
    },
    College {
        code: "03",
        name: "电气工程学院",
        female_pct: 22,
        majors: &[
            m("电气工程及其自动化", "电气", [2, 2, 2, 2], 1),
            m("自动化", "自动化", [2, 2, 2, 2], 2),
            m("电子信息工程", "电信", [1, 1, 2, 2], 3),
        ],
    },
    College {
        code: "04",
        name: "经济管理学院",
        female_pct: 62,
        majors: &[
            m("会计学", "会计", [2, 2, 2, 2], 1),
            m("工商管理", "工商", [1, 1, 1, 1], 2),
            m("市场营销", "营销", [1, 1, 1, 1], 2),
            m("国际经济与贸易", "国贸", [1, 1, 1, 1], 3),
        ],
    },
    College {
        code: "05",
        name: "外国语学院",
        female_pct: 80,
        majors: &[
            m("英语", "英语", [2, 2, 2, 2], 1),
            m("日语", "日语", [1, 1, 1, 1], 2),
            m("翻译", "翻译", [1, 1, 1, 1], 3),
        ],
    },
    College {
        code: "06",
        name: "化学与材料工程学院",
        female_pct: 40,
        majors: &[
            m("化学工程与工艺", "化工", [1, 1, 1, 1], 1),
            m("应用化学", "应化", [1, 1, 1, 1], 2),
            m("材料科学与工程", "材料", [1, 1, 1, 1], 3),
            m("高分子材料与工程", "高分子", [1, 1, 1, 1], 3),
        ],
    },
];

/// 一 … 九十九, for numbering branches (第十二党支部).
pub fn chinese_number(n: u32) -> String {
    const D: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => D[n as usize].to_string(),
        10..=19 => format!("十{}", if n == 10 { "" } else { D[(n % 10) as usize] }),
        20..=99 => format!(
            "{}十{}",
            D[(n / 10) as usize],
            if n.is_multiple_of(10) {
                ""
            } else {
                D[(n % 10) as usize]
            }
        ),
        _ => n.to_string(),
    }
}

/// College names for synthetic tenants, with the stem classes are named by (土木2101班).
#[rustfmt::skip]
pub const COLLEGE_POOL: &[(&str, &str)] = &[
    ("计算机学院", "计算机"), ("机械工程学院", "机械"), ("电气工程学院", "电气"), ("经济管理学院", "经管"),
    ("外国语学院", "外语"), ("化学与材料工程学院", "化材"), ("土木工程学院", "土木"), ("建筑与城市规划学院", "建筑"),
    ("能源与动力工程学院", "能动"), ("环境科学与工程学院", "环境"), ("数学与统计学院", "数统"), ("物理科学与技术学院", "物理"),
    ("马克思主义学院", "马院"), ("法学院", "法学"), ("新闻与传播学院", "新传"), ("艺术设计学院", "艺设"),
    ("体育学院", "体育"), ("生命科学与技术学院", "生科"), ("医学院", "医学"), ("交通学院", "交通"),
    ("航运学院", "航运"), ("信息与通信工程学院", "信通"), ("光电信息学院", "光电"), ("管理学院", "管理"),
    ("公共管理学院", "公管"), ("文学院", "文学"), ("历史文化学院", "历史"), ("教育学院", "教育"),
    ("资源与环境学院", "资环"), ("船舶与海洋工程学院", "船海"), ("航空航天学院", "航空"), ("网络空间安全学院", "网安"),
    ("自动化学院", "自动"), ("材料科学与工程学院", "材料"), ("安全科学与应急管理学院", "安全"), ("国际教育学院", "国教"),
];

/// The `i`-th synthetic college: its name and class stem, numbered once the pool runs out.
pub fn pool_college(i: usize) -> (String, String) {
    let (name, stem) = COLLEGE_POOL[i % COLLEGE_POOL.len()];
    let round = i / COLLEGE_POOL.len();
    if round == 0 {
        (name.to_string(), stem.to_string())
    } else {
        (
            format!("{name}（{}）", chinese_number(round as u32 + 1)),
            format!("{stem}{}", chinese_number(round as u32 + 1)),
        )
    }
}
