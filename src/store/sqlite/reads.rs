//! The reads: who a credential belongs to (login names with password hashes, issued tickets
//! and API tokens, partner-app tokens), time-zone locations and string resources.

use std::collections::BTreeMap;

use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::account::secret::SecretKind;
use crate::account::{Account, Agent};
use crate::locale::{Language, Location, Resources};
use crate::time::Timestamp;

/// The account columns, over `associate a`; the password joined as `c`, the zone as `z`.
macro_rules! account {
    () => {
        "SELECT a.associate_id, a.name, a.full_name, a.deleted, c.value, \
         z.iana_zone, a.type FROM associate a \
         LEFT JOIN credentials c ON c.associate_id = a.associate_id AND c.type = 'password' \
         LEFT JOIN tzlocation z ON z.tzlocation_id = a.tzlocation_id"
    };
}

const BY_LOGIN: &str = concat!(account!(), " WHERE a.name = ?1 COLLATE NOCASE");

const BY_SECRET: &str = concat!(
    account!(),
    " JOIN auth_secret s ON s.associate_id = a.associate_id \
     WHERE s.fingerprint = ?1 AND s.kind = ?2 AND s.revoked = 0 \
       AND (s.expires IS NULL OR s.expires > ?3)"
);

const PARTNER_APP: &str = "SELECT name FROM partner_app WHERE fingerprint = ?1 AND revoked = 0";

const LOCATION_BY_CODE: &str = "SELECT iana_zone FROM tzlocation WHERE location_code = ?1";

const LOCATION_BY_ID: &str = "SELECT iana_zone FROM tzlocation WHERE tzlocation_id = ?1";

const RESOURCES: &str = "SELECT resource_key, text FROM resource WHERE language_id IN (?1, ?2) \
    ORDER BY language_id = ?1";

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
        .prepare_cached(BY_LOGIN)?
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
        .prepare_cached(BY_SECRET)?
        .query_row(params![fingerprint, kind.column(), now], account_from)
        .optional()
}

/// The name of the registered, unrevoked partner app whose token has this fingerprint.
pub(super) fn partner_app(
    connection: &Connection,
    fingerprint: &str,
) -> rusqlite::Result<Option<String>> {
    connection
        .prepare_cached(PARTNER_APP)?
        .query_row([fingerprint], |row| row.get(0))
        .optional()
}

/// The IANA zone of a time-zone location.
pub(super) fn location(
    connection: &Connection,
    location: &Location,
) -> rusqlite::Result<Option<String>> {
    let (sql, key): (&str, &dyn rusqlite::ToSql) = match location {
        Location::Code(code) => (LOCATION_BY_CODE, code),
        Location::Id(id) => (LOCATION_BY_ID, id),
    };
    connection
        .prepare_cached(sql)?
        .query_row([key], |row| row.get(0))
        .optional()
}

/// The resources in `language`, with English for the keys it lacks.
pub(super) fn resources(
    connection: &Connection,
    language: Language,
) -> rusqlite::Result<Resources> {
    let mut statement = connection.prepare_cached(RESOURCES)?;
    let rows = statement.query_map(params![language.id(), Language::ENGLISH.id()], |row| {
        Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
    })?;
    // English first, then the language's own texts replace it.
    let texts: BTreeMap<String, String> = rows.collect::<rusqlite::Result<_>>()?;
    Ok(Resources::new(texts))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_row_matches_the_language_table_in_code() {
        let connection = Connection::open_in_memory().unwrap();
        connection
            .execute_batch(super::super::migrate::SCHEMA)
            .unwrap();
        let rows: Vec<(i64, String, String)> = connection
            .prepare("SELECT id, code, iso2 FROM language ORDER BY id")
            .unwrap()
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let code: Vec<(i64, String, String)> = Language::all()
            .map(|language| {
                (
                    language.id(),
                    language.prefix().into(),
                    language.iso().into(),
                )
            })
            .collect();
        assert_eq!(rows, code);
    }

    #[test]
    fn every_shipped_resource_exists_in_every_language() {
        let connection = Connection::open_in_memory().unwrap();
        connection
            .execute_batch(super::super::migrate::SCHEMA)
            .unwrap();
        let missing: i64 = connection
            .query_row(
                "SELECT count(*) FROM (SELECT DISTINCT resource_key FROM resource) k \
                 CROSS JOIN language l WHERE NOT EXISTS (SELECT 1 FROM resource r \
                 WHERE r.resource_key = k.resource_key AND r.language_id = l.id)",
                [],
                |row| row.get(0),
            )
            .unwrap();
        assert_eq!(missing, 0);
        let norwegian = resources(&connection, Language::from_prefix("NO").unwrap()).unwrap();
        assert_eq!(norwegian.get("SR_TICKET_STATUS_OPEN"), Some("Åpen"));
    }
}
