//! SQLite's rows as the shared row mappings read them ([`crate::store::sql::Columns`]).

use rusqlite::Row;

use crate::store::sql::{Columns, getters_by};
use crate::time::Timestamp;

impl Columns for Row<'_> {
    type Error = rusqlite::Error;

    getters_by!(get);

    fn instant(&self, at: usize) -> rusqlite::Result<Timestamp> {
        self.get(at)
    }
}
