//! Who is calling (spec section 5). One file per way of saying it; this module picks the way
//! from the request, checks the partner app, and applies the rules every scheme shares.
//!
//! - `Authorization: Basic` (`basic`): login name and password (argon2id, [`password`]),
//!   successful verifications remembered briefly ([`cache`]).
//! - `Authorization: SOTicket 7T:...`, or no `Authorization` but a `SoTicket` cookie with the
//!   XSRF double-submit pair (`ticket`); tickets are issued by the admin CLI ([`secret`]),
//!   and to a page that signs in with a login name and password (`sign_in`,
//!   verified and counted exactly as Basic's).
//! - `Authorization: Bearer`: an API token `8A:...` ([`secret`]) or a JWT ([`jwt`]).
//! - `SO-AppToken`: a registered partner app; required when configured.
//!
//! Every failure to identify an active associate is the same [`AuthError::Rejected`] - wrong
//! secret, unknown user, expired, revoked, deleted alike - so the answer never tells which.
//! Repeated failures are slowed down and then refused unheard ([`throttle`]): per source
//! address for every scheme, and for Basic per login name too.
//! An identified associate who is not an internal one (a resource, an external user) is
//! [`AuthError::NotAnAgent`]: a 403, since no other credentials would help.

mod basic;
pub mod cache;
pub mod credentials;
mod flight;
pub mod jwt;
mod outcome;
pub mod password;
pub mod session_key;
mod sign_in;
pub mod throttle;
mod ticket;

use std::net::IpAddr;

use http::HeaderMap;
use http::header::AUTHORIZATION;

use crate::account::Account;
use crate::account::secret::{self, SecretKind};
use crate::account::tenant::Tenant;
use crate::store::Store;
use crate::time::Timestamp;
use cache::BasicCache;
use credentials::{BasicCredentials, Credentials};
use flight::Flights;
use jwt::JwtConfig;
pub use outcome::{AuthError, AuthFailure, Principal, Scheme};
pub use sign_in::SignInOff;
use throttle::{LoginKey, PairKey, SourceKey, Throttle, Throttled};
pub use ticket::{CookieNames, xsrf_token};

/// The realm named in `WWW-Authenticate`.
pub const REALM: &str = "chat-pickup";

/// What authentication accepts. No `Debug`: it holds the XSRF secret.
#[derive(Clone)]
pub struct AuthConfig {
    pub schemes: Vec<Scheme>,
    /// How JWTs are checked; without it, `Bearer` accepts API tokens only.
    pub jwt: Option<JwtConfig>,
    /// The server secret XSRF tokens are bound to tickets with; without it the cookie scheme
    /// is off.
    pub xsrf_secret: Option<Vec<u8>>,
    pub require_app_token: bool,
}

impl Default for AuthConfig {
    fn default() -> Self {
        Self {
            schemes: vec![
                Scheme::Basic,
                Scheme::SoTicket,
                Scheme::Bearer,
                Scheme::Cookie,
            ],
            jwt: None,
            xsrf_secret: None,
            require_app_token: false,
        }
    }
}

/// Who is trying, as far as throttling tells callers apart.
#[derive(Clone, Copy, Debug, Default)]
pub struct Caller<'a> {
    pub tenant: Option<&'a Tenant>,
    /// The client's address as the platform saw it ([`crate::http::source`]).
    pub source: Option<IpAddr>,
}

/// Authentication as configured, with its cache of verified passwords and its counts of
/// failures.
#[derive(Default)]
pub struct Authenticator {
    config: AuthConfig,
    cache: BasicCache,
    throttle: Throttle,
    flights: Flights,
}

impl Authenticator {
    pub fn new(config: AuthConfig) -> Self {
        Self {
            config,
            cache: BasicCache::default(),
            throttle: Throttle::default(),
            flights: Flights::default(),
        }
    }

    fn enabled(&self, scheme: Scheme) -> bool {
        let configured = match scheme {
            Scheme::Cookie => self.config.xsrf_secret.is_some(),
            _ => true,
        };
        configured && self.config.schemes.contains(&scheme)
    }

    /// The `WWW-Authenticate` challenges sent with every 401: one per enabled scheme that
    /// an `Authorization` header can carry. A script's request (`script`) is not offered
    /// Basic where another scheme is left: browsers answer a Basic challenge with a login
    /// dialog of their own, even to a page's `fetch`, in front of its sign-in form.
    pub fn challenge(&self, realm: &str, script: bool) -> String {
        let enabled: Vec<Scheme> = Scheme::IN_AUTHORIZATION
            .into_iter()
            .filter(|scheme| self.enabled(*scheme))
            .collect();
        let quiet = enabled.iter().any(|scheme| *scheme != Scheme::Basic);
        let challenges: Vec<String> = enabled
            .into_iter()
            .filter(|scheme| !(script && quiet && *scheme == Scheme::Basic))
            .map(|scheme| match scheme {
                Scheme::Basic => format!("Basic realm=\"{realm}\", charset=\"UTF-8\""),
                other => format!("{} realm=\"{realm}\"", other.name()),
            })
            .collect();
        challenges.join(", ")
    }

    /// What can be refused at once, without the store or argon2 - a source, or a login name
    /// from it, that must wait - so that a flood of guesses is answered without a trip to
    /// the blocking pool. [`Self::authenticate`] checks the same again, and more.
    pub fn screen(
        &self,
        headers: &HeaderMap,
        caller: Caller,
        now: Timestamp,
    ) -> Result<(), Throttled> {
        self.throttle
            .check_source(SourceKey::of(caller.source), now)?;
        let Ok(Some(header)) = single(headers, AUTHORIZATION.as_str()) else {
            return Ok(());
        };
        match Credentials::parse(header, |scheme| self.enabled(scheme)) {
            Ok(Credentials::Basic(basic)) => self.screen_password(&basic, caller, now),
            _ => Ok(()),
        }
    }

    /// Whether the login name's failures from this source say to wait - unless these
    /// credentials verified lately.
    fn screen_password(
        &self,
        credentials: &BasicCredentials,
        caller: Caller,
        now: Timestamp,
    ) -> Result<(), Throttled> {
        if self.cache.knows(&self.cache.key_of(&credentials.encoded)) {
            return Ok(());
        }
        let login = LoginKey::of(&credentials.login);
        let pair = PairKey::new(caller.tenant, &login, SourceKey::of(caller.source));
        self.throttle.check_pair(pair, now)
    }

    /// Authenticates the request. Blocking: it may verify a slow password hash.
    ///
    /// A source with too many rejections is refused before anything is checked; a rejection
    /// counts against it (anything else - a missing header, a 403, a store failure - is no
    /// guess).
    pub fn authenticate(
        &self,
        headers: &HeaderMap,
        store: &dyn Store,
        now: Timestamp,
        caller: Caller,
    ) -> Result<Principal, AuthFailure> {
        self.counting(caller, now, || {
            let app = self.partner_app(headers, store)?;
            self.account(headers, store, now, caller)?.principal(app)
        })
    }

    /// `identify`'s outcome, unless the source must wait; a rejection counts against the
    /// source.
    fn counting(
        &self,
        caller: Caller,
        now: Timestamp,
        identify: impl FnOnce() -> Result<Principal, AuthFailure>,
    ) -> Result<Principal, AuthFailure> {
        let source = SourceKey::of(caller.source);
        self.throttle.check_source(source, now)?;
        let outcome = identify();
        if matches!(outcome, Err(AuthFailure::Refused(AuthError::Rejected))) {
            self.throttle.source_failed(source, now);
        }
        outcome
    }

    /// The account the credentials name, by whichever scheme carries them.
    fn account(
        &self,
        headers: &HeaderMap,
        store: &dyn Store,
        now: Timestamp,
        caller: Caller,
    ) -> Result<Found, AuthFailure> {
        let Some(header) = single(headers, AUTHORIZATION.as_str())? else {
            let names = CookieNames::of(caller.tenant);
            if self.enabled(Scheme::Cookie) && ticket::has_cookie(headers, &names) {
                let secret = self.config.xsrf_secret.as_deref().unwrap_or_default();
                let ticket = ticket::from_cookie(headers, &names, secret)?;
                return ticket::account(Scheme::Cookie, &ticket, store, now);
            }
            return Err(AuthError::Missing.into());
        };
        let credentials = Credentials::parse(header, |scheme| self.enabled(scheme))?;
        let account = match &credentials {
            Credentials::Basic(basic) => self.password(basic, store, now, caller)?,
            Credentials::SoTicket(ticket) => {
                return ticket::account(Scheme::SoTicket, ticket, store, now);
            }
            Credentials::Bearer(token) => self.bearer(token, store, now)?,
        };
        Ok(Found {
            scheme: credentials.scheme(),
            account,
            ticket: None,
        })
    }

    /// The account whose password `credentials` name, as Basic checks it.
    fn password(
        &self,
        credentials: &BasicCredentials,
        store: &dyn Store,
        now: Timestamp,
        caller: Caller,
    ) -> Result<Option<Account>, AuthFailure> {
        let counts = basic::Counts {
            throttle: &self.throttle,
            flights: &self.flights,
            caller,
            now,
        };
        basic::account(credentials, store, &self.cache, counts)
    }

    /// An API token (`8A:...`) or, when configured, a JWT.
    fn bearer(
        &self,
        token: &str,
        store: &dyn Store,
        now: Timestamp,
    ) -> Result<Option<Account>, AuthFailure> {
        if token.starts_with(SecretKind::ApiToken.prefix()) {
            let fingerprint = secret::fingerprint(token);
            return Ok(store.account_by_secret(SecretKind::ApiToken, &fingerprint, now)?);
        }
        let Some(login) = self.config.jwt.as_ref().and_then(|jwt| jwt.login(token)) else {
            return Ok(None);
        };
        Ok(store.account(&login)?)
    }

    /// The registered app named by `SO-AppToken`; a token that names none is refused.
    fn partner_app(
        &self,
        headers: &HeaderMap,
        store: &dyn Store,
    ) -> Result<Option<String>, AuthFailure> {
        let Some(token) = single(headers, "SO-AppToken")? else {
            if self.config.require_app_token {
                return Err(AuthError::AppTokenRequired.into());
            }
            return Ok(None);
        };
        let app = store.partner_app(&secret::fingerprint(token.trim()))?;
        Ok(Some(app.ok_or(AuthError::Rejected)?))
    }
}

/// What credentials named: the account (if any), by which scheme, and the ticket's
/// fingerprint when a ticket named it.
struct Found {
    scheme: Scheme,
    account: Option<Account>,
    ticket: Option<String>,
}

impl Found {
    /// The caller, if the account is an active internal associate's; beside `app`.
    fn principal(self, app: Option<String>) -> Result<Principal, AuthFailure> {
        let account = self
            .account
            .filter(|account| !account.deleted)
            .ok_or(AuthError::Rejected)?;
        if !account.is_internal() {
            return Err(AuthError::NotAnAgent.into());
        }
        Ok(Principal {
            agent: account.agent,
            time_zone: account.time_zone,
            scheme: self.scheme,
            app,
            ticket: self.ticket,
        })
    }
}

/// The one value of header `name`; several are refused rather than guessed between.
fn single<'a>(headers: &'a HeaderMap, name: &str) -> Result<Option<&'a str>, AuthError> {
    let mut all = headers.get_all(name).iter();
    let Some(value) = all.next() else {
        return Ok(None);
    };
    if all.next().is_some() {
        return Err(AuthError::Malformed(if name == AUTHORIZATION.as_str() {
            "send one Authorization header, not several"
        } else {
            "send one SO-AppToken header, not several"
        }));
    }
    value
        .to_str()
        .map(Some)
        .map_err(|_| AuthError::Malformed("credentials must be ASCII"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An authenticator with `schemes` and the XSRF secret; the rest as by default.
    pub(super) fn authenticator(schemes: &[Scheme], xsrf_secret: Option<&[u8]>) -> Authenticator {
        Authenticator::new(AuthConfig {
            schemes: schemes.to_vec(),
            xsrf_secret: xsrf_secret.map(<[u8]>::to_vec),
            ..AuthConfig::default()
        })
    }

    #[test]
    fn a_scripts_401_offers_no_basic_while_another_scheme_is_left() {
        let all = authenticator(&AuthConfig::default().schemes, None);
        let browser = all.challenge(REALM, false);
        assert!(
            browser.starts_with("Basic realm=\"chat-pickup\""),
            "{browser}"
        );
        assert_eq!(
            all.challenge(REALM, true),
            "SOTicket realm=\"chat-pickup\", Bearer realm=\"chat-pickup\""
        );
        let basic_only = authenticator(&[Scheme::Basic], None);
        assert_eq!(
            basic_only.challenge(REALM, true),
            basic_only.challenge(REALM, false)
        );
    }
}
