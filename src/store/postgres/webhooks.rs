//! Webhooks on PostgreSQL: registered by the `admin` commands, the outbox delivered
//! ([`crate::chat::outbox`]) with row locks skipped by senders side by side, so that two
//! senders take different deliveries. The SQL is [`crate::store::sql::webhooks`]'s.

use std::sync::LazyLock;

use deadpool_postgres::ClientWrapper;
use tokio_postgres::error::SqlState;
use tokio_postgres::types::ToSql;

use super::errors::Failure;
use super::{execute, row, rows};
use crate::chat::outbox::{self, Hook, Outgoing, Settled};
use crate::store::admin::{AdminError, NewWebhook, WebhookInfo};
use crate::store::sql::webhooks;
use crate::time::Timestamp;

static TAKE: LazyLock<String> = LazyLock::new(|| webhooks::take(" FOR UPDATE OF d SKIP LOCKED"));

pub(super) async fn add(
    client: &ClientWrapper,
    webhook: &NewWebhook,
    now: Timestamp,
) -> Result<(), Failure> {
    let at = now.utc();
    let values: [&(dyn ToSql + Sync); 5] = [
        &webhook.name,
        &webhook.url,
        &webhook.events,
        &webhook.secret,
        &at,
    ];
    match execute(client, webhooks::ADD, &values).await {
        Err(error) if error.code() == Some(&SqlState::UNIQUE_VIOLATION) => {
            Err(AdminError::exists("webhook", &webhook.name).into())
        }
        added => Ok(added.map(|_| ())?),
    }
}

pub(super) async fn list(client: &ClientWrapper) -> Result<Vec<WebhookInfo>, Failure> {
    let found = rows(client, webhooks::LIST, &[]).await?;
    let listed = found.iter().map(|row| {
        Ok(WebhookInfo {
            name: row.try_get(0)?,
            url: row.try_get(1)?,
            events: row.try_get(2)?,
            failing: row.try_get(3)?,
            waiting: row.try_get(4)?,
            oldest: row
                .try_get::<_, Option<chrono::DateTime<chrono::Utc>>>(5)?
                .map(Timestamp::from_utc),
        })
    });
    listed
        .collect::<Result<_, tokio_postgres::Error>>()
        .map_err(Into::into)
}

pub(super) async fn remove(client: &ClientWrapper, name: &str) -> Result<(), Failure> {
    match execute(client, webhooks::REMOVE, &[&name]).await? {
        0 => Err(AdminError::unknown("webhook", name).into()),
        _ => Ok(()),
    }
}

pub(super) async fn resume(
    client: &ClientWrapper,
    name: &str,
    now: Timestamp,
) -> Result<(), Failure> {
    if execute(client, webhooks::RESUME, &[&name]).await? == 0 {
        return Err(AdminError::unknown("webhook", name).into());
    }
    execute(client, webhooks::RESUME_DELIVERIES, &[&name, &now.utc()]).await?;
    Ok(())
}

pub(super) async fn hook(client: &ClientWrapper, name: &str) -> Result<Hook, Failure> {
    let found = row(client, webhooks::HOOK, &[&name])
        .await?
        .ok_or_else(|| AdminError::unknown("webhook", name))?;
    Ok(Hook {
        id: found.try_get(0)?,
        name: found.try_get(1)?,
        url: found.try_get(2)?,
        secret: found.try_get(3)?,
    })
}

/// Takes the due deliveries under `claim`.
pub(super) async fn take(
    client: &ClientWrapper,
    now: Timestamp,
    claim: &str,
    limit: i64,
) -> Result<Vec<Outgoing>, Failure> {
    let (at, until) = (now.utc(), now.after(outbox::LEASE).utc());
    let values: [&(dyn ToSql + Sync); 4] = [&at, &until, &limit, &claim];
    execute(client, &TAKE, &values).await?;
    let taken = rows(client, webhooks::TAKEN, &[&claim]).await?;
    let outgoing = taken.iter().map(webhooks::outgoing);
    Ok(outgoing.collect::<Result<_, _>>()?)
}

/// Notes `settled` of `outgoing`.
pub(super) async fn settle(
    client: &ClientWrapper,
    outgoing: &Outgoing,
    settled: &Settled,
    now: Timestamp,
) -> Result<(), Failure> {
    let (hook, event_row, claim) = (outgoing.hook.id, outgoing.row, &outgoing.claim);
    let failed = async |at: Timestamp, error: &str| {
        let values: [&(dyn ToSql + Sync); 5] = [&hook, &event_row, &at.utc(), &error, claim];
        execute(client, webhooks::FAILED, &values).await
    };
    match settled {
        Settled::Delivered => {
            execute(client, webhooks::DELIVERED, &[&hook, &event_row, claim]).await?;
        }
        Settled::Retry { at, error } => {
            failed(*at, error).await?;
        }
        Settled::GaveUp { error } => {
            if failed(now, error).await? > 0 {
                execute(client, webhooks::GIVE_UP, &[&hook]).await?;
            }
        }
    }
    Ok(())
}
