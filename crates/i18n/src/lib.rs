//! The translation catalogue: every user-visible string, in zh-CN (the default) and en.
//!
//! Catalogue files live in `locales/<locale>/<area>.toml`, one file per domain module so that a
//! feature's strings sit beside its name. Tables nest: `[error] required = "…"` is the key
//! `error.required`. Values may hold `{name}` placeholders. A build-time test checks that both
//! locales have exactly the same keys and the same placeholders, so English is a full translation.

use std::collections::HashMap;
use std::sync::OnceLock;

/// A supported language.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
pub enum Locale {
    #[default]
    #[serde(rename = "zh-CN")]
    ZhCn,
    #[serde(rename = "en")]
    En,
}

impl Locale {
    pub fn code(self) -> &'static str {
        match self {
            Locale::ZhCn => "zh-CN",
            Locale::En => "en",
        }
    }
    pub fn from_code(s: &str) -> Option<Self> {
        match s {
            "zh-CN" | "zh" | "zh-cn" => Some(Locale::ZhCn),
            "en" | "en-US" | "en-GB" => Some(Locale::En),
            _ => None,
        }
    }
    /// Picks a locale from an `Accept-Language` header; Chinese unless English comes first.
    pub fn from_accept_language(header: &str) -> Self {
        for part in header.split(',') {
            let tag = part
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase();
            if tag.starts_with("zh") {
                return Locale::ZhCn;
            }
            if tag.starts_with("en") {
                return Locale::En;
            }
        }
        Locale::ZhCn
    }
}

macro_rules! files {
    ($loc:literal: $($area:literal),* $(,)?) => {
        &[$(($area, include_str!(concat!("../locales/", $loc, "/", $area, ".toml")))),*]
    };
}

const ZH: &[(&str, &str)] = files!("zh-CN": "common", "people", "roster", "web", "orgs", "members", "api", "pipeline", "pipeline_ui", "pipeline_io", "league", "league_ui", "dossier", "questions", "quiz", "matches", "exams", "meetings", "elections", "appraisal", "courses", "links", "points", "mall", "lessons", "tasks", "notices");
const EN: &[(&str, &str)] = files!("en": "common", "people", "roster", "web", "orgs", "members", "api", "pipeline", "pipeline_ui", "pipeline_io", "league", "league_ui", "dossier", "questions", "quiz", "matches", "exams", "meetings", "elections", "appraisal", "courses", "links", "points", "mall", "lessons", "tasks", "notices");

type Table = HashMap<String, String>;

fn load(files: &[(&str, &str)]) -> Table {
    let mut out = Table::new();
    for (area, text) in files {
        match text.parse::<toml::Table>() {
            Ok(t) => flatten("", &t, &mut out),
            // A broken catalogue file is a build defect caught by the tests below; at run time
            // the keys simply show through rather than taking the server down.
            Err(e) => eprintln!("translation catalogue {area}.toml is invalid: {e}"),
        }
    }
    out
}

fn flatten(prefix: &str, t: &toml::Table, out: &mut Table) {
    for (k, v) in t {
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            toml::Value::Table(sub) => flatten(&key, sub, out),
            toml::Value::String(s) => {
                out.insert(key, s.clone());
            }
            other => {
                out.insert(key, other.to_string());
            }
        }
    }
}

fn table(locale: Locale) -> &'static Table {
    static ZH_T: OnceLock<Table> = OnceLock::new();
    static EN_T: OnceLock<Table> = OnceLock::new();
    match locale {
        Locale::ZhCn => ZH_T.get_or_init(|| load(ZH)),
        Locale::En => EN_T.get_or_init(|| load(EN)),
    }
}

/// The text of `key`, or the key itself when it is missing (visible, never a panic).
pub fn tr(locale: Locale, key: &str) -> &str {
    table(locale).get(key).map(String::as_str).unwrap_or(key)
}

/// The text of `key` with `{name}` placeholders filled from `args`.
pub fn tr_args<S: AsRef<str>>(locale: Locale, key: &str, args: &[(&str, S)]) -> String {
    let mut s = tr(locale, key).to_string();
    for (name, value) in args {
        s = s.replace(&format!("{{{name}}}"), value.as_ref());
    }
    s
}

/// Every key of a locale (for the parity test and for tooling).
pub fn keys(locale: Locale) -> Vec<&'static str> {
    let mut v: Vec<&str> = table(locale).keys().map(String::as_str).collect();
    v.sort_unstable();
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn placeholders(s: &str) -> Vec<String> {
        let mut v: Vec<String> = s
            .split('{')
            .skip(1)
            .filter_map(|p| p.split('}').next())
            .map(str::to_string)
            .collect();
        v.sort();
        v
    }

    #[test]
    fn every_catalogue_file_parses() {
        for (area, text) in ZH.iter().chain(EN) {
            assert!(
                text.parse::<toml::Table>().is_ok(),
                "{area}.toml does not parse"
            );
        }
    }

    #[test]
    fn english_and_chinese_have_the_same_keys_and_placeholders() {
        assert_eq!(keys(Locale::ZhCn), keys(Locale::En));
        for k in keys(Locale::ZhCn) {
            assert_eq!(
                placeholders(tr(Locale::ZhCn, k)),
                placeholders(tr(Locale::En, k)),
                "placeholders of {k}"
            );
        }
    }

    #[test]
    fn missing_keys_show_through() {
        assert_eq!(tr(Locale::ZhCn, "no.such.key"), "no.such.key");
    }

    #[test]
    fn accept_language_prefers_chinese() {
        assert_eq!(
            Locale::from_accept_language("en-US,en;q=0.9,zh;q=0.8"),
            Locale::En
        );
        assert_eq!(Locale::from_accept_language("fr"), Locale::ZhCn);
    }
}
