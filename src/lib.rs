//! chat-pickup: SuperOffice's `POST /api/v1/ChatSession/Pickup` as a Lambda function over
//! SQLite or PostgreSQL.
//!
//! The modules, from the top layer down (a module uses only those below it):
//!
//! - [`startup`] builds the stores and the app from the [`config`] (the command line and
//!   environment, read with clap) and runs the local server, the Lambda runtime or a
//!   command; [`admin`] holds the `admin` commands (their own clap subcommands), [`demo`]
//!   the demo data.
//! - [`http`]: everything that knows HTTP - the one handler both runtimes call
//!   ([`http::App::handle`]), the local server, CORS, the route table, `Accept` and `$select`,
//!   the operations (one file each, [`http::ops`]), rendering and the problem responses.
//! - [`auth`]: credentials - Basic, SoTicket, Bearer (API token or JWT), the ticket cookie
//!   with its XSRF pair, SO-AppToken - to an [`auth::Principal`], one file per scheme;
//!   failed sign-ins held back ([`auth::throttle`]).
//! - [`store`]: the narrow persistence interface ([`store::Stores`], [`store::Store`],
//!   [`store::admin::Admin`]), the decisions a pickup makes, and the two backends, which hold
//!   SQL and row mapping only ([`store::sqlite`], [`store::postgres`]).
//! - [`account`]: the associates, accounts and issued secrets auth and store share;
//!   [`entity`]: SuperOffice's carriers described as data; [`locale`]: the language, culture
//!   and time-zone headers and the [`locale::Localizer`] every string and date passes
//!   through.
//! - At the bottom: [`time`] (UTC instants, stored and printed), [`tenant`] (tenant names),
//!   [`idempotency`] (`Idempotency-Key` values), [`quality`] (HTTP q-values), [`random`], [`logging`] and [`memory`] (the allocator
//!   setting that keeps the resident set small).

pub mod account;
pub mod admin;
pub mod auth;
pub mod chat;
pub mod config;
pub mod entity;
pub mod http;
pub mod locale;
pub mod startup;
pub mod store;
pub mod time;
