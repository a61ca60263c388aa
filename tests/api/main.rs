//! Integration tests through the public handler, on real databases. The modules under
//! `sqlite` and `postgres` are the same files compiled twice: each runs against its
//! backend (a SQLite file; a database on a throwaway PostgreSQL cluster, skipped loudly
//! where PostgreSQL is not installed). The rest run once, on SQLite: what only a file can
//! show (locks, faults, other connections), the binary's settings, and what does not
//! depend on the store (the OpenAPI document, the README, property tests).

// The suite's files are loaded once per backend on purpose (see `suite!`).
#![allow(clippy::duplicate_mod)]

#[macro_use]
mod helpers;
mod xml;

mod concurrency;
mod delivery;
mod failures;
mod lambda_runtime;
mod limits;
mod openapi;
mod panics;
mod properties;
mod readme;
mod recovery;
mod settings;
mod tenants;

/// Declares the suite's backend-independent modules inside a backend's module.
macro_rules! suite {
    () => {
        mod auth;
        mod capacity;
        mod compression;
        mod cors;
        mod formats;
        mod get_session;
        mod golden;
        mod idempotency;
        mod lambda_events;
        mod locale;
        mod pickup;
        mod pickup_by_id;
        mod problems;
        mod reset;
        mod routes;
        mod schemes;
        mod select;
        mod server;
        mod sessions;
        mod throttling;
        mod transfer;
        mod zones;
    };
}

#[path = "."]
mod sqlite {
    pub const KIND: crate::helpers::Kind = crate::helpers::Kind::Sqlite;
    suite!();
}

#[path = "."]
mod postgres {
    pub const KIND: crate::helpers::Kind = crate::helpers::Kind::Postgres;
    suite!();
}
