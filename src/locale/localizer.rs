//! One pass over every string of a response: multi-language values, string references and
//! encoded values in the caller's language and culture; instants in the caller's zone.

use std::borrow::Cow;
use std::collections::BTreeMap;

use super::{Culture, Language, Zone, encoded, multilang};
use crate::time::{NEVER, NEVER_UTC, Timestamp};

/// String resources (`[SR_KEY]`) in one language, keyed without brackets.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Resources(BTreeMap<String, String>);

impl Resources {
    pub fn new(texts: BTreeMap<String, String>) -> Self {
        Self(texts)
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).map(String::as_str)
    }
}

/// How the strings and instants of one response are written.
#[derive(Clone, Debug, PartialEq)]
pub struct Localizer {
    /// `None`: strings come back raw.
    translation: Option<Translation>,
    zone: Zone,
    with_offset: bool,
}

#[derive(Clone, Debug, PartialEq)]
struct Translation {
    language: Language,
    culture: Culture,
    resources: Resources,
}

impl Localizer {
    /// Strings raw, instants in UTC without designator.
    pub const RAW: Localizer = Localizer {
        translation: None,
        zone: Zone::UTC,
        with_offset: false,
    };

    /// Dates in `zone`, with their offsets when the caller asked for them or when the zone
    /// is only an offset ([`Zone::is_offset_only`]).
    pub fn new(zone: Zone, with_offset: bool) -> Self {
        Self {
            translation: None,
            with_offset: with_offset || zone.is_offset_only(),
            zone,
        }
    }

    /// Translates strings into `language`, formatting values in `culture`.
    pub fn translating(self, language: Language, culture: Culture, resources: Resources) -> Self {
        Self {
            translation: Some(Translation {
                language,
                culture,
                resources,
            }),
            ..self
        }
    }

    pub fn language(&self) -> Option<Language> {
        self.translation
            .as_ref()
            .map(|translation| translation.language)
    }

    pub fn zone(&self) -> &Zone {
        &self.zone
    }

    /// `text` as the caller reads it.
    pub fn text<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let Some(translation) = &self.translation else {
            return Cow::Borrowed(text);
        };
        match multilang::resolve(text, translation.language) {
            Cow::Borrowed(plain) => translation.inline(plain),
            Cow::Owned(variant) => Cow::Owned(translation.inline(&variant).into_owned()),
        }
    }

    /// `at` in the caller's zone.
    pub fn instant(&self, at: Timestamp) -> String {
        self.zone.render(at, self.with_offset)
    }

    /// A date that was never set: .NET's `DateTime.MinValue`, which SuperOffice prints with
    /// `Z` when offsets were asked for (an instant every reader places alike) and bare
    /// otherwise.
    pub fn never(&self) -> &'static str {
        if self.with_offset { NEVER_UTC } else { NEVER }
    }
}

impl Translation {
    /// Expands each `[SR_KEY]` and encoded value in `text`; anything else in brackets stays.
    fn inline<'a>(&self, text: &'a str) -> Cow<'a, str> {
        if !text.contains('[') {
            return Cow::Borrowed(text);
        }
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        let mut changed = false;
        while let Some(open) = rest.find('[') {
            let after = &rest[open + 1..];
            let Some(close) = after.find(']') else { break };
            let token = &after[..close];
            // `[a [SR_X]]`: the inner bracket starts the token.
            if let Some(inner) = token.rfind('[') {
                out.push_str(&rest[..open + 1 + inner]);
                rest = &rest[open + 1 + inner..];
                continue;
            }
            out.push_str(&rest[..open]);
            match self.expand(token) {
                Some(expanded) => {
                    out.push_str(&expanded);
                    changed = true;
                }
                None => out.push_str(&rest[open..open + close + 2]),
            }
            rest = &after[close + 1..];
        }
        if !changed {
            return Cow::Borrowed(text);
        }
        out.push_str(rest);
        Cow::Owned(out)
    }

    fn expand(&self, token: &str) -> Option<String> {
        if token.starts_with("SR_") {
            return self.resources.get(token).map(str::to_string);
        }
        let (marker, body) = token.split_once(':')?;
        encoded::format(marker, body, &self.culture)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norwegian() -> Localizer {
        let language = Language::from_prefix("NO").unwrap();
        let resources = Resources::new(BTreeMap::from([(
            "SR_TICKET_STATUS_OPEN".to_string(),
            "Åpen".to_string(),
        )]));
        Localizer::RAW.translating(language, Culture::default_for(language), resources)
    }

    #[test]
    fn raw_keeps_everything() {
        for text in [r#"US:"a";NO:"b""#, "[SR_TICKET_STATUS_OPEN]", "[I:1234]"] {
            assert_eq!(Localizer::RAW.text(text), text);
        }
    }

    #[test]
    fn translates_multi_language_references_and_values() {
        let no = norwegian();
        let table = [
            (r#"US:"Supplier";NO:"Leverandør";"#, "Leverandør"),
            ("[SR_TICKET_STATUS_OPEN]", "Åpen"),
            ("Status: [SR_TICKET_STATUS_OPEN].", "Status: Åpen."),
            ("[SR_UNKNOWN_KEY]", "[SR_UNKNOWN_KEY]"),
            (
                "Total [M:1234.5] for [I:3] items",
                "Total 1\u{a0}234,50 for 3 items",
            ),
            ("Due [D:12/24/2018]", "Due 24.12.2018"),
            ("[I:x] [I:2000]", "[I:x] 2\u{a0}000"),
            ("[a [SR_TICKET_STATUS_OPEN]]", "[a Åpen]"),
            ("unclosed [I:5", "unclosed [I:5"),
            ("[] [:] [SR_]", "[] [:] [SR_]"),
            (
                r#"US:"Open";NO:"[SR_TICKET_STATUS_OPEN] [I:1000]""#,
                "Åpen 1\u{a0}000",
            ),
            ("plain", "plain"),
        ];
        for (text, expected) in table {
            assert_eq!(no.text(text), expected, "{text}");
        }
    }
}
