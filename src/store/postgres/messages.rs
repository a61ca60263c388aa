//! A session's messages on PostgreSQL: posted inside a change's transaction, and read after
//! one (the SQL is [`crate::store::sql::messages`]'s).

use std::sync::LazyLock;

use deadpool_postgres::ClientWrapper;

use super::errors::Failure;
use super::{PgStore, load, row, rows};
use crate::chat::message::Message;
use crate::entity::{CHAT_MESSAGE, Object};
use crate::store::load::assemble;
use crate::store::sql::messages::{self, INSERT};
use crate::time::Timestamp;

pub use crate::store::sql::messages::POSTED;

/// Posts `message` to session `session_id` at `at`; its id.
pub async fn insert(
    client: &ClientWrapper,
    session_id: i64,
    message: &Message,
    at: Timestamp,
) -> Result<i64, tokio_postgres::Error> {
    let statement = client.prepare_cached(INSERT).await?;
    let posted = client
        .query_one(
            &statement,
            &[
                &session_id,
                &message.text,
                &at.utc(),
                &message.kind,
                &message.special,
                &message.param,
                &message.author,
                &message.created_by,
            ],
        )
        .await?;
    posted.try_get(0)
}

static AFTER: LazyLock<String> = LazyLock::new(|| {
    let select = crate::store::load::select_all(&CHAT_MESSAGE, load::column);
    format!("{select} {}", messages::AFTER)
});

/// Session `session_id`'s messages after id `after`, in id order, if agent `agent` sees
/// the session: both read side by side in one read transaction.
pub fn after(
    store: &PgStore,
    agent: i64,
    session_id: i64,
    after: i64,
) -> Result<Option<Vec<Object>>, Failure> {
    let rows = store.read(&[&messages::SEES, &AFTER], async |client| {
        let (sees, rows) = futures_util::future::try_join(
            row(client, &messages::SEES, &[&agent, &session_id]),
            rows(client, &AFTER, &[&session_id, &after]),
        )
        .await?;
        let sees: bool = sees.map(|row| row.try_get(0)).transpose()?.unwrap_or(false);
        let cells = rows.iter().map(|row| load::cells(&CHAT_MESSAGE, row));
        Ok(sees.then_some(cells.collect::<Result<Vec<_>, _>>()?))
    })?;
    let messages = rows.map(|rows| {
        rows.into_iter()
            .map(|cells| assemble(&CHAT_MESSAGE, cells, |_, _| Ok(None)))
            .collect::<Result<_, Failure>>()
    });
    messages.transpose()
}
