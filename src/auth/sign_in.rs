//! Signing in from a page (docs/authentication.md): where the settings allow it, and the
//! name and password of its body checked exactly as Basic's - the same verification, cache
//! and counts.

use http::HeaderMap;

use super::credentials::BasicCredentials;
use super::throttle::{SourceKey, Throttled};
use super::{AuthError, AuthFailure, Authenticator, Caller, Found, Principal, Scheme, xsrf_token};
use crate::store::Store;
use crate::time::Timestamp;

/// What keeps pages from signing in here: the settings an administrator would change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignInOff {
    /// The schemes a sign-in needs that `CHAT_PICKUP_AUTH_SCHEMES` leaves out: the cookie
    /// it sets, and Basic - the password check it makes, off where passwords are.
    pub schemes: Vec<Scheme>,
    /// `CHAT_PICKUP_XSRF_SECRET` is not set.
    pub no_xsrf_secret: bool,
    /// `CHAT_PICKUP_REQUIRE_APP_TOKEN` is set: every call must name a partner app by its
    /// secret token, which a page cannot keep.
    pub app_token_required: bool,
}

impl Authenticator {
    /// Whether pages can sign in here: the cookie scheme on with its XSRF secret, and
    /// passwords (Basic) accepted, since a sign-in checks one.
    pub fn pages(&self) -> Result<(), AuthError> {
        let schemes: Vec<Scheme> = [Scheme::Cookie, Scheme::Basic]
            .into_iter()
            .filter(|scheme| !self.config.schemes.contains(scheme))
            .collect();
        let off = SignInOff {
            schemes,
            no_xsrf_secret: self.config.xsrf_secret.is_none(),
            app_token_required: self.config.require_app_token,
        };
        match off.schemes.is_empty() && !off.no_xsrf_secret && !off.app_token_required {
            true => Ok(()),
            false => Err(AuthError::SignInOff(off)),
        }
    }

    /// The XSRF token that goes with `ticket` here; `None` without the server secret.
    pub fn xsrf_token(&self, ticket: &str) -> Option<String> {
        let secret = self.config.xsrf_secret.as_deref()?;
        Some(xsrf_token(secret, ticket))
    }

    /// [`Self::screen`] for a page's sign-in: its name and password are held back as
    /// Basic's are.
    pub fn screen_sign_in(
        &self,
        credentials: &BasicCredentials,
        caller: Caller,
        now: Timestamp,
    ) -> Result<(), Throttled> {
        self.throttle
            .check_source(SourceKey::of(caller.source), now)?;
        self.screen_password(credentials, caller, now)
    }

    /// Signs a page in with the login name and password of its body: checked exactly as
    /// Basic's would be - the same verification, cache and counts, refused and held back
    /// alike - beside the headers' partner app. Blocking, as [`Self::authenticate`].
    pub fn sign_in(
        &self,
        credentials: &BasicCredentials,
        headers: &HeaderMap,
        store: &dyn Store,
        now: Timestamp,
        caller: Caller,
    ) -> Result<Principal, AuthFailure> {
        self.counting(caller, now, || {
            let app = self.partner_app(headers, store)?;
            let account = self.password(credentials, store, now, caller)?;
            let found = Found {
                scheme: Scheme::Basic,
                account,
                ticket: None,
            };
            found.principal(app)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::AuthConfig;
    use crate::auth::tests::authenticator;

    #[test]
    fn pages_sign_in_only_with_the_cookie_scheme_its_secret_and_passwords() {
        let all = AuthConfig::default().schemes;
        assert!(authenticator(&all, Some(b"secret")).pages().is_ok());
        let off = |schemes: &[Scheme], secret: Option<&[u8]>| match authenticator(schemes, secret)
            .pages()
        {
            Err(AuthError::SignInOff(off)) => off,
            other => panic!("not off: {other:?}"),
        };
        assert_eq!(
            off(&all, None),
            SignInOff {
                schemes: vec![],
                no_xsrf_secret: true,
                app_token_required: false
            }
        );
        assert_eq!(
            off(&[Scheme::Bearer], Some(b"secret")),
            SignInOff {
                schemes: vec![Scheme::Cookie, Scheme::Basic],
                no_xsrf_secret: false,
                app_token_required: false
            }
        );
        let app_only = Authenticator::new(AuthConfig {
            xsrf_secret: Some(b"secret".to_vec()),
            require_app_token: true,
            ..AuthConfig::default()
        });
        assert!(matches!(
            app_only.pages(),
            Err(AuthError::SignInOff(SignInOff {
                app_token_required: true,
                ..
            }))
        ));
    }
}
