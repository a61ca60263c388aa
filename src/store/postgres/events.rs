//! The outbox on PostgreSQL: an event recorded beside its change, in the change's
//! transaction ([`crate::chat::events`]) - recorded and queued for the webhooks in one
//! statement, [`crate::store::sql::events`]'s two joined.

use std::sync::LazyLock;

use deadpool_postgres::ClientWrapper;
use tokio_postgres::types::ToSql;

use super::execute;
use crate::account::random;
use crate::chat::events::Happened;
use crate::store::sql::events::{RECORD, fan_out};

/// [`RECORD`], and the [`fan_out`] of the row it made, due when it happened: `$1`-`$8` as
/// [`RECORD`] takes them.
pub static RECORD_AND_FAN_OUT: LazyLock<String> = LazyLock::new(|| {
    let fan_out = fan_out("(SELECT id FROM recorded)", "$8", " FOR KEY SHARE");
    format!("WITH recorded AS ({RECORD}) {fan_out}")
});

/// Records `happened` and queues it for the webhooks that want it.
pub async fn record(
    client: &ClientWrapper,
    happened: &Happened<'_>,
) -> Result<(), tokio_postgres::Error> {
    let event_id = random::uuid();
    let changes = happened.event.changes_listed();
    let at = happened.at.utc();
    let values: [&(dyn ToSql + Sync); 8] = [
        &event_id,
        &happened.event.kind.name(),
        &happened.session_id,
        &happened.message_id,
        &changes,
        &happened.by,
        &happened.context,
        &at,
    ];
    execute(client, &RECORD_AND_FAN_OUT, &values).await?;
    Ok(())
}
