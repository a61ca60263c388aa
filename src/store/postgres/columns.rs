//! PostgreSQL's rows as the shared row mappings read them ([`crate::store::sql::Columns`]).

use chrono::{DateTime, Utc};
use tokio_postgres::Row;

use crate::store::sql::{Columns, getters_by};
use crate::time::Timestamp;

impl Columns for Row {
    type Error = tokio_postgres::Error;

    getters_by!(try_get);

    fn instant(&self, at: usize) -> Result<Timestamp, Self::Error> {
        Ok(Timestamp::from_utc(self.try_get::<_, DateTime<Utc>>(at)?))
    }
}
