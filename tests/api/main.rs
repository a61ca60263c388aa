//! The API tests that run once, on SQLite, through the public handler: what only a file can
//! show (locks, faults, other connections), the binary's settings, and what does not depend
//! on the store (the OpenAPI document, the README and docs/ examples, property tests).
//!
//! The rest of the API suite is written once, in `tests/suite/`, and runs against both
//! backends as two test targets: `tests/sqlite.rs` (a SQLite file) and `tests/postgres.rs`
//! (a database on a throwaway PostgreSQL cluster, skipped loudly where PostgreSQL is not
//! installed). `TestApp` and the other helpers all three share are in `test-support`
//! (`test_support::app`, `test_support::xml`).

mod browser;
mod concurrency;
mod delivery;
mod demo;
mod docs_commands;
mod failures;
mod lambda_runtime;
mod limits;
mod metrics;
mod openapi;
mod pages;
mod panics;
mod properties;
mod readme;
mod recovery;
mod settings;
mod tenants;
mod webhook_crash;
