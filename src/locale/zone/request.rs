//! What `SO-TimeZone` asks for: a zone by location code, location id or IANA name, and
//! whether offsets are printed - read before location codes are looked up in the store.

use super::Zone;
use crate::locale::HeaderError;

/// What `SO-TimeZone` asked for, before location codes are looked up.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ZoneRequest {
    pub named: Option<ZoneName>,
    /// `includeTZOffset`: print offsets.
    pub with_offset: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ZoneName {
    /// A zone known without the store: an IANA name or `UTC`.
    Known(Zone),
    /// A time-zone location, which the store's location table resolves.
    Stored(Location),
}

/// A row of the store's time-zone location table, by code or by id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    /// A location code (`NO`, `US-NY`), upper case.
    Code(String),
    /// A location's numeric id.
    Id(i64),
}

/// The accepted forms, for error messages.
pub const ZONE_FORMS: &str = "a location code (UTC, NO, DK, US-NY, AU-WA), its numeric id, or an \
    IANA zone name (Europe/Oslo), optionally followed by \",includeTZOffset\"; or \
    \"includeTZOffset\" alone";

impl ZoneRequest {
    pub fn parse(value: &str) -> Result<ZoneRequest, HeaderError> {
        let error = |problem: String| HeaderError {
            header: "SO-TimeZone",
            problem: format!("{problem}; send {ZONE_FORMS}"),
        };
        let mut request = ZoneRequest::default();
        for part in value
            .split(',')
            .map(str::trim)
            .filter(|part| !part.is_empty())
        {
            if part.eq_ignore_ascii_case("includeTZOffset") {
                request.with_offset = true;
            } else if request.named.is_some() {
                return Err(error(format!("{value:?} names more than one zone")));
            } else {
                let named = ZoneName::parse(part)
                    .ok_or_else(|| error(format!("{part:?} is not a time zone")))?;
                request.named = Some(named);
            }
        }
        Ok(request)
    }
}

impl ZoneName {
    fn parse(text: &str) -> Option<ZoneName> {
        if text.bytes().all(|b| b.is_ascii_digit()) {
            return text
                .parse()
                .ok()
                .map(|id| ZoneName::Stored(Location::Id(id)));
        }
        if is_location_code(text) && !text.eq_ignore_ascii_case("UTC") {
            let code = text.to_ascii_uppercase();
            return Some(ZoneName::Stored(Location::Code(code)));
        }
        Zone::from_iana(text).map(ZoneName::Known)
    }
}

/// `NO`, `US-NY`, `AU-ACT`: a country code, optionally a subdivision.
fn is_location_code(text: &str) -> bool {
    let (country, region) = text.split_once('-').unwrap_or((text, "X"));
    country.len() == 2
        && country.bytes().all(|b| b.is_ascii_alphabetic())
        && (1..=3).contains(&region.len())
        && region.bytes().all(|b| b.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(text: String) -> ZoneName {
        ZoneName::Stored(Location::Code(text))
    }

    fn oslo() -> Zone {
        Zone::from_iana("Europe/Oslo").unwrap()
    }

    #[test]
    fn so_timezone_forms() {
        let parse = |value| ZoneRequest::parse(value).unwrap();
        assert_eq!(parse("NO").named, Some(code("NO".into())));
        assert_eq!(
            parse("us-ny , INCLUDETZOFFSET"),
            ZoneRequest {
                named: Some(code("US-NY".into())),
                with_offset: true,
            }
        );
        assert_eq!(parse("AU-ACT").named, Some(code("AU-ACT".into())));
        assert_eq!(
            parse("261").named,
            Some(ZoneName::Stored(Location::Id(261)))
        );
        assert_eq!(
            parse("UTC,includeTZOffset").named,
            Some(ZoneName::Known(Zone::UTC))
        );
        assert_eq!(parse("Europe/Oslo").named, Some(ZoneName::Known(oslo())));
        assert_eq!(
            parse("includeTZOffset"),
            ZoneRequest {
                named: None,
                with_offset: true
            }
        );
        assert_eq!(parse(""), ZoneRequest::default());
    }

    #[test]
    fn so_timezone_refusals_say_what_is_accepted() {
        for bad in [
            "Mars/Olympus",
            "NO,DK",
            "N",
            "US-NEWYORK",
            "Europe/Osl",
            "99999999999999999999",
            "NO;includeTZOffset",
        ] {
            let error = ZoneRequest::parse(bad).unwrap_err();
            assert_eq!(error.header, "SO-TimeZone");
            assert!(error.problem.contains("IANA zone name"), "{error:?}");
        }
    }
}
