//! Articles: the HTML an author writes (or plain paragraphs), refused when it carries script and
//! otherwise reduced by `ammonia` to a small set of formatting tags.
//!
//! Refusing, rather than silently cleaning, is the issue's choice: an author who pasted a page
//! with a tracking script or an `onclick` should be told, not find a different article published.
//! The scan below only decides whether to refuse; what is stored is always ammonia's output, so a
//! construct the scan misses is still removed.

use std::collections::HashSet;

/// Largest article accepted, in bytes of HTML (about 100 000 Chinese characters).
pub const MAX_ARTICLE_BYTES: usize = 300 * 1024;

/// Why an article was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ArticleError {
    #[error("empty")]
    Empty,
    #[error("too long")]
    TooLong,
    /// A script, an event handler, a `javascript:` link, or an element that embeds another page.
    #[error("script")]
    Script,
}

impl ArticleError {
    /// The catalogue key of the message shown under the field.
    pub fn code(self) -> &'static str {
        match self {
            Self::Empty => "error.required",
            Self::TooLong => "courses.error.article_too_long",
            Self::Script => "courses.error.article_script",
        }
    }
}

/// Elements that run code or pull in another document. Their presence refuses the article.
const ACTIVE_ELEMENTS: &[&str] = &[
    "<script", "<iframe", "<frame", "<object", "<embed", "<applet", "<style", "<link", "<meta",
    "<base", "<form", "<svg", "<math",
];
/// URL schemes that run code when followed.
const ACTIVE_SCHEMES: &[&str] = &["javascript:", "vbscript:", "data:text/html"];

/// The tags an article may use: headings, paragraphs, emphasis, lists, quotes, links, images.
const TAGS: &[&str] = &[
    "p",
    "br",
    "h2",
    "h3",
    "h4",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "s",
    "ul",
    "ol",
    "li",
    "blockquote",
    "a",
    "img",
    "hr",
    "figure",
    "figcaption",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "span",
];

/// Checks and sanitises an article. Plain text (no tag) becomes paragraphs, one per blank-line
/// separated block, so a secretary can paste from WeChat or Word without writing HTML.
pub fn check_article(raw: &str) -> Result<String, ArticleError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(ArticleError::Empty);
    }
    if raw.len() > MAX_ARTICLE_BYTES {
        return Err(ArticleError::TooLong);
    }
    if carries_script(raw) {
        return Err(ArticleError::Script);
    }
    let html = if looks_like_html(raw) {
        raw.to_string()
    } else {
        paragraphs(raw)
    };
    let tags: HashSet<&str> = TAGS.iter().copied().collect();
    let clean = ammonia::Builder::default()
        .tags(tags)
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .link_rel(Some("noopener noreferrer"))
        .clean(&html)
        .to_string();
    if clean.trim().is_empty() {
        return Err(ArticleError::Empty);
    }
    Ok(clean)
}

/// Whether the HTML holds an active element, an `on…=` event-handler attribute, or an active URL
/// scheme. Entities and white space inside a scheme (`java&#x09;script:`) are folded first.
fn carries_script(raw: &str) -> bool {
    let lower = raw.to_lowercase();
    if ACTIVE_ELEMENTS.iter().any(|e| lower.contains(e)) {
        return true;
    }
    let folded: String = decode_entities(&lower)
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect();
    if ACTIVE_SCHEMES.iter().any(|s| folded.contains(s)) {
        return true;
    }
    has_event_handler(&lower)
}

/// An attribute named `on…` inside a tag: `<img src=x onerror=…>`, `<a\nonclick="…">`.
fn has_event_handler(lower: &str) -> bool {
    let mut in_tag = false;
    let mut prev = ' ';
    let chars: Vec<char> = lower.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            'o' if in_tag
                && (prev.is_whitespace() || prev == '/' || prev == '"' || prev == '\'')
                && chars.get(i + 1) == Some(&'n') =>
            {
                let name: String = chars[i..]
                    .iter()
                    .take_while(|c| c.is_ascii_alphanumeric() || **c == '-')
                    .collect();
                let rest = chars[i + name.len()..].iter().find(|c| !c.is_whitespace());
                if name.len() > 2 && rest == Some(&'=') {
                    return true;
                }
            }
            _ => {}
        }
        prev = c;
    }
    false
}

/// Decodes numeric character references (`&#106;`, `&#x6A;`) and the named ones a scheme can be
/// hidden with; anything else is left as it is.
fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let tail = &rest[at + 1..];
        let end = tail.find(|c: char| !(c.is_ascii_alphanumeric() || c == '#'));
        let (name, after) = match end {
            Some(e) => (
                &tail[..e],
                tail[e..].strip_prefix(';').unwrap_or(&tail[e..]),
            ),
            None => (tail, ""),
        };
        let decoded = if let Some(num) = name.strip_prefix("#x") {
            u32::from_str_radix(num, 16).ok().and_then(char::from_u32)
        } else if let Some(num) = name.strip_prefix('#') {
            num.parse().ok().and_then(char::from_u32)
        } else {
            match name {
                "colon" => Some(':'),
                "tab" => Some('\t'),
                "newline" => Some('\n'),
                _ => None,
            }
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = after;
            }
            None => {
                out.push('&');
                rest = tail;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Whether the text holds a tag (`<p`, `</`, `<!--`), rather than a lone "<" in prose.
fn looks_like_html(s: &str) -> bool {
    s.as_bytes()
        .windows(2)
        .any(|w| w[0] == b'<' && (w[1].is_ascii_alphabetic() || w[1] == b'/' || w[1] == b'!'))
}

/// Plain text to paragraphs; the text is escaped by ammonia's cleaning afterwards.
fn paragraphs(text: &str) -> String {
    text.split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            let escaped = p
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
                .replace('\n', "<br>");
            format!("<p>{escaped}</p>")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formatting_survives_and_links_get_noopener() {
        let a = check_article(
            "<h2>学习</h2><p><strong>二十大</strong> <a href=\"https://www.12371.cn\">原文</a></p>",
        )
        .unwrap();
        assert!(a.contains("<h2>学习</h2>"), "{a}");
        assert!(a.contains("<strong>二十大</strong>"), "{a}");
        assert!(a.contains("rel=\"noopener noreferrer\""), "{a}");
    }

    #[test]
    fn plain_text_becomes_paragraphs() {
        let a = check_article("第一段\n第二行\n\n第二段 <不是标签").unwrap();
        assert_eq!(a, "<p>第一段<br>第二行</p><p>第二段 &lt;不是标签</p>");
    }

    #[test]
    fn script_in_any_disguise_is_refused() {
        for bad in [
            "<p>hi</p><script>alert(1)</script>",
            "<SCRIPT src=x></SCRIPT>",
            "<img src=x onerror=alert(1)>",
            "<a href=\"#\"\nonclick = \"steal()\">x</a>",
            "<a href=\"javascript:alert(1)\">x</a>",
            "<a href=\"java&#x09;script&colon;alert(1)\">x</a>",
            "<a href=\"&#106;avascript:alert(1)\">x</a>",
            "<iframe src=\"https://evil\"></iframe>",
            "<svg><circle onload=x /></svg>",
            "<style>body{display:none}</style>",
        ] {
            assert_eq!(check_article(bad), Err(ArticleError::Script), "{bad}");
        }
    }

    #[test]
    fn words_that_merely_look_like_handlers_are_fine() {
        let a = check_article("<p class=\"one\">online 学习 on=</p><p>only</p>").unwrap();
        assert!(a.contains("online"), "{a}");
    }

    #[test]
    fn empty_and_oversized_articles_are_refused() {
        assert_eq!(check_article("  "), Err(ArticleError::Empty));
        let big = "字".repeat(MAX_ARTICLE_BYTES / 3 + 1);
        assert_eq!(check_article(&big), Err(ArticleError::TooLong));
    }
}
