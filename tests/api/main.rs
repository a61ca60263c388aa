//! Integration tests through the public handler, on real SQLite files.

mod auth;
mod concurrency;
mod helpers;
mod lambda_events;
mod pickup;
mod routes;
mod server;
