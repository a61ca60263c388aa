//! chat-pickup: SuperOffice's `POST /api/v1/ChatSession/Pickup` - and the agent's moves
//! around it - as a Lambda function over SQLite or PostgreSQL.
//!
//! The modules, in the order a request meets them (a module uses only those below it):
//!
//! - [`startup`] builds the stores and the app from the [`config`] (the command line and
//!   environment, read with clap) and runs the local server, the Lambda runtime or a
//!   command; [`admin`] holds the `admin` commands (their own clap subcommands) and the demo
//!   data.
//! - [`webhook`]: the outbox delivered - each committed change's event sent, signed, to the
//!   registered webhooks, retried, in order per session.
//! - [`http`]: everything that knows HTTP - the one handler both runtimes call
//!   ([`http::App::handle`]), the local server, CORS, the route table, `Accept` and `$select`,
//!   the operations (one file each, [`http::ops`]), rendering, and every failure mapped to a
//!   status and a problem in one place ([`http::error`]); the service's own pages (widget,
//!   console, demo) compiled in; a page's sign-in cookies ([`http::cookies`]).
//! - [`auth`]: credentials - Basic, SoTicket, Bearer (API token or JWT), the ticket cookie
//!   with its XSRF pair, SO-AppToken - to an [`auth::Principal`], one file per scheme; a
//!   page's sign-in checked as Basic is; failed sign-ins held back ([`auth::throttle`]).
//! - [`store`]: the narrow persistence interface ([`store::Stores`], [`store::Store`],
//!   [`store::admin::Admin`]) and the two backends ([`store::sqlite`], [`store::postgres`]),
//!   which hold SQL - written once for both where it can be ([`store::sql`]) - and row
//!   mapping; inside its transaction a backend reads the facts and asks the chat's decision.
//! - [`chat`]: the chat's decisions - the queue, pickups, Ranks, welcomes, capacity, resets,
//!   transfers, `Idempotency-Key` outcomes and why a change is refused - as plain types and
//!   functions over facts, with neither SQL nor HTTP.
//! - [`locale`]: the language, culture and time-zone headers and the [`locale::Localizer`]
//!   every string and date passes through; [`entity`]: SuperOffice's carriers described as
//!   data.
//! - At the bottom: [`account`] (associates, accounts, issued secrets, tenants, random
//!   bytes), [`time`] (UTC instants, stored and printed) and [`telemetry`] (the metrics'
//!   names, recorded where things happen; exposed as Prometheus text or CloudWatch EMF by
//!   [`startup`]).

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
pub mod telemetry;
pub mod time;
pub mod webhook;
