//! Who a credential belongs to: login names with password hashes, issued tickets and API
//! tokens, partner-app tokens - and the admin commands that issue and revoke them.

use rusqlite::{Connection, OptionalExtension, Row, params};

use super::SqliteStore;
use super::admin::{AdminError, associate_id};
use crate::auth::secret::{self, SecretKind};
use crate::store::{Account, Agent};
use crate::time::Timestamp;

/// The account columns, over `associate a`; the password joined as `c`, the zone as `z`.
const ACCOUNT: &str = "SELECT a.associate_id, a.name, a.full_name, a.deleted, c.value, \
     z.iana_zone, a.type FROM associate a \
     LEFT JOIN credentials c ON c.associate_id = a.associate_id AND c.type = 'password' \
     LEFT JOIN tzlocation z ON z.tzlocation_id = a.tzlocation_id";

fn account_from(row: &Row) -> rusqlite::Result<Account> {
    let name: String = row.get(1)?;
    let full_name: String = row.get(2)?;
    let display_name = if full_name.trim().is_empty() {
        name.clone()
    } else {
        full_name
    };
    Ok(Account {
        agent: Agent {
            associate_id: row.get(0)?,
            name,
            display_name,
        },
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

impl SqliteStore {
    /// Issues a secret of `kind` for `user`, valid until `expires` (`None`: until revoked).
    /// Returns the secret, which is not stored and cannot be shown again.
    pub fn issue_secret(
        &self,
        user: &str,
        kind: SecretKind,
        now: Timestamp,
        expires: Option<Timestamp>,
    ) -> Result<String, AdminError> {
        let connection = self.connection();
        let associate = live_associate(&connection, user)?;
        let issued = secret::issue(kind);
        connection.execute(
            "INSERT INTO auth_secret (associate_id, kind, fingerprint, created, expires) \
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                associate,
                kind.column(),
                secret::fingerprint(&issued),
                now,
                expires
            ],
        )?;
        Ok(issued)
    }

    /// Revokes one secret of `kind` by its value; `false` if there was no such live secret.
    pub fn revoke_secret(&self, kind: SecretKind, value: &str) -> Result<bool, AdminError> {
        let changed = self.connection().execute(
            "UPDATE auth_secret SET revoked = 1 WHERE fingerprint = ?1 AND kind = ?2 AND revoked = 0",
            params![secret::fingerprint(value.trim()), kind.column()],
        )?;
        Ok(changed > 0)
    }

    /// Revokes every secret of `kind` that `user` holds; returns how many.
    pub fn revoke_secrets_of(&self, user: &str, kind: SecretKind) -> Result<usize, AdminError> {
        let connection = self.connection();
        let associate = associate_id(&connection, user)?;
        Ok(connection.execute(
            "UPDATE auth_secret SET revoked = 1 WHERE associate_id = ?1 AND kind = ?2 AND revoked = 0",
            params![associate, kind.column()],
        )?)
    }

    /// Registers a partner app; returns its token, which is not stored.
    pub fn add_app(&self, name: &str, now: Timestamp) -> Result<String, AdminError> {
        let token = secret::issue_app_token();
        let inserted = self.connection().execute(
            "INSERT OR IGNORE INTO partner_app (name, fingerprint, created) VALUES (?1, ?2, ?3)",
            params![name, secret::fingerprint(&token), now],
        )?;
        if inserted == 0 {
            return Err(AdminError::Exists {
                what: "app",
                name: name.to_string(),
            });
        }
        Ok(token)
    }

    pub fn revoke_app(&self, name: &str) -> Result<(), AdminError> {
        let changed = self.connection().execute(
            "UPDATE partner_app SET revoked = 1 WHERE name = ?1 COLLATE NOCASE",
            [name],
        )?;
        if changed == 0 {
            return Err(AdminError::Unknown {
                what: "app",
                name: name.to_string(),
            });
        }
        Ok(())
    }

    /// Replaces `user`'s password hash (an argon2id PHC string).
    pub fn set_password(&self, user: &str, password_hash: &str) -> Result<(), AdminError> {
        let connection = self.connection();
        let associate = associate_id(&connection, user)?;
        connection.execute(
            "INSERT INTO credentials (associate_id, type, value) VALUES (?1, 'password', ?2) \
             ON CONFLICT (associate_id, type) DO UPDATE SET value = excluded.value",
            params![associate, password_hash],
        )?;
        Ok(())
    }

    /// Marks `user` deleted: no credential of theirs authenticates any more.
    pub fn delete_associate(&self, user: &str) -> Result<(), AdminError> {
        let connection = self.connection();
        let associate = associate_id(&connection, user)?;
        connection.execute(
            "UPDATE associate SET deleted = 1 WHERE associate_id = ?1",
            [associate],
        )?;
        Ok(())
    }
}

/// The id of `user`, who must not be deleted: secrets are not issued to the departed.
fn live_associate(connection: &Connection, user: &str) -> Result<i64, AdminError> {
    let id = associate_id(connection, user)?;
    let deleted: bool = connection.query_row(
        "SELECT deleted FROM associate WHERE associate_id = ?1",
        [id],
        |row| row.get(0),
    )?;
    if deleted {
        return Err(AdminError::Unknown {
            what: "active associate",
            name: user.to_string(),
        });
    }
    Ok(id)
}
