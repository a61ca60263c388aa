//! Response compression (`Accept-Encoding`): a full entity is about 23 KB of JSON, most of it
//! the repeated `FieldProperties`, and compresses to a sixth of that.
//!
//! gzip when the caller accepts it; bodies under [`MIN_SIZE`] are sent as they are (the
//! savings would not pay for the work). Every response says `Vary: Accept-Encoding`, so
//! caches keep the variants apart.
//!
//! Measured with `cargo bench --bench compression` on the full entity (22,428 bytes of JSON):
//! gzip level 1 cuts it to 3,903 bytes (17%) in 42 µs; level 6 to 2,822 bytes in 180 µs -
//! more than half a pickup's own time for 1 KB less. Brotli would save another 500 bytes
//! (3,382 at quality 1) but its encoder adds 1.2 MB to the binary, which every Lambda cold
//! start loads; clients that accept `br` accept gzip too.

use std::io::Write;

use http::header::{ACCEPT_ENCODING, CONTENT_ENCODING, HeaderValue, VARY};
use http::{HeaderMap, Response};
use lambda_http::Body;

/// Bodies smaller than this are not compressed.
pub const MIN_SIZE: usize = 1024;
/// gzip level (0-9).
pub const GZIP_LEVEL: u32 = 1;

/// A content coding we produce.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Coding {
    Gzip,
}

impl Coding {
    pub fn name(&self) -> &'static str {
        match self {
            Coding::Gzip => "gzip",
        }
    }

    /// The coding to answer `Accept-Encoding` with, or none. A value we cannot read counts
    /// as "identity only", never as an error.
    pub fn negotiate(headers: &HeaderMap) -> Option<Coding> {
        let mut accepted = None;
        for value in headers.get_all(ACCEPT_ENCODING) {
            let Ok(text) = value.to_str() else { continue };
            for item in text
                .split(',')
                .map(str::trim)
                .filter(|item| !item.is_empty())
            {
                let (name, quality) = weighted(item)?;
                if matches!(name.to_ascii_lowercase().as_str(), "gzip" | "x-gzip" | "*") {
                    // The most specific mention decides: `*` does not undo `gzip;q=0`.
                    if name != "*" || accepted.is_none() {
                        accepted = Some(quality > 0);
                    }
                }
            }
        }
        accepted.unwrap_or(false).then_some(Coding::Gzip)
    }

    pub fn compress(&self, body: &[u8], level: u32) -> Vec<u8> {
        match self {
            Coding::Gzip => {
                let mut encoder = flate2::write::GzEncoder::new(
                    Vec::with_capacity(body.len() / 4),
                    flate2::Compression::new(level),
                );
                encoder
                    .write_all(body)
                    .expect("writing to memory does not fail");
                encoder.finish().expect("writing to memory does not fail")
            }
        }
    }
}

/// `name;q=0.5` to the name and the weight in thousandths; `None` if the weight is unreadable.
fn weighted(item: &str) -> Option<(&str, u16)> {
    let mut parts = item.split(';').map(str::trim);
    let name = parts.next()?;
    let mut quality = 1000;
    for parameter in parts {
        if let Some((key, value)) = parameter.split_once('=')
            && key.trim().eq_ignore_ascii_case("q")
        {
            quality = crate::locale::quality::parse_quality(value.trim())?;
        }
    }
    Some((name, quality))
}

/// Compresses `response`'s body with `coding` when it is worth it; always adds the `Vary`.
pub fn apply(response: &mut Response<Body>, coding: Option<Coding>) {
    response
        .headers_mut()
        .append(VARY, HeaderValue::from_static("Accept-Encoding"));
    let Some(coding) = coding else { return };
    let body: &[u8] = match response.body() {
        Body::Text(text) => text.as_bytes(),
        Body::Binary(bytes) => bytes,
        _ => return,
    };
    if body.len() < MIN_SIZE {
        return;
    }
    let compressed = coding.compress(body, GZIP_LEVEL);
    *response.body_mut() = Body::Binary(compressed);
    response
        .headers_mut()
        .insert(CONTENT_ENCODING, HeaderValue::from_static(coding.name()));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn negotiate(value: &str) -> Option<Coding> {
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT_ENCODING, HeaderValue::from_str(value).unwrap());
        Coding::negotiate(&headers)
    }

    #[test]
    fn gzip_when_accepted() {
        let table = [
            ("gzip, deflate, br", Some(Coding::Gzip)),
            ("gzip", Some(Coding::Gzip)),
            ("br;q=0.5, gzip", Some(Coding::Gzip)),
            ("br", None),
            ("br, gzip;q=0", None),
            ("gzip;q=0, *", None),
            ("identity", None),
            ("deflate", None),
            ("*", Some(Coding::Gzip)),
            ("GZIP;Q=1", Some(Coding::Gzip)),
            ("gzip;q=2", None),
            ("", None),
        ];
        for (value, expected) in table {
            assert_eq!(negotiate(value), expected, "{value}");
        }
    }

    #[test]
    fn gzip_round_trips() {
        use std::io::Read;
        let body = "{\"FieldProperties\":{}}".repeat(200);
        let mut gunzipped = String::new();
        flate2::read::GzDecoder::new(&Coding::Gzip.compress(body.as_bytes(), GZIP_LEVEL)[..])
            .read_to_string(&mut gunzipped)
            .unwrap();
        assert_eq!(gunzipped, body);
    }

    proptest::proptest! {
        #[test]
        fn any_accept_encoding_is_read_without_panic(value in "\\PC{0,60}") {
            if let Ok(value) = HeaderValue::from_str(&value) {
                let mut headers = HeaderMap::new();
                headers.insert(ACCEPT_ENCODING, value);
                let _ = Coding::negotiate(&headers);
            }
        }
    }
}
