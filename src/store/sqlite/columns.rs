//! SQLite's rows as the shared row mappings read them ([`crate::store::sql::Columns`]).

use rusqlite::Row;

use crate::store::sql::Columns;
use crate::time::Timestamp;

impl Columns for Row<'_> {
    type Error = rusqlite::Error;

    fn int(&self, at: usize) -> rusqlite::Result<i64> {
        self.get(at)
    }

    fn maybe_int(&self, at: usize) -> rusqlite::Result<Option<i64>> {
        self.get(at)
    }

    fn flag(&self, at: usize) -> rusqlite::Result<bool> {
        self.get(at)
    }

    fn text(&self, at: usize) -> rusqlite::Result<String> {
        self.get(at)
    }

    fn maybe_text(&self, at: usize) -> rusqlite::Result<Option<String>> {
        self.get(at)
    }

    fn instant(&self, at: usize) -> rusqlite::Result<Timestamp> {
        self.get(at)
    }
}
