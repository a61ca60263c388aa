//! Loads a carrier by id from SQLite: one indexed query per carrier, then the nested
//! carriers it links to.

use rusqlite::types::ValueRef;
use rusqlite::{Connection, OptionalExtension, Row};

use crate::entity::{Kind, Object, Shape, Value};
use crate::store::load::{Cell, assemble, empty};
use crate::time::Timestamp;

/// The carrier of `shape` with id `key`, or `None` if there is no such row.
pub(super) fn load(
    connection: &Connection,
    shape: &'static Shape,
    key: i64,
) -> rusqlite::Result<Option<Object>> {
    let mut statement = connection.prepare_cached(&select(shape))?;
    let Some(cells) = statement
        .query_row([key], |row| read(shape, row))
        .optional()?
    else {
        return Ok(None);
    };
    assemble(shape, cells, |nested, id| load(connection, nested, id)).map(Some)
}

/// The carriers of `shape` a query over `shape`'s `FROM` finds: `rest` is its `WHERE` and
/// `ORDER BY`, its parameters `?1`, `?2`, ... bound to `parameters`. In one read transaction, so
/// every carrier is as of the same moment.
pub(super) fn list(
    connection: &mut Connection,
    shape: &'static Shape,
    rest: &str,
    parameters: &[i64],
) -> rusqlite::Result<Vec<Object>> {
    let transaction = connection.transaction()?;
    let query = format!(
        "{} {rest}",
        crate::store::load::select_all(shape, |field| field.column.to_string())
    );
    let rows = transaction
        .prepare_cached(&query)?
        .query_map(rusqlite::params_from_iter(parameters), |row| {
            read(shape, row)
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let objects = rows
        .into_iter()
        .map(|cells| assemble(shape, cells, |nested, id| load(&transaction, nested, id)))
        .collect::<rusqlite::Result<_>>()?;
    transaction.commit()?;
    Ok(objects)
}

pub(super) fn select(shape: &Shape) -> String {
    crate::store::load::select(shape, |field| field.column.to_string(), "?1")
}

pub(super) fn read(shape: &Shape, row: &Row) -> rusqlite::Result<Vec<Cell>> {
    crate::store::load::cells(shape, |kind, index| cell(kind, row, index))
}

fn cell(kind: Kind, row: &Row, index: usize) -> rusqlite::Result<Cell> {
    let value = row.get_ref(index)?;
    if value == ValueRef::Null && !matches!(kind, Kind::Dictionary | Kind::Layout) {
        return Ok(empty(kind));
    }
    let value = match kind {
        Kind::Optional(kind) => return cell(*kind, row, index),
        Kind::Int => Value::Int(row.get(index)?),
        Kind::Text => Value::Text(text(value)),
        Kind::Bool => Value::Bool(row.get::<_, i64>(index)? != 0),
        Kind::Double => Value::Double(row.get(index)?),
        Kind::Date => Value::Date(Some(row.get::<_, Timestamp>(index)?)),
        Kind::Enum(def) => Value::Enum(def, row.get(index)?),
        Kind::Flags(def) => Value::Flags(def, row.get(index)?),
        Kind::Nested(nested) => return Ok(Cell::Link(nested, Some(row.get(index)?))),
        Kind::Dictionary => Value::Dictionary,
        Kind::Layout => Value::Layout,
    };
    Ok(Cell::Ready(value))
}

/// Text columns may hold numbers after a hand edit; show them rather than fail.
fn text(value: ValueRef) -> String {
    match value {
        ValueRef::Null => String::new(),
        ValueRef::Integer(number) => number.to_string(),
        ValueRef::Real(number) => number.to_string(),
        ValueRef::Text(bytes) | ValueRef::Blob(bytes) => {
            String::from_utf8_lossy(bytes).into_owned()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entity::ALL_SHAPES;

    #[test]
    fn every_shape_query_compiles_against_the_schema() {
        let connection = Connection::open_in_memory().unwrap();
        connection.execute_batch(super::super::SCHEMA).unwrap();
        for shape in ALL_SHAPES {
            connection
                .prepare(&select(shape))
                .unwrap_or_else(|error| panic!("{}: {error}", shape.name));
        }
    }
}
