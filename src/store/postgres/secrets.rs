//! Issued secrets stored and revoked - by `admin issue-ticket` and a page's sign-in alike -
//! with the statements written once ([`accounts`]).

use deadpool_postgres::ClientWrapper;
use tokio_postgres::types::ToSql;

use super::execute;
use crate::account::secret::SecretKind;
use crate::store::admin::NewSecret;
use crate::store::sql::accounts;

/// Stores `secret`, issued to associate `holder`.
pub async fn add(
    client: &ClientWrapper,
    holder: i64,
    secret: &NewSecret,
) -> Result<(), tokio_postgres::Error> {
    let expires = secret.expires.map(|at| at.utc());
    let params: [&(dyn ToSql + Sync); 5] = [
        &holder,
        &secret.kind.column(),
        &secret.fingerprint,
        &secret.created.utc(),
        &expires,
    ];
    execute(client, accounts::ADD_SECRET, &params).await?;
    Ok(())
}

/// Revokes the live secret of `kind` with this fingerprint; `false` if there is none.
pub async fn revoke(
    client: &ClientWrapper,
    kind: SecretKind,
    fingerprint: &str,
) -> Result<bool, tokio_postgres::Error> {
    let params: [&(dyn ToSql + Sync); 2] = [&fingerprint, &kind.column()];
    Ok(execute(client, accounts::REVOKE_SECRET, &params).await? > 0)
}
