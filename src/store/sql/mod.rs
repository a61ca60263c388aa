//! The SQL both backends run, written once - in PostgreSQL's placeholders (`$1`, `$2`, ...),
//! which [`sqlite`] turns into SQLite's (`?1`, `?2`, ...) - with the row mapping of what it
//! reads, over either driver's rows ([`Columns`]). A backend adds its dialect's own: its row
//! locks (PostgreSQL), its case-insensitive name match, and the statements whose form must
//! differ (the pickup's writes, sweeping expired keys).
//!
//! - [`accounts`]: who a credential belongs to.
//! - [`queue`]: what waits for an agent, the candidate a pickup takes, Ranks and capacity.
//! - [`moves`]: the facts and writes of the moves on one named session (reset, transfer).
//! - [`keys`]: an `Idempotency-Key`'s record.
//! - [`sessions`]: which sessions an agent sees, and in what order.
//! - [`topics`]: a topic's settings.
//! - [`events`]: the outbox - an event recorded beside its change, queued for the webhooks;
//!   [`webhooks`]: the webhooks registered and the outbox delivered to them.

pub mod accounts;
pub mod create;
pub mod customer;
pub mod events;
pub mod keys;
pub mod messages;
pub mod moves;
pub mod queue;
pub mod sessions;
pub mod topics;
pub mod webhooks;

use crate::time::Timestamp;

/// `sql` with SQLite's placeholders: `$n` becomes `?n`; a `$` not followed by a digit stays.
pub fn sqlite(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        let placeholder = c == '$' && chars.peek().is_some_and(char::is_ascii_digit);
        out.push(if placeholder { '?' } else { c });
    }
    out
}

/// A row as either driver hands it over: the few types the shared mappings read.
pub trait Columns {
    type Error;
    fn int(&self, at: usize) -> Result<i64, Self::Error>;
    fn maybe_int(&self, at: usize) -> Result<Option<i64>, Self::Error>;
    fn flag(&self, at: usize) -> Result<bool, Self::Error>;
    fn text(&self, at: usize) -> Result<String, Self::Error>;
    fn maybe_text(&self, at: usize) -> Result<Option<String>, Self::Error>;
    fn instant(&self, at: usize) -> Result<Timestamp, Self::Error>;
}

/// The getters of [`Columns`] but `instant`, for a driver's row whose generic getter `$get`
/// reads each of their types.
macro_rules! getters_by {
    ($get:ident) => {
        fn int(&self, at: usize) -> Result<i64, Self::Error> {
            self.$get(at)
        }
        fn maybe_int(&self, at: usize) -> Result<Option<i64>, Self::Error> {
            self.$get(at)
        }
        fn flag(&self, at: usize) -> Result<bool, Self::Error> {
            self.$get(at)
        }
        fn text(&self, at: usize) -> Result<String, Self::Error> {
            self.$get(at)
        }
        fn maybe_text(&self, at: usize) -> Result<Option<String>, Self::Error> {
            self.$get(at)
        }
    };
}
pub(super) use getters_by;

#[cfg(test)]
mod tests {
    #[test]
    fn placeholders_become_sqlites() {
        assert_eq!(
            super::sqlite("SELECT $1 WHERE a = $12"),
            "SELECT ?1 WHERE a = ?12"
        );
        assert_eq!(super::sqlite("SELECT '$.x', $2$"), "SELECT '$.x', ?2$");
    }
}
