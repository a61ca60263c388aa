//! Who is calling. One file per scheme; this module picks the scheme from the request.
//!
//! Every failure is the same [`AuthError::Rejected`] to the caller - wrong password, unknown
//! user and deleted associate alike - so the answer never tells whether a user exists.

mod basic;
pub mod password;

use http::HeaderMap;
use http::header::AUTHORIZATION;

use crate::store::{Agent, Store, StoreError};

/// The authenticated caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Principal {
    pub agent: Agent,
    /// The associate's own time zone (an IANA name), if one is set.
    pub time_zone: Option<String>,
}

#[derive(Debug)]
pub enum AuthError {
    /// No credentials at all.
    Missing,
    /// An Authorization header we cannot read; the text says what is wrong with it.
    Malformed(&'static str),
    /// A scheme this installation does not accept.
    UnsupportedScheme,
    /// The credentials do not identify an active associate.
    Rejected,
    Store(StoreError),
}

impl From<StoreError> for AuthError {
    fn from(error: StoreError) -> Self {
        AuthError::Store(error)
    }
}

/// The `WWW-Authenticate` challenge sent with every 401.
pub fn challenge(realm: &str) -> String {
    format!("Basic realm=\"{realm}\", charset=\"UTF-8\"")
}

/// Authenticates the request. Blocking: it verifies a slow password hash.
pub fn authenticate(headers: &HeaderMap, store: &dyn Store) -> Result<Principal, AuthError> {
    let mut all = headers.get_all(AUTHORIZATION).iter();
    let header = all.next().ok_or(AuthError::Missing)?;
    if all.next().is_some() {
        return Err(AuthError::Malformed(
            "send one Authorization header, not several",
        ));
    }
    let header = header
        .to_str()
        .map_err(|_| AuthError::Malformed("the Authorization header is not ASCII"))?;
    let (scheme, credentials) = header.trim().split_once(' ').unwrap_or((header.trim(), ""));
    if scheme.eq_ignore_ascii_case("basic") {
        return basic::authenticate(credentials.trim(), store);
    }
    Err(AuthError::UnsupportedScheme)
}
