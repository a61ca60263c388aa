//! The API suite on SQLite: every test in `tests/suite/` against a SQLite file.
//!
//! The suite is written once and compiled into two test targets, this one and
//! `tests/postgres.rs`, which differ only in the backend they name as [`KIND`]: from a crate
//! root in `tests/`, `mod suite;` is `tests/suite/mod.rs` for both. The API tests that run
//! once, on SQLite only, are the `api` target (`tests/api/`).

use test_support::app::Kind;

/// The backend every test of the suite in this target runs on.
const KIND: Kind = Kind::Sqlite;

mod suite;
