//! The API suite: integration tests through the public handler that do not depend on the
//! backend, written once and run against each - the `sqlite` and `postgres` test targets
//! (`tests/sqlite.rs`, `tests/postgres.rs`) both declare this module, each with its own
//! `crate::KIND`, which every test here opens its `TestApp` on.

mod auth;
mod capacity;
mod compression;
mod conversation;
mod cors;
mod customer;
mod events;
mod formats;
mod get_session;
mod golden;
mod idempotency;
mod lambda_events;
mod locale;
mod messages;
mod pages;
mod pickup;
mod pickup_by_id;
mod problems;
mod races;
mod reset;
mod routes;
mod schemes;
mod select;
mod server;
mod sessions;
mod sign_in;
mod throttling;
mod transfer;
mod webhooks;
mod zones;
