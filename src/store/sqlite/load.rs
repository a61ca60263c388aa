//! Loads a carrier by id, driven by its [`Shape`]: one indexed query per carrier, then the
//! nested carriers it links to.

use rusqlite::types::ValueRef;
use rusqlite::{Connection, OptionalExtension, Row};

use crate::entity::{Kind, Object, Shape, Value};
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
    let values = cells
        .into_iter()
        .map(|cell| match cell {
            Cell::Ready(value) => Ok(value),
            Cell::Link(nested, Some(id)) => Ok(load(connection, nested, id)?
                .map_or(Value::Null, |object| Value::Object(Box::new(object)))),
            Cell::Link(_, None) => Ok(Value::Null),
        })
        .collect::<rusqlite::Result<_>>()?;
    Ok(Some(Object { shape, values }))
}

pub(super) fn select(shape: &Shape) -> String {
    let columns: Vec<&str> = shape.fields.iter().map(|field| field.column).collect();
    format!(
        "SELECT {} FROM {} WHERE {} = ?1",
        columns.join(", "),
        shape.from,
        shape.key
    )
}

/// A value as read from the row; links are followed once the statement is done.
enum Cell {
    Ready(Value),
    Link(&'static Shape, Option<i64>),
}

fn read(shape: &Shape, row: &Row) -> rusqlite::Result<Vec<Cell>> {
    shape
        .fields
        .iter()
        .enumerate()
        .map(|(index, field)| cell(field.kind, row, index))
        .collect()
}

/// NULL reads as the type's empty value, as SuperOffice's carriers have no nulls but links.
fn cell(kind: Kind, row: &Row, index: usize) -> rusqlite::Result<Cell> {
    let int = || -> rusqlite::Result<i64> { Ok(row.get::<_, Option<i64>>(index)?.unwrap_or(0)) };
    let value = match kind {
        Kind::Int => Value::Int(int()?),
        Kind::Text => Value::Text(text(row.get_ref(index)?)),
        Kind::Bool => Value::Bool(int()? != 0),
        Kind::Double => Value::Double(row.get::<_, Option<f64>>(index)?.unwrap_or(0.0)),
        Kind::Date => Value::Date(row.get::<_, Option<Timestamp>>(index)?),
        Kind::Enum(def) => Value::Enum(def, int()?),
        Kind::Flags(def) => Value::Flags(def, int()?),
        Kind::Nested(nested) => return Ok(Cell::Link(nested, row.get(index)?)),
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
