//! The operations, one file each. An operation is what happens once the request is read
//! and the caller is known: the handler ([`super::handler`]) has checked every header,
//! chosen the tenant's store and authenticated the caller; the operation acts on the store
//! and hands back the entity to render. The route table ([`super::routes`]) names them.
//!
//! What differs between operations is data, in each file's `const` [`Operation`]: its name,
//! the entity it answers with, whether it changes anything, and, by the kind of its
//! [`Run`], what the request must name. What a change comes to for its caller, and the line
//! it leaves in the log, is `answered`'s, for every change alike.

mod answered;
pub mod create;
pub mod customer;
pub mod edit;
pub mod for_current_user;
pub mod get_session;
pub mod messages;
pub mod pickup_by_id;
pub mod pickup_first;
pub mod reset;
pub mod sign_in;
pub mod transcript;
pub mod transfer;

use std::net::IpAddr;

use super::body::Saved;
use super::cookies::Cookies;
use super::delivery::Receipt;
use super::error::ApiError;
use super::limits::Limiter;
use crate::account::tenant::Tenant;
use crate::auth::Principal;
use crate::chat::Actor;
use crate::chat::create::Draft;
use crate::chat::customer::Words;
use crate::chat::edit::Edits;
use crate::chat::idempotency::Keyed;
use crate::chat::post::NewMessage;
use crate::entity::{CHAT_SESSION_ENTITY, Object, Shape};
use crate::locale::Language;
use crate::store::{Standing, Store};
use crate::time::Timestamp;

/// Who may call an operation, and so how the handler identifies the caller.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Audience {
    /// A user agent, signed in by any of the agents' schemes.
    Agent,
    /// A user agent signing a page in, with the login name and password of the body -
    /// checked as Basic's are.
    SigningIn,
    /// The customer of the session the path names, by the session's key.
    Customer,
    /// Anyone, unidentified: a customer starting a chat.
    Anyone,
}

/// Who is calling, as the handler identified them for the operation's [`Audience`].
pub enum Who {
    Agent(Principal),
    /// The customer of this session.
    Customer(i64),
    Anyone,
}

/// One operation of the API.
pub struct Operation {
    /// Its name, for the log and an `Idempotency-Key`'s record.
    pub name: &'static str,
    /// Who may call it.
    pub audience: Audience,
    /// The entity it answers with, which `$select` names properties of.
    pub entity: &'static Shape,
    /// Whether it changes anything: only then is an `Idempotency-Key` read (a read is safe
    /// to repeat as it is).
    pub changes: bool,
    /// Whether it may wait for news of its session (`?wait=S`, [`super::long_poll`]).
    pub waits: bool,
    /// Whether it signs a page in or out with the ticket cookie: only where pages can sign
    /// in ([`crate::auth::Authenticator::pages`]).
    pub cookies: bool,
    pub run: Run,
}

impl Operation {
    /// A change, answered with a ChatSessionEntity.
    pub const fn change(name: &'static str, run: Run) -> Self {
        Self {
            name,
            audience: Audience::Agent,
            entity: &CHAT_SESSION_ENTITY,
            changes: true,
            waits: false,
            cookies: false,
            run,
        }
    }

    /// A read, answered with ChatSessionEntities.
    pub const fn read(name: &'static str, run: Run) -> Self {
        Self {
            changes: false,
            ..Self::change(name, run)
        }
    }

    /// The operation answering with `entity` instead.
    pub const fn answering(self, entity: &'static Shape) -> Self {
        Self { entity, ..self }
    }

    /// The operation, waiting for news of its session where the request asks it to.
    pub const fn waiting(self) -> Self {
        Self {
            waits: true,
            ..self
        }
    }

    /// The operation for `audience` instead of agents.
    pub const fn called_by(self, audience: Audience) -> Self {
        Self { audience, ..self }
    }

    /// The operation, signing a page in or out with the ticket cookie.
    pub const fn setting_cookies(self) -> Self {
        Self {
            cookies: true,
            ..self
        }
    }
}

/// What an operation does, by what the request names besides the caller (in its path, its
/// query or its body): the handler reads that before anything changes, and hands it over.
/// Blocking: it runs on tokio's blocking pool.
#[derive(Clone, Copy)]
pub enum Run {
    /// Acts for the caller alone.
    Caller(fn(&Call) -> Done),
    /// Acts on one session, by id.
    Session(fn(&Call, i64) -> Done),
    /// Acts on one session, toward an associate (a login name or an id, as sent).
    SessionTo(fn(&Call, i64, &str) -> Done),
    /// Posts a message to one session.
    Post(fn(&Call, i64, &NewMessage) -> Done),
    /// Reads one session's messages after a message id (0: all).
    After(fn(&Call, i64, i64) -> Done),
    /// Changes one session's properties.
    Edit(fn(&Call, i64, &Edits) -> Done),
    /// Acts in one topic, by id.
    Topic(fn(&Call, i64) -> Done),
    /// Saves a ChatSessionEntity: a new session, or changes to one.
    Save(fn(&Call, &Saved) -> Done),
    /// Writes one session's transcript, as HTML or as plain text.
    Transcript(fn(&Call, i64, bool) -> Done),
    /// Starts a customer's chat in one topic.
    Start(fn(&Call, i64, &Draft) -> Done),
    /// The customer writes to their session.
    Say(fn(&Call, i64, &Words) -> Done),
}

/// What an operation comes to; [`super::error`] maps a failure to a status.
pub type Done = Result<Answer, ApiError>;

/// An operation's [`Run`] with what the request named, ready to run.
pub type Bound = Box<dyn FnOnce(&Call) -> Done + Send>;

/// What an operation hands back.
#[derive(Debug)]
pub struct Answer {
    pub content: Content,
    /// Answered from a change made before under the request's `Idempotency-Key`.
    pub replayed: bool,
    /// Something new was made, at this path of its own: a `201 Created` with `Location`.
    pub created: Option<String>,
    /// Where the session stood when a customer's read found it, for a long poll to compare.
    pub standing: Option<Standing>,
    /// A page's cookie pair set or cleared.
    pub cookies: Option<Cookies>,
}

impl Answer {
    /// `content`, read or made now.
    pub fn of(content: Content) -> Self {
        Self {
            content,
            replayed: false,
            created: None,
            standing: None,
            cookies: None,
        }
    }
}

/// The body of an answer, in the operation's entity.
#[derive(Debug)]
pub enum Content {
    /// One entity; `None` is its null: nothing to hand over.
    One(Option<Object>),
    /// A list, in the order given.
    List(Vec<Object>),
    /// A session's messages as one text (a transcript): HTML, or plain text.
    Transcript { messages: Vec<Object>, html: bool },
    /// No body at all: a `204 No Content`.
    Nothing,
}

/// What an operation runs with.
pub struct Call<'a> {
    /// The operation's name.
    pub operation: &'static str,
    pub store: &'a dyn Store,
    pub who: &'a Who,
    /// The time of the operation, read after authentication (which may take a while).
    pub now: Timestamp,
    /// The language the caller asked in, if any ([`crate::locale`]).
    pub language: Option<Language>,
    /// How long a customer's chat stays alive without a fetch ([`crate::chat::customer`]).
    pub customer_idle: std::time::Duration,
    /// The most customers a topic's queue holds; `None`: no cap.
    pub max_queue: Option<i64>,
    pub request_id: &'a str,
    /// The client's address ([`super::source`]), for the log.
    pub source: Option<IpAddr>,
    pub tenant: Option<&'a Tenant>,
    /// The request's `Idempotency-Key`, for this operation.
    pub key: Option<Keyed<'a>>,
    /// Where a committed change is noted, so that an answer that never arrives is logged.
    pub receipt: &'a Receipt,
    /// The customers' rates ([`super::limits`]).
    pub limiter: &'a Limiter,
}

impl Call<'_> {
    /// The agent calling: an operation for agents runs only for one.
    pub fn principal(&self) -> Result<&Principal, ApiError> {
        match self.who {
            Who::Agent(principal) => Ok(principal),
            _ => Err(ApiError::Internal(format!(
                "{} is for agents, and ran for another caller",
                self.operation
            ))),
        }
    }

    /// The agent calling as the one who makes a change now, under the request's key.
    pub fn actor(&self) -> Result<Actor<'_>, ApiError> {
        Ok(Actor {
            agent: &self.principal()?.agent,
            now: self.now,
            key: self.key,
            context: self.request_id,
        })
    }
}
