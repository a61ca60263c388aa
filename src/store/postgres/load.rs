//! Loads carriers from PostgreSQL: one indexed query per carrier, the carriers one links to
//! loaded side by side (pipelined on one connection), in a read transaction per level.

use deadpool_postgres::ClientWrapper;
use futures_util::future::try_join_all;
use tokio_postgres::Row;

use super::PgStore;
use super::errors::Failure;
use super::row;
use crate::entity::{Field, Kind, Object, Shape, Value};
use crate::store::load::{Cell, assemble, empty};
use crate::time::Timestamp;

/// Rows read already, by shape and id: they are not read again.
pub type Known = Vec<(&'static Shape, i64, Vec<Cell>)>;

/// The carrier of `shape` with id `key`, everything it links to loaded; `None` if there is
/// no such row.
pub fn by_id(store: &PgStore, shape: &'static Shape, key: i64) -> Result<Option<Object>, Failure> {
    let statement = select(shape);
    let cells = store.read(&[&statement], async |client| {
        Ok(load_cells(client, shape, key).await?)
    })?;
    cells
        .map(|cells| complete(store, shape, cells, &mut Known::new()))
        .transpose()
}

/// The carriers of `shape` a query over `shape`'s `FROM` finds: `rest` is its `WHERE` and
/// `ORDER BY`, its parameters `$1`, `$2`, ... bound to `parameters`. The rows are read in one
/// statement; what they link to is loaded after, as [`by_id`] does.
pub fn list(
    store: &PgStore,
    shape: &'static Shape,
    rest: &str,
    parameters: &[i64],
) -> Result<Vec<Object>, Failure> {
    let query = format!("{} {rest}", crate::store::load::select_all(shape, column));
    let rows = store.read(&[&query], async |client| {
        let bound: Vec<&(dyn tokio_postgres::types::ToSql + Sync)> = parameters
            .iter()
            .map(|parameter| parameter as &(dyn tokio_postgres::types::ToSql + Sync))
            .collect();
        let found = super::rows(client, &query, &bound).await?;
        Ok(found
            .iter()
            .map(|row| cells(shape, row))
            .collect::<Result<Vec<_>, _>>()?)
    })?;
    let mut known = Known::new();
    rows.into_iter()
        .map(|cells| complete(store, shape, cells, &mut known))
        .collect()
}

/// The carrier from its row's cells, with everything it links to loaded (from `known` where
/// it is there).
pub fn complete(
    store: &PgStore,
    shape: &'static Shape,
    cells: Vec<Cell>,
    known: &mut Known,
) -> Result<Object, Failure> {
    let links: Vec<(&'static Shape, i64)> = cells
        .iter()
        .filter_map(|cell| match cell {
            Cell::Link(nested, Some(id)) => Some((*nested, *id)),
            _ => None,
        })
        .collect();
    let mut found: Vec<Option<Vec<Cell>>> = links
        .iter()
        .map(|(nested, id)| take(known, nested, *id))
        .collect();
    let missing: Vec<(&'static Shape, i64)> = links
        .iter()
        .zip(&found)
        .filter(|(_, found)| found.is_none())
        .map(|(link, _)| *link)
        .collect();
    if !missing.is_empty() {
        let statements: Vec<String> = missing.iter().map(|(nested, _)| select(nested)).collect();
        let statements: Vec<&str> = statements.iter().map(String::as_str).collect();
        let mut rows = store
            .read(&statements, async |client| {
                let loads = missing
                    .iter()
                    .map(|(nested, id)| load_cells(client, nested, *id));
                Ok(try_join_all(loads).await?)
            })?
            .into_iter();
        for slot in found.iter_mut().filter(|slot| slot.is_none()) {
            *slot = rows.next().flatten();
        }
    }
    let mut children = Vec::with_capacity(links.len());
    for ((nested, _), cells) in links.iter().zip(found) {
        children.push(match cells {
            Some(cells) => Some(complete(store, nested, cells, known)?),
            None => None,
        });
    }
    let mut children = children.into_iter();
    assemble(shape, cells, |_, _| Ok(children.next().flatten()))
}

fn take(known: &mut Known, shape: &'static Shape, id: i64) -> Option<Vec<Cell>> {
    let at = known
        .iter()
        .position(|(other, key, _)| std::ptr::eq(*other, shape) && *key == id)?;
    Some(known.swap_remove(at).2)
}

/// The cells of the row of `shape` with id `key`, if there is one.
async fn load_cells(
    client: &ClientWrapper,
    shape: &'static Shape,
    key: i64,
) -> Result<Option<Vec<Cell>>, tokio_postgres::Error> {
    match row(client, &select(shape), &[&key]).await? {
        Some(found) => Ok(Some(cells(shape, &found)?)),
        None => Ok(None),
    }
}

/// The shape's query, each column cast to the type its kind is read as: the expressions are
/// shared with SQLite, where `0.0` or `''` need no type.
pub fn select(shape: &Shape) -> String {
    crate::store::load::select(shape, column, "$1")
}

pub fn column(field: &Field) -> String {
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
        Kind::Optional(kind) => self::column(&Field {
            kind: *kind,
            ..*field
        }),
    }
}

/// The cells of a row `select(shape)` returned.
pub fn cells(shape: &Shape, row: &Row) -> Result<Vec<Cell>, tokio_postgres::Error> {
    crate::store::load::cells(shape, |kind, index| cell(kind, row, index))
}

fn cell(kind: Kind, row: &Row, index: usize) -> Result<Cell, tokio_postgres::Error> {
    Ok(match kind {
        Kind::Nested(nested) => Cell::Link(nested, row.try_get(index)?),
        Kind::Optional(kind) => Cell::Ready(value(*kind, row, index)?.unwrap_or(Value::Null)),
        kind => value(kind, row, index)?.map_or_else(|| empty(kind), Cell::Ready),
    })
}

/// The value of a column of `kind`; `None` for NULL.
fn value(kind: Kind, row: &Row, index: usize) -> Result<Option<Value>, tokio_postgres::Error> {
    Ok(match kind {
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
        Kind::Dictionary => Some(Value::Dictionary),
        Kind::Layout => Some(Value::Layout),
        Kind::Nested(_) | Kind::Optional(_) => None,
    })
}
