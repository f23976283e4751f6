//! Minutes (会议记录) as rich text: what a secretary types or pastes is checked for active
//! content and refused if it has any, then cleaned by an allow-list sanitiser before it is
//! stored; plain text becomes paragraphs. The printed record reads it back as plain text.

use redbranch_domain::error::FieldError;
use redbranch_domain::meetings::MAX_BODY;

/// Markup that can run code or restyle the page: refused outright, so a secretary learns the
/// paste carried it rather than finding the minutes silently changed.
const ACTIVE: [&str; 9] = [
    "<script",
    "<iframe",
    "<object",
    "<embed",
    "<style",
    "<form",
    "javascript:",
    "vbscript:",
    "data:text/html",
];

/// Whether a tag of `html` carries an event handler attribute (`onclick=`, `onerror =`, …).
fn has_event_handler(lower: &str) -> bool {
    lower.split('<').skip(1).any(|tag| {
        let inside = tag.split('>').next().unwrap_or_default();
        inside
            .split(|c: char| c.is_whitespace() || c == '/' || c == '"' || c == '\'')
            .any(|word| {
                let name = word.split('=').next().unwrap_or_default();
                name.len() > 2
                    && name.starts_with("on")
                    && name[2..].chars().all(|c| c.is_ascii_alphabetic())
                    && (word.contains('=') || inside.contains(&format!("{name} =")))
            })
    })
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Checks and cleans minutes: refuses script and the like, bounds the length, and returns the
/// HTML to store. Text without tags becomes one paragraph per line.
pub fn clean_minutes(field: &'static str, raw: &str) -> Result<String, FieldError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(FieldError::new(field, "error.required"));
    }
    if raw.chars().count() > MAX_BODY {
        return Err(FieldError::new(field, "error.too_long").with("max", MAX_BODY));
    }
    let lower = raw.to_lowercase();
    if ACTIVE.iter().any(|a| lower.contains(a)) || has_event_handler(&lower) {
        return Err(FieldError::new(field, "meetings.error.minutes_script"));
    }
    if !raw.starts_with('<') {
        return Ok(raw
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(|l| format!("<p>{}</p>", escape(l)))
            .collect());
    }
    Ok(ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer nofollow"))
        .clean(raw)
        .to_string())
}

/// The stored minutes as plain text, a paragraph per line, for the printed record.
pub fn plain_text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    let mut tag = String::new();
    for ch in html.chars() {
        match (in_tag, ch) {
            (false, '<') => {
                in_tag = true;
                tag.clear();
            }
            (true, '>') => {
                in_tag = false;
                let name = tag.trim_start_matches('/').to_lowercase();
                let name = name.split_whitespace().next().unwrap_or_default();
                if matches!(name, "p" | "br" | "li" | "div" | "h1" | "h2" | "h3" | "tr")
                    && !out.ends_with('\n')
                    && !out.is_empty()
                {
                    out.push('\n');
                }
            }
            (true, c) => tag.push(c),
            (false, c) => out.push(c),
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
        .trim()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_and_handlers_are_refused_not_silently_dropped() {
        for bad in [
            "<p>议程</p><script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "<p onclick = \"x()\">点我</p>",
            "<a href=\"javascript:alert(1)\">链接</a>",
            "<SCRIPT>x</SCRIPT>",
        ] {
            let e = clean_minutes("f", bad).err().map(|e| e.code);
            assert_eq!(e, Some("meetings.error.minutes_script"), "{bad}");
        }
    }

    #[test]
    fn ordinary_rich_text_is_kept_and_cleaned() {
        let ok = clean_minutes(
            "f",
            "<p><strong>一、</strong>学习党章</p><ul><li>讨论</li></ul>",
        )
        .unwrap_or_default();
        assert!(ok.contains("<strong>一、</strong>"), "{ok}");
        assert!(ok.contains("<li>讨论</li>"), "{ok}");
        // Words that merely begin with "on" are not handlers.
        assert!(clean_minutes("f", "<p>online 会议 one=1</p>").is_ok());
    }

    #[test]
    fn plain_text_becomes_paragraphs_and_reads_back() {
        let html = clean_minutes("f", "一、学习\n\n二、讨论 <b>").unwrap_or_default();
        assert_eq!(html, "<p>一、学习</p><p>二、讨论 &lt;b&gt;</p>");
        assert!(clean_minutes("f", "一、学习\n二、讨论 a<b").is_ok());
        assert_eq!(plain_text(&html), "一、学习\n二、讨论 <b>");
    }

    #[test]
    fn empty_and_oversized_minutes_are_refused() {
        assert!(clean_minutes("f", "  ").is_err());
        assert!(clean_minutes("f", &"字".repeat(MAX_BODY + 1)).is_err());
    }
}
