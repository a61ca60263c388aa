//! Which web pages may call the API: CORS for browser-based agent front ends, and a refusal
//! of requests that a foreign page sends on an agent's behalf.
//!
//! The configured origins (`CHAT_PICKUP_CORS_ORIGINS`) get CORS with credentials; nobody else
//! gets any CORS header. A request whose `Origin` is neither listed nor the API's own host is
//! refused with 403 *before* anything happens: a pickup is a side effect, and a cross-site
//! form POST carries the browser's cached Basic credentials (CSRF). Requests without `Origin`
//! (curl, servers, same-origin GETs) are not browsers acting for someone else and pass.

use std::fmt;
use std::str::FromStr;

use http::header::{
    ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS,
    ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_EXPOSE_HEADERS, ACCESS_CONTROL_MAX_AGE,
    ACCESS_CONTROL_REQUEST_METHOD, ALLOW, HOST, ORIGIN, VARY,
};
use http::uri::Authority;
use http::{HeaderMap, HeaderValue, Method, Uri};

use super::routes;

/// The request headers an agent front end may send.
const ALLOW_HEADERS: &str = "Authorization, Accept, Accept-Language, Content-Type, \
     SO-Language, SO-Culture, SO-TimeZone, SO-Browser-TZ-Offset, SO-AppToken, X-XSRF-TOKEN, \
     X-Requested-With, Idempotency-Key";
/// The response headers a script may read besides the CORS-safelisted ones.
const EXPOSE_HEADERS: &str =
    "Retry-After, WWW-Authenticate, SO-TimeZone, Content-Language, Idempotent-Replayed";
/// The longest part of a foreign `Origin` kept for the answer and the log.
const ECHO_LIMIT: usize = 100;
/// How long a browser may cache a preflight answer, in seconds.
const MAX_AGE: &str = "600";

/// A web origin, normalized: lowercase scheme and host, the port only when not the default.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    scheme: String,
    host: String,
    port: u16,
}

impl FromStr for Origin {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bad = || format!("{text:?} is not an origin such as https://agents.example.com");
        if text.contains(['@', '#']) {
            return Err(bad());
        }
        let uri: Uri = text.parse().map_err(|_| bad())?;
        let scheme = uri.scheme_str().ok_or_else(bad)?.to_ascii_lowercase();
        let default = default_port(&scheme).ok_or_else(bad)?;
        let port = uri.port_u16().unwrap_or(default);
        let host = uri.host().filter(|host| !host.is_empty()).ok_or_else(bad)?;
        if !matches!(uri.path(), "" | "/") || uri.query().is_some() {
            return Err(bad());
        }
        Ok(Origin {
            scheme,
            host: host.to_ascii_lowercase(),
            port,
        })
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}://{}", self.scheme, self.host)?;
        if default_port(&self.scheme) != Some(self.port) {
            write!(f, ":{}", self.port)?;
        }
        Ok(())
    }
}

impl Origin {
    /// The API's own origin: the scheme it was reached by and its `Host` header.
    fn own(scheme: &str, host: &str) -> Option<Origin> {
        let authority: Authority = host.parse().ok()?;
        let scheme = scheme.to_ascii_lowercase();
        let port = authority.port_u16().or(default_port(&scheme))?;
        Some(Origin {
            scheme,
            host: authority.host().to_ascii_lowercase(),
            port,
        })
    }
}

/// Web origins are http or https; anything else is not one we serve.
fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "https" => Some(443),
        "http" => Some(80),
        _ => None,
    }
}

/// The configured origins; empty means CORS is off.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Cors {
    origins: Vec<Origin>,
}

impl FromStr for Cors {
    type Err = String;

    /// A comma-separated list of origins; blank entries are skipped.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let origins = text
            .split(',')
            .map(str::trim)
            .filter(|entry| !entry.is_empty())
            .map(Origin::from_str)
            .collect::<Result<_, _>>()?;
        Ok(Cors { origins })
    }
}

impl fmt::Display for Cors {
    /// The origins as configured, normalized: comma-separated.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let origins: Vec<String> = self.origins.iter().map(Origin::to_string).collect();
        f.write_str(&origins.join(","))
    }
}

/// Where a request comes from, as far as CORS is concerned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// No `Origin`: not a cross-origin browser request.
    NoOrigin,
    /// A page served from the API's own host.
    SameOrigin,
    /// A configured origin: answered with CORS headers, credentials allowed.
    Listed(Origin),
    /// An origin a topic allows the customer routes from (the widget's site): answered with
    /// CORS headers, without credentials (a customer proves itself by the session's key).
    Widget(Origin),
    /// Anyone else; the text is the `Origin` as sent.
    Foreign(String),
}

impl Cors {
    /// Judges a request to `uri` with `headers`. The API's own scheme is the URI's (set by
    /// `lambda_http` from API Gateway's `X-Forwarded-Proto`), else `X-Forwarded-Proto` (a
    /// page cannot set it on a request that skips the preflight), else plain HTTP.
    pub fn judge(&self, uri: &Uri, headers: &HeaderMap) -> Verdict {
        let Some(value) = headers.get(ORIGIN) else {
            return Verdict::NoOrigin;
        };
        let text = String::from_utf8_lossy(value.as_bytes());
        let foreign = || Verdict::Foreign(text.chars().take(ECHO_LIMIT).collect());
        let Ok(origin) = text.parse::<Origin>() else {
            return foreign();
        };
        if self.origins.contains(&origin) {
            return Verdict::Listed(origin);
        }
        let forwarded = headers
            .get("x-forwarded-proto")
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.split(',').next())
            .map(str::trim);
        let scheme = uri.scheme_str().or(forwarded).unwrap_or("http");
        let own = headers
            .get(HOST)
            .and_then(|host| host.to_str().ok())
            .and_then(|host| Origin::own(scheme, host));
        if own.as_ref() == Some(&origin) {
            return Verdict::SameOrigin;
        }
        foreign()
    }
}

impl Verdict {
    /// The verdict for a customer route whose topic allows `allowed` (comma-separated, as
    /// stored): no origin and the service's own pass as they are; any other origin is a
    /// widget's if listed there, foreign if not - the agents' configured origins included.
    pub fn for_customers(&self, allowed: &str) -> Verdict {
        let sent = match self {
            Verdict::NoOrigin | Verdict::SameOrigin | Verdict::Widget(_) => return self.clone(),
            Verdict::Listed(origin) => origin.to_string(),
            Verdict::Foreign(text) => text.clone(),
        };
        let topic: Cors = allowed.parse().unwrap_or_default();
        match sent.parse::<Origin>() {
            Ok(origin) if topic.origins.contains(&origin) => Verdict::Widget(origin),
            _ => Verdict::Foreign(sent),
        }
    }
}

/// Whether `method` and `headers` make a CORS preflight rather than a call.
pub fn is_preflight(method: &Method, headers: &HeaderMap) -> bool {
    method == Method::OPTIONS && headers.contains_key(ACCESS_CONTROL_REQUEST_METHOD)
}

/// Adds what `verdict` calls for to a response: `Vary: Origin` always (the answer depends on
/// it), the CORS headers for a listed origin, the preflight's as well if `preflight`.
pub fn decorate(headers: &mut HeaderMap, verdict: &Verdict, preflight: bool) {
    headers.append(VARY, HeaderValue::from_static("Origin"));
    let (Verdict::Listed(origin) | Verdict::Widget(origin)) = verdict else {
        return;
    };
    let allowed = HeaderValue::from_str(&origin.to_string()).expect("a parsed origin is ASCII");
    headers.insert(ACCESS_CONTROL_ALLOW_ORIGIN, allowed);
    if let Verdict::Listed(_) = verdict {
        headers.insert(
            ACCESS_CONTROL_ALLOW_CREDENTIALS,
            HeaderValue::from_static("true"),
        );
    }
    if preflight {
        // The methods of the path asked about, which the preflight's answer lists in `Allow`.
        let methods = headers
            .get(ALLOW)
            .cloned()
            .unwrap_or(HeaderValue::from_static(routes::METHODS));
        headers.insert(ACCESS_CONTROL_ALLOW_METHODS, methods);
        let allow = [
            (ACCESS_CONTROL_ALLOW_HEADERS, ALLOW_HEADERS),
            (ACCESS_CONTROL_MAX_AGE, MAX_AGE),
        ];
        for (name, value) in allow {
            headers.insert(name, HeaderValue::from_static(value));
        }
    } else {
        headers.insert(
            ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static(EXPOSE_HEADERS),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(name, value)| {
                (
                    http::HeaderName::from_static(name),
                    HeaderValue::from_str(value).unwrap(),
                )
            })
            .collect()
    }

    #[test]
    fn origins_are_normalized() {
        let cors: Cors = " HTTPS://Agents.Example.com/ , http://localhost:5173,,https://x.io:443"
            .parse()
            .unwrap();
        let shown: Vec<String> = cors.origins.iter().map(Origin::to_string).collect();
        assert_eq!(
            shown,
            [
                "https://agents.example.com",
                "http://localhost:5173",
                "https://x.io"
            ]
        );
    }

    #[test]
    fn bad_configuration_is_refused() {
        for bad in [
            "agents.example.com",
            "https://a.b/path",
            "https://a.b?x=1",
            "https://a.b#x",
            "ftp://a.b",
            "ftp://a.b:21",
            "javascript://a.b:80",
            "null",
            "*",
            "https://u@a.b",
        ] {
            assert!(bad.parse::<Cors>().is_err(), "{bad}");
        }
        assert_eq!("".parse::<Cors>(), Ok(Cors::default()));
    }

    type Pair = (&'static str, &'static str);

    fn judge(uri: &str, pairs: &[(&'static str, &str)]) -> Verdict {
        let cors: Cors = "https://agents.example.com".parse().unwrap();
        cors.judge(&uri.parse().unwrap(), &headers(pairs))
    }

    #[test]
    fn requests_are_judged_by_origin_scheme_and_host() {
        let api = [("host", "api.example.com")];
        let https = [("host", "api.example.com"), ("x-forwarded-proto", "https")];
        let cases: [(&str, &[Pair], &str, Verdict); 9] = [
            ("/", &api, "", Verdict::NoOrigin),
            (
                "/",
                &[],
                "https://AGENTS.example.com:443",
                Verdict::Listed("https://agents.example.com".parse().unwrap()),
            ),
            (
                "https://api.example.com/x",
                &api,
                "https://api.example.com",
                Verdict::SameOrigin,
            ),
            ("/", &https, "https://api.example.com", Verdict::SameOrigin),
            (
                "/",
                &[
                    ("host", "api.example.com:443"),
                    ("x-forwarded-proto", "https"),
                ],
                "https://api.example.com",
                Verdict::SameOrigin,
            ),
            ("/", &api, "http://api.example.com", Verdict::SameOrigin),
            (
                "/",
                &https,
                "http://api.example.com",
                Verdict::Foreign("http://api.example.com".into()),
            ),
            (
                "https://api.example.com/x",
                &api,
                "https://api.example.com:8443",
                Verdict::Foreign("https://api.example.com:8443".into()),
            ),
            ("/", &https, "null", Verdict::Foreign("null".into())),
        ];
        for (uri, pairs, origin, verdict) in cases {
            let mut pairs = pairs.to_vec();
            if !origin.is_empty() {
                pairs.push(("origin", origin));
            }
            assert_eq!(judge(uri, &pairs), verdict, "{uri} {pairs:?}");
        }
    }

    #[test]
    fn only_listed_origins_get_cors_headers() {
        let mut listed = HeaderMap::new();
        let origin = "http://localhost:5173".parse().unwrap();
        decorate(&mut listed, &Verdict::Listed(origin), true);
        assert_eq!(listed[ACCESS_CONTROL_ALLOW_ORIGIN], "http://localhost:5173");
        assert_eq!(listed[ACCESS_CONTROL_ALLOW_CREDENTIALS], "true");
        assert_eq!(
            listed[ACCESS_CONTROL_ALLOW_METHODS],
            "GET, POST, PUT, PATCH"
        );
        let mut same = HeaderMap::new();
        decorate(&mut same, &Verdict::SameOrigin, false);
        assert_eq!(same.len(), 1);
        assert_eq!(same[VARY], "Origin");
    }

    proptest! {
        #[test]
        fn only_the_listed_origin_is_listed(
            text in prop_oneof!["[ -~]{0,80}", "[hH][tT][tT][pP][sS]://[aA][gG][eE][nN][tT][sS]\\.[eE][xX][aA][mM][pP][lL][eE]\\.[cC][oO][mM](:443|:444)?/?"],
        ) {
            if let Ok(value) = HeaderValue::from_str(&text) {
                let verdict = judge("https://api.example.com/", &[("origin", value.to_str().unwrap())]);
                let lower = text.to_ascii_lowercase();
                let listed = ["https://agents.example.com", "https://agents.example.com:443"]
                    .iter()
                    .any(|same| lower.strip_suffix('/').unwrap_or(&lower) == *same);
                prop_assert_eq!(matches!(verdict, Verdict::Listed(_)), listed, "{}", text);
            }
        }
    }
}
