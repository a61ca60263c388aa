//! The copy goes into an empty schema only: a schema with data of its own would be merged
//! into, its ids clashing with the copied ones or - worse - not clashing. Empty means no
//! rows but the ones the schema ships (languages, string resources, time-zone locations),
//! which a fresh schema has and the source has too.

use deadpool_postgres::ClientWrapper;

use super::Stop;
use super::catalog::Table;
use crate::store::postgres::{SCHEMA, quote};

/// The tables `schema.pg.sql` ships rows into (`INSERT INTO {table} ...`).
pub fn shipped_tables() -> Vec<&'static str> {
    let mut tables: Vec<&str> = SCHEMA
        .lines()
        .filter_map(|line| line.strip_prefix("INSERT INTO "))
        .filter_map(|rest| rest.split([' ', '(']).next())
        .collect();
    tables.dedup();
    tables
}

/// Refuses the copy, naming what is there, if any of `tables` but the shipped ones has rows.
pub async fn check(client: &ClientWrapper, tables: &[Table], shipped: &[&str]) -> Result<(), Stop> {
    let mut found = Vec::new();
    for table in tables
        .iter()
        .filter(|t| !shipped.contains(&t.name.as_str()))
    {
        let sql = format!("SELECT count(*) FROM {}", quote(&table.name));
        let rows: i64 = client.query_one(&sql, &[]).await?.try_get(0)?;
        if rows > 0 {
            found.push(format!("{} ({rows} rows)", table.name));
        }
    }
    if found.is_empty() {
        return Ok(());
    }
    Err(Stop::Refused(format!(
        "the PostgreSQL schema holds data already: {}; copy into a new schema (--tenant) or \
         an empty database",
        found.join(", ")
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_tables_are_the_reference_data() {
        assert_eq!(shipped_tables(), ["language", "resource", "tzlocation"]);
    }
}
