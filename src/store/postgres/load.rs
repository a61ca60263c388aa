//! Loads a carrier by id from PostgreSQL: one indexed query per carrier, and the carriers it
//! links to loaded side by side (pipelined on the one connection), a level at a time.

use deadpool_postgres::ClientWrapper;
use futures_util::future::{BoxFuture, try_join_all};
use tokio_postgres::Row;

use super::queries::row;
use crate::entity::{Field, Kind, Object, Shape, Value};
use crate::store::load::{Cell, assemble, empty};
use crate::time::Timestamp;

/// The carrier of `shape` with id `key`, or `None` if there is no such row.
pub fn load<'a>(
    client: &'a ClientWrapper,
    shape: &'static Shape,
    key: i64,
) -> BoxFuture<'a, Result<Option<Object>, tokio_postgres::Error>> {
    Box::pin(async move {
        let Some(found) = row(client, &select(shape), &[&key]).await? else {
            return Ok(None);
        };
        let cells = read(shape, &found)?;
        let links = cells.iter().filter_map(|cell| match cell {
            Cell::Link(nested, Some(id)) => Some(load(client, nested, *id)),
            _ => None,
        });
        let mut nested = try_join_all(links).await?.into_iter();
        let object = assemble(shape, cells, |_, _| {
            Ok::<_, tokio_postgres::Error>(nested.next().flatten())
        })?;
        Ok(Some(object))
    })
}

/// The shape's query, each column cast to the type its kind is read as: the expressions are
/// shared with SQLite, where `0.0` or `''` need no type.
pub fn select(shape: &Shape) -> String {
    crate::store::load::select(shape, column, "$1")
}

fn column(field: &Field) -> String {
    let column = field.column;
    match field.kind {
        Kind::Int | Kind::Enum(_) | Kind::Flags(_) | Kind::Nested(_) => {
            format!("CAST(({column}) AS bigint)")
        }
        Kind::Text => format!("CAST(({column}) AS text)"),
        Kind::Bool => format!("CAST(({column}) AS boolean)"),
        Kind::Double => format!("CAST(({column}) AS double precision)"),
        Kind::Date => format!("CAST(({column}) AS timestamptz)"),
        Kind::Dictionary | Kind::Layout => "NULL".into(),
    }
}

fn read(shape: &Shape, row: &Row) -> Result<Vec<Cell>, tokio_postgres::Error> {
    shape
        .fields
        .iter()
        .enumerate()
        .map(|(index, field)| cell(field.kind, row, index))
        .collect()
}

fn cell(kind: Kind, row: &Row, index: usize) -> Result<Cell, tokio_postgres::Error> {
    let value = match kind {
        Kind::Int => row.try_get::<_, Option<i64>>(index)?.map(Value::Int),
        Kind::Text => row.try_get::<_, Option<String>>(index)?.map(Value::Text),
        Kind::Bool => row.try_get::<_, Option<bool>>(index)?.map(Value::Bool),
        Kind::Double => row.try_get::<_, Option<f64>>(index)?.map(Value::Double),
        Kind::Date => row
            .try_get::<_, Option<chrono::DateTime<chrono::Utc>>>(index)?
            .map(|at| Value::Date(Some(Timestamp::from_utc(at)))),
        Kind::Enum(def) => row
            .try_get::<_, Option<i64>>(index)?
            .map(|n| Value::Enum(def, n)),
        Kind::Flags(def) => row
            .try_get::<_, Option<i64>>(index)?
            .map(|n| Value::Flags(def, n)),
        Kind::Nested(nested) => {
            return Ok(Cell::Link(nested, row.try_get(index)?));
        }
        Kind::Dictionary => Some(Value::Dictionary),
        Kind::Layout => Some(Value::Layout),
    };
    Ok(value.map_or_else(|| empty(kind), Cell::Ready))
}
