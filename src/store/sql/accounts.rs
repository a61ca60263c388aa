//! Who a credential belongs to: accounts by login name or issued secret, and partner apps;
//! secrets issued and revoked. Placeholders: `$1` the login name or fingerprint, `$2` a
//! secret's kind, `$3` now - except where a statement says otherwise.

use std::sync::LazyLock;

use super::Columns;
use crate::account::{Account, Agent};

/// The account columns, over `associate a`; the password joined as `c`, the zone as `z`.
const ACCOUNT: &str = "SELECT a.associate_id, a.name, a.full_name, a.deleted, c.value, \
    z.iana_zone, a.type FROM associate a \
    LEFT JOIN credentials c ON c.associate_id = a.associate_id AND c.type = 'password' \
    LEFT JOIN tzlocation z ON z.tzlocation_id = a.tzlocation_id";

/// The account whose login name `name_matches` (the backend's case-insensitive comparison
/// with `$1`, on its index).
pub fn by_login(name_matches: &str) -> String {
    format!("{ACCOUNT} WHERE {name_matches}")
}

/// The account a live (issued, not revoked, not expired) secret belongs to.
pub static BY_SECRET: LazyLock<String> = LazyLock::new(|| {
    format!(
        "{ACCOUNT} JOIN auth_secret s ON s.associate_id = a.associate_id \
         WHERE s.fingerprint = $1 AND s.kind = $2 AND NOT s.revoked \
           AND (s.expires IS NULL OR s.expires > $3)"
    )
});

/// Stores an issued secret by its fingerprint: `$1` the associate, `$2` the kind, `$3` the
/// fingerprint, `$4` when it was issued, `$5` when it expires (null: never). The admin's
/// `issue-ticket` and a page's sign-in both issue by it.
pub const ADD_SECRET: &str = "INSERT INTO auth_secret (associate_id, kind, fingerprint, created, expires) \
    VALUES ($1, $2, $3, $4, $5)";

/// Deletes the tickets that can no longer sign anyone in - revoked, or expired before `$1` -
/// so that pages signing in every day do not pile them up. (API tokens stay: they are few
/// and live long.)
pub const ENDED_TICKETS: &str = "DELETE FROM auth_secret WHERE kind = 'ticket' \
    AND (revoked OR expires < $1)";

/// Revokes the live secret of kind `$2` whose fingerprint is `$1`: `admin revoke-ticket`, and
/// a page signing out.
pub const REVOKE_SECRET: &str =
    "UPDATE auth_secret SET revoked = true WHERE fingerprint = $1 AND kind = $2 AND NOT revoked";

/// The registered, unrevoked partner app whose token has this fingerprint.
pub const PARTNER_APP: &str = "SELECT name FROM partner_app WHERE fingerprint = $1 AND NOT revoked";

/// What [`by_login`] and [`BY_SECRET`] read.
pub fn account<R: Columns>(row: &R) -> Result<Account, R::Error> {
    Ok(Account {
        agent: Agent::new(row.int(0)?, row.text(1)?, row.text(2)?),
        deleted: row.flag(3)?,
        password_hash: row.maybe_text(4)?,
        time_zone: row.maybe_text(5)?,
        user_type: row.int(6)?,
    })
}
