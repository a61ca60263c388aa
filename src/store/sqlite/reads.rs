//! The reads: who a credential belongs to (login names with password hashes, issued tickets
//! and API tokens, partner-app tokens), time-zone locations and string resources.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use rusqlite::{Connection, OptionalExtension, params};

use crate::account::Account;
use crate::account::secret::SecretKind;
use crate::locale::{Language, Location, Resources};
use crate::store::sql::{self, accounts};
use crate::time::Timestamp;

/// A login name matches in any case, on the name's `NOCASE` index.
static BY_LOGIN: LazyLock<String> =
    LazyLock::new(|| sql::sqlite(&accounts::by_login("a.name = $1 COLLATE NOCASE")));
static BY_SECRET: LazyLock<String> = LazyLock::new(|| sql::sqlite(&accounts::BY_SECRET));
static PARTNER_APP: LazyLock<String> = LazyLock::new(|| sql::sqlite(accounts::PARTNER_APP));

const LOCATION_BY_CODE: &str = "SELECT iana_zone FROM tzlocation WHERE location_code = ?1";

const LOCATION_BY_ID: &str = "SELECT iana_zone FROM tzlocation WHERE tzlocation_id = ?1";

const RESOURCES: &str = "SELECT resource_key, text FROM resource WHERE language_id IN (?1, ?2) \
    ORDER BY language_id = ?1";

/// The account with this login name (any case), deleted or not.
pub(super) fn by_login(connection: &Connection, login: &str) -> rusqlite::Result<Option<Account>> {
    connection
        .prepare_cached(&BY_LOGIN)?
        .query_row([login], |row| accounts::account(row))
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
        .prepare_cached(&BY_SECRET)?
        .query_row(params![fingerprint, kind.column(), now], |row| {
            accounts::account(row)
        })
        .optional()
}

/// The name of the registered, unrevoked partner app whose token has this fingerprint.
pub(super) fn partner_app(
    connection: &Connection,
    fingerprint: &str,
) -> rusqlite::Result<Option<String>> {
    connection
        .prepare_cached(&PARTNER_APP)?
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
