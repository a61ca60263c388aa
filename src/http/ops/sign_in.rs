//! `POST /api/v1/Auth/SignIn` and `POST /api/v1/Auth/SignOut`: a page signs in with a login
//! name and password - checked by the handler exactly as Basic's are, throttled alike - and
//! gets a ticket in the cookie pair (`super::super::cookies`); signing out revokes that
//! ticket and clears the pair. Ours: SuperOffice's own web client signs in elsewhere.

use std::time::Duration;

use super::{Answer, Audience, Call, Content, Done, Operation, Run};
use crate::auth::Scheme;
use crate::entity::{Object, SIGNED_IN, Value};
use crate::http::body::BodyError;
use crate::http::cookies::{Cookies, Issued};
use crate::http::error::ApiError;
use crate::http::source::shown;

/// How long a page's ticket, and so its cookies, live: `admin issue-ticket`'s default.
pub const TICKET_LIFETIME: Duration = Duration::from_secs(8 * 60 * 60);

pub const SIGN_IN: Operation = Operation::read("sign-in", Run::Caller(sign_in))
    .answering(&SIGNED_IN)
    .called_by(Audience::SigningIn)
    .setting_cookies();

pub const SIGN_OUT: Operation = Operation::read("sign-out", Run::Caller(sign_out))
    .answering(&SIGNED_IN)
    .setting_cookies();

/// Issues the signed-in agent a ticket: who they are and until when, the ticket itself only
/// in its cookie. (No Idempotency-Key: a retry issues another ticket, and the page keeps the
/// last.)
fn sign_in(call: &Call) -> Done {
    let principal = call.principal()?;
    let agent = &principal.agent;
    let expires = call.now.after(TICKET_LIFETIME);
    let ticket = call.store.issue_ticket(agent, call.now, expires)?;
    log(call, "signed in");
    let mut signed_in = Object::empty(&SIGNED_IN);
    signed_in.set("AssociateId", Value::Int(agent.associate_id));
    signed_in.set("Name", Value::Text(agent.name.clone()));
    signed_in.set("FullName", Value::Text(agent.display_name.clone()));
    signed_in.set("Expires", Value::Date(Some(expires)));
    let issued = Issued {
        ticket,
        lifetime: TICKET_LIFETIME,
    };
    Ok(Answer {
        cookies: Some(Cookies::Issue(issued)),
        ..Answer::of(Content::One(Some(signed_in)))
    })
}

/// Revokes the ticket of the cookie that authenticated the call. A ticket sent any other way
/// is not a page's: `admin revoke-ticket` revokes it.
fn sign_out(call: &Call) -> Done {
    let principal = call.principal()?;
    let (Scheme::Cookie, Some(ticket)) = (principal.scheme, &principal.ticket) else {
        return Err(ApiError::Body(BodyError::new(
            "SignOut ends a page's sign-in: send its SoTicket cookie with X-XSRF-TOKEN and no Authorization header (other tickets are revoked with chat-pickup admin revoke-ticket)",
        )));
    };
    call.store.revoke_ticket(ticket)?;
    log(call, "signed out");
    Ok(Answer {
        cookies: Some(Cookies::Clear),
        ..Answer::of(Content::Nothing)
    })
}

/// The line a sign-in or sign-out leaves: who, from where; never the ticket.
fn log(call: &Call, what: &'static str) {
    let Ok(principal) = call.principal() else {
        return;
    };
    tracing::info!(
        request_id = call.request_id,
        source = shown(call.source).as_str(),
        tenant = call.tenant.map_or("", |tenant| tenant.as_str()),
        user = principal.agent.name.as_str(),
        app = principal.app.as_deref().unwrap_or(""),
        operation = call.operation,
        "{what}"
    );
}
