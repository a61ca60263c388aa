//! Integration tests through the public handler, on real SQLite files.

mod auth;
mod compression;
mod concurrency;
mod cors;
mod failures;
mod formats;
mod golden;
mod helpers;
mod lambda_events;
mod locale;
mod openapi;
mod pickup;
mod problems;
mod properties;
mod readme;
mod routes;
mod schemes;
mod select;
mod server;
mod settings;
mod xml;
