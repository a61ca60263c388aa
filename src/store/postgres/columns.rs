//! PostgreSQL's rows as the shared row mappings read them ([`crate::store::sql::Columns`]).

use chrono::{DateTime, Utc};
use tokio_postgres::Row;

use crate::store::sql::Columns;
use crate::time::Timestamp;

impl Columns for Row {
    type Error = tokio_postgres::Error;

    fn int(&self, at: usize) -> Result<i64, Self::Error> {
        self.try_get(at)
    }

    fn maybe_int(&self, at: usize) -> Result<Option<i64>, Self::Error> {
        self.try_get(at)
    }

    fn flag(&self, at: usize) -> Result<bool, Self::Error> {
        self.try_get(at)
    }

    fn text(&self, at: usize) -> Result<String, Self::Error> {
        self.try_get(at)
    }

    fn maybe_text(&self, at: usize) -> Result<Option<String>, Self::Error> {
        self.try_get(at)
    }

    fn instant(&self, at: usize) -> Result<Timestamp, Self::Error> {
        Ok(Timestamp::from_utc(self.try_get::<_, DateTime<Utc>>(at)?))
    }
}
