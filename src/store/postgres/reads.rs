//! The reads: accounts by login or secret, partner apps, time-zone locations and string
//! resources - the same questions as the SQLite backend
//! asks, in PostgreSQL's terms (booleans, timestamptz, `lower(name)` for case).

use std::collections::BTreeMap;
use std::sync::LazyLock;

use deadpool_postgres::ClientWrapper;
use tokio_postgres::types::ToSql;

use super::{Params, row, rows};
use crate::account::Account;
use crate::account::secret::SecretKind;
use crate::locale::{Language, Resources};
use crate::store::sql::accounts;
use crate::time::Timestamp;

/// A login name matches in any case, on the index on `lower(name)`.
pub static BY_LOGIN: LazyLock<String> =
    LazyLock::new(|| accounts::by_login("lower(a.name) = lower($1)"));
pub use accounts::{BY_SECRET, PARTNER_APP};

pub const LOCATION_BY_CODE: &str =
    "SELECT iana_zone FROM tzlocation WHERE lower(location_code) = lower($1)";

pub const LOCATION_BY_ID: &str = "SELECT iana_zone FROM tzlocation WHERE tzlocation_id = $1";

pub const RESOURCES: &str = "SELECT resource_key, text FROM resource \
    WHERE language_id IN ($1, $2) ORDER BY language_id = $1";

pub async fn by_login(
    client: &ClientWrapper,
    login: &str,
) -> Result<Option<Account>, tokio_postgres::Error> {
    row(client, &BY_LOGIN, &[&login])
        .await?
        .as_ref()
        .map(accounts::account)
        .transpose()
}

pub async fn by_secret(
    client: &ClientWrapper,
    kind: SecretKind,
    fingerprint: &str,
    now: Timestamp,
) -> Result<Option<Account>, tokio_postgres::Error> {
    let params: Params = &[&fingerprint, &kind.column(), &now.utc()];
    row(client, &BY_SECRET, params)
        .await?
        .as_ref()
        .map(accounts::account)
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
