//! SuperOffice multi-language values: `US:"Welcome!";NO:"Velkommen!"`.
//!
//! A variant is a language prefix (letters), a colon and a quoted text; variants are
//! separated by `;`, and a trailing `;` may occur. A quote inside a text is kept when it is
//! not followed by `;` or the end of the value, so `US:"Say "hi"";` reads `Say "hi"`.
//! Anything that does not parse as a whole is plain text and is returned as it is.

use std::borrow::Cow;

use super::Language;

/// The variant of `value` for `language`, falling back to English and then to the first
/// variant. Plain text comes back unchanged.
pub fn resolve(value: &str, language: Language) -> Cow<'_, str> {
    if !value.contains(":\"") {
        return Cow::Borrowed(value);
    }
    let Some(variants) = parse(value) else {
        return Cow::Borrowed(value);
    };
    let pick = |wanted: Language| {
        variants
            .iter()
            .find(|(prefix, _)| wanted.has_prefix(prefix))
    };
    let chosen = pick(language)
        .or_else(|| pick(Language::ENGLISH))
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
        rest = after.trim_start_matches(|c: char| c == ';' || c.is_whitespace());
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

    fn language(prefix: &str) -> Language {
        Language::from_prefix(prefix).unwrap()
    }

    #[test]
    fn picks_the_language_then_english_then_the_first() {
        assert_eq!(
            resolve(WELCOME, language("NO")),
            "Velkommen! Hva kan vi hjelpe med?"
        );
        assert_eq!(
            resolve(WELCOME, language("GE")),
            "Welcome! How can we help?"
        );
        assert_eq!(resolve(r#"NO:"Hei";GE:"Hallo";"#, language("SW")), "Hei");
        assert_eq!(resolve(r#"NO:"Hei";GE:"Hallo""#, language("GE")), "Hallo");
    }

    #[test]
    fn reads_the_prefixes_of_all_twelve_languages_and_their_aliases() {
        let value = r#"US:"en";NO:"no";GE:"ge";SW:"sw";DA:"da";NL:"nl";FR:"fr";FI:"fi";SP:"sp";IT:"it";CZ:"cz";PL:"pl";"#;
        for wanted in Language::all() {
            assert_eq!(
                resolve(value, wanted),
                wanted.prefix().to_lowercase().replace("us", "en")
            );
        }
        assert_eq!(
            resolve(r#"US:"en";SE:"svenska""#, language("SW")),
            "svenska"
        );
        assert_eq!(
            resolve(r#"US:"en";ES:"español""#, language("SP")),
            "español"
        );
    }

    #[test]
    fn keeps_inner_quotes_and_accepts_a_trailing_separator() {
        assert_eq!(
            resolve(r#"US:"Say "hi" to us"; NO:"Si hei";"#, Language::ENGLISH),
            r#"Say "hi" to us"#
        );
        assert_eq!(resolve(r#"US:"a";NO:"b";;"#, language("NO")), "b");
        assert_eq!(resolve(r#"US:"";NO:"b""#, Language::ENGLISH), "");
    }

    #[test]
    fn a_missing_language_falls_back_to_english_then_the_first_variant() {
        assert_eq!(resolve(r#"NO:"Hei";US:"Hi""#, language("PL")), "Hi");
        assert_eq!(resolve(r#"NO:"Hei";GE:"Hallo""#, language("PL")), "Hei");
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
            "Time: 12:30",
            r#"Meeting at 10:"late""#,
        ] {
            assert_eq!(resolve(plain, Language::ENGLISH), plain);
        }
    }
}
