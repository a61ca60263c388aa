//! Failed-login counts per login name: the store's part of login throttling, as SQLite
//! keeps them, in PostgreSQL's terms.

use deadpool_postgres::ClientWrapper;

use super::errors::Failure;
use super::{execute, row};
use crate::store::{LoginFailures, StoreError};
use crate::time::Timestamp;

pub const FAILURES: &str = "SELECT failures, last_failure FROM login_failure WHERE login = $1";

/// One more failure, atomically; a count older than the forget instant starts again.
const RECORD: &str = "INSERT INTO login_failure (login, failures, last_failure) VALUES ($1, 1, $2) \
    ON CONFLICT (login) DO UPDATE SET \
      failures = CASE WHEN login_failure.last_failure < $3 THEN 1 \
                      ELSE login_failure.failures + 1 END, \
      last_failure = excluded.last_failure";

const FORGET: &str = "DELETE FROM login_failure WHERE last_failure < $1";

pub async fn failures(
    client: &ClientWrapper,
    login: &str,
) -> Result<Option<LoginFailures>, Failure> {
    let Some(found) = row(client, FAILURES, &[&login]).await? else {
        return Ok(None);
    };
    let failures: i64 = found.try_get(0)?;
    let failures = u32::try_from(failures).map_err(|_| {
        Failure::Store(StoreError::Internal(format!(
            "a failed-login count of {failures}"
        )))
    })?;
    Ok(Some(LoginFailures {
        failures,
        last: Timestamp::from_utc(found.try_get(1)?),
    }))
}

pub async fn record(
    client: &ClientWrapper,
    login: &str,
    now: Timestamp,
    forget_before: Timestamp,
) -> Result<(), tokio_postgres::Error> {
    execute(client, FORGET, &[&forget_before.utc()]).await?;
    execute(client, RECORD, &[&login, &now.utc(), &forget_before.utc()]).await?;
    Ok(())
}
