//! What authentication concludes: the [`Principal`] who calls, or why nobody does.

use super::SignInOff;
use super::throttle::Throttled;
use crate::account::Agent;
use crate::store::StoreError;

/// The authenticated caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Principal {
    pub agent: Agent,
    /// The associate's own time zone (an IANA name), if one is set.
    pub time_zone: Option<String>,
    /// How the caller authenticated, for the log.
    pub scheme: Scheme,
    /// The partner app that called, for the log.
    pub app: Option<String>,
    /// The fingerprint of the ticket the caller sent (`SOTicket` or the cookie), by which
    /// signing out revokes it.
    pub ticket: Option<String>,
}

/// The ways of authenticating; which are enabled is configuration.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scheme {
    Basic,
    SoTicket,
    Bearer,
    /// The `SoTicket` cookie with the XSRF double-submit check.
    Cookie,
}

impl Scheme {
    /// The schemes an `Authorization` header names (the cookie travels in `Cookie`).
    pub const IN_AUTHORIZATION: [Scheme; 3] = [Scheme::Basic, Scheme::SoTicket, Scheme::Bearer];

    pub fn name(&self) -> &'static str {
        match self {
            Scheme::Basic => "Basic",
            Scheme::SoTicket => "SOTicket",
            Scheme::Bearer => "Bearer",
            Scheme::Cookie => "Cookie",
        }
    }
}

/// Why the caller is not let in.
#[derive(Debug)]
pub enum AuthError {
    /// No credentials at all.
    Missing,
    /// An Authorization header we cannot read; the text says what is wrong with it.
    Malformed(&'static str),
    /// A scheme this installation does not accept; the ones an `Authorization` header may
    /// name here.
    UnsupportedScheme(Vec<Scheme>),
    /// The credentials do not identify an active associate.
    Rejected,
    /// `CHAT_PICKUP_REQUIRE_APP_TOKEN` is set and the request names no partner app.
    AppTokenRequired,
    /// An active associate who may not pick up chats (not an internal associate).
    NotAnAgent,
    /// Too many failures from this source, or for this login name: try again later. The
    /// credentials were not checked.
    Throttled(Throttled),
    /// A page's sign-in or sign-out where the settings keep pages from signing in.
    SignInOff(SignInOff),
}

/// Authentication's outcome when it does not name a caller: a refusal, or a store that
/// could not answer.
#[derive(Debug)]
pub enum AuthFailure {
    Refused(AuthError),
    Store(StoreError),
}

impl From<AuthError> for AuthFailure {
    fn from(error: AuthError) -> Self {
        AuthFailure::Refused(error)
    }
}

impl From<Throttled> for AuthFailure {
    fn from(throttled: Throttled) -> Self {
        AuthFailure::Refused(AuthError::Throttled(throttled))
    }
}

impl From<StoreError> for AuthFailure {
    fn from(error: StoreError) -> Self {
        AuthFailure::Store(error)
    }
}
