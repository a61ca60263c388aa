//! Content negotiation (spec section 4): the `Accept` headers to the [`Format`] of the
//! response.
//!
//! Each type we can produce gets the quality of the most specific range that matches it
//! (`application/json` beats `application/*` beats `*/*`); the highest quality wins, ties go
//! to the range the caller listed first, then to our own order. `q=0` means "not this".
//! No `Accept` header means JSON.

use std::str::FromStr;

use http::HeaderMap;
use http::header::ACCEPT;
use mime::Mime;

use crate::locale::quality::parse_quality;

/// How the response body is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Json(&'static str),
    Xml(&'static str),
}

impl Format {
    pub const JSON: Format = Format::Json("application/json");

    /// Whether bodies are XML (else JSON).
    pub fn is_xml(&self) -> bool {
        matches!(self, Format::Xml(_))
    }

    /// The `Content-Type` of a successful response.
    pub fn content_type(&self) -> String {
        let (Format::Json(media) | Format::Xml(media)) = self;
        format!("{media}; charset=utf-8")
    }

    /// The `Content-Type` of a problem response.
    pub fn problem_content_type(&self) -> &'static str {
        match self {
            Format::Json(_) => "application/problem+json; charset=utf-8",
            Format::Xml(_) => "application/problem+xml; charset=utf-8",
        }
    }
}

/// The media types we produce, in our order of preference, and how each is answered.
/// The patch types are answered as plain JSON: the body is an entity, not a patch.
pub const PRODUCIBLE: [(&str, Format); 6] = [
    ("application/json", Format::Json("application/json")),
    ("text/json", Format::Json("text/json")),
    ("application/xml", Format::Xml("application/xml")),
    ("text/xml", Format::Xml("text/xml")),
    (
        "application/json-patch+json",
        Format::Json("application/json"),
    ),
    (
        "application/merge-patch+json",
        Format::Json("application/json"),
    ),
];

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NegotiationError {
    /// A media range that does not parse; the text names it.
    Malformed(String),
    /// Nothing we produce is acceptable.
    NotAcceptable,
}

/// One parsed media range of the caller's `Accept`.
struct Range {
    essence: (String, String),
    /// Thousandths: `q=0.5` is 500.
    quality: u16,
}

pub fn negotiate(headers: &HeaderMap) -> Result<Format, NegotiationError> {
    let ranges = ranges(headers)?;
    if ranges.is_empty() {
        return Ok(Format::JSON);
    }
    let mut best: Option<(u16, usize, Format)> = None;
    for (media, format) in PRODUCIBLE {
        let Some((position, quality)) = match_of(&ranges, media) else {
            continue;
        };
        if quality == 0 {
            continue;
        }
        let better = best.is_none_or(|(q, p, _)| quality > q || (quality == q && position < p));
        if better {
            best = Some((quality, position, format));
        }
    }
    best.map(|(_, _, format)| format)
        .ok_or(NegotiationError::NotAcceptable)
}

/// A format for error bodies when negotiation itself failed: XML if the caller mentions XML
/// anywhere, otherwise JSON.
pub fn fallback(headers: &HeaderMap) -> Format {
    let mentions_xml = headers
        .get_all(ACCEPT)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .any(|value| value.to_ascii_lowercase().contains("xml"));
    if mentions_xml {
        Format::Xml("application/xml")
    } else {
        Format::JSON
    }
}

fn ranges(headers: &HeaderMap) -> Result<Vec<Range>, NegotiationError> {
    let mut ranges = Vec::new();
    for value in headers.get_all(ACCEPT) {
        let text = value
            .to_str()
            .map_err(|_| NegotiationError::Malformed("the Accept header is not ASCII".into()))?;
        for item in text
            .split(',')
            .map(str::trim)
            .filter(|item| !item.is_empty())
        {
            ranges.push(parse_range(item)?);
        }
    }
    Ok(ranges)
}

fn parse_range(item: &str) -> Result<Range, NegotiationError> {
    let malformed = || NegotiationError::Malformed(format!("{item:?} is not a media range"));
    let mime = Mime::from_str(item).map_err(|_| malformed())?;
    if mime.type_() == mime::STAR && mime.subtype() != mime::STAR {
        return Err(malformed());
    }
    let quality = match mime.get_param("q") {
        None => 1000,
        Some(q) => parse_quality(q.as_str()).ok_or_else(|| {
            NegotiationError::Malformed(format!("{item:?} has a q-value outside 0..1"))
        })?,
    };
    // `essence_str` keeps a `+json` suffix, which `subtype` drops.
    let (kind, subtype) = mime.essence_str().split_once('/').ok_or_else(malformed)?;
    let essence = (kind.to_ascii_lowercase(), subtype.to_ascii_lowercase());
    Ok(Range { essence, quality })
}

/// The position and quality of the most specific range matching `media`.
fn match_of(ranges: &[Range], media: &str) -> Option<(usize, u16)> {
    let (kind, subtype) = media
        .split_once('/')
        .expect("producible types have a slash");
    ranges
        .iter()
        .enumerate()
        .filter_map(|(position, range)| {
            let (range_kind, range_subtype) = (&range.essence.0, &range.essence.1);
            let specificity = match (range_kind.as_str(), range_subtype.as_str()) {
                (k, s) if k == kind && s == subtype => 2,
                (k, "*") if k == kind => 1,
                ("*", "*") => 0,
                _ => return None,
            };
            Some((specificity, position, range.quality))
        })
        .max_by_key(|(specificity, position, _)| (*specificity, std::cmp::Reverse(*position)))
        .map(|(_, position, quality)| (position, quality))
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn accept(values: &[&str]) -> Result<Format, NegotiationError> {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(ACCEPT, HeaderValue::from_str(value).unwrap());
        }
        negotiate(&headers)
    }

    use Format::{Json, Xml};

    /// The Accept matrix: header values and the format they get (`None`: 406).
    #[test]
    fn accept_matrix() {
        let cases: &[(&[&str], Option<Format>)] = &[
            (&[], Some(Json("application/json"))),
            (&["application/json"], Some(Json("application/json"))),
            (
                &["application/json; charset=utf-8"],
                Some(Json("application/json")),
            ),
            (&["text/json"], Some(Json("text/json"))),
            (&["application/xml"], Some(Xml("application/xml"))),
            (&["text/xml"], Some(Xml("text/xml"))),
            (&["TEXT/XML"], Some(Xml("text/xml"))),
            (
                &["application/json-patch+json"],
                Some(Json("application/json")),
            ),
            (
                &["application/merge-patch+json"],
                Some(Json("application/json")),
            ),
            (&["*/*"], Some(Json("application/json"))),
            (&["application/*"], Some(Json("application/json"))),
            (&["text/*"], Some(Json("text/json"))),
            (&["image/png"], None),
            (&["image/png, */*;q=0.1"], Some(Json("application/json"))),
            (
                &["text/html,application/xhtml+xml,application/xml;q=0.9,image/webp,*/*;q=0.8"],
                Some(Xml("application/xml")),
            ),
            (&["application/json;q=0.5, text/xml"], Some(Xml("text/xml"))),
            (&["text/xml, application/json"], Some(Xml("text/xml"))),
            (
                &["application/json, text/xml"],
                Some(Json("application/json")),
            ),
            (
                &["application/xml;q=0.8, application/json;q=0.8"],
                Some(Xml("application/xml")),
            ),
            (&["application/json;q=0"], None),
            (&["application/json;q=0, */*"], Some(Json("text/json"))),
            (&["*/*;q=0"], None),
            (
                &["text/*;q=0, application/xml"],
                Some(Xml("application/xml")),
            ),
            (&["application/xml"], Some(Xml("application/xml"))),
            (&["text/plain", "text/xml;q=0.3"], Some(Xml("text/xml"))),
            (
                &["application/*;q=0.2, text/json;q=0.1"],
                Some(Json("application/json")),
            ),
            (
                &["application/xml;q=1.0, text/xml;q=1"],
                Some(Xml("application/xml")),
            ),
            (
                &["application/json; q=0.001"],
                Some(Json("application/json")),
            ),
        ];
        for (values, expected) in cases {
            let got = accept(values).ok();
            assert_eq!(got, *expected, "Accept: {values:?}");
        }
    }

    #[test]
    fn malformed_ranges_are_named() {
        for bad in [
            "json",
            "application/json;q=2",
            "application/json;q=abc",
            "*/json",
            "application/json;q=0.0001",
        ] {
            match accept(&[bad]) {
                Err(NegotiationError::Malformed(message)) => {
                    assert!(message.contains(bad.split(';').next().unwrap()))
                }
                other => panic!("{bad}: {other:?}"),
            }
        }
    }

    #[test]
    fn patch_types_are_answered_as_json_with_utf8() {
        assert_eq!(
            accept(&["application/merge-patch+json"])
                .unwrap()
                .content_type(),
            "application/json; charset=utf-8"
        );
        assert_eq!(
            accept(&["text/xml"]).unwrap().content_type(),
            "text/xml; charset=utf-8"
        );
    }

    proptest::proptest! {
        #[test]
        fn any_visible_accept_negotiates_or_fails_cleanly(text in "[ -~]{0,80}") {
            match accept(&[&text]) {
                Ok(format) => {
                    let (Format::Json(media) | Format::Xml(media)) = format;
                    proptest::prop_assert!(PRODUCIBLE.iter().any(|(_, f)| f == &format), "{media}");
                }
                Err(NegotiationError::Malformed(what)) => proptest::prop_assert!(!what.is_empty()),
                Err(NegotiationError::NotAcceptable) => {}
            }
        }

        #[test]
        fn a_listed_type_is_never_refused(index in 0..PRODUCIBLE.len(), q in 1..=1000u16) {
            let (media, format) = PRODUCIBLE[index];
            let value = format!("{media};q={}", f64::from(q) / 1000.0);
            proptest::prop_assert_eq!(accept(&[&value]), Ok(format));
        }
    }
}
