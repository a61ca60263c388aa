//! The pickup transaction (spec section 2) on PostgreSQL: choose, claim, welcome, count -
//! all or nothing, and concurrent callers never wait on each other's session.
//!
//! The agent's own row is locked first, so one agent's pickups take turns - its Ranks stay
//! unique, and its capacity is counted with every earlier pickup committed; the session is
//! chosen with `FOR NO KEY UPDATE SKIP LOCKED`, so callers skip a session another pickup
//! holds instead of queueing behind it (the weaker lock does not
//! conflict with the key-share lock a customer's new message takes on its session through
//! the foreign key: a session whose customer is typing is not skipped). The transaction takes
//! two round trips (three when the welcome refers to string resources): the lock and the
//! choice (with what the welcome message and the Rank need) sent together, then the writes,
//! the session's and the agent's rows and `COMMIT` sent together - so the topic's row, which
//! every pickup in the topic updates, is held for the least time.

use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use deadpool_postgres::ClientWrapper;
use futures_util::future::try_join3;
use tokio_postgres::types::ToSql;

use super::errors::{self, Failure};
use super::reads::{self, resources};
use super::{execute, keys, load, row};
use crate::account::Agent;
use crate::entity::{ASSOCIATE, CHAT_SESSION_ENTITY, status};
use crate::locale::Resources;
use crate::store::capacity::{self, Full, Load};
use crate::store::idempotency::{Earlier, Keyed, SWEEP};
use crate::store::load::Cell;
use crate::store::welcome::WelcomeSource;
use crate::store::{Candidate, Sought, StoreError, Which, first_free_rank};
use crate::time::Timestamp;

/// Serialises one agent's pickups and acceptances (a lock that does not block foreign keys
/// to the row): taken first, before any session's row.
pub const LOCK_AGENT: &str = "SELECT 1 FROM associate WHERE associate_id = $1 FOR NO KEY UPDATE";

macro_rules! next_in_queue {
    () => {
        "SELECT s.id, s.topic_id, s.when_requested, s.name, s.customer_alias, s.first_message \
         FROM chat_session s \
         WHERE s.status = $2 AND NOT s.chatbot_isactive AND s.transfer_to IS NULL \
           AND s.topic_id IN (SELECT m.topic_id FROM chat_topic_user m WHERE m.user_id = $1 AND m.can_respond) \
         ORDER BY s.when_requested, s.id LIMIT 1 \
         FOR NO KEY UPDATE OF s SKIP LOCKED"
    };
}

/// The first session agent `$1` may take (`$2` is the in-queue status) - in the queue, no
/// bot talking, no transfer pending, in a topic where the agent may respond; oldest request
/// first, then lowest id - locked; sessions other transactions hold are skipped. Served by
/// the `chat_session_queue` index in order, without a sort.
pub const NEXT_IN_QUEUE: &str = next_in_queue!();

/// The session a pickup by id names (`$3`), locked - waiting for a pickup that holds it -
/// with whether the agent (`$1`) may respond in its topic and whether it waits for an agent
/// (`$2` the in-queue status).
const SOUGHT: &str = "SELECT EXISTS (SELECT 1 FROM chat_topic_user m WHERE m.topic_id = s.topic_id \
       AND m.user_id = $1 AND m.can_respond), \
     s.status = $2 AND NOT s.chatbot_isactive AND s.transfer_to IS NULL \
     FROM chat_session s WHERE s.id = $3 FOR NO KEY UPDATE OF s";

/// The session `$3` if it waits for an agent; sent after [`SOUGHT`] locked it.
macro_rules! session_by_id {
    () => {
        "SELECT s.id, s.topic_id, s.when_requested, s.name, s.customer_alias, s.first_message \
         FROM chat_session s \
         WHERE s.id = $3 AND s.status = $2 AND NOT s.chatbot_isactive AND s.transfer_to IS NULL"
    };
}

/// The session `next` (a query returning `next_in_queue!`'s columns) with its topic's
/// welcome settings, the agent's first name and the agent's active Ranks in order (from the
/// partial rank index).
macro_rules! candidate {
    ($next:expr) => {
        concat!("WITH next AS (", $next, ") SELECT next.id, next.topic_id, next.when_requested, \
       t.welcome_message, t.language_id, t.name, t.widget_agent_use_firstname, \
       next.name, next.customer_alias, \
       (SELECT p.firstname FROM associate a JOIN person p ON p.person_id = a.person_id \
         WHERE a.associate_id = $1), \
       ARRAY(SELECT rank FROM chat_session WHERE user_id = $1 AND status IN (5, 6) AND rank >= 1 \
             ORDER BY rank), \
       next.first_message \
     FROM next JOIN chat_topic t ON t.id = next.topic_id")
    };
}

/// The first session the agent may take, as a candidate.
const CANDIDATE: &str = candidate!(next_in_queue!());

/// The session a pickup by id names, as a candidate.
const CANDIDATE_BY_ID: &str = candidate!(session_by_id!());

/// The claim, the welcome message and the topic's counters in one statement: the message
/// and the counters are written only if the claim took the session (`$7`-`$10` and `$12`
/// are the welcome's text, type, special type, author and creator, NULL for none; `$13` the
/// new first message, NULL to keep it). `seconds_pr_accept` is rounded half up, as
/// SQLite's `round`.
const CLAIM: &str = "WITH claimed AS ( \
       UPDATE chat_session SET user_id = $1, when_started = $2, rank = $3, status = $4, \
         last_message = coalesce($7, last_message), \
         idle = CASE WHEN $7 IS NULL THEN idle ELSE $2 END, \
         first_message = coalesce($13, first_message) \
       WHERE id = $5 AND status = $6 RETURNING id, topic_id), \
     posted AS ( \
       INSERT INTO chat_message (session_id, message, when_posted, type, special_type, \
         author, created_by) \
       SELECT id, $7, $2, $8, $9, $10, $12 FROM claimed WHERE $7 IS NOT NULL), \
     counted AS ( \
       UPDATE chat_topic t SET last_accept = $2, \
         seconds_pr_accept = CAST(floor((t.seconds_pr_accept * t.accept_count + $11::float8) \
                                        / (t.accept_count + 1) + 0.5) AS bigint), \
         accept_count = t.accept_count + 1 \
       FROM claimed WHERE t.id = claimed.topic_id) \
     SELECT count(*) FROM claimed";

/// The capacity of agent `$1`; sent after [`LOCK_AGENT`], so it counts what the agent's
/// earlier transactions committed.
pub static CAPACITY: LazyLock<String> = LazyLock::new(|| capacity::query("$1"));

/// Every statement [`pickup`] sends, to prepare before its transaction begins: the order in
/// which pipelined statements run must not depend on which were prepared already.
pub fn statements() -> [&'static str; 12] {
    [
        LOCK_AGENT,
        &CAPACITY,
        keys::LOOKUP,
        SOUGHT,
        CANDIDATE,
        CANDIDATE_BY_ID,
        reads::RESOURCES,
        CLAIM,
        &SESSION_ROW,
        &AGENT_ROW,
        keys::SWEEP_EXPIRED,
        keys::RECORD,
    ]
}

static SESSION_ROW: LazyLock<String> = LazyLock::new(|| load::select(&CHAT_SESSION_ENTITY));
static AGENT_ROW: LazyLock<String> = LazyLock::new(|| load::select(&ASSOCIATE));

/// What the pickup took: the session's row as committed, and the agent's row (the
/// session's `User`), read in the same round trip.
pub struct Claimed {
    pub candidate: Candidate,
    pub cells: Vec<Cell>,
    pub agent: Vec<Cell>,
}

/// What the transaction came to.
pub enum Taken {
    /// The pickup, committed; `None`: nothing eligible (nothing written but the key).
    Now(Option<Box<Claimed>>),
    /// The key says what to answer instead; nothing was written.
    Before(Earlier),
    /// The session asked for is in a topic where the agent may not respond; nothing written.
    Forbidden,
    /// The agent holds as many sessions as they may; nothing written.
    AtCapacity(Full),
}

/// The whole pickup. The key's record is read in the first round trip, after the agent's
/// row is locked; a pickup made now is committed here, anything else by the caller's
/// `COMMIT`.
pub async fn pickup(
    client: &ClientWrapper,
    agent: &Agent,
    which: Which,
    now: Timestamp,
    key: Option<&Keyed<'_>>,
) -> Result<Taken, Failure> {
    let id = agent.associate_id;
    let lookup = async {
        match key {
            Some(key) => row(client, keys::LOOKUP, &[&id, &key.key.as_str()]).await,
            None => Ok(None),
        }
    };
    let sought = async {
        match which {
            Which::First => Ok(None),
            Which::Session(session) => {
                row(client, SOUGHT, &[&id, &status::IN_QUEUE, &session]).await
            }
        }
    };
    let next = async {
        match which {
            Which::First => row(client, CANDIDATE, &[&id, &status::IN_QUEUE]).await,
            Which::Session(session) => {
                row(client, CANDIDATE_BY_ID, &[&id, &status::IN_QUEUE, &session]).await
            }
        }
    };
    let (_, load, recorded, sought, next) = futures_util::future::try_join5(
        execute(client, LOCK_AGENT, &[&id]),
        capacity(client, id),
        lookup,
        sought,
        next,
    )
    .await?;
    if let Some(key) = key
        && let Some(earlier) = key.judge(keys::recorded(recorded)?)
    {
        return Ok(Taken::Before(earlier));
    }
    if let Err(full) = load.check() {
        return Ok(Taken::AtCapacity(full));
    }
    if matches!(which, Which::Session(_)) {
        let found = sought
            .map(|row| Ok::<_, tokio_postgres::Error>((row.try_get(0)?, row.try_get(1)?)))
            .transpose()?;
        if Sought::judge(found) == Sought::Forbidden {
            return Ok(Taken::Forbidden);
        }
    }
    let Some(next) = next else {
        if let Some(key) = key {
            record_key(client, id, key, None, now).await?;
        }
        return Ok(Taken::Now(None));
    };
    let candidate = Candidate {
        first_message: next.try_get(11)?,
        session_id: next.try_get(0)?,
        topic_id: next.try_get(1)?,
        when_requested: Timestamp::from_utc(next.try_get::<_, DateTime<Utc>>(2)?),
        welcome: WelcomeSource {
            raw: next.try_get(3)?,
            language_id: next.try_get(4)?,
            topic: next.try_get(5)?,
            first_name_only: next.try_get(6)?,
            customer: next.try_get(7)?,
            alias: next.try_get(8)?,
            person_first_name: next.try_get(9)?,
        },
    };
    let ranks: Vec<i64> = next.try_get(10)?;
    let rank = first_free_rank(ranks.into_iter().map(Ok::<_, Failure>))?;
    let resources = match candidate.resources_needed() {
        Some(language) => resources(client, language).await?,
        None => Resources::default(),
    };
    let plan = candidate.plan(agent, rank, resources, now);
    let session_id = candidate.session_id;
    let welcome = plan.welcome.as_ref();
    let params: [&(dyn ToSql + Sync); 13] = [
        &id,
        &now.utc(),
        &plan.rank,
        &plan.status,
        &session_id,
        &status::IN_QUEUE,
        &welcome.map(|message| message.text.as_str()),
        &welcome.map(|message| message.kind),
        &welcome.map(|message| message.special),
        &welcome.map(|message| message.author.as_str()),
        &plan.waited_seconds,
        &welcome.map(|message| message.created_by),
        &plan.first_message,
    ];
    // Prepared already (see `statements`): the four are sent together, in this order.
    let (claim, session_row, agent_row) = try_join3(
        client.prepare_cached(CLAIM),
        client.prepare_cached(&SESSION_ROW),
        client.prepare_cached(&AGENT_ROW),
    )
    .await?;
    let recording = async {
        match key {
            Some(key) => record_key(client, id, key, Some(session_id), now).await,
            None => Ok(()),
        }
    };
    let (claimed, session, agent_row, (), ()) = futures_util::future::try_join5(
        client.query_opt(&claim, &params),
        client.query_opt(&session_row, &[&session_id]),
        client.query_opt(&agent_row, &[&id]),
        recording,
        client.batch_execute("COMMIT"),
    )
    .await
    .map_err(errors::while_committing)?;
    let claimed: i64 = claimed.map_or(Ok(0), |row| row.try_get(0))?;
    let vanished = || {
        Failure::Store(StoreError::Internal(format!(
            "locked session {session_id} was not claimed"
        )))
    };
    let session = session.filter(|_| claimed == 1).ok_or_else(vanished)?;
    let agent_row = agent_row.ok_or_else(vanished)?;
    Ok(Taken::Now(Some(Box::new(Claimed {
        candidate,
        cells: load::cells(&CHAT_SESSION_ENTITY, &session)?,
        agent: load::cells(&ASSOCIATE, &agent_row)?,
    }))))
}

/// What agent `id` may hold and holds; read after their row is locked.
pub(super) async fn capacity(
    client: &ClientWrapper,
    id: i64,
) -> Result<Load, tokio_postgres::Error> {
    let statement = client.prepare_cached(&CAPACITY).await?;
    let row = client.query_one(&statement, &[&id]).await?;
    Ok(Load {
        limit: row.try_get(0)?,
        held: row.try_get(1)?,
    })
}

/// Sweeps a few expired keys and records this one with what the pickup did; both sent
/// without waiting, in this order.
pub(super) async fn record_key(
    client: &ClientWrapper,
    associate_id: i64,
    key: &Keyed<'_>,
    session_id: Option<i64>,
    now: Timestamp,
) -> Result<(), tokio_postgres::Error> {
    let expired = key.expired_before.utc();
    let record: [&(dyn ToSql + Sync); 5] = [
        &associate_id,
        &key.key.as_str(),
        &key.operation,
        &session_id,
        &now.utc(),
    ];
    futures_util::future::try_join(
        execute(client, keys::SWEEP_EXPIRED, &[&expired, &SWEEP]),
        execute(client, keys::RECORD, &record),
    )
    .await?;
    Ok(())
}
