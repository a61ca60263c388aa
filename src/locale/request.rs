//! The language, culture and time-zone headers of a request, parsed once into types.

use http::HeaderMap;

use super::language::{self, Requested};
use super::zone::{Location, ZONE_FORMS, ZoneName, ZoneRequest};
use super::{Culture, HeaderError, Zone};

/// What the caller asked for; the zone may still need the store (location codes).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LocaleRequest {
    /// `None`: no translation.
    pub language: Option<Requested>,
    /// `SO-Culture`, when given.
    pub culture: Option<Culture>,
    pub zone: ZoneRequest,
    /// `SO-Browser-TZ-Offset`, when given.
    pub browser: Option<Zone>,
}

impl LocaleRequest {
    pub fn parse(headers: &HeaderMap) -> Result<LocaleRequest, HeaderError> {
        let language = match header(headers, "SO-Language")? {
            Some(value) => language::parse_so_language(&value)?,
            None => match header(headers, "Accept-Language")? {
                Some(value) => language::parse_accept_language(&value)?,
                None => None,
            },
        };
        let culture = match header(headers, "SO-Culture")? {
            Some(value) => Culture::from_header(&value)?,
            None => None,
        };
        let zone = match header(headers, "SO-TimeZone")? {
            Some(value) => ZoneRequest::parse(&value)?,
            None => ZoneRequest::default(),
        };
        let browser = match header(headers, "SO-Browser-TZ-Offset")? {
            Some(value) => Some(Zone::from_browser_offset(&value)?),
            None => None,
        };
        Ok(LocaleRequest {
            language,
            culture,
            zone,
            browser,
        })
    }

    /// The culture values are formatted in: `SO-Culture`, else the region the language was
    /// asked with, else the language's own. `None` without a language.
    pub fn culture(&self) -> Option<Culture> {
        let requested = self.language.as_ref()?;
        let hinted = || {
            requested
                .culture_hint
                .as_deref()
                .and_then(|tag| Culture::parse(tag).ok())
        };
        Some(
            self.culture
                .clone()
                .or_else(hinted)
                .unwrap_or_else(|| Culture::default_for(requested.language)),
        )
    }

    /// The zone instants are printed in: the one `SO-TimeZone` names - location codes and ids
    /// looked up with `lookup` (the store's location table) - else the fallback zone.
    pub fn zone<E: From<HeaderError>>(
        &self,
        lookup: impl FnOnce(&Location) -> Result<Option<String>, E>,
        associate: Option<&str>,
        default: &Zone,
    ) -> Result<Zone, E> {
        let location = match &self.zone.named {
            None => return Ok(self.fallback_zone(associate, default)),
            Some(ZoneName::Known(zone)) => return Ok(zone.clone()),
            Some(ZoneName::Stored(location)) => location,
        };
        let found = lookup(location)?;
        found
            .as_deref()
            .and_then(Zone::from_iana)
            .ok_or_else(|| E::from(unknown_location(location)))
    }

    /// The zone when the header names none: the associate's own (an IANA name from the
    /// store), else the browser's offset, else `default`.
    pub fn fallback_zone(&self, associate: Option<&str>, default: &Zone) -> Zone {
        associate
            .and_then(Zone::from_iana)
            .or_else(|| self.browser.clone())
            .unwrap_or_else(|| default.clone())
    }

    /// The zone as far as it is known without the store, for responses that fail early.
    pub fn zone_before_lookup(&self, default: &Zone) -> Zone {
        match &self.zone.named {
            Some(ZoneName::Known(zone)) => zone.clone(),
            _ => self.fallback_zone(None, default),
        }
    }
}

fn unknown_location(location: &Location) -> HeaderError {
    let named = match location {
        Location::Id(id) => format!("id {id}"),
        Location::Code(code) => code.clone(),
    };
    HeaderError {
        header: "SO-TimeZone",
        problem: format!(
            "there is no time-zone location {named} (a country spanning several zones needs \
             its region, as in US-NY); send {ZONE_FORMS}"
        ),
    }
}

/// The header's values joined by commas (as HTTP allows for lists); `None` when absent.
fn header(headers: &HeaderMap, name: &'static str) -> Result<Option<String>, HeaderError> {
    let mut values = headers.get_all(name).iter().peekable();
    if values.peek().is_none() {
        return Ok(None);
    }
    let texts: Vec<&str> = values
        .map(|value| value.to_str())
        .collect::<Result<_, _>>()
        .map_err(|_| HeaderError {
            header: name,
            problem: "the value is not printable ASCII".into(),
        })?;
    Ok(Some(texts.join(",")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn request(pairs: &[(&'static str, &str)]) -> Result<LocaleRequest, HeaderError> {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.append(*name, HeaderValue::from_str(value).unwrap());
        }
        LocaleRequest::parse(&headers)
    }

    fn prefix(pairs: &[(&'static str, &str)]) -> Option<&'static str> {
        request(pairs)
            .unwrap()
            .language
            .map(|requested| requested.language.prefix())
    }

    #[test]
    fn so_language_wins_over_accept_language() {
        assert_eq!(
            prefix(&[("Accept-Language", "de"), ("SO-Language", "sv")]),
            Some("SW")
        );
        assert_eq!(
            prefix(&[("Accept-Language", "de"), ("SO-Language", "")]),
            None
        );
        assert_eq!(prefix(&[("Accept-Language", "de")]), Some("GE"));
        assert_eq!(
            prefix(&[("accept-language", "*"), ("so-language", "x")]),
            None
        );
        assert_eq!(prefix(&[]), None);
    }

    #[test]
    fn the_culture_defaults_to_the_language_and_needs_one() {
        let culture = |pairs: &[(&'static str, &str)]| {
            request(pairs)
                .unwrap()
                .culture()
                .map(|culture| culture.tag().to_string())
        };
        assert_eq!(culture(&[("SO-Language", "no")]).as_deref(), Some("nb-NO"));
        assert_eq!(
            culture(&[("SO-Language", "en-GB")]).as_deref(),
            Some("en-GB")
        );
        assert_eq!(
            culture(&[("Accept-Language", "fr-CA")]).as_deref(),
            Some("fr-CA")
        );
        assert_eq!(
            culture(&[("SO-Language", "no"), ("SO-Culture", "sv")]).as_deref(),
            Some("sv")
        );
        assert_eq!(
            culture(&[("SO-Language", "no"), ("SO-Culture", "")]).as_deref(),
            Some("nb-NO")
        );
        assert_eq!(culture(&[("SO-Culture", "sv")]), None);
    }

    #[test]
    fn each_header_names_itself_when_refused() {
        let cases = [
            ("SO-Language", "klingon"),
            ("Accept-Language", "en;q=7"),
            ("SO-Culture", "ja-JP"),
            ("SO-TimeZone", "Mars/Olympus"),
            ("SO-Browser-TZ-Offset", "east"),
        ];
        for (name, value) in cases {
            assert_eq!(request(&[(name, value)]).unwrap_err().header, name);
        }
        let mut headers = HeaderMap::new();
        headers.insert("SO-Language", HeaderValue::from_bytes(b"n\xf8").unwrap());
        assert_eq!(
            LocaleRequest::parse(&headers).unwrap_err().header,
            "SO-Language"
        );
    }

    #[test]
    fn the_zone_falls_back_from_associate_to_browser_to_default() {
        let oslo = Zone::from_iana("Europe/Oslo").unwrap();
        let with_browser = request(&[("SO-Browser-TZ-Offset", "-300")]).unwrap();
        let bare = request(&[]).unwrap();
        assert_eq!(
            with_browser
                .fallback_zone(Some("Asia/Tokyo"), &oslo)
                .label(),
            "Asia/Tokyo"
        );
        assert_eq!(with_browser.fallback_zone(None, &oslo).label(), "UTC-05:00");
        assert_eq!(bare.fallback_zone(None, &oslo).label(), "Europe/Oslo");
        assert_eq!(
            bare.fallback_zone(Some("not/a zone"), &Zone::UTC).label(),
            "UTC"
        );
    }

    #[test]
    fn named_zones_are_looked_up_and_unknown_ones_refused() {
        let lookup = |location: &Location| -> Result<Option<String>, HeaderError> {
            Ok((location == &Location::Code("NO".into())).then(|| "Europe/Oslo".into()))
        };
        let zone = |value: &str| {
            request(&[("SO-TimeZone", value)])
                .unwrap()
                .zone(lookup, Some("Asia/Tokyo"), &Zone::UTC)
                .map(|zone| zone.label().to_string())
        };
        assert_eq!(zone("no").unwrap(), "Europe/Oslo");
        assert_eq!(zone("America/Chicago").unwrap(), "America/Chicago");
        assert_eq!(zone("includeTZOffset").unwrap(), "Asia/Tokyo");
        let unknown = zone("DK").unwrap_err();
        assert_eq!(unknown.header, "SO-TimeZone");
        assert!(
            unknown.problem.contains("no time-zone location DK"),
            "{unknown:?}"
        );
        assert!(zone("42").unwrap_err().problem.contains("id 42"));
    }

    proptest::proptest! {
        #[test]
        fn no_header_text_makes_a_parser_panic(text in "\\PC{0,40}") {
            let _ = language::parse_so_language(&text);
            let _ = language::parse_accept_language(&text);
            let _ = Culture::from_header(&text);
            let _ = ZoneRequest::parse(&text);
            let _ = Zone::from_browser_offset(&text);
        }

        #[test]
        fn translation_never_panics_and_leaves_bracket_free_plain_text_alone(
            text in "([a-zA-Z0-9 ]|\\[|\\]|:|;|\"|SR_|I:|M:|D:|DT:|T:|US:\"|NO:\"|/|\\.){0,40}",
        ) {
            let norwegian = super::super::Language::from_prefix("NO").unwrap();
            let localizer = super::super::Localizer::RAW.translating(
                norwegian,
                Culture::default_for(norwegian),
                Default::default(),
            );
            let translated = localizer.text(&text);
            if !text.contains('[') && !text.contains(":\"") {
                proptest::prop_assert_eq!(translated.as_ref(), text.as_str());
            }
        }
    }
}
