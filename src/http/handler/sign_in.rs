//! The handler's part in a page's sign-in and sign-out ([`crate::http::ops::sign_in`]):
//! refusing both where pages cannot sign in, reading the sign-in's name and password - held
//! back as Basic's are - before anything changes, and setting or clearing the cookie pair
//! on the answer.

use http::HeaderMap;
use lambda_http::Request;

use super::App;
use crate::auth::credentials::BasicCredentials;
use crate::auth::{AuthFailure, Caller};
use crate::http::body;
use crate::http::cookies::{self, Cookies, Scope};
use crate::http::error::ApiError;
use crate::http::exchange::Exchange;
use crate::http::ops::{Answer, Audience};
use crate::http::request::content_type;
use crate::http::routes::Route;

impl App {
    /// The credentials a sign-in sends, refused at once when its name's failures from this
    /// source say to wait; `None` for any other operation. A sign-in or sign-out where pages
    /// cannot sign in is refused first, whatever it sends.
    pub(super) fn signing_in(
        &self,
        request: &Request,
        route: &Route,
        exchange: &Exchange,
        caller: Caller,
    ) -> Result<Option<BasicCredentials>, ApiError> {
        if route.operation.cookies {
            self.auth.pages().map_err(ApiError::Auth)?;
        }
        if route.operation.audience != Audience::SigningIn {
            return Ok(None);
        }
        let credentials = body::sign_in(content_type(request), request.body(), exchange.origin())?;
        let screened = self
            .auth
            .screen_sign_in(&credentials, caller, (self.clock)());
        screened.map_err(AuthFailure::from)?;
        Ok(Some(credentials))
    }

    /// Sets or clears the answer's cookie pair, for the database `route` names, as the
    /// browser addresses it.
    pub(super) fn set_cookies(
        &self,
        headers: &mut HeaderMap,
        request: &Request,
        route: &Route,
        answer: &Answer,
    ) {
        let Some(cookies) = &answer.cookies else {
            return;
        };
        let xsrf = match cookies {
            Cookies::Issue(issued) => self.auth.xsrf_token(&issued.ticket),
            Cookies::Clear => None,
        };
        let scope = Scope::of(request, route.tenant.as_ref(), self.forwarded);
        cookies::write(headers, cookies, &scope, xsrf);
    }
}
