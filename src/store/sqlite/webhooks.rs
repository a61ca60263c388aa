//! Webhooks on SQLite: registered by the `admin` commands on the reading connection, the
//! outbox delivered through the writer ([`crate::chat::outbox`]). The SQL is
//! [`crate::store::sql::webhooks`]'s.

use std::sync::LazyLock;

use rusqlite::{Connection, ErrorCode, OptionalExtension, params};

use crate::chat::outbox::{self, Hook, Outgoing, Settled};
use crate::store::admin::{AdminError, NewWebhook, WebhookInfo};
use crate::store::sql::{self, webhooks};
use crate::time::Timestamp;

static TAKE: LazyLock<String> = LazyLock::new(|| sql::sqlite(&webhooks::take("")));
static TAKEN: LazyLock<String> = LazyLock::new(|| sql::sqlite(webhooks::TAKEN));
static DELIVERED: LazyLock<String> = LazyLock::new(|| sql::sqlite(webhooks::DELIVERED));
static FAILED: LazyLock<String> = LazyLock::new(|| sql::sqlite(webhooks::FAILED));
static GIVE_UP: LazyLock<String> = LazyLock::new(|| sql::sqlite(webhooks::GIVE_UP));

pub(super) fn add(
    transaction: &Connection,
    webhook: &NewWebhook,
    now: Timestamp,
) -> Result<(), AdminError> {
    let NewWebhook {
        name,
        url,
        events,
        secret,
    } = webhook;
    let added = transaction.execute(
        &sql::sqlite(webhooks::ADD),
        params![name, url, events, secret, now],
    );
    match added {
        Err(rusqlite::Error::SqliteFailure(error, _))
            if error.code == ErrorCode::ConstraintViolation =>
        {
            Err(AdminError::exists("webhook", name))
        }
        added => Ok(added.map(|_| ())?),
    }
}

pub(super) fn list(connection: &Connection) -> Result<Vec<WebhookInfo>, AdminError> {
    let mut statement = connection.prepare(&sql::sqlite(webhooks::LIST))?;
    let rows = statement.query_map([], |row| {
        Ok(WebhookInfo {
            name: row.get(0)?,
            url: row.get(1)?,
            events: row.get(2)?,
            failing: row.get(3)?,
            waiting: row.get(4)?,
            oldest: row.get(5)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(super) fn remove(transaction: &Connection, name: &str) -> Result<(), AdminError> {
    match transaction.execute(&sql::sqlite(webhooks::REMOVE), [name])? {
        0 => Err(AdminError::unknown("webhook", name)),
        _ => Ok(()),
    }
}

pub(super) fn resume(
    transaction: &Connection,
    name: &str,
    now: Timestamp,
) -> Result<(), AdminError> {
    if transaction.execute(&sql::sqlite(webhooks::RESUME), [name])? == 0 {
        return Err(AdminError::unknown("webhook", name));
    }
    transaction.execute(
        &sql::sqlite(webhooks::RESUME_DELIVERIES),
        params![name, now],
    )?;
    Ok(())
}

pub(super) fn hook(connection: &Connection, name: &str) -> Result<Hook, AdminError> {
    connection
        .query_row(&sql::sqlite(webhooks::HOOK), [name], |row| {
            Ok(Hook {
                id: row.get(0)?,
                name: row.get(1)?,
                url: row.get(2)?,
                secret: row.get(3)?,
            })
        })
        .optional()?
        .ok_or_else(|| AdminError::unknown("webhook", name))
}

/// Takes the due deliveries under `claim` (inside the writer's transaction).
pub(super) fn take(
    transaction: &Connection,
    now: Timestamp,
    claim: &str,
    limit: i64,
) -> rusqlite::Result<Vec<Outgoing>> {
    let until = now.after(outbox::LEASE);
    transaction
        .prepare_cached(&TAKE)?
        .execute(params![now, until, limit, claim])?;
    let mut statement = transaction.prepare_cached(&TAKEN)?;
    let rows = statement.query_map([claim], |row| webhooks::outgoing(row))?;
    rows.collect()
}

/// Notes `settled` of `outgoing` (inside the writer's transaction).
pub(super) fn settle(
    transaction: &Connection,
    outgoing: &Outgoing,
    settled: &Settled,
    now: Timestamp,
) -> rusqlite::Result<()> {
    let (hook, row, claim) = (outgoing.hook.id, outgoing.row, &outgoing.claim);
    let failed = |at: &Timestamp, error: &str| {
        transaction
            .prepare_cached(&FAILED)?
            .execute(params![hook, row, at, error, claim])
    };
    match settled {
        Settled::Delivered => {
            transaction
                .prepare_cached(&DELIVERED)?
                .execute(params![hook, row, claim])?;
        }
        Settled::Retry { at, error } => {
            failed(at, error)?;
        }
        Settled::GaveUp { error } => {
            if failed(&now, error)? > 0 {
                transaction.prepare_cached(&GIVE_UP)?.execute([hook])?;
            }
        }
    }
    Ok(())
}
