//! An `Idempotency-Key`'s record ([`crate::chat::idempotency`]): read, and written with the
//! change's outcome, in the change's transaction. (Sweeping expired records differs by
//! backend: each holds its own.)

use super::Columns;
use crate::chat::idempotency::{Outcome, Recorded};

/// How many expired keys one keyed change sweeps away: every keyed change adds one, so the
/// table stays bounded, and the sweep stays small beside the change.
pub const SWEEP: i64 = 64;

/// The record of key `$2` of associate `$1`.
pub const LOOKUP: &str = "SELECT operation, session_id, message_id, created FROM idempotency_key \
    WHERE associate_id = $1 AND key = $2";

/// Records key `$2` of associate `$1`: operation `$3`, session `$4` (NULL: none), message
/// `$5` (NULL: none), at `$6`. An expired record of the same key is replaced.
pub const RECORD: &str = "INSERT INTO idempotency_key \
      (associate_id, key, operation, session_id, message_id, created) \
    VALUES ($1, $2, $3, $4, $5, $6) \
    ON CONFLICT (associate_id, key) DO UPDATE SET operation = excluded.operation, \
      session_id = excluded.session_id, message_id = excluded.message_id, \
      created = excluded.created";

/// The record of key `$2` of the customer of session `$1`, as [`LOOKUP`] reads an agent's.
pub const CUSTOMER_LOOKUP: &str = "SELECT operation, session_id, message_id, created \
    FROM customer_key WHERE session_id = $1 AND key = $2";

/// Records key `$2` of the customer of session `$1`: operation `$3`, message `$4` (NULL:
/// none), at `$5`. An expired record of the same key is replaced.
pub const CUSTOMER_RECORD: &str = "INSERT INTO customer_key \
      (session_id, key, operation, message_id, created) VALUES ($1, $2, $3, $4, $5) \
    ON CONFLICT (session_id, key) DO UPDATE SET operation = excluded.operation, \
      message_id = excluded.message_id, created = excluded.created";

/// Customers' keys recorded before `$1`: gone with the sweep of dead chats.
pub const CUSTOMER_EXPIRED: &str = "DELETE FROM customer_key WHERE created < $1";

/// What [`LOOKUP`] and [`CUSTOMER_LOOKUP`] read.
pub fn recorded<R: Columns>(row: &R) -> Result<Recorded, R::Error> {
    Ok(Recorded {
        operation: row.text(0)?,
        outcome: Outcome {
            session_id: row.maybe_int(1)?,
            message_id: row.maybe_int(2)?,
        },
        created: row.instant(3)?,
    })
}
