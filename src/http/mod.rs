//! Everything that knows HTTP: the one handler both runtimes call, the local server, and
//! what a request says and a response carries. A request flows through, in order:
//!
//! - [`handler`]: [`App::handle`], shared by the Lambda runtime and [`server`] (local HTTP
//!   with hyper); [`request`] reads the path, request id and query off the event, [`source`]
//!   the client's address.
//! - `pages`: the service's own pages and scripts (the widget, the console, the demo),
//!   answered before anything else.
//! - [`cors`]: which web pages may call; a foreign page is refused before anything happens.
//! - [`routes`]: the route table - method and path to an operation and optional tenant.
//! - [`negotiate`]: `Accept` to a [`negotiate::Format`]; [`select`]: `$select` to a
//!   [`select::Selection`]; `bind` with [`body`]: what a request names for its operation -
//!   all before anything changes.
//! - [`ops`]: the operations, one file each, run once the caller is authenticated (with an
//!   `Idempotency-Key` entered [`in_flight`] while a change runs).
//! - [`render`] for the success body (with the wire format of a carrier), [`error`] for
//!   every failure, mapped to a status and a problem body in one place; [`cookies`] sets a
//!   page's ticket cookie pair on a sign-in's answer; [`encoding`] compresses any answer.

mod accept;
mod bind;
pub mod body;
pub mod cookies;
pub mod cors;
pub mod delivery;
pub mod encoding;
pub mod error;
mod exchange;
pub mod handler;
pub mod in_flight;
pub mod limits;
pub mod long_poll;
pub mod negotiate;
pub mod ops;
mod pages;
pub mod render;
pub mod request;
pub mod routes;
pub mod select;
pub mod server;
pub mod source;

pub use handler::App;
