//! The changes to one named session on PostgreSQL - a reset, a transfer's step - each in one
//! transaction: the caller's row locked and the key's record read ([`agent::lock`]) and
//! asked - a replay or a key of another operation touches no session - then the associate
//! offered found, the session's row locked and its facts read, the chat's judge asked ([`crate::chat::reset`], [`crate::chat::transfer`]), its effect written and the key
//! recorded. The SQL is [`crate::store::sql::moves`]'s, with the session's row lock.

use std::sync::LazyLock;

use deadpool_postgres::ClientWrapper;

use super::errors::Failure;
use super::{agent, events, execute, keys, messages, row};
use crate::chat::effect::Effect;
use crate::chat::events::{Event, Happened};
use crate::chat::transfer::{self, Found, Step};
use crate::chat::verdict::{self, Verdict};
use crate::chat::{Actor, Move, edit, post, reset};
use crate::store::sql::moves;
use tokio_postgres::types::ToSql;

/// The session's row lock, taken as its facts are read.
const LOCK: &str = " FOR NO KEY UPDATE OF s";

static STANDING: LazyLock<String> = LazyLock::new(|| format!("{}{LOCK}", *moves::STANDING));
/// A login name matches in any case, on the index on `lower(name)`.
static TARGET: LazyLock<String> =
    LazyLock::new(|| moves::transfer_target("lower(name) = lower($2)"));
static TRANSFER_FACTS: LazyLock<String> =
    LazyLock::new(|| format!("{}{LOCK}", *moves::TRANSFER_FACTS));
static EDIT_FACTS: LazyLock<String> = LazyLock::new(|| format!("{}{LOCK}", *moves::EDIT_FACTS));

/// Makes `asked` of session `session_id` for the actor, and records their key where the
/// verdict says to.
pub async fn change(
    client: &ClientWrapper,
    actor: Actor<'_>,
    session_id: i64,
    asked: &Move,
) -> Result<Verdict<Option<i64>>, Failure> {
    // The caller's lock first: an acceptance counts their capacity under it.
    let recorded = agent::lock(client, actor).await?;
    if let Some(earlier) = verdict::recall_on(actor.key.as_ref(), recorded, session_id) {
        return Ok(earlier);
    }
    let at: [&(dyn ToSql + Sync); 2] = [&session_id, &actor.id()];
    let verdict = match asked {
        Move::Reset => {
            let found = row(client, &STANDING, &at).await?;
            reset::judge(
                session_id,
                found.map(|found| moves::standing(&found)).transpose()?,
            )
        }
        Move::Post(message) => {
            let found = row(client, &STANDING, &at).await?;
            let found = found.map(|found| moves::standing(&found)).transpose()?;
            post::judge(session_id, found, message, actor.agent)
        }
        Move::Edit(edits) => {
            let found = row(client, &EDIT_FACTS, &at).await?;
            let found = found.map(|found| moves::edit_facts(&found)).transpose()?;
            edit::judge(session_id, found, edits, actor.agent).map(Effect::Edit)
        }
        Move::Transfer(step) => {
            let found = transfer_facts(client, actor.id(), session_id, step).await?;
            transfer::judge(step, session_id, actor.id(), found)
        }
    };
    let verdict = match verdict.into_change() {
        Ok(effect) => {
            let event = Event::of(&effect);
            let posted = write(client, actor, session_id, effect).await?;
            let happened = Happened::by(actor, event, session_id, posted);
            events::record(client, &happened).await?;
            Verdict::Make(posted)
        }
        Err(verdict) => verdict,
    };
    if verdict.records_key() {
        keys::record(client, actor, verdict.outcome(session_id)).await?;
    }
    Ok(verdict)
}

/// What a transfer's `step` reads: the associate offered, the session's facts (its row
/// locked) and, for an acceptance, the caller's capacity.
async fn transfer_facts(
    client: &ClientWrapper,
    agent: i64,
    session_id: i64,
    step: &Step,
) -> Result<Found, Failure> {
    let target: Option<i64> = match step {
        Step::Offer(_) => row(client, &TARGET, &[&step.target_id(), &step.target_name()])
            .await?
            .map(|row| row.try_get(0))
            .transpose()?,
        _ => None,
    };
    let session = row(client, &TRANSFER_FACTS, &[&session_id, &agent, &target])
        .await?
        .map(|found| moves::transfer_facts(&found))
        .transpose()?;
    let load = match step {
        Step::Accept => Some(agent::capacity(client, agent).await?),
        _ => None,
    };
    Ok(Found {
        session,
        target,
        load,
    })
}

/// Writes `effect` on session `session_id` for the actor; the message it posted, if any.
async fn write(
    client: &ClientWrapper,
    actor: Actor<'_>,
    session_id: i64,
    effect: Effect,
) -> Result<Option<i64>, tokio_postgres::Error> {
    let agent = actor.id();
    match effect {
        Effect::Reset => execute(client, &moves::RESET, &[&session_id]).await?,
        Effect::Offer(target) => execute(client, moves::OFFER, &[&session_id, &target]).await?,
        Effect::Accept => {
            let rank = agent::free_rank(client, agent).await?;
            execute(client, moves::ACCEPT, &[&session_id, &agent, &rank]).await?
        }
        Effect::Reject => execute(client, moves::REJECT, &[&session_id]).await?,
        Effect::Post(message) => {
            let posted = messages::insert(client, session_id, &message, actor.now).await?;
            let copy = message.copy();
            let now = actor.now.utc();
            execute(client, &messages::POSTED, &[&session_id, &copy, &now]).await?;
            return Ok(Some(posted));
        }
        Effect::Edit(edit) => {
            let ([level, flags, rating], [name, email, phone, company]) =
                moves::edit_values(&edit.sets);
            let values: [&(dyn ToSql + Sync); 8] = [
                &session_id,
                &level,
                &flags,
                &rating,
                &name,
                &email,
                &phone,
                &company,
            ];
            execute(client, moves::EDIT, &values).await?;
            if let Some(notice) = edit.ends {
                let now = actor.now.utc();
                execute(client, &moves::END, &[&session_id, &now]).await?;
                messages::insert(client, session_id, &notice, actor.now).await?;
            }
            0
        }
    };
    Ok(None)
}
