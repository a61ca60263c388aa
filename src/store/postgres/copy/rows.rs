//! One table's rows, read from SQLite a chunk at a time (in rowid order, so memory stays
//! bounded for a large tenant) and inserted with one prepared statement, each chunk's
//! inserts pipelined on the connection.

use deadpool_postgres::ClientWrapper;
use rusqlite::types::Value;
use tokio_postgres::Statement;
use tokio_postgres::types::ToSql;

use super::Stop;
use super::catalog::Column;
use super::order::Planned;
use super::value::{Param, convert};
use crate::store::postgres::quote;
use crate::store::sqlite::SqliteStore;

/// Rows read and inserted at a time.
const CHUNK: i64 = 500;

/// What copying a table did: its rows, and for each row with a deferred reference that is
/// not NULL, the parameters that fill it in (the deferred values, then the key).
pub struct Done {
    pub rows: u64,
    pub deferred: Vec<Vec<Param>>,
}

/// Copies `planned`'s rows; `upsert`: a table of shipped rows, where the source's row
/// replaces the target's of the same key (both shipped the same, or the tenant changed it).
pub async fn copy(
    client: &ClientWrapper,
    source: &SqliteStore,
    planned: &Planned,
    upsert: bool,
) -> Result<Done, Stop> {
    let table = &planned.table;
    let names: Vec<&str> = table.columns.iter().map(|c| c.name.as_str()).collect();
    let statement = client.prepare(&insert(planned, upsert)).await?;
    let mut done = Done {
        rows: 0,
        deferred: Vec::new(),
    };
    let mut after = i64::MIN;
    loop {
        let chunk = read(source, &table.name, &names, after)
            .map_err(|error| Stop::Refused(format!("reading {}: {error}", table.name)))?;
        let Some((last, _)) = chunk.last() else {
            break;
        };
        after = *last;
        let mut rows = Vec::with_capacity(chunk.len());
        for (rowid, values) in chunk {
            if let Some(update) = deferred(planned, rowid, &values)? {
                done.deferred.push(update);
            }
            let mut row = Vec::with_capacity(values.len());
            for (column, value) in table.columns.iter().zip(values) {
                // A deferred reference is inserted as NULL, and filled in later.
                let value = match planned.deferred.contains(&column.name) {
                    true => Value::Null,
                    false => value,
                };
                row.push(param(planned, rowid, column, value)?);
            }
            rows.push(row);
        }
        execute_all(client, &statement, &rows).await?;
        done.rows += rows.len() as u64;
    }
    Ok(done)
}

/// Fills in the deferred references of the rows copied without them.
pub async fn fill_deferred(
    client: &ClientWrapper,
    planned: &Planned,
    rows: &[Vec<Param>],
) -> Result<(), Stop> {
    if rows.is_empty() {
        return Ok(());
    }
    let mut number = 0;
    let mut placeholders = |names: &[String], separator: &str| {
        let terms: Vec<String> = names
            .iter()
            .map(|name| {
                number += 1;
                format!("{} = ${number}", quote(name))
            })
            .collect();
        terms.join(separator)
    };
    let set = placeholders(&planned.deferred, ", ");
    let key = placeholders(&planned.table.key, " AND ");
    let sql = format!(
        "UPDATE {} SET {set} WHERE {key}",
        quote(&planned.table.name)
    );
    let statement = client.prepare(&sql).await?;
    Ok(execute_all(client, &statement, rows).await?)
}

/// The insert of one row, of every column.
fn insert(planned: &Planned, upsert: bool) -> String {
    let table = &planned.table;
    let columns: Vec<String> = table.columns.iter().map(|c| quote(&c.name)).collect();
    let values: Vec<String> = (1..=columns.len()).map(|n| format!("${n}")).collect();
    let mut sql = format!(
        "INSERT INTO {} ({}) VALUES ({})",
        quote(&table.name),
        columns.join(", "),
        values.join(", ")
    );
    if upsert {
        let key: Vec<String> = table.key.iter().map(|name| quote(name)).collect();
        let updates: Vec<String> = table
            .columns
            .iter()
            .filter(|column| !table.key.contains(&column.name))
            .map(|column| format!("{0} = excluded.{0}", quote(&column.name)))
            .collect();
        let action = match updates.is_empty() {
            true => "NOTHING".to_string(),
            false => format!("UPDATE SET {}", updates.join(", ")),
        };
        sql.push_str(&format!(" ON CONFLICT ({}) DO {action}", key.join(", ")));
    }
    sql
}

/// Runs `statement` once for each of `rows`, pipelined: sent together, awaited together.
async fn execute_all(
    client: &ClientWrapper,
    statement: &Statement,
    rows: &[Vec<Param>],
) -> Result<(), tokio_postgres::Error> {
    let params: Vec<Vec<&(dyn ToSql + Sync)>> = rows
        .iter()
        .map(|row| row.iter().map(|param| param.as_ref() as _).collect())
        .collect();
    let runs = params.iter().map(|row| client.execute(statement, row));
    futures_util::future::try_join_all(runs).await?;
    Ok(())
}

/// `value` of `column` as a parameter, or the refusal that names where it is.
fn param(planned: &Planned, rowid: i64, column: &Column, value: Value) -> Result<Param, Stop> {
    convert(&column.kind, value).map_err(|reason| {
        let table = &planned.table.name;
        Stop::Refused(format!("{table}.{} (rowid {rowid}): {reason}", column.name))
    })
}

/// The parameters of the update that fills in a row's deferred references (their values,
/// then the row's key), if any of them is not NULL.
fn deferred(planned: &Planned, rowid: i64, values: &[Value]) -> Result<Option<Vec<Param>>, Stop> {
    let columns = &planned.table.columns;
    let value_of = |name: &String| {
        columns
            .iter()
            .zip(values)
            .find(|(column, _)| &column.name == name)
    };
    let set: Vec<(&Column, &Value)> = planned.deferred.iter().filter_map(value_of).collect();
    if set.iter().all(|(_, value)| **value == Value::Null) {
        return Ok(None);
    }
    let key = planned.table.key.iter().filter_map(value_of);
    let params = set
        .into_iter()
        .chain(key)
        .map(|(column, value)| param(planned, rowid, column, value.clone()))
        .collect::<Result<_, _>>()?;
    Ok(Some(params))
}

/// Up to [`CHUNK`] rows after rowid `after`, each with its rowid.
fn read(
    source: &SqliteStore,
    table: &str,
    columns: &[&str],
    after: i64,
) -> rusqlite::Result<Vec<(i64, Vec<Value>)>> {
    let quoted: Vec<String> = columns.iter().map(|name| quote(name)).collect();
    let sql = format!(
        "SELECT rowid, {} FROM {} WHERE rowid > ?1 ORDER BY rowid LIMIT {CHUNK}",
        quoted.join(", "),
        quote(table)
    );
    let connection = source.connection();
    let mut statement = connection.prepare_cached(&sql)?;
    let rows = statement.query_map([after], |row| {
        let values = (1..=columns.len())
            .map(|index| row.get(index))
            .collect::<rusqlite::Result<_>>()?;
        Ok((row.get(0)?, values))
    })?;
    rows.collect()
}
