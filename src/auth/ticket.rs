//! SoTickets: `Authorization: SOTicket 7T:...`, or - for browsers - a `SoTicket` cookie with
//! the XSRF double-submit check: the `X-XSRF-TOKEN` header must equal the `XSRF-TOKEN` cookie,
//! and both must be the HMAC of that ticket under the server's secret, so a cookie planted by
//! a sibling domain cannot pass.

use cookie::Cookie;
use http::HeaderMap;
use http::header::COOKIE;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::{AuthError, AuthFailure, Found, Scheme};
use crate::account::secret::{self, SecretKind};
use crate::account::tenant::Tenant;
use crate::store::Store;
use crate::time::Timestamp;

/// The header the page's script sends the XSRF token in.
const XSRF_HEADER: &str = "X-XSRF-TOKEN";

/// The names of a database's cookie pair: SuperOffice's `SoTicket` and `XSRF-TOKEN` for the
/// default database, `SoTicket.{tenant}` and `XSRF-TOKEN.{tenant}` for a tenant's. A cookie's
/// path cannot keep the default database's pair (path `/`) from a tenant's calls, and two
/// cookies of one name are refused as planted: with names of its own, each database reads
/// only its own pair, and a browser signed in to both keeps both.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CookieNames {
    /// The `HttpOnly` cookie that carries the ticket.
    pub ticket: String,
    /// The cookie that carries the ticket's XSRF token, for the page's script to send back.
    pub xsrf: String,
}

impl CookieNames {
    pub fn of(tenant: Option<&Tenant>) -> Self {
        let suffix = tenant.map_or(String::new(), |tenant| format!(".{tenant}"));
        Self {
            ticket: format!("SoTicket{suffix}"),
            xsrf: format!("XSRF-TOKEN{suffix}"),
        }
    }
}

/// The XSRF token that goes with `ticket`: HMAC-SHA256 under the server's secret, base64url.
/// A token planted by another site cannot match a ticket it does not know.
pub fn xsrf_token(server_secret: &[u8], ticket: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(server_secret).expect("HMAC takes any key");
    mac.update(ticket.as_bytes());
    URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
}

/// The account holding `ticket`, if it is live, sent by `scheme`; with the ticket's
/// fingerprint, by which signing out revokes it.
pub(super) fn account(
    scheme: Scheme,
    ticket: &str,
    store: &dyn Store,
    now: Timestamp,
) -> Result<Found, AuthFailure> {
    if !ticket.starts_with(SecretKind::Ticket.prefix()) {
        return Err(AuthError::Malformed("a SoTicket starts with 7T:").into());
    }
    let fingerprint = secret::fingerprint(ticket);
    let account = store.account_by_secret(SecretKind::Ticket, &fingerprint, now)?;
    Ok(Found {
        scheme,
        account,
        ticket: Some(fingerprint),
    })
}

pub(super) fn has_cookie(headers: &HeaderMap, names: &CookieNames) -> bool {
    !cookies(headers, &names.ticket).is_empty()
}

/// The ticket of the database's ticket cookie, once its XSRF pair vouches for it.
pub(super) fn from_cookie(
    headers: &HeaderMap,
    names: &CookieNames,
    server_secret: &[u8],
) -> Result<String, AuthError> {
    let ticket = one_cookie(headers, &names.ticket)?;
    let cookie_token = one_cookie(headers, &names.xsrf)?;
    let mut header_tokens = headers.get_all(XSRF_HEADER).iter();
    let header_token = match (header_tokens.next(), header_tokens.next()) {
        (Some(value), None) => value.to_str().map_err(|_| AuthError::Rejected)?,
        _ => return Err(AuthError::Rejected),
    };
    let expected = xsrf_token(server_secret, &ticket);
    let pair_matches = secret::same(header_token.trim(), &cookie_token);
    let bound_to_ticket = secret::same(header_token.trim(), &expected);
    if pair_matches && bound_to_ticket {
        Ok(ticket)
    } else {
        Err(AuthError::Rejected)
    }
}

/// The one cookie named `name`; two of the same name are refused, as one may be planted.
fn one_cookie(headers: &HeaderMap, name: &str) -> Result<String, AuthError> {
    match cookies(headers, name).as_slice() {
        [value] => Ok(value.clone()),
        _ => Err(AuthError::Rejected),
    }
}

fn cookies(headers: &HeaderMap, name: &str) -> Vec<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| Cookie::split_parse(value.to_string()))
        .filter_map(Result::ok)
        .filter(|cookie| cookie.name() == name)
        .map(|cookie| cookie.value().to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    const SECRET: &[u8] = b"server secret";

    fn headers(cookie: &str, xsrf: Option<&str>) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(COOKIE, HeaderValue::from_str(cookie).unwrap());
        if let Some(xsrf) = xsrf {
            headers.insert(XSRF_HEADER, HeaderValue::from_str(xsrf).unwrap());
        }
        headers
    }

    #[test]
    fn xsrf_tokens_are_bound_to_the_ticket_and_the_secret() {
        let token = xsrf_token(b"server secret", "7T:a");
        assert_eq!(token, xsrf_token(b"server secret", "7T:a"));
        assert_ne!(token, xsrf_token(b"server secret", "7T:b"));
        assert_ne!(token, xsrf_token(b"other secret", "7T:a"));
    }

    #[test]
    fn the_double_submitted_token_must_be_bound_to_the_ticket() {
        let good = xsrf_token(SECRET, "7T:mine");
        let other = xsrf_token(SECRET, "7T:other");
        let cookie = |token: &str| format!("SoTicket=7T:mine; theme=dark; XSRF-TOKEN={token}");
        let names = CookieNames::of(None);
        assert_eq!(
            from_cookie(&headers(&cookie(&good), Some(&good)), &names, SECRET).unwrap(),
            "7T:mine"
        );
        let refused = [
            headers(&cookie(&good), None),
            headers(&cookie(&good), Some("different")),
            headers(&cookie(&other), Some(&other)),
            headers("SoTicket=7T:mine", Some(&good)),
            headers(
                &format!("{}; SoTicket=7T:planted", cookie(&good)),
                Some(&good),
            ),
        ];
        for headers in refused {
            assert!(
                matches!(
                    from_cookie(&headers, &names, SECRET),
                    Err(AuthError::Rejected)
                ),
                "{headers:?}"
            );
        }
        let forged_secret = xsrf_token(b"guess", "7T:mine");
        let forged = headers(&cookie(&forged_secret), Some(&forged_secret));
        assert!(from_cookie(&forged, &names, SECRET).is_err());
    }

    #[test]
    fn a_tenant_reads_its_own_pair_beside_the_default_databases() {
        let acme = Tenant::parse("acme").unwrap();
        let names = CookieNames::of(Some(&acme));
        assert_eq!(names.ticket, "SoTicket.acme");
        assert_eq!(names.xsrf, "XSRF-TOKEN.acme");
        let (mine, default) = (
            xsrf_token(SECRET, "7T:acme"),
            xsrf_token(SECRET, "7T:default"),
        );
        let both = format!(
            "SoTicket=7T:default; XSRF-TOKEN={default}; SoTicket.acme=7T:acme; XSRF-TOKEN.acme={mine}"
        );
        assert_eq!(
            from_cookie(&headers(&both, Some(&mine)), &names, SECRET).unwrap(),
            "7T:acme"
        );
        assert_eq!(
            from_cookie(
                &headers(&both, Some(&default)),
                &CookieNames::of(None),
                SECRET
            )
            .unwrap(),
            "7T:default"
        );
        let default_only = format!("SoTicket=7T:default; XSRF-TOKEN={default}");
        assert!(!has_cookie(&headers(&default_only, Some(&default)), &names));
    }
}
