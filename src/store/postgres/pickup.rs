//! The pickup transaction (spec section 2) on PostgreSQL: choose, claim, welcome, count -
//! all or nothing, and concurrent callers never wait on each other's session.
//!
//! The agent's own row is locked first ([`agent`]), so one agent's pickups take turns - its
//! Ranks stay unique, and its capacity is counted with every earlier pickup committed; the
//! session is chosen with `FOR NO KEY UPDATE SKIP LOCKED`, so callers skip a session another
//! pickup holds instead of queueing behind it (the weaker lock does not conflict with the
//! key-share lock a customer's new message takes on its session through the foreign key: a
//! session whose customer is typing is not skipped). The transaction takes two round trips
//! (three when the welcome refers to string resources): the lock and the facts (with what
//! the welcome message and the Rank need) sent together, then the writes, the session's and
//! the agent's rows and `COMMIT` sent together - so the topic's row, which every pickup in
//! the topic updates, is held for the least time. [`pickup::judge`] decides in between.

use std::sync::LazyLock;

use deadpool_postgres::ClientWrapper;
use futures_util::future::try_join3;
use tokio_postgres::types::ToSql;

use super::agent::{self, LOCK_AGENT};
use super::errors::{self, Failure};
use super::reads::{self, resources};
use super::{events, execute, keys, load, row};
use crate::chat::Actor;
use crate::chat::events::{Event, Happened};
use crate::chat::idempotency::Outcome;
use crate::chat::idempotency::Recorded;
use crate::chat::pickup::{self, Candidate, Facts};
use crate::chat::queue::{Which, first_free_rank};
use crate::chat::verdict::{self, Verdict};
use crate::entity::{ASSOCIATE, CHAT_SESSION_ENTITY, status};
use crate::locale::Resources;
use crate::store::StoreError;
use crate::store::load::Cell;
use crate::store::sql::queue;

/// The agent's Ranks in progress, in order, beside the candidate.
static RANKS: LazyLock<String> = LazyLock::new(|| format!(", ARRAY({})", *queue::RANKS));

/// The first session agent `$1` may take, as a candidate with their Ranks, locked; sessions
/// other transactions hold are skipped. Served by the `chat_session_queue` index in order,
/// without a sort.
pub static NEXT_IN_QUEUE: LazyLock<String> = LazyLock::new(|| {
    let first = queue::first(" FOR NO KEY UPDATE OF s SKIP LOCKED");
    queue::candidate_query(&first, &RANKS)
});

/// The session `$2`, as a candidate with agent `$1`'s Ranks if it waits; sent after
/// [`FOREIGN`] locked it.
static NAMED: LazyLock<String> = LazyLock::new(|| queue::candidate_query(&queue::named(), &RANKS));

/// Whether session `$2` is in a topic where agent `$1` may not respond, its row locked -
/// waiting for a pickup that holds it.
static FOREIGN: LazyLock<String> =
    LazyLock::new(|| format!("{} FOR NO KEY UPDATE OF s", *queue::FOREIGN));

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

/// Every statement [`pickup`] sends, to prepare before its transaction begins: the order in
/// which pipelined statements run must not depend on which were prepared already.
pub fn statements() -> [&'static str; 13] {
    [
        LOCK_AGENT,
        &queue::CAPACITY,
        keys::LOOKUP,
        &FOREIGN,
        &NEXT_IN_QUEUE,
        &NAMED,
        reads::RESOURCES,
        CLAIM,
        &SESSION_ROW,
        &AGENT_ROW,
        keys::SWEEP_EXPIRED,
        keys::RECORD,
        &events::RECORD_AND_FAN_OUT,
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

/// The whole pickup. A pickup made now is committed here; anything else by the caller's
/// `COMMIT`.
pub async fn pickup(
    client: &ClientWrapper,
    actor: Actor<'_>,
    which: Which,
) -> Result<Verdict<Box<Claimed>>, Failure> {
    let (recorded, facts, ranks) = read_facts(client, actor, which).await?;
    let verdict = verdict::keyed(actor.key.as_ref(), recorded, || pickup::judge(facts));
    match verdict.into_change() {
        Ok(candidate) => {
            let claimed = claim(client, actor, candidate, ranks).await?;
            Ok(Verdict::Make(Box::new(claimed)))
        }
        Err(verdict) => {
            if verdict.records_key() {
                keys::record(client, actor, Outcome::default()).await?;
            }
            Ok(verdict)
        }
    }
}

/// The first round trip: the agent's lock, their capacity, the key's record, whether a
/// session named is in a foreign topic, and the candidate with the agent's Ranks.
async fn read_facts(
    client: &ClientWrapper,
    actor: Actor<'_>,
    which: Which,
) -> Result<(Option<Recorded>, Facts, Vec<i64>), Failure> {
    let id = actor.id();
    let foreign = async {
        match which {
            Which::First => Ok(None),
            Which::Session(session) => row(client, &FOREIGN, &[&id, &session]).await,
        }
    };
    let next = async {
        match which {
            Which::First => row(client, &NEXT_IN_QUEUE, &[&id]).await,
            Which::Session(session) => row(client, &NAMED, &[&id, &session]).await,
        }
    };
    let (_, load, recorded, foreign, next) = futures_util::future::try_join5(
        execute(client, LOCK_AGENT, &[&id]),
        agent::capacity(client, id),
        keys::recorded(client, actor),
        foreign,
        next,
    )
    .await?;
    let foreign = foreign.map(|row| row.try_get(0)).transpose()?;
    let ranks = next.as_ref().map(|row| row.try_get(11)).transpose()?;
    let facts = Facts {
        load,
        foreign: foreign.unwrap_or(false),
        next: next.map(|row| queue::candidate(&row)).transpose()?,
    };
    Ok((recorded, facts, ranks.unwrap_or_default()))
}

/// Claims `candidate` at the agent's first free Rank among `ranks`, posts its welcome and
/// counts the accept, records the key and commits - all sent together - and reads the
/// session's and the agent's rows as committed.
async fn claim(
    client: &ClientWrapper,
    actor: Actor<'_>,
    candidate: Candidate,
    ranks: Vec<i64>,
) -> Result<Claimed, Failure> {
    let (agent, now, id) = (actor.agent, actor.now, actor.id());
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
    let happened = Happened::by(actor, Event::PICKED_UP, session_id, None);
    // Prepared already (see `statements`): the claim, the two rows, the key's sweep and
    // record, the event and `COMMIT` are sent together, in this order.
    let (claim, session_row, agent_row) = try_join3(
        client.prepare_cached(CLAIM),
        client.prepare_cached(&SESSION_ROW),
        client.prepare_cached(&AGENT_ROW),
    )
    .await?;
    let recorded = futures_util::future::try_join(
        keys::record(client, actor, Outcome::session(Some(session_id))),
        events::record(client, &happened),
    );
    let (claimed, session, agent_row, ((), ()), ()) = futures_util::future::try_join5(
        client.query_opt(&claim, &params),
        client.query_opt(&session_row, &[&session_id]),
        client.query_opt(&agent_row, &[&id]),
        recorded,
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
    Ok(Claimed {
        candidate,
        cells: load::cells(&CHAT_SESSION_ENTITY, &session)?,
        agent: load::cells(&ASSOCIATE, &agent_row)?,
    })
}
