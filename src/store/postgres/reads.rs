//! The reads: accounts by login or secret, partner apps, time-zone locations and string
//! resources - the same questions as the SQLite backend
//! asks, in PostgreSQL's terms (booleans, timestamptz, `lower(name)` for case).

use std::collections::BTreeMap;

use deadpool_postgres::ClientWrapper;
use tokio_postgres::Row;
use tokio_postgres::types::ToSql;

use super::{Params, row, rows};
use crate::account::secret::SecretKind;
use crate::account::{Account, Agent};
use crate::locale::{Language, Resources};
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

pub const BY_LOGIN: &str = concat!(account!(), " WHERE lower(a.name) = lower($1)");

pub const BY_SECRET: &str = concat!(
    account!(),
    " JOIN auth_secret s ON s.associate_id = a.associate_id \
     WHERE s.fingerprint = $1 AND s.kind = $2 AND NOT s.revoked \
       AND (s.expires IS NULL OR s.expires > $3)"
);

pub const PARTNER_APP: &str = "SELECT name FROM partner_app WHERE fingerprint = $1 AND NOT revoked";

pub const LOCATION_BY_CODE: &str =
    "SELECT iana_zone FROM tzlocation WHERE lower(location_code) = lower($1)";

pub const LOCATION_BY_ID: &str = "SELECT iana_zone FROM tzlocation WHERE tzlocation_id = $1";

pub const RESOURCES: &str = "SELECT resource_key, text FROM resource \
    WHERE language_id IN ($1, $2) ORDER BY language_id = $1";

fn account_from(row: &Row) -> Result<Account, tokio_postgres::Error> {
    Ok(Account {
        agent: Agent::new(row.try_get(0)?, row.try_get(1)?, row.try_get(2)?),
        deleted: row.try_get(3)?,
        password_hash: row.try_get(4)?,
        time_zone: row.try_get(5)?,
        user_type: row.try_get(6)?,
    })
}

pub async fn by_login(
    client: &ClientWrapper,
    login: &str,
) -> Result<Option<Account>, tokio_postgres::Error> {
    row(client, BY_LOGIN, &[&login])
        .await?
        .as_ref()
        .map(account_from)
        .transpose()
}

pub async fn by_secret(
    client: &ClientWrapper,
    kind: SecretKind,
    fingerprint: &str,
    now: Timestamp,
) -> Result<Option<Account>, tokio_postgres::Error> {
    let params: Params = &[&fingerprint, &kind.column(), &now.utc()];
    row(client, BY_SECRET, params)
        .await?
        .as_ref()
        .map(account_from)
        .transpose()
}

pub async fn partner_app(
    client: &ClientWrapper,
    fingerprint: &str,
) -> Result<Option<String>, tokio_postgres::Error> {
    row(client, PARTNER_APP, &[&fingerprint])
        .await?
        .map(|row| row.try_get(0))
        .transpose()
}

/// The zone of the location `sql` (by code or by id) finds for `key`.
pub async fn location(
    client: &ClientWrapper,
    sql: &str,
    key: &(dyn ToSql + Sync),
) -> Result<Option<String>, tokio_postgres::Error> {
    row(client, sql, &[key])
        .await?
        .map(|row| row.try_get(0))
        .transpose()
}

/// The resources in `language`, with English for the keys it lacks.
pub async fn resources(
    client: &ClientWrapper,
    language: Language,
) -> Result<Resources, tokio_postgres::Error> {
    let rows = rows(
        client,
        RESOURCES,
        &[&language.id(), &Language::ENGLISH.id()],
    )
    .await?;
    // English first, then the language's own texts replace it.
    let texts = rows
        .iter()
        .map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
        .collect::<Result<BTreeMap<String, String>, tokio_postgres::Error>>()?;
    Ok(Resources::new(texts))
}
