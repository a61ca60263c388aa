//! SuperOffice multi-language values: `US:"Welcome!";NO:"Velkommen!"`.
//!
//! A variant is a language prefix (letters), a colon and a quoted text; variants are
//! separated by `;`, and a trailing `;` may occur. A quote inside a text is kept when it is
//! not followed by `;` or the end of the value, so `US:"Say "hi"";` reads `Say "hi"`.
//! Anything that does not parse as a whole is plain text and is returned as it is.

use std::borrow::Cow;

/// The prefix SuperOffice uses for English, the fallback language.
const ENGLISH: &str = "US";

/// The variant of `value` for `language` (a SuperOffice prefix such as `NO`), falling back
/// to English and then to the first variant. Plain text comes back unchanged.
pub fn resolve<'a>(value: &'a str, language: Option<&str>) -> Cow<'a, str> {
    let Some(variants) = parse(value) else {
        return Cow::Borrowed(value);
    };
    let pick = |code: &str| {
        variants
            .iter()
            .find(|(prefix, _)| prefix.eq_ignore_ascii_case(code))
    };
    let chosen = language
        .and_then(pick)
        .or_else(|| pick(ENGLISH))
        .unwrap_or(&variants[0]);
    Cow::Owned(chosen.1.to_string())
}

fn parse(value: &str) -> Option<Vec<(&str, &str)>> {
    let mut rest = value.trim();
    let mut variants = Vec::new();
    while !rest.is_empty() {
        let (prefix, after) = rest.split_once(":\"")?;
        if prefix.is_empty() || !prefix.chars().all(|c| c.is_ascii_alphabetic()) {
            return None;
        }
        let (text, after) = quoted_text(after)?;
        variants.push((prefix, text));
        rest = after.trim_start();
        rest = rest.strip_prefix(';').unwrap_or(rest).trim_start();
    }
    (!variants.is_empty()).then_some(variants)
}

/// Splits `text"; rest` at the quote that closes the text.
fn quoted_text(after_open: &str) -> Option<(&str, &str)> {
    after_open
        .match_indices('"')
        .map(|(at, _)| at)
        .find_map(|at| {
            let rest = &after_open[at + 1..];
            let next = rest.trim_start();
            (next.is_empty() || next.starts_with(';')).then(|| (&after_open[..at], rest))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    const WELCOME: &str =
        r#"US:"Welcome! How can we help?";NO:"Velkommen! Hva kan vi hjelpe med?""#;

    #[test]
    fn picks_the_language_then_english_then_the_first() {
        assert_eq!(
            resolve(WELCOME, Some("NO")),
            "Velkommen! Hva kan vi hjelpe med?"
        );
        assert_eq!(
            resolve(WELCOME, Some("no")),
            "Velkommen! Hva kan vi hjelpe med?"
        );
        assert_eq!(resolve(WELCOME, Some("GE")), "Welcome! How can we help?");
        assert_eq!(resolve(WELCOME, None), "Welcome! How can we help?");
        assert_eq!(resolve(r#"NO:"Hei";GE:"Hallo";"#, Some("SE")), "Hei");
    }

    #[test]
    fn keeps_inner_quotes_and_accepts_a_trailing_separator() {
        assert_eq!(
            resolve(r#"US:"Say "hi" to us"; NO:"Si hei";"#, Some("US")),
            r#"Say "hi" to us"#
        );
    }

    #[test]
    fn plain_text_is_returned_unchanged() {
        for plain in [
            "Hello there",
            "Note: \"quoted\"",
            "",
            "US:unquoted",
            r#"US:"open"#,
            r#"1:"x""#,
        ] {
            assert_eq!(resolve(plain, Some("US")), plain);
        }
    }
}
