//! chat-pickup: SuperOffice's `POST /api/v1/ChatSession/Pickup` as a Lambda function over
//! SQLite or PostgreSQL.
//!
//! A request flows through these modules, in order:
//!
//! - [`handler`]: the one handler both runtimes call ([`handler::App::handle`]).
//! - [`cors`]: which web pages may call; a foreign page is refused before anything happens.
//! - [`routes`]: method and path to an [`routes::Endpoint`] and optional [`tenant::Tenant`].
//! - [`auth`]: credentials - Basic, SoTicket, Bearer (API token or JWT), the ticket cookie
//!   with its XSRF pair, SO-AppToken - to a [`auth::Principal`], one file per scheme.
//! - [`store`]: the narrow persistence interface ([`store::Stores`], [`store::Store`]) and its
//!   two backends, where the pickup transaction lives ([`store::sqlite`],
//!   [`store::postgres`]).
//! - [`entity`]: SuperOffice's carriers described as data; the store fills them, serde prints them.
//! - [`negotiate`]: `Accept` to a [`negotiate::Format`], and [`select`]: `$select` to a
//!   [`select::Selection`] - both before anything changes.
//! - [`locale`]: the language, culture and time-zone headers to a [`locale::LocaleRequest`],
//!   and the [`locale::Localizer`] every string and date of the response passes through.
//! - [`render`] for the success body, [`error`] for every failure (mapped to HTTP in one place).
//!
//! Around them: [`time`] (UTC instants, stored and printed), [`server`] (local HTTP with
//! hyper), [`cli`] (commands and settings), [`demo`] (demo data), [`random`], [`logging`] and
//! [`memory`] (the allocator setting that keeps the resident set small).

pub mod auth;
pub mod cli;
pub mod cors;
pub mod demo;
pub mod encoding;
pub mod entity;
pub mod error;
pub mod handler;
pub mod locale;
pub mod logging;
pub mod memory;
pub mod negotiate;
pub mod random;
pub mod render;
pub mod routes;
pub mod select;
pub mod server;
pub mod store;
pub mod tenant;
pub mod time;
