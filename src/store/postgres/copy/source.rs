//! The source's tables matched with the target's by name: a table or column of the SQLite
//! database that PostgreSQL has no place for is refused, never dropped - but for SQLite's
//! own change feed, which PostgreSQL replaces with notifications.

use super::catalog::{Column, Table};
use crate::store::sqlite::SqliteStore;

/// SQLite's alone (`src/store/sqlite/migrate.rs`): derived from the sessions, not data.
const SQLITE_ONLY: [&str; 1] = ["session_change"];

/// The target's tables that the source has, each with the columns both have (in the
/// target's order).
pub fn matched(source: &SqliteStore, target: Vec<Table>) -> Result<Vec<Table>, String> {
    let connection = source.connection();
    let reading = |error: rusqlite::Error| format!("reading the SQLite database: {error}");
    let names: Vec<String> = connection
        .prepare(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
             ORDER BY name",
        )
        .and_then(|mut statement| statement.query_map([], |row| row.get(0))?.collect())
        .map_err(reading)?;
    let mut tables = Vec::new();
    for name in names
        .iter()
        .filter(|name| !SQLITE_ONLY.contains(&name.as_str()))
    {
        let Some(table) = target.iter().find(|table| &table.name == name) else {
            return Err(format!("PostgreSQL's schema has no table {name}"));
        };
        let columns: Vec<String> = connection
            .prepare("SELECT name FROM pragma_table_info(?1)")
            .and_then(|mut statement| statement.query_map([name], |row| row.get(0))?.collect())
            .map_err(reading)?;
        if let Some(missing) = columns
            .iter()
            .find(|column| !table.columns.iter().any(|known| &known.name == *column))
        {
            return Err(format!("PostgreSQL's {name} has no column {missing}"));
        }
        let shared: Vec<Column> = table
            .columns
            .iter()
            .filter(|column| columns.contains(&column.name))
            .cloned()
            .collect();
        tables.push(Table {
            columns: shared,
            ..table.clone()
        });
    }
    Ok(tables)
}
