//! Plausible personal details: Chinese names, 民族, phone numbers and GB 11643 identity numbers.

use chrono::{Datelike, NaiveDate};
use rand::Rng;
use redbranch_domain::people::{Gender, id_card_check_char};

use super::pipeline::plus_days;

/// Common surnames with weights roughly proportional to their share of the population
/// (王 李 张 刘 陈 lead; the long tail is cut at about 0.3 %).
#[rustfmt::skip]
const SURNAMES: &[(&str, u32)] = &[
    ("王", 710), ("李", 700), ("张", 670), ("刘", 540), ("陈", 450), ("杨", 310), ("黄", 230),
    ("赵", 230), ("吴", 210), ("周", 200), ("徐", 170), ("孙", 150), ("马", 150), ("朱", 140),
    ("胡", 130), ("郭", 130), ("何", 120), ("高", 120), ("林", 120), ("罗", 110), ("郑", 110),
    ("梁", 100), ("谢", 90), ("宋", 80), ("唐", 80), ("许", 80), ("韩", 70), ("冯", 70),
    ("邓", 70), ("曹", 70), ("彭", 70), ("曾", 60), ("肖", 60), ("田", 60), ("董", 60),
    ("袁", 50), ("潘", 50), ("于", 50), ("蒋", 50), ("蔡", 50), ("余", 50), ("杜", 50),
    ("叶", 50), ("程", 50), ("苏", 40), ("魏", 40), ("吕", 40), ("丁", 40), ("任", 40),
    ("沈", 40), ("姚", 40), ("卢", 40), ("姜", 40), ("崔", 40), ("钟", 40), ("谭", 40),
    ("陆", 40), ("汪", 40), ("范", 40), ("金", 40), ("石", 40), ("廖", 40), ("贾", 30),
    ("夏", 30), ("韦", 30), ("付", 30), ("方", 30), ("白", 30), ("邹", 30), ("孟", 30),
    ("熊", 30), ("秦", 30), ("邱", 30), ("江", 30), ("尹", 30), ("薛", 30), ("闫", 30),
    ("段", 30), ("雷", 30), ("侯", 30), ("龙", 30), ("史", 30), ("陶", 30), ("黎", 30),
    ("贺", 30), ("顾", 30), ("毛", 30), ("郝", 30), ("龚", 30), ("邵", 30), ("万", 30),
    ("覃", 20), ("向", 20), ("严", 20), ("欧阳", 4), ("上官", 1), ("司马", 1), ("诸葛", 1),
];

#[rustfmt::skip]
const MALE: &[&str] = &[
    "浩", "宇", "轩", "杰", "涛", "鹏", "俊", "博", "明", "辉", "强", "磊", "伟", "超", "阳", "睿",
    "泽", "昊", "航", "鑫", "凯", "毅", "健", "斌", "勇", "峰", "晨", "志", "建", "天", "振", "豪",
    "铭", "锐", "哲", "翔", "彬", "旭", "驰", "森", "楠", "卓", "宏", "立", "亮", "嘉", "瑞", "坤",
];
#[rustfmt::skip]
const FEMALE: &[&str] = &[
    "欣", "怡", "婷", "雪", "丽", "静", "娜", "佳", "悦", "琪", "涵", "诗", "梦", "颖", "璐", "倩",
    "婉", "芸", "晴", "瑶", "萱", "慧", "琳", "彤", "蕾", "玥", "莹", "妍", "洁", "雯", "菲", "敏",
    "娟", "燕", "霞", "蓉", "薇", "岚", "露", "婧", "姝", "媛", "思", "雅", "馨", "可", "茜", "丹",
];
#[rustfmt::skip]
const EITHER: &[&str] = &[
    "子", "一", "思", "雨", "嘉", "文", "晨", "宇", "安", "心", "如", "若", "新", "春", "秋", "清",
    "云", "海", "林", "晓", "书", "远", "乐", "锦", "佳", "家", "梓", "语", "逸", "沐", "知", "承",
];

/// 民族 with per-mille weights; 土家族 is over-represented because Hubei's 恩施 is home to many.
#[rustfmt::skip]
const ETHNICITIES: &[(&str, u32)] = &[
    ("汉族", 920), ("土家族", 25), ("苗族", 8), ("回族", 8), ("壮族", 8), ("满族", 7), ("彝族", 5),
    ("侗族", 4), ("蒙古族", 3), ("藏族", 3), ("维吾尔族", 3), ("白族", 2), ("布依族", 2),
    ("瑶族", 1), ("朝鲜族", 1),
];

/// Administrative division codes (GB/T 2260): mostly Hubei, some neighbouring provinces.
#[rustfmt::skip]
const REGIONS: &[&str] = &[
    "420102", "420103", "420104", "420105", "420106", "420107", "420111", "420112", "420115",
    "420116", "420117", "420202", "420281", "420302", "420303", "420381", "420502", "420582",
    "420583", "420602", "420606", "420682", "420684", "420702", "420704", "420802", "420881",
    "420902", "420981", "420982", "421002", "421003", "421081", "421083", "421102", "421181",
    "421182", "421202", "421281", "421303", "422801", "422802", "429004", "429005", "429006",
    "430102", "430104", "430602", "410105", "411302", "360102", "340104", "500103", "510104",
    "440106", "320106", "370102", "130102", "610113", "450103", "230109", "120103",
];

/// Mobile prefixes of the three carriers.
#[rustfmt::skip]
const PHONE_PREFIXES: &[&str] = &[
    "130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "150", "151", "152", "153",
    "155", "156", "157", "158", "159", "166", "176", "177", "180", "181", "182", "183", "184", "185",
    "186", "187", "188", "189", "191", "198", "199",
];

pub fn pick<'a, T>(rng: &mut impl Rng, items: &'a [T]) -> &'a T {
    &items[rng.gen_range(0..items.len())]
}

/// Picks by weight; the weights need not sum to anything in particular.
pub fn pick_weighted<'a, T>(rng: &mut impl Rng, items: &'a [(T, u32)]) -> &'a T {
    let total: u32 = items.iter().map(|(_, w)| *w).sum();
    let mut roll = rng.gen_range(0..total.max(1));
    for (item, w) in items {
        if roll < *w {
            return item;
        }
        roll -= w;
    }
    &items[0].0
}

/// A surname and a one- or two-character given name suited to `gender`.
pub fn name(rng: &mut impl Rng, gender: Gender) -> String {
    let mut s = pick_weighted::<&str>(rng, SURNAMES).to_string();
    let pool = match gender {
        Gender::Male => MALE,
        Gender::Female => FEMALE,
    };
    let chars = if rng.gen_range(0..100) < 30 { 1 } else { 2 };
    for i in 0..chars {
        // The first of two characters is often a neutral one (子, 思, 嘉…); the last carries gender.
        let neutral = i + 1 < chars && rng.gen_range(0..100) < 40;
        s.push_str(pick::<&str>(rng, if neutral { EITHER } else { pool }));
    }
    s
}

pub fn ethnicity(rng: &mut impl Rng) -> &'static str {
    pick_weighted::<&'static str>(rng, ETHNICITIES)
}

pub fn phone(rng: &mut impl Rng) -> String {
    format!(
        "{}{:08}",
        pick::<&str>(rng, PHONE_PREFIXES),
        rng.gen_range(0..100_000_000u32)
    )
}

/// An 18-character identity number consistent with birth date and gender (GB 11643-1999 §4:
/// region, birth date, a sequence whose last digit is odd for men, then the check character).
pub fn id_card(rng: &mut impl Rng, birth: NaiveDate, gender: Gender) -> String {
    let parity = match gender {
        Gender::Male => 1,
        Gender::Female => 0,
    };
    let seq = rng.gen_range(0..100u32) * 10 + rng.gen_range(0..5u32) * 2 + parity;
    let body = format!(
        "{}{}{:03}",
        pick::<&str>(rng, REGIONS),
        birth.format("%Y%m%d"),
        seq
    );
    let check = id_card_check_char(&body);
    format!("{body}{check}")
}

/// A birth date for a student who entered in `grade`: most were born between September of
/// `grade − 19` and August of `grade − 18` (school entry at six by 31 August), a few a year
/// earlier or later; always within 2002–2007 for grades 2021–2024.
pub fn birth_date(rng: &mut impl Rng, grade: i32) -> NaiveDate {
    let shift = match rng.gen_range(0..100) {
        0..8 => -1,
        8..88 => 0,
        _ => 1,
    };
    let start = NaiveDate::from_ymd_opt(grade - 19 + shift, 9, 1).unwrap_or_default();
    let d = plus_days(start, rng.gen_range(0..365));
    let lo = NaiveDate::from_ymd_opt(2002, 1, 1).unwrap_or_default();
    let hi = NaiveDate::from_ymd_opt(2007, 12, 31).unwrap_or_default();
    if (2021..=2024).contains(&grade) {
        d.clamp(lo, hi)
    } else {
        d
    }
}

/// A random day of `year` (used for staff).
pub fn day_in(rng: &mut impl Rng, year: i32) -> NaiveDate {
    let start = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default();
    let d = plus_days(start, rng.gen_range(0..365));
    if d.year() == year { d } else { start }
}
