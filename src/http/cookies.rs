//! The cookie pair a page signs in with (docs/authentication.md): the ticket in an `HttpOnly`
//! cookie, and its XSRF token in one the page's script reads and sends back as
//! `X-XSRF-TOKEN`. A sign-in sets them for as long as the ticket lives, a sign-out clears
//! them. Both are `SameSite=Strict`, scoped to the database's path - `/`, or `/{tenant}/` -
//! and named for it ([`CookieNames`]: the default database's pair also reaches a tenant's
//! paths, so a tenant reads only its own names), and `Secure` whenever the request came over
//! HTTPS.

use std::time::Duration;

use cookie::{Cookie, SameSite};
use http::HeaderMap;
use http::header::{HeaderValue, SET_COOKIE};
use lambda_http::request::RequestContext;
use lambda_http::{Request, RequestExt};

use super::request::path;
use super::source::Forwarded;
use crate::account::tenant::Tenant;
use crate::auth::CookieNames;

/// What an answer does with a page's cookies.
pub enum Cookies {
    /// Sets the pair for a ticket just issued.
    Issue(Issued),
    /// Clears the pair: the page signed out.
    Clear,
}

/// A ticket just issued to a page, and how long it lives.
pub struct Issued {
    pub ticket: String,
    pub lifetime: Duration,
}

impl std::fmt::Debug for Cookies {
    /// Never the ticket.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Cookies::Issue(issued) => write!(f, "Issue(redacted, {:?})", issued.lifetime),
            Cookies::Clear => f.write_str("Clear"),
        }
    }
}

/// Where a page's cookies go: the path of its database, as the browser addresses it, their
/// names for that database, and whether they may travel only over HTTPS.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scope {
    path: String,
    names: CookieNames,
    secure: bool,
}

impl Scope {
    /// The scope of `request` to `tenant`'s database.
    pub fn of(request: &Request, tenant: Option<&Tenant>, forwarded: Forwarded) -> Self {
        Self {
            path: database_path(visible_path(request), path(request), tenant),
            names: CookieNames::of(tenant),
            secure: over_https(request, forwarded),
        }
    }
}

/// Adds `cookies`' `Set-Cookie` headers; `xsrf` is the token that goes with the ticket.
pub fn write(headers: &mut HeaderMap, cookies: &Cookies, scope: &Scope, xsrf: Option<String>) {
    let (ticket, token, max_age) = match cookies {
        Cookies::Issue(issued) => (issued.ticket.as_str(), xsrf, issued.lifetime),
        Cookies::Clear => ("", None, Duration::ZERO),
    };
    let max_age = cookie::time::Duration::seconds(max_age.as_secs().try_into().unwrap_or(i64::MAX));
    let pair = [
        (scope.names.ticket.clone(), ticket.to_string(), true),
        (scope.names.xsrf.clone(), token.unwrap_or_default(), false),
    ];
    for (name, value, http_only) in pair {
        let cookie = Cookie::build((name, value))
            .http_only(http_only)
            .same_site(SameSite::Strict)
            .secure(scope.secure)
            .path(scope.path.clone())
            .max_age(max_age)
            .build();
        if let Ok(value) = HeaderValue::from_str(&cookie.to_string()) {
            headers.append(SET_COOKIE, value);
        }
    }
}

/// The path as the browser sent it. API Gateway's REST APIs hand the path without the stage
/// that the browser's URL may hold; their context has the whole.
fn visible_path(request: &Request) -> &str {
    if let Some(RequestContext::ApiGatewayV1(context)) = request.request_context_ref()
        && let Some(whole) = context.path.as_deref().filter(|whole| !whole.is_empty())
    {
        return whole;
    }
    match request.raw_http_path() {
        "" => request.uri().path(),
        raw => raw,
    }
}

/// `/` for the default database, `/{tenant}/` for a tenant's - after whatever the browser's
/// path holds before it (an API Gateway stage, a base path), which the route never sees: so
/// the cookies go back with the page's calls to that database, and to no other tenant's.
fn database_path(visible: &str, app: &str, tenant: Option<&Tenant>) -> String {
    let plain = tenant.map_or_else(|| "/".to_string(), |tenant| format!("/{tenant}/"));
    let route = match tenant {
        Some(tenant) => app.strip_prefix(&format!("/{tenant}")).unwrap_or(app),
        None => app,
    };
    let Some(before) = visible.strip_suffix(route) else {
        return plain;
    };
    let cookie_safe = before
        .bytes()
        .all(|byte| byte.is_ascii_graphic() && byte != b';');
    match cookie_safe && (before.is_empty() || before.starts_with('/')) {
        true => format!("{before}/"),
        false => plain,
    }
}

/// Whether the request came over HTTPS: always on Lambda (API Gateway, function URLs and
/// load balancers in front of a chat service serve HTTPS), else as its URI says or - behind
/// a proxy the operator trusts (`--trust-forwarded-for`) - the last `X-Forwarded-Proto`.
fn over_https(request: &Request, forwarded: Forwarded) -> bool {
    if request.request_context_ref().is_some() || request.uri().scheme_str() == Some("https") {
        return true;
    }
    let last_proto = request
        .headers()
        .get_all("x-forwarded-proto")
        .iter()
        .next_back()
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.rsplit(',').next())
        .map(str::trim);
    forwarded == Forwarded::Trusted
        && last_proto.is_some_and(|proto| proto.eq_ignore_ascii_case("https"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use lambda_http::Body;

    fn tenant(name: &str) -> Tenant {
        Tenant::parse(name).unwrap()
    }

    fn request(headers: &[(&str, &str)]) -> Request {
        let mut builder = http::Request::post("/acme/api/v1/Auth/SignIn");
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        builder.body(Body::Empty).unwrap()
    }

    fn set_cookies(cookies: &Cookies, scope: &Scope) -> Vec<String> {
        let mut headers = HeaderMap::new();
        write(&mut headers, cookies, scope, Some("token".into()));
        headers
            .get_all(SET_COOKIE)
            .iter()
            .map(|value| value.to_str().unwrap().to_string())
            .collect()
    }

    #[test]
    fn a_database_is_its_path_after_whatever_the_browser_puts_before_it() {
        let acme = tenant("acme");
        let cases = [
            ("/api/v1/Auth/SignIn", "/api/v1/Auth/SignIn", None, "/"),
            (
                "/acme/api/v1/Auth/SignIn",
                "/acme/api/v1/Auth/SignIn",
                Some(&acme),
                "/acme/",
            ),
            (
                "/prod/acme/api/v1/auth/signin/",
                "/acme/api/v1/auth/signin/",
                Some(&acme),
                "/prod/acme/",
            ),
            (
                "/prod/api/v1/Auth/SignIn",
                "/api/v1/Auth/SignIn",
                None,
                "/prod/",
            ),
            (
                "/elsewhere",
                "/acme/api/v1/Auth/SignIn",
                Some(&acme),
                "/acme/",
            ),
            ("/a;b/api/v1/Auth/SignIn", "/api/v1/Auth/SignIn", None, "/"),
            ("/é/api/v1/Auth/SignIn", "/api/v1/Auth/SignIn", None, "/"),
        ];
        for (visible, app, tenant, expected) in cases {
            assert_eq!(database_path(visible, app, tenant), expected, "{visible}");
        }
    }

    #[test]
    fn secure_over_https_only_where_a_trusted_proxy_says_so() {
        let https = [("x-forwarded-proto", "http, https")];
        assert!(!over_https(&request(&[]), Forwarded::Trusted));
        assert!(!over_https(&request(&https), Forwarded::Ignored));
        assert!(over_https(&request(&https), Forwarded::Trusted));
        let http = [("x-forwarded-proto", "https, http")];
        assert!(!over_https(&request(&http), Forwarded::Trusted));
        let scope = Scope::of(&request(&https), Some(&tenant("acme")), Forwarded::Trusted);
        assert_eq!(
            scope,
            Scope {
                path: "/acme/".into(),
                names: CookieNames::of(Some(&tenant("acme"))),
                secure: true
            }
        );
    }

    #[test]
    fn a_sign_in_sets_the_pair_and_a_sign_out_clears_it() {
        let scope = Scope {
            path: "/acme/".into(),
            names: CookieNames::of(Some(&tenant("acme"))),
            secure: true,
        };
        let issued = Cookies::Issue(Issued {
            ticket: "7T:abc".into(),
            lifetime: Duration::from_secs(8 * 3600),
        });
        assert_eq!(
            set_cookies(&issued, &scope),
            [
                "SoTicket.acme=7T:abc; HttpOnly; SameSite=Strict; Secure; Path=/acme/; Max-Age=28800",
                "XSRF-TOKEN.acme=token; SameSite=Strict; Secure; Path=/acme/; Max-Age=28800",
            ]
        );
        let plain = Scope {
            path: "/".into(),
            names: CookieNames::of(None),
            secure: false,
        };
        assert_eq!(
            set_cookies(&Cookies::Clear, &plain),
            [
                "SoTicket=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0",
                "XSRF-TOKEN=; SameSite=Strict; Path=/; Max-Age=0",
            ]
        );
        assert!(!format!("{issued:?}").contains("7T:abc"));
    }
}
