//! A new session on PostgreSQL, in one transaction: the caller's row locked and the key's
//! record read ([`agent::lock`]) and asked, then the topic's row locked and its facts read
//! ([`topic_facts`]: so sessions created side by side take their queue positions in turn),
//! [`crate::chat::create`]'s judge asked, the session (and the customer's first message)
//! written and the key recorded. The SQL is [`crate::store::sql::create`]'s.

use deadpool_postgres::ClientWrapper;
use futures_util::future::try_join;
use tokio_postgres::types::ToSql;

use super::errors::Failure;
use super::{agent, events, keys, messages};
use crate::chat::Actor;
use crate::chat::create::{self, Draft, Visitor};
use crate::chat::events::Happened;
use crate::chat::idempotency::Outcome;
use crate::chat::verdict::{self, Verdict};
use crate::store::sql::create::{self as sql_create, Opened};

/// Serialises the creates in one topic (a lock that does not block the foreign-key checks
/// of sessions written to the topic by other moves).
const LOCK_TOPIC: &str = "SELECT 1 FROM chat_topic WHERE id = $1 FOR NO KEY UPDATE";

/// The facts of topic `topic_id` for `caller` (`None`: a customer), read under the topic's
/// lock. The lock is a statement of its own, before the read: under READ COMMITTED a
/// statement reads from the snapshot it started with, so a count of the waiting sessions in
/// the statement that waited for the lock would miss the session its holder committed, and
/// two creates would both take the same InitialQueuePos (and overfill a full queue). The
/// read, a later statement, starts once the lock is held, with a snapshot that has it.
/// Both are sent together (one round trip), the lock first.
async fn topic_facts(
    client: &ClientWrapper,
    topic_id: i64,
    caller: Option<i64>,
) -> Result<Option<create::Facts>, Failure> {
    let (lock, facts) = try_join(
        client.prepare_cached(LOCK_TOPIC),
        client.prepare_cached(&sql_create::TOPIC_FACTS),
    )
    .await?;
    let (_, found) = try_join(
        client.execute(&lock, &[&topic_id]),
        client.query_opt(&facts, &[&topic_id, &caller]),
    )
    .await?;
    Ok(found
        .map(|found| sql_create::topic_facts(&found))
        .transpose()?)
}

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
    let found = topic_facts(client, topic_id, Some(actor.id())).await?;
    let opened = Opened {
        topic_id,
        draft,
        now: actor.now,
        visitor: None,
        by: actor.id(),
        context: actor.context,
    };
    let verdict = match create::judge(topic_id, found).into_change() {
        Ok(position) => Verdict::Make(insert(client, &opened, position).await?),
        Err(verdict) => verdict,
    };
    if let Verdict::Make(session_id) = verdict {
        keys::record(client, actor, Outcome::session(Some(session_id))).await?;
    }
    Ok(verdict)
}

/// Starts `draft` in topic `topic_id` for a customer (the topic's row locked, as for an
/// agent); what it makes is the new session's id.
pub async fn start(
    client: &ClientWrapper,
    visitor: &Visitor,
    topic_id: i64,
    draft: &Draft,
) -> Result<Verdict<i64>, Failure> {
    let found = topic_facts(client, topic_id, None).await?;
    let topic_idle = found.as_ref().and_then(|facts| facts.idle);
    let opened = Opened {
        topic_id,
        draft,
        now: visitor.now,
        visitor: Some((visitor, visitor.alive_until(topic_idle))),
        by: 0,
        context: &visitor.context,
    };
    Ok(
        match create::judge_visit(topic_id, found, visitor.max_queue).into_change() {
            Ok(position) => Verdict::Make(insert(client, &opened, position).await?),
            Err(verdict) => verdict,
        },
    )
}

async fn insert(
    client: &ClientWrapper,
    opened: &Opened<'_>,
    position: i64,
) -> Result<i64, tokio_postgres::Error> {
    let Opened {
        topic_id,
        draft,
        now,
        by,
        context,
        ..
    } = *opened;
    let customer = &draft.customer;
    let at = now;
    let (now, fingerprint, copy) = (now.utc(), draft.key_fingerprint(), draft.copy());
    let asked = opened.asked();
    let (host, language) = (asked.host, asked.language);
    let fetched = asked.fetched.map(|at| at.utc());
    let alive_until = asked.alive_until.map(|at| at.utc());
    let values: [&(dyn ToSql + Sync); 14] = [
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
        &host,
        &fetched,
        &language,
        &alive_until,
    ];
    let statement = client.prepare_cached(&sql_create::INSERT).await?;
    let session_id: i64 = client.query_one(&statement, &values).await?.try_get(0)?;
    if let Some(message) = draft.message() {
        messages::insert(client, session_id, &message, at).await?;
    }
    events::record(client, &Happened::created(session_id, by, context, at)).await?;
    Ok(session_id)
}
