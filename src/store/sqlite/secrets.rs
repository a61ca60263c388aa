//! Issued secrets stored and revoked - by `admin issue-ticket` and a page's sign-in alike -
//! with the statements written once ([`sql::accounts`]).

use std::sync::LazyLock;

use rusqlite::{Connection, params};

use crate::account::secret::SecretKind;
use crate::store::admin::NewSecret;
use crate::store::sql::{self, accounts};

static ADD: LazyLock<String> = LazyLock::new(|| sql::sqlite(accounts::ADD_SECRET));
static REVOKE: LazyLock<String> = LazyLock::new(|| sql::sqlite(accounts::REVOKE_SECRET));

/// Stores `secret`, issued to associate `holder`.
pub(super) fn add(
    connection: &Connection,
    holder: i64,
    secret: &NewSecret,
) -> rusqlite::Result<()> {
    connection.prepare_cached(&ADD)?.execute(params![
        holder,
        secret.kind.column(),
        secret.fingerprint,
        secret.created,
        secret.expires
    ])?;
    Ok(())
}

/// Revokes the live secret of `kind` with this fingerprint; `false` if there is none.
pub(super) fn revoke(
    connection: &Connection,
    kind: SecretKind,
    fingerprint: &str,
) -> rusqlite::Result<bool> {
    let changed = connection
        .prepare_cached(&REVOKE)?
        .execute(params![fingerprint, kind.column()])?;
    Ok(changed > 0)
}
