//! `admin copy-from`: every row of a SQLite database copied into this PostgreSQL schema, in
//! one transaction - all or nothing. The two schemas have the same tables and columns
//! (`scripts/pg_schema.py`), so columns are matched by name and each value converted by the
//! PostgreSQL column's type ([`value`]). Tables go in foreign-key order ([`order`]) into a
//! schema holding no data but the rows the schema ships ([`empty`]); the identity sequences
//! are then moved past the copied ids ([`sequences`]).

mod catalog;
mod empty;
mod order;
mod rows;
mod sequences;
mod source;
mod value;

use std::fmt;

use deadpool_postgres::ClientWrapper;

use super::PgStore;
use super::errors::Failure;
use crate::store::StoreError;
use crate::store::sqlite::SqliteStore;

/// One table's rows, copied.
#[derive(Debug, PartialEq, Eq)]
pub struct Copied {
    pub table: String,
    pub rows: u64,
}

#[derive(Debug)]
pub enum CopyError {
    /// The copy cannot be made as asked (the target holds data, a table or a value does not
    /// fit); nothing was changed.
    Refused(String),
    Store(StoreError),
}

impl fmt::Display for CopyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CopyError::Refused(reason) => write!(f, "nothing copied: {reason}"),
            CopyError::Store(error) => error.fmt(f),
        }
    }
}

impl std::error::Error for CopyError {}

/// Why a step of the copy stopped: a refusal, which the copy rolls back itself, or the
/// database's failure, which the transaction's runner rolls back (and retries if transient).
enum Stop {
    Refused(String),
    Failed(Failure),
}

impl From<tokio_postgres::Error> for Stop {
    fn from(error: tokio_postgres::Error) -> Self {
        Stop::Failed(Failure::Db(error))
    }
}

impl PgStore {
    /// Copies every row of `source` (opened, and so brought to the current schema version,
    /// by the caller) into this schema; each table's count, in the order copied.
    pub fn copy_from(&self, source: &SqliteStore) -> Result<Vec<Copied>, CopyError> {
        let outcome = self.write_committing(&[], async |client| {
            let (end, outcome) = match copy(client, source).await {
                Ok(copied) => ("COMMIT", Ok(copied)),
                Err(Stop::Refused(reason)) => ("ROLLBACK", Err(reason)),
                Err(Stop::Failed(failure)) => return Err(failure),
            };
            client.batch_execute(end).await?;
            Ok(outcome)
        });
        match outcome {
            Ok(Ok(copied)) => Ok(copied),
            Ok(Err(reason)) => Err(CopyError::Refused(reason)),
            Err(failure) => Err(CopyError::Store(failure.into())),
        }
    }
}

/// The copy, inside the transaction.
async fn copy(client: &ClientWrapper, source: &SqliteStore) -> Result<Vec<Copied>, Stop> {
    let target = catalog::tables(client).await?;
    let tables = source::matched(source, target).map_err(Stop::Refused)?;
    let shipped = empty::shipped_tables();
    empty::check(client, &tables, &shipped).await?;
    let mut copied = Vec::new();
    let mut later = Vec::new();
    for planned in order::order(tables) {
        let upsert = shipped.contains(&planned.table.name.as_str());
        let done = rows::copy(client, source, &planned, upsert).await?;
        copied.push(Copied {
            table: planned.table.name.clone(),
            rows: done.rows,
        });
        later.push((planned, done.deferred));
    }
    for (planned, deferred) in &later {
        rows::fill_deferred(client, planned, deferred).await?;
        sequences::advance(client, &planned.table).await?;
    }
    Ok(copied)
}
