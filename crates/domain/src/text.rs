//! Text normalisation for what people type and what Excel files hold.
//!
//! Chinese input methods produce full-width forms (`１２３`, `ＡＢ`, `　`); office files carry
//! stray spaces and line breaks. Everything a user can type goes through [`normalise`] before it
//! is validated, so `２０２１ ０１` and `202101` are the same 学号.

/// Full-width ASCII variants (U+FF01–U+FF5E) and the ideographic space become their ASCII forms.
pub fn to_half_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{3000}' => ' ',
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .collect()
}

/// Half-width forms, trimmed, with every run of white space (including line breaks and
/// non-breaking spaces) folded into one ASCII space.
pub fn normalise(s: &str) -> String {
    let half = to_half_width(s);
    let mut out = String::with_capacity(half.len());
    for word in half.split(|c: char| c.is_whitespace() || c == '\u{A0}') {
        if word.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// [`normalise`] and then every space removed: for codes and numbers where spaces never belong.
pub fn compact(s: &str) -> String {
    normalise(s).replace(' ', "")
}

/// Lower-case pinyin initials of a Chinese name (`张三丰` → `zsf`), for search by initials.
/// Characters without a pinyin reading are kept if ASCII alphanumeric, otherwise dropped.
pub fn pinyin_initials(name: &str) -> String {
    use pinyin::ToPinyin;
    name.chars()
        .filter_map(|c| match c.to_pinyin() {
            Some(p) => p.first_letter().chars().next(),
            None if c.is_ascii_alphanumeric() => Some(c.to_ascii_lowercase()),
            None => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_digits_letters_and_spaces_become_ascii() {
        assert_eq!(to_half_width("１３８　ＡＢｃ"), "138 ABc");
    }

    #[test]
    fn normalise_folds_line_breaks_and_runs_of_spaces() {
        assert_eq!(normalise("  中国共产党\n 章程\t\u{A0} "), "中国共产党 章程");
    }

    #[test]
    fn compact_removes_all_spaces() {
        assert_eq!(compact(" ２０２１ 0１ "), "202101");
    }

    #[test]
    fn pinyin_initials_of_a_chinese_name() {
        assert_eq!(pinyin_initials("张三丰"), "zsf");
        assert_eq!(pinyin_initials("李A明"), "lam");
    }
}
