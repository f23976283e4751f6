//! Courses and their lessons (学习课程): what a lesson is, who may see a course, the school's
//! numbers for honest study records, and the rules that turn heartbeats into credited time.
//!
//! Plain values and rules only: the web layer decides who may author from `authz`, the database
//! layer stores what these functions accept.

mod article;
mod media;
mod range;
mod study;

pub use article::{ArticleError, MAX_ARTICLE_BYTES, check_article};
pub use media::{MediaType, sniff_media};
pub use range::{ByteRange, RangeAnswer, answer_range};
pub use study::{Beat, Credit, HeartbeatRefusal, credit_heartbeat, is_complete, required_seconds};

use serde::{Deserialize, Serialize};

use crate::error::FieldError;

/// What a lesson holds. Articles are stored as sanitised HTML; the others point at one media file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LessonKind {
    Article,
    Image,
    Audio,
    Video,
    Document,
}

impl LessonKind {
    pub const ALL: [LessonKind; 5] = [
        Self::Article,
        Self::Image,
        Self::Audio,
        Self::Video,
        Self::Document,
    ];
    pub fn code(self) -> &'static str {
        match self {
            Self::Article => "article",
            Self::Image => "image",
            Self::Audio => "audio",
            Self::Video => "video",
            Self::Document => "document",
        }
    }
    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == s)
    }
    pub fn label_key(self) -> &'static str {
        match self {
            Self::Article => "courses.kind.article",
            Self::Image => "courses.kind.image",
            Self::Audio => "courses.kind.audio",
            Self::Video => "courses.kind.video",
            Self::Document => "courses.kind.document",
        }
    }
    /// Lessons studied over time (reading, listening, watching) earn study time; an image or a
    /// document is opened, not timed.
    pub fn is_timed(self) -> bool {
        matches!(self, Self::Article | Self::Audio | Self::Video)
    }
    /// The activity a points ledger counts this lesson under (学习强国's 选读文章 / 视听学习).
    pub fn activity(self) -> &'static str {
        match self {
            Self::Audio | Self::Video => "video",
            _ => "article",
        }
    }
}

/// Who may open a course once it is published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    /// Everyone, without signing in (the school's public face: 党史学习, 主题教育 materials).
    Public,
    /// People in the chosen org subtrees, and those who author there.
    Orgs,
}

impl Visibility {
    pub fn code(self) -> &'static str {
        match self {
            Self::Public => "public",
            Self::Orgs => "orgs",
        }
    }
    pub fn from_code(s: &str) -> Option<Self> {
        match s {
            "public" => Some(Self::Public),
            "orgs" => Some(Self::Orgs),
            _ => None,
        }
    }
}

/// Longest title of a course or lesson, in characters.
pub const MAX_TITLE: usize = 80;
/// Longest course summary, in characters.
pub const MAX_SUMMARY: usize = 500;
/// At most this many tags on a course, each at most [`MAX_TAG`] characters.
pub const MAX_TAGS: usize = 8;
pub const MAX_TAG: usize = 20;

/// A required one-line text (a title): trimmed, not empty, at most `max` characters.
pub fn parse_line(raw: &str, field: &'static str, max: usize) -> Result<String, FieldError> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(FieldError::new(field, "error.required"));
    }
    if s.chars().count() > max || s.contains(['\n', '\r']) {
        return Err(FieldError::new(field, "error.too_long").with("max", max));
    }
    Ok(s.to_string())
}

/// Tags as typed: separated by commas (either width), 、 or spaces; duplicates dropped.
pub fn parse_tags(raw: &str) -> Result<Vec<String>, FieldError> {
    let mut tags: Vec<String> = Vec::new();
    for t in raw.split([',', '，', '、', ' ', '\u{3000}', ';', '；']) {
        let t = t.trim();
        if t.is_empty() || tags.iter().any(|x| x == t) {
            continue;
        }
        if t.chars().count() > MAX_TAG {
            return Err(FieldError::new("field.course_tags", "error.too_long").with("max", MAX_TAG));
        }
        tags.push(t.to_string());
    }
    if tags.len() > MAX_TAGS {
        return Err(
            FieldError::new("field.course_tags", "courses.error.too_many_tags")
                .with("max", MAX_TAGS),
        );
    }
    Ok(tags)
}

/// A school's numbers for courses (its settings JSON under `"courses"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CourseSettings {
    /// Seconds between two heartbeats of a visible lesson page.
    pub heartbeat_secs: u32,
    /// Network jitter allowed around the interval, in seconds.
    pub slack_secs: u32,
    /// Reading time that makes an article "read" (学习强国's 有效阅读; see [`required_seconds`]).
    pub article_seconds: u32,
    /// Share of a video or audio's length, in percent, that must be watched to complete it.
    pub media_complete_percent: u32,
    /// Largest media file accepted, in bytes; the server's own upload limit caps it.
    pub max_media_bytes: usize,
}

impl Default for CourseSettings {
    fn default() -> Self {
        Self {
            heartbeat_secs: 15,
            slack_secs: 5,
            article_seconds: 60,
            media_complete_percent: 90,
            max_media_bytes: 200 * 1024 * 1024,
        }
    }
}

impl CourseSettings {
    /// The media limit in force: the school's, never above what the server accepts at all.
    pub fn effective_max(&self, server_max: usize) -> usize {
        self.max_media_bytes.min(server_max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_split_on_chinese_and_western_separators_without_duplicates() {
        let t = parse_tags("党史，理论学习、党史 二十大").unwrap();
        assert_eq!(t, vec!["党史", "理论学习", "二十大"]);
        assert!(parse_tags("").unwrap().is_empty());
        let nine = "a b c d e f g h i";
        assert_eq!(
            parse_tags(nine).unwrap_err().code,
            "courses.error.too_many_tags"
        );
        let eight = "a b c d e f g h";
        assert_eq!(parse_tags(eight).unwrap().len(), MAX_TAGS);
    }

    #[test]
    fn a_title_is_required_and_bounded() {
        assert_eq!(parse_line("  学习二十大 ", "f", 80).unwrap(), "学习二十大");
        assert_eq!(parse_line(" ", "f", 80).unwrap_err().code, "error.required");
        let long: String = "字".repeat(81);
        assert_eq!(
            parse_line(&long, "f", 80).unwrap_err().code,
            "error.too_long"
        );
        assert!(parse_line(&"字".repeat(80), "f", 80).is_ok());
    }

    #[test]
    fn kinds_round_trip_and_only_timed_lessons_earn_time() {
        for k in LessonKind::ALL {
            assert_eq!(LessonKind::from_code(k.code()), Some(k));
        }
        assert!(LessonKind::Video.is_timed());
        assert!(!LessonKind::Image.is_timed());
        assert_eq!(LessonKind::Audio.activity(), "video");
        assert_eq!(LessonKind::Article.activity(), "article");
    }
}
