//! The customer's side on PostgreSQL, each in one transaction: their moves (the session's
//! row locked as its facts are read, [`crate::chat::customer`] asked, its writes made) and
//! their reads, which note the fetch and mark the agent's messages read. The SQL is
//! [`crate::store::sql::customer`]'s.

use std::sync::LazyLock;

use deadpool_postgres::ClientWrapper;

use super::errors::Failure;
use super::{events, execute, load, messages, row, rows};
use crate::chat::customer::{self, Asking, CustomerMove, Fetch, Written};
use crate::chat::events::{Event, Happened};
use crate::chat::verdict::{Verdict, keyed};
use crate::entity::{CHAT_MESSAGE, Object};
use crate::store::load::{assemble, select_all};
use crate::store::sql::{customer as sql_customer, keys, messages as sql_messages, moves};
use crate::store::{Page, Standing};
use crate::time::Timestamp;

static FACTS: LazyLock<String> =
    LazyLock::new(|| format!("{} FOR NO KEY UPDATE OF s", sql_customer::FACTS));
static AFTER: LazyLock<String> = LazyLock::new(|| {
    format!(
        "{} {}",
        select_all(&CHAT_MESSAGE, load::column),
        sql_messages::AFTER
    )
});

/// Makes the customer's `asked` of session `session_id` at `now`; what it makes is the
/// message it posted, if any.
pub async fn change(
    client: &ClientWrapper,
    session_id: i64,
    asking: Asking<'_>,
    asked: &CustomerMove,
) -> Result<Verdict<Option<i64>>, Failure> {
    let Asking { now, key, context } = asking;
    let found = row(client, &FACTS, &[&session_id])
        .await?
        .map(|found| sql_customer::facts(&found))
        .transpose()?;
    let recorded = match key {
        Some(keyed) => row(
            client,
            keys::CUSTOMER_LOOKUP,
            &[&session_id, &keyed.key.as_str()],
        )
        .await?
        .map(|found| keys::recorded(&found))
        .transpose()?,
        None => None,
    };
    let verdict = keyed(key.as_ref(), recorded, || {
        customer::judge(session_id, found, asked)
    });
    let event = verdict.as_made().map(Event::of_customer);
    let verdict = write(client, session_id, now, verdict).await?;
    if let (Some(event), Verdict::Make(posted)) = (event, &verdict) {
        let happened = Happened::by_the_customer(event, session_id, *posted, context, now);
        events::record(client, &happened).await?;
    }
    if let Some(keyed) = key.filter(|_| verdict.records_key()) {
        let message = verdict.outcome(session_id).message_id;
        let values: [&(dyn tokio_postgres::types::ToSql + Sync); 5] = [
            &session_id,
            &keyed.key.as_str(),
            &keyed.operation,
            &message,
            &now.utc(),
        ];
        execute(client, keys::CUSTOMER_RECORD, &values).await?;
    }
    Ok(verdict)
}

/// Writes what the customer's move came to: the message it posted, if any.
async fn write(
    client: &ClientWrapper,
    session_id: i64,
    now: Timestamp,
    verdict: Verdict<Written>,
) -> Result<Verdict<Option<i64>>, Failure> {
    let at = now.utc();
    Ok(match verdict.into_change() {
        Ok(Written::Post { message, answered }) => {
            let posted = messages::insert(client, session_id, &message, now).await?;
            let copy = message.copy();
            let values: [&(dyn tokio_postgres::types::ToSql + Sync); 4] =
                [&session_id, &copy, &at, &answered];
            execute(client, &sql_customer::POSTED, &values).await?;
            Verdict::Make(Some(posted))
        }
        Ok(Written::End(notice)) => {
            execute(client, &moves::END, &[&session_id, &at]).await?;
            messages::insert(client, session_id, &notice, now).await?;
            Verdict::Make(None)
        }
        Err(verdict) => verdict,
    })
}

/// Session `session_id`'s messages after id `after`, read by its customer (`fetch`, noted
/// where the last was noted long enough ago); the agent's among them marked read first.
pub async fn read(
    client: &ClientWrapper,
    session_id: i64,
    after: i64,
    fetch: Fetch,
) -> Result<Page, Failure> {
    let polled = row(client, sql_customer::POLLED, &[&session_id]).await?;
    let polled = polled
        .map(|row| -> Result<(Standing, Option<i64>), Failure> {
            let standing = Standing {
                status: row.try_get(0)?,
                agent: row.try_get(1)?,
            };
            Ok((standing, row.try_get(2)?))
        })
        .transpose()?;
    let topic_idle = polled.and_then(|(_, idle)| idle);
    let fetch = fetch.in_topic(topic_idle);
    let (at, before) = (fetch.at.utc(), fetch.noted_before().utc());
    let alive_until = fetch.alive_until.utc();
    let noted: [&(dyn tokio_postgres::types::ToSql + Sync); 4] =
        [&session_id, &at, &before, &alive_until];
    execute(client, sql_customer::FETCHED, &noted).await?;
    execute(client, sql_customer::READ, &[&session_id, &after]).await?;
    let found = rows(client, &AFTER, &[&session_id, &after]).await?;
    let messages = found
        .iter()
        .map(|row| {
            let cells = load::cells(&CHAT_MESSAGE, row)?;
            assemble(&CHAT_MESSAGE, cells, |_, _| Ok(None))
        })
        .collect::<Result<Vec<Object>, Failure>>()?;
    Ok(Page {
        messages,
        standing: polled.map(|(standing, _)| standing),
    })
}
