//! `admin copy-from`: a tenant that outgrew SQLite moves to PostgreSQL - every row of its
//! SQLite database copied into the PostgreSQL schema `--db` (and `--tenant`) names, in one
//! transaction. Unlike the other commands it needs both backends at once, so start-up opens
//! them for it rather than handing it one [`crate::store::admin::Admin`].

use std::path::PathBuf;

use super::Failure;
use crate::store::postgres::PgStore;
use crate::store::sqlite::SqliteStore;

#[derive(clap::Args)]
pub struct Args {
    /// The SQLite database to copy (brought to this build's schema version as it is
    /// opened; one of a newer build is refused).
    #[arg(long)]
    pub sqlite: PathBuf,
}

/// Copies `source` into `target` and says how many rows each table got. Only counts are
/// printed: the rows hold the secrets' fingerprints and the password hashes.
pub fn run(source: &SqliteStore, target: &PgStore) -> Result<(), Failure> {
    let copied = target.copy_from(source)?;
    let width = copied
        .iter()
        .map(|table| table.table.len())
        .max()
        .unwrap_or(0);
    for table in &copied {
        println!("{:<width$}  {} rows", table.table, table.rows);
    }
    let total: u64 = copied.iter().map(|table| table.rows).sum();
    println!("copied {total} rows in {} tables", copied.len());
    Ok(())
}
