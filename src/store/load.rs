//! What both backends share when loading a carrier by id, driven by its [`Shape`]: the query
//! (one indexed row per carrier) and the cells read from it, whose links are then followed.

use crate::entity::{Field, Kind, Object, Shape, Value};

/// A value as read from the row; links are followed once the row is read.
pub enum Cell {
    Ready(Value),
    Link(&'static Shape, Option<i64>),
}

/// The query for one instance of `shape`; `column` writes each field's expression in the
/// backend's dialect and `key` is the placeholder for the id.
pub fn select(shape: &Shape, column: impl Fn(&Field) -> String, key: &str) -> String {
    format!("{} WHERE {} = {key}", select_all(shape, column), shape.key)
}

/// The query for every instance of `shape`, for a `WHERE` clause to follow.
pub fn select_all(shape: &Shape, column: impl Fn(&Field) -> String) -> String {
    let columns: Vec<String> = shape.fields.iter().map(column).collect();
    format!("SELECT {} FROM {}", columns.join(", "), shape.from)
}

/// The cells of a row of `shape`, `cell` reading each field's (by its kind and column).
pub fn cells<E>(
    shape: &Shape,
    cell: impl Fn(Kind, usize) -> Result<Cell, E>,
) -> Result<Vec<Cell>, E> {
    let fields = shape.fields.iter().enumerate();
    fields
        .map(|(index, field)| cell(field.kind, index))
        .collect()
}

/// The value of a field NULL in the row ([`Value::empty`]); a link to nothing.
pub fn empty(kind: Kind) -> Cell {
    match kind {
        Kind::Nested(nested) => Cell::Link(nested, None),
        kind => Cell::Ready(Value::empty(kind)),
    }
}

/// The carrier from its cells, each link replaced by what `follow` loaded for it.
pub fn assemble<E>(
    shape: &'static Shape,
    cells: Vec<Cell>,
    mut follow: impl FnMut(&'static Shape, i64) -> Result<Option<Object>, E>,
) -> Result<Object, E> {
    let values =
        cells
            .into_iter()
            .map(|cell| match cell {
                Cell::Ready(value) => Ok(value),
                Cell::Link(nested, Some(id)) => Ok(follow(nested, id)?
                    .map_or(Value::Null, |object| Value::Object(Box::new(object)))),
                Cell::Link(_, None) => Ok(Value::Null),
            })
            .collect::<Result<_, E>>()?;
    Ok(Object { shape, values })
}
