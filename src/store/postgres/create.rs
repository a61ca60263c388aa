//! A new session on PostgreSQL, in one transaction: the caller's row locked and the key's
//! record read ([`agent::lock`]) and asked, then the topic's row locked and its facts read
//! (so sessions created side by side take their queue positions in turn),
//! [`crate::chat::create`]'s judge asked, the session (and the customer's first message)
//! written and the key recorded. The SQL is [`crate::store::sql::create`]'s.

use std::sync::LazyLock;

use deadpool_postgres::ClientWrapper;
use tokio_postgres::types::ToSql;

use super::errors::Failure;
use super::{agent, keys, messages, row};
use crate::chat::Actor;
use crate::chat::create::{self, Draft};
use crate::chat::idempotency::Outcome;
use crate::chat::verdict::{self, Verdict};
use crate::store::sql::create as sql_create;

static TOPIC_FACTS: LazyLock<String> =
    LazyLock::new(|| format!("{} FOR NO KEY UPDATE OF t", *sql_create::TOPIC_FACTS));

/// Creates `draft` in topic `topic_id` for the actor, and records their key where the
/// verdict says to; what it makes is the new session's id.
pub async fn create(
    client: &ClientWrapper,
    actor: Actor<'_>,
    topic_id: i64,
    draft: &Draft,
) -> Result<Verdict<i64>, Failure> {
    let recorded = agent::lock(client, actor).await?;
    if let Some(earlier) = verdict::recall(actor.key.as_ref(), recorded) {
        return Ok(earlier);
    }
    let found = row(client, &TOPIC_FACTS, &[&topic_id, &actor.id()])
        .await?
        .map(|found| sql_create::topic_facts(&found))
        .transpose()?;
    let verdict = match create::judge(topic_id, found).into_change() {
        Ok(position) => Verdict::Make(insert(client, actor, topic_id, draft, position).await?),
        Err(verdict) => verdict,
    };
    if let Verdict::Make(session_id) = verdict {
        keys::record(client, actor, Outcome::session(Some(session_id))).await?;
    }
    Ok(verdict)
}

async fn insert(
    client: &ClientWrapper,
    actor: Actor<'_>,
    topic_id: i64,
    draft: &Draft,
    position: i64,
) -> Result<i64, tokio_postgres::Error> {
    let customer = &draft.customer;
    let (now, fingerprint, copy) = (actor.now.utc(), draft.key_fingerprint(), draft.copy());
    let values: [&(dyn ToSql + Sync); 10] = [
        &topic_id,
        &now,
        &fingerprint,
        &position,
        &customer.name,
        &customer.email,
        &customer.phone,
        &customer.company,
        &customer.consented,
        &copy,
    ];
    let statement = client.prepare_cached(&sql_create::INSERT).await?;
    let session_id: i64 = client.query_one(&statement, &values).await?.try_get(0)?;
    if let Some(message) = draft.message() {
        messages::insert(client, session_id, &message, actor.now).await?;
    }
    Ok(session_id)
}
