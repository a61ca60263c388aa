//! The API suite on PostgreSQL: every test in `tests/suite/` against a database of its own
//! on a throwaway PostgreSQL cluster, which the tests start (and skip, loudly, where
//! PostgreSQL is not installed; `CHAT_PICKUP_REQUIRE_PG=1` makes that a failure).
//!
//! The suite is written once and compiled into two test targets, this one and
//! `tests/sqlite.rs`, which differ only in the backend they name as [`KIND`]: from a crate
//! root in `tests/`, `mod suite;` is `tests/suite/mod.rs` for both. The API tests that run
//! once, on SQLite only, are the `api` target (`tests/api/`).

use test_support::app::Kind;

/// The backend every test of the suite in this target runs on.
const KIND: Kind = Kind::Postgres;

mod suite;
