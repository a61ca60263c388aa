//! The customer's credential: `Authorization: SessionKey <key>`, the key a session was
//! created with (shown once, stored as its SHA-256). It proves the caller is the customer of
//! that one session. An unknown session and a wrong key are the same refusal, and the
//! fingerprints are compared in constant time, so an answer tells nothing about either.

use http::HeaderMap;
use http::header::AUTHORIZATION;

use crate::account::secret;

/// The scheme's name in `Authorization` and `WWW-Authenticate`.
pub const SCHEME: &str = "SessionKey";

/// Why a customer is not let in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyRefused {
    /// No `SessionKey` credential, or one that cannot be read.
    Missing,
    /// Not this session's key (or no such session).
    Wrong,
}

/// The key `headers` carry, if they carry one in the `SessionKey` scheme (any case).
pub fn presented(headers: &HeaderMap) -> Result<&str, KeyRefused> {
    let value = headers.get(AUTHORIZATION).ok_or(KeyRefused::Missing)?;
    let value = value.to_str().map_err(|_| KeyRefused::Missing)?.trim();
    let (scheme, key) = value.split_once(' ').ok_or(KeyRefused::Missing)?;
    let key = key.trim();
    match scheme.eq_ignore_ascii_case(SCHEME) && !key.is_empty() {
        true => Ok(key),
        false => Err(KeyRefused::Missing),
    }
}

/// Whether `key` is the one whose fingerprint the session stored (`None`: no such session).
pub fn admits(key: &str, stored: Option<&str>) -> Result<(), KeyRefused> {
    let presented = secret::fingerprint(key);
    // Compared in constant time even when there is no session, against a fingerprint no key
    // has, so that an unknown session takes as long as a wrong key.
    let stored = stored.filter(|stored| !stored.is_empty()).unwrap_or(NO_KEY);
    match secret::same(&presented, stored) && stored != NO_KEY {
        true => Ok(()),
        false => Err(KeyRefused::Wrong),
    }
}

/// A fingerprint's length of characters no SHA-256 hex digest has.
const NO_KEY: &str = "----------------------------------------------------------------";

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, value.parse().unwrap());
        headers
    }

    #[test]
    fn the_key_is_read_from_its_scheme_only() {
        assert_eq!(presented(&headers("SessionKey abc")), Ok("abc"));
        assert_eq!(presented(&headers("sessionkey  abc ")), Ok("abc"));
        assert_eq!(presented(&headers("Basic abc")), Err(KeyRefused::Missing));
        assert_eq!(presented(&headers("SessionKey ")), Err(KeyRefused::Missing));
        assert_eq!(presented(&HeaderMap::new()), Err(KeyRefused::Missing));
    }

    #[test]
    fn only_the_sessions_own_key_admits() {
        let key = "0123456789abcdef0123456789abcdef";
        let stored = secret::fingerprint(key);
        assert_eq!(admits(key, Some(&stored)), Ok(()));
        assert_eq!(admits("other", Some(&stored)), Err(KeyRefused::Wrong));
        assert_eq!(admits(key, None), Err(KeyRefused::Wrong));
        assert_eq!(admits(key, Some("")), Err(KeyRefused::Wrong));
        assert_eq!(admits(key, Some(NO_KEY)), Err(KeyRefused::Wrong));
    }
}
