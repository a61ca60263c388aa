//! A new session on PostgreSQL, in one transaction: the caller's row locked and the key's
//! record read ([`agent::lock`]) and asked, then the topic's row locked and its facts read
//! (so sessions created side by side take their queue positions in turn),
//! [`crate::chat::create`]'s judge asked, the session (and the customer's first message)
//! written and the key recorded. The SQL is [`crate::store::sql::create`]'s.

use std::sync::LazyLock;

use deadpool_postgres::ClientWrapper;
use tokio_postgres::types::ToSql;

use super::errors::Failure;
use super::{agent, events, keys, messages, row};
use crate::chat::Actor;
use crate::chat::create::{self, Draft, Visitor};
use crate::chat::events::Happened;
use crate::chat::idempotency::Outcome;
use crate::chat::verdict::{self, Verdict};
use crate::store::sql::create as sql_create;
use crate::time::Timestamp;

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
    let nobody: Option<i64> = None;
    let found = row(client, &TOPIC_FACTS, &[&topic_id, &nobody])
        .await?
        .map(|found| sql_create::topic_facts(&found))
        .transpose()?;
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

/// A session about to be written: where, for whom, when, and the customer who asked, if
/// one did.
struct Opened<'a> {
    topic_id: i64,
    draft: &'a Draft,
    now: Timestamp,
    /// The customer who asked, and until when their chat is alive without a fetch.
    visitor: Option<(&'a Visitor, Timestamp)>,
    /// Who asked, as the event names them (0: a customer), and for which request.
    by: i64,
    context: &'a str,
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
        visitor,
        by,
        context,
    } = *opened;
    let customer = &draft.customer;
    let at = now;
    let (now, fingerprint, copy) = (now.utc(), draft.key_fingerprint(), draft.copy());
    let host = visitor.map_or("", |(visitor, _)| visitor.host.as_str());
    let fetched = visitor.map(|_| now);
    let language = visitor
        .and_then(|(visitor, _)| visitor.language)
        .map(|language| language.id());
    let alive_until = visitor.map(|(_, alive_until)| alive_until.utc());
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
