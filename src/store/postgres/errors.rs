//! PostgreSQL's failures as [`StoreError`]s: what a retry can cure is `Busy` (1 s) or
//! `Unreachable` (a few seconds: a restart, a failover), what needs an administrator is
//! `Unavailable`, and the rest is `Internal`. The text is for the log only.

use tokio_postgres::error::SqlState;

use crate::store::StoreError;
use crate::store::admin::AdminError;

/// A failure inside a transaction: PostgreSQL's, or the store's own.
#[derive(Debug)]
pub enum Failure {
    Db(tokio_postgres::Error),
    Store(StoreError),
    Admin(AdminError),
}

impl From<tokio_postgres::Error> for Failure {
    fn from(error: tokio_postgres::Error) -> Self {
        Failure::Db(error)
    }
}

impl From<AdminError> for Failure {
    fn from(error: AdminError) -> Self {
        Failure::Admin(error)
    }
}

impl Failure {
    /// The schema or its tables are not there: dropped, or never migrated.
    pub fn is_missing_schema(&self) -> bool {
        matches!(self, Failure::Db(error) if matches!(
            error.code(),
            Some(&SqlState::UNDEFINED_TABLE | &SqlState::INVALID_SCHEMA_NAME)
        ))
    }

    /// Serialization failures and deadlocks roll the transaction back: running it again is
    /// safe and usually succeeds.
    pub fn is_transient(&self) -> bool {
        matches!(self, Failure::Db(error) if matches!(
            error.code(),
            Some(&SqlState::T_R_SERIALIZATION_FAILURE | &SqlState::T_R_DEADLOCK_DETECTED)
        ))
    }
}

impl From<Failure> for StoreError {
    fn from(failure: Failure) -> Self {
        match failure {
            Failure::Db(error) => classify(&error),
            Failure::Store(error) => error,
            Failure::Admin(error) => StoreError::Internal(error.to_string()),
        }
    }
}

impl From<Failure> for AdminError {
    fn from(failure: Failure) -> Self {
        match failure {
            Failure::Admin(error) => error,
            other => AdminError::Store(other.into()),
        }
    }
}

/// A failure of the round trip that carried `COMMIT`: lost with the connection, the commit
/// may or may not have happened; anything the server answered, it did not.
pub fn while_committing(error: tokio_postgres::Error) -> Failure {
    match classify(&error) {
        StoreError::Unreachable(detail) if error.code().is_none() => {
            Failure::Store(StoreError::OutcomeUnknown(detail))
        }
        _ => Failure::Db(error),
    }
}

/// What `error` means for the caller.
pub fn classify(error: &tokio_postgres::Error) -> StoreError {
    let detail = detail(error);
    let Some(code) = error.code() else {
        return without_sqlstate(error, detail);
    };
    match code.code() {
        // Serialization failure or deadlock after the retries, lock or statement timeout,
        // too many connections or out of memory: the server is busy.
        "40001" | "40P01" | "55P03" | "57014" | "53000" | "53200" | "53300" => {
            StoreError::Busy(detail)
        }
        "53100" => StoreError::Full(detail),
        // Read-only (a replica, or a failover under way), shutting down, starting up,
        // connection exceptions: it will come back.
        "25006" | "57P01" | "57P02" | "57P03" => StoreError::Unreachable(detail),
        class if class.starts_with("08") => StoreError::Unreachable(detail),
        // Wrong password, no such database or schema, no privilege, a table missing: an
        // administrator must act.
        class if class.starts_with("28") => StoreError::Unavailable(detail),
        "3D000" | "3F000" | "42501" | "42P01" => StoreError::Unavailable(detail),
        _ => StoreError::Internal(detail),
    }
}

/// A client-side failure: the connection's (refused, reset, closed, timed out, TLS) can heal;
/// a refused login needs an administrator; the rest - a value that does not convert, an
/// unexpected row count - is a bug. tokio-postgres tells them apart only in its messages.
fn without_sqlstate(error: &tokio_postgres::Error, detail: String) -> StoreError {
    const CONNECTION: [&str; 5] = [
        "error connecting to server",
        "error communicating with the server",
        "error performing TLS handshake",
        "timeout waiting for server",
        "unexpected message from server",
    ];
    let message = error.to_string();
    if error.is_closed() || CONNECTION.iter().any(|kind| message.starts_with(kind)) {
        StoreError::Unreachable(detail)
    } else if message.starts_with("authentication error") {
        StoreError::Unavailable(detail)
    } else {
        StoreError::Internal(detail)
    }
}

/// The server's message with its SQLSTATE, or the client's error with its cause.
fn detail(error: &tokio_postgres::Error) -> String {
    match error.as_db_error() {
        Some(db) => format!("{} ({})", db.message(), db.code().code()),
        None => match std::error::Error::source(error) {
            Some(cause) => format!("{error}: {cause}"),
            None => error.to_string(),
        },
    }
}

/// A failure to get a connection from the pool.
pub fn pool(error: deadpool_postgres::PoolError) -> StoreError {
    use deadpool_postgres::PoolError;
    match error {
        PoolError::Backend(error) => classify(&error),
        PoolError::Timeout(_) => {
            StoreError::Busy("no database connection became free in time".into())
        }
        other => StoreError::Unreachable(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_timed_out_connection_can_heal() {
        let error = tokio_postgres::Error::__private_api_timeout();
        assert!(matches!(classify(&error), StoreError::Unreachable(_)));
    }
}
