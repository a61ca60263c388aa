//! Who a credential belongs to: login names with password hashes, issued tickets and API
//! tokens, partner-app tokens.

use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::auth::secret::SecretKind;
use crate::store::{Account, Agent};
use crate::time::Timestamp;

/// The account columns, over `associate a`; the password joined as `c`, the zone as `z`.
const ACCOUNT: &str = "SELECT a.associate_id, a.name, a.full_name, a.deleted, c.value, \
     z.iana_zone, a.type FROM associate a \
     LEFT JOIN credentials c ON c.associate_id = a.associate_id AND c.type = 'password' \
     LEFT JOIN tzlocation z ON z.tzlocation_id = a.tzlocation_id";

fn account_from(row: &Row) -> rusqlite::Result<Account> {
    Ok(Account {
        agent: Agent::new(row.get(0)?, row.get(1)?, row.get(2)?),
        deleted: row.get(3)?,
        password_hash: row.get(4)?,
        time_zone: row.get(5)?,
        user_type: row.get(6)?,
    })
}

/// The account with this login name (any case), deleted or not.
pub(super) fn by_login(connection: &Connection, login: &str) -> rusqlite::Result<Option<Account>> {
    connection
        .prepare_cached(&format!("{ACCOUNT} WHERE a.name = ?1 COLLATE NOCASE"))?
        .query_row([login], account_from)
        .optional()
}

/// The account a live (issued, not revoked, not expired) secret of `kind` belongs to.
pub(super) fn by_secret(
    connection: &Connection,
    kind: SecretKind,
    fingerprint: &str,
    now: Timestamp,
) -> rusqlite::Result<Option<Account>> {
    connection
        .prepare_cached(&format!(
            "{ACCOUNT} JOIN auth_secret s ON s.associate_id = a.associate_id \
             WHERE s.fingerprint = ?1 AND s.kind = ?2 AND s.revoked = 0 \
               AND (s.expires IS NULL OR s.expires > ?3)"
        ))?
        .query_row(params![fingerprint, kind.column(), now], account_from)
        .optional()
}

/// The name of the registered, unrevoked partner app whose token has this fingerprint.
pub(super) fn partner_app(
    connection: &Connection,
    fingerprint: &str,
) -> rusqlite::Result<Option<String>> {
    connection
        .prepare_cached("SELECT name FROM partner_app WHERE fingerprint = ?1 AND revoked = 0")?
        .query_row([fingerprint], |row| row.get(0))
        .optional()
}
