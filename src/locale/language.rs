//! The twelve SuperOffice languages, and the `SO-Language` / `Accept-Language` headers that
//! choose one.
//!
//! Each language has three names: SuperOffice's multi-language prefix (`US`, `GE`, `SW`...,
//! as in `US:"Supplier";GE:"Lieferant"`), its ISO 639-1 code (`en`, `de`, `sv`...), and the
//! culture its numbers and dates are formatted in unless `SO-Culture` says otherwise.
//! SuperOffice's own client sends the ISO code in both headers; `SO-Language` also takes the
//! prefix. Where a prefix is also an ISO code of a language we do not serve (`SW` is Swahili,
//! `SE` Northern Sami), the prefix wins.

use std::fmt;

use super::HeaderError;

/// A language whose multi-language variants and string resources we serve.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Language(&'static LanguageDef);

#[derive(Debug, PartialEq, Eq, Hash)]
pub struct LanguageDef {
    /// `language.id` in the schema.
    pub id: i64,
    /// SuperOffice's multi-language prefix.
    pub prefix: &'static str,
    /// Other prefixes found in data for the same language.
    pub prefix_aliases: &'static [&'static str],
    /// ISO 639-1 codes, the preferred one first.
    pub iso: &'static [&'static str],
    pub name: &'static str,
    /// The culture used when none is named (a BCP 47 tag).
    pub culture: &'static str,
}

/// Every language, in `language.id` order; English (the fallback) first.
pub const LANGUAGES: [LanguageDef; 12] = [
    def(1, "US", &[], &["en"], "English", "en-US"),
    def(2, "NO", &[], &["no", "nb", "nn"], "Norwegian", "nb-NO"),
    def(3, "GE", &["DE"], &["de"], "German", "de-DE"),
    def(4, "SW", &["SE", "SV"], &["sv"], "Swedish", "sv-SE"),
    def(5, "DA", &["DK"], &["da"], "Danish", "da-DK"),
    def(6, "NL", &[], &["nl"], "Dutch", "nl-NL"),
    def(7, "FR", &[], &["fr"], "French", "fr-FR"),
    def(8, "FI", &[], &["fi"], "Finnish", "fi-FI"),
    def(9, "SP", &["ES"], &["es"], "Spanish", "es-ES"),
    def(10, "IT", &[], &["it"], "Italian", "it-IT"),
    def(11, "CZ", &["CS"], &["cs"], "Czech", "cs-CZ"),
    def(12, "PL", &[], &["pl"], "Polish", "pl-PL"),
];

const fn def(
    id: i64,
    prefix: &'static str,
    prefix_aliases: &'static [&'static str],
    iso: &'static [&'static str],
    name: &'static str,
    culture: &'static str,
) -> LanguageDef {
    LanguageDef {
        id,
        prefix,
        prefix_aliases,
        iso,
        name,
        culture,
    }
}

impl Language {
    pub const ENGLISH: Language = Language(&LANGUAGES[0]);

    pub fn all() -> impl Iterator<Item = Language> {
        LANGUAGES.iter().map(Language)
    }

    pub fn id(&self) -> i64 {
        self.0.id
    }

    pub fn prefix(&self) -> &'static str {
        self.0.prefix
    }

    pub fn iso(&self) -> &'static str {
        self.0.iso[0]
    }

    pub fn name(&self) -> &'static str {
        self.0.name
    }

    pub fn default_culture(&self) -> &'static str {
        self.0.culture
    }

    /// Whether `prefix` (any case) names this language in a multi-language value.
    pub fn has_prefix(&self, prefix: &str) -> bool {
        std::iter::once(&self.0.prefix)
            .chain(self.0.prefix_aliases)
            .any(|known| known.eq_ignore_ascii_case(prefix))
    }

    /// The language of an ISO 639-1 code (`nb`, `de`), any case.
    pub fn from_iso(code: &str) -> Option<Language> {
        Self::all().find(|language| {
            language
                .0
                .iso
                .iter()
                .any(|iso| iso.eq_ignore_ascii_case(code))
        })
    }

    /// The language of a multi-language prefix (`US`, `GE`, or an alias such as `SE`).
    pub fn from_prefix(prefix: &str) -> Option<Language> {
        Self::all().find(|language| language.has_prefix(prefix))
    }

    /// The language of the schema's `language.id`.
    pub fn from_id(id: i64) -> Option<Language> {
        Self::all().find(|language| language.id() == id)
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.iso())
    }
}

/// Which language a header asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Requested {
    pub language: Language,
    /// The full tag when it named a region (`en-GB`): the culture unless `SO-Culture` says.
    pub culture_hint: Option<String>,
}

/// The accepted forms, for error messages.
pub fn accepted_forms() -> String {
    let iso: Vec<&str> = Language::all().map(|language| language.iso()).collect();
    let prefixes: Vec<&str> = Language::all().map(|language| language.prefix()).collect();
    format!(
        "an ISO 639-1 code ({}), optionally with a region (nb-NO, en-GB), SuperOffice's prefix \
         ({}), or *, x or nothing to turn translation off",
        iso.join(", "),
        prefixes.join(", ")
    )
}

/// `SO-Language`: `None` when translation is off (`*`, `x`, `-` or empty).
pub fn parse_so_language(value: &str) -> Result<Option<Requested>, HeaderError> {
    let error = |problem: String| HeaderError {
        header: "SO-Language",
        problem: format!("{problem}; send {}", accepted_forms()),
    };
    let value = value.trim();
    if is_off(value) {
        return Ok(None);
    }
    let (primary, region) =
        split_tag(value).ok_or_else(|| error(format!("{value:?} is not a language tag")))?;
    let language = Language::from_prefix(primary)
        .or_else(|| Language::from_iso(primary))
        .ok_or_else(|| error(format!("{value:?} is not a language this service has")))?;
    Ok(Some(Requested {
        language,
        culture_hint: region.map(|_| value.replace('_', "-")),
    }))
}

/// `Accept-Language`: the most wanted language we have. `*` or `x` first, or nothing we
/// have: `None` (no translation). Only a syntax error is an error.
pub fn parse_accept_language(value: &str) -> Result<Option<Requested>, HeaderError> {
    let error = |problem: String| HeaderError {
        header: "Accept-Language",
        problem: format!("{problem}; languages here: {}", accepted_forms()),
    };
    let mut ranges = Vec::new();
    for item in value
        .split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
    {
        let (tag, quality) = weighted(item).ok_or_else(|| {
            error(format!(
                "{item:?} is not a language range with an optional ;q=0.0-1.0"
            ))
        })?;
        if quality > 0 {
            ranges.push((tag, quality));
        }
    }
    // Stable: among equal weights the caller's order stands.
    ranges.sort_by_key(|(_, quality)| std::cmp::Reverse(*quality));
    for (tag, _) in ranges {
        if is_off(tag) {
            return Ok(None);
        }
        let Some((primary, region)) = split_tag(tag) else {
            return Err(error(format!("{tag:?} is not a language tag")));
        };
        if let Some(language) = Language::from_iso(primary) {
            return Ok(Some(Requested {
                language,
                culture_hint: region.map(|_| tag.to_string()),
            }));
        }
    }
    Ok(None)
}

/// Whether a language or culture header value turns translation off: `*`, `x`, `-` or empty.
pub(super) fn is_off(value: &str) -> bool {
    matches!(value, "" | "*" | "x" | "X" | "-")
}

/// `tag;q=0.5` to the tag and the weight in thousandths.
fn weighted(item: &str) -> Option<(&str, u16)> {
    let mut parts = item.split(';').map(str::trim);
    let tag = parts.next()?;
    let mut quality = 1000;
    for parameter in parts {
        let (name, value) = parameter.split_once('=')?;
        if !name.trim().eq_ignore_ascii_case("q") {
            return None;
        }
        quality = crate::locale::quality::parse_quality(value.trim())?;
    }
    Some((tag, quality))
}

/// `ll`, `ll-RR`, `ll_RR` or longer BCP 47 tags: the primary subtag and whether more follows.
/// Subtags are 1-8 letters or digits; the primary one letters only.
fn split_tag(tag: &str) -> Option<(&str, Option<&str>)> {
    let mut subtags = tag.split(['-', '_']);
    let primary = subtags.next()?;
    let alpha =
        |text: &str| (1..=8).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_alphabetic());
    let alnum = |text: &str| {
        (1..=8).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_alphanumeric())
    };
    if !alpha(primary) {
        return None;
    }
    let rest: Vec<&str> = subtags.collect();
    if !rest.iter().all(|subtag| alnum(subtag)) {
        return None;
    }
    Some((primary, rest.first().copied()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn so(value: &str) -> Option<&'static str> {
        parse_so_language(value)
            .unwrap()
            .map(|r| r.language.prefix())
    }

    fn accept(value: &str) -> Option<&'static str> {
        parse_accept_language(value)
            .unwrap()
            .map(|r| r.language.prefix())
    }

    #[test]
    fn so_language_takes_iso_codes_tags_and_prefixes() {
        let table = [
            ("en", Some("US")),
            ("US", Some("US")),
            ("no", Some("NO")),
            ("nb-NO", Some("NO")),
            ("nn", Some("NO")),
            ("de", Some("GE")),
            ("GE", Some("GE")),
            ("sv", Some("SW")),
            ("sw", Some("SW")),
            ("SE", Some("SW")),
            ("da", Some("DA")),
            ("nl", Some("NL")),
            ("fr-CA", Some("FR")),
            ("es", Some("SP")),
            ("SP", Some("SP")),
            ("it", Some("IT")),
            ("cs", Some("CZ")),
            ("CZ", Some("CZ")),
            ("fi", Some("FI")),
            ("pl", Some("PL")),
            (" en ", Some("US")),
            ("en_GB", Some("US")),
            ("", None),
            ("*", None),
            ("x", None),
            ("-", None),
        ];
        for (value, expected) in table {
            assert_eq!(so(value), expected, "{value:?}");
        }
    }

    #[test]
    fn so_language_refuses_what_it_cannot_serve() {
        for value in ["ja", "klingon-x", "en US", "12", "e n", "en--GB", "ñ"] {
            let error = parse_so_language(value).unwrap_err();
            assert_eq!(error.header, "SO-Language");
            assert!(error.problem.contains(value.trim()), "{error:?}");
        }
    }

    #[test]
    fn a_region_becomes_the_culture_hint() {
        let requested = parse_so_language("en-GB").unwrap().unwrap();
        assert_eq!(requested.culture_hint.as_deref(), Some("en-GB"));
        assert_eq!(parse_so_language("en").unwrap().unwrap().culture_hint, None);
    }

    #[test]
    fn accept_language_honours_weights_and_falls_through() {
        let table = [
            ("en", Some("US")),
            ("nb-NO,nb;q=0.9,en;q=0.8", Some("NO")),
            ("ja, de;q=0.5", Some("GE")),
            ("de;q=0.5, sv;q=0.6", Some("SW")),
            ("da, fi", Some("DA")),
            ("*", None),
            ("x", None),
            ("ja, zh", None),
            ("en;q=0, fr", Some("FR")),
            ("sw", None),
            ("GE", None),
            ("", None),
            ("*;q=0.1, pl", Some("PL")),
        ];
        for (value, expected) in table {
            assert_eq!(accept(value), expected, "{value:?}");
        }
    }

    #[test]
    fn accept_language_refuses_bad_syntax() {
        for value in ["en;q=2", "en;q=abc", "en;level=1", "en US", "1en", "en;q"] {
            let error = parse_accept_language(value).unwrap_err();
            assert_eq!(error.header, "Accept-Language", "{value}");
        }
    }

    #[test]
    fn every_language_is_found_by_each_of_its_names() {
        for language in Language::all() {
            assert_eq!(Language::from_prefix(language.prefix()), Some(language));
            assert_eq!(Language::from_iso(language.iso()), Some(language));
            assert_eq!(Language::from_id(language.id()), Some(language));
        }
    }
}
