//! A SQLite value as a parameter for its PostgreSQL column, by the column's type: SQLite
//! keeps SuperOffice's bits as 0/1 and date-times as UTC text ([`crate::time`]'s stored
//! form), PostgreSQL as `boolean` and `timestamptz`; numbers and text are the same on both,
//! and NULL stays NULL.

use chrono::{DateTime, Utc};
use rusqlite::types::Value;
use tokio_postgres::types::ToSql;

use crate::time::Timestamp;

pub type Param = Box<dyn ToSql + Sync + Send>;

/// `value` for a column of PostgreSQL's `kind` (`information_schema`'s `data_type`); why not,
/// if it does not fit - without the value itself, which may be a secret's fingerprint.
pub fn convert(kind: &str, value: Value) -> Result<Param, String> {
    let param: Param = match (kind, value) {
        ("boolean", Value::Null) => Box::new(None::<bool>),
        ("boolean", Value::Integer(bit @ (0 | 1))) => Box::new(Some(bit == 1)),
        ("timestamp with time zone", Value::Null) => Box::new(None::<DateTime<Utc>>),
        ("timestamp with time zone", Value::Text(text)) => match Timestamp::parse_stored(&text) {
            Some(at) => Box::new(Some(at.utc())),
            None => return Err("a text that is not a stored UTC date-time".into()),
        },
        ("bigint", Value::Null) => Box::new(None::<i64>),
        ("bigint", Value::Integer(number)) => Box::new(Some(number)),
        ("integer", Value::Null) => Box::new(None::<i32>),
        ("integer", Value::Integer(number)) => match i32::try_from(number) {
            Ok(number) => Box::new(Some(number)),
            Err(_) => return Err("a number too large for an integer".into()),
        },
        ("double precision", Value::Null) => Box::new(None::<f64>),
        ("double precision", Value::Real(number)) => Box::new(Some(number)),
        // SQLite keeps a whole number in a REAL column as an integer when it fits.
        ("double precision", Value::Integer(number)) => Box::new(Some(number as f64)),
        ("text", Value::Null) => Box::new(None::<String>),
        ("text", Value::Text(text)) => Box::new(Some(text)),
        (kind, value) => {
            return Err(format!(
                "{} where PostgreSQL has {kind}",
                describe(value.data_type())
            ));
        }
    };
    Ok(param)
}

fn describe(kind: rusqlite::types::Type) -> &'static str {
    use rusqlite::types::Type;
    match kind {
        Type::Null => "a NULL",
        Type::Integer => "an integer",
        Type::Real => "a real number",
        Type::Text => "a text",
        Type::Blob => "a blob",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(kind: &str, value: Value) -> String {
        match convert(kind, value) {
            Ok(param) => format!("{param:?}"),
            Err(reason) => reason,
        }
    }

    #[test]
    fn bits_and_date_times_are_converted_and_the_rest_kept() {
        assert_eq!(shown("boolean", Value::Integer(1)), "Some(true)");
        assert_eq!(shown("boolean", Value::Integer(0)), "Some(false)");
        assert_eq!(shown("boolean", Value::Null), "None");
        assert_eq!(
            shown(
                "timestamp with time zone",
                Value::Text("2026-07-01 12:00:00.250000".into())
            ),
            "Some(2026-07-01T12:00:00.250Z)"
        );
        assert_eq!(shown("bigint", Value::Integer(7)), "Some(7)");
        assert_eq!(shown("text", Value::Text("Ana".into())), "Some(\"Ana\")");
        assert_eq!(shown("double precision", Value::Integer(2)), "Some(2.0)");
    }

    #[test]
    fn a_value_that_does_not_fit_is_refused_without_showing_it() {
        assert_eq!(
            shown("boolean", Value::Integer(2)),
            "an integer where PostgreSQL has boolean"
        );
        let refused = shown("timestamp with time zone", Value::Text("secret".into()));
        assert!(!refused.contains("secret"), "{refused}");
        assert_eq!(
            shown("bigint", Value::Text("7".into())),
            "a text where PostgreSQL has bigint"
        );
    }
}
