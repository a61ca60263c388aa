//! The pickup transaction (spec section 2) on PostgreSQL: choose, claim, welcome, count -
//! all or nothing, and concurrent callers never wait on each other's session.
//!
//! The agent's own row is locked first, so one agent's pickups take turns and its Ranks stay
//! unique; the session is chosen with `FOR UPDATE SKIP LOCKED`, so callers skip a session
//! another transaction holds instead of queueing behind it. Statements that do not depend on
//! each other's results are sent together (pipelined) to save round trips.

use chrono::{DateTime, Utc};
use deadpool_postgres::ClientWrapper;
use futures_util::future::try_join;
use tokio_postgres::types::ToSql;

use super::errors::Failure;
use super::load::load;
use super::queries::{execute, row, rows, welcome_message};
use crate::entity::{CHAT_SESSION_ENTITY, message, status};
use crate::store::{Agent, Pickup, StoreError, first_free_rank};
use crate::time::Timestamp;

/// Serialises one agent's pickups (a lock that does not block foreign keys to the row).
const LOCK_AGENT: &str = "SELECT 1 FROM associate WHERE associate_id = $1 FOR NO KEY UPDATE";

/// The first session the agent may take - in the queue, no bot talking, no transfer
/// pending, in a topic where the agent may respond; oldest request first, then lowest id -
/// locked; sessions other transactions hold are skipped. Served by the `chat_session_queue`
/// index in order, without a sort.
pub const NEXT_IN_QUEUE: &str = "\
    SELECT s.id, s.topic_id, s.when_requested FROM chat_session s \
    WHERE s.status = $2 AND NOT s.chatbot_isactive AND s.transfer_to IS NULL \
      AND s.topic_id IN (SELECT m.topic_id FROM chat_topic_user m WHERE m.user_id = $1 AND m.can_respond) \
    ORDER BY s.when_requested, s.id LIMIT 1 \
    FOR UPDATE OF s SKIP LOCKED";

/// The agent's active ranks in order, from the partial index.
const ACTIVE_RANKS: &str = "SELECT rank FROM chat_session \
    WHERE user_id = $1 AND status IN (5, 6) AND rank >= 1 ORDER BY rank";

const CLAIM: &str = "UPDATE chat_session SET user_id = $1, when_started = $2, rank = $3, status = $4 \
    WHERE id = $5 AND status = $6";

const POST_WELCOME: &str = "INSERT INTO chat_message (session_id, message, when_posted, type, \
    special_type, special_param, read_by_customer, author, created_by) \
    VALUES ($1, $2, $3, $4, $5, '', false, $6, $7)";

const NOTE_WELCOME: &str = "UPDATE chat_session SET last_message = $2, idle = $3, \
    first_message = CASE WHEN first_message = '' THEN $2 ELSE first_message END WHERE id = $1";

/// `last_accept` := now; `seconds_pr_accept` := running average of the queue wait, rounded
/// half up as SQLite's `round` does.
const COUNT_ACCEPT: &str = "UPDATE chat_topic SET last_accept = $2, \
    seconds_pr_accept = CAST(floor((seconds_pr_accept * accept_count + $3::float8) / (accept_count + 1) + 0.5) AS bigint), \
    accept_count = accept_count + 1 WHERE id = $1";

struct Candidate {
    session_id: i64,
    topic_id: i64,
    when_requested: Timestamp,
}

/// The whole pickup, inside the caller's transaction; `None`: nothing eligible.
pub async fn pickup(
    client: &ClientWrapper,
    agent: &Agent,
    now: Timestamp,
) -> Result<Option<Pickup>, Failure> {
    let id = agent.associate_id;
    let (_, next) = try_join(
        execute(client, LOCK_AGENT, &[&id]),
        row(client, NEXT_IN_QUEUE, &[&id, &status::IN_QUEUE]),
    )
    .await?;
    let Some(next) = next else {
        return Ok(None);
    };
    let candidate = Candidate {
        session_id: next.try_get(0)?,
        topic_id: next.try_get(1)?,
        when_requested: Timestamp::from_utc(next.try_get::<_, DateTime<Utc>>(2)?),
    };
    let (welcome, ranks) = try_join(
        welcome_message(client, candidate.topic_id, candidate.session_id, agent),
        rows(client, ACTIVE_RANKS, &[&id]),
    )
    .await?;
    let rank = first_free_rank(ranks.iter().map(|row| row.try_get::<_, i64>(0)))?;
    claim(client, &candidate, agent, now, rank, welcome.as_deref()).await?;
    let session = load(client, &CHAT_SESSION_ENTITY, candidate.session_id)
        .await?
        .ok_or_else(|| {
            Failure::Store(StoreError::Internal(format!(
                "session {} vanished after pickup",
                candidate.session_id
            )))
        })?;
    Ok(Some(Pickup {
        session_id: candidate.session_id,
        topic_id: candidate.topic_id,
        waited_ms: now.millis_since(candidate.when_requested),
        session,
    }))
}

/// The writes, sent together: the conditional claim, the welcome message and the topic's
/// counters. A claim that found the session gone fails the transaction (the row is locked,
/// so it cannot happen short of a bug).
async fn claim(
    client: &ClientWrapper,
    candidate: &Candidate,
    agent: &Agent,
    now: Timestamp,
    rank: i64,
    welcome: Option<&str>,
) -> Result<(), Failure> {
    let at = now.utc();
    let session = candidate.session_id;
    let status = if welcome.is_some() {
        status::USER_LAST
    } else {
        status::CUSTOMER_LAST
    };
    let waited = now.millis_since(candidate.when_requested).max(0) as f64 / 1000.0;
    let claim_params: [&(dyn ToSql + Sync); 6] = [
        &agent.associate_id,
        &at,
        &rank,
        &status,
        &session,
        &status::IN_QUEUE,
    ];
    let claim = execute(client, CLAIM, &claim_params);
    let welcome = async {
        if let Some(text) = welcome {
            let post: [&(dyn ToSql + Sync); 7] = [
                &session,
                &text,
                &at,
                &message::TO_CUSTOMER,
                &message::SPECIAL_WELCOME,
                &agent.display_name,
                &agent.associate_id,
            ];
            let note: [&(dyn ToSql + Sync); 3] = [&session, &text, &at];
            try_join(
                execute(client, POST_WELCOME, &post),
                execute(client, NOTE_WELCOME, &note),
            )
            .await?;
        }
        Ok(())
    };
    let count_params: [&(dyn ToSql + Sync); 3] = [&candidate.topic_id, &at, &waited];
    let count = execute(client, COUNT_ACCEPT, &count_params);
    let (claimed, (), _) = futures_util::future::try_join3(claim, welcome, count).await?;
    if claimed != 1 {
        return Err(Failure::Store(StoreError::Internal(format!(
            "locked session {session} was no longer in the queue"
        ))));
    }
    Ok(())
}
