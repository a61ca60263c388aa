//! `Authorization: Basic base64(user:password)` (RFC 7617), checked against the associate's
//! argon2id hash.

use super::cache::BasicCache;
use super::credentials::BasicCredentials;
use super::{AuthFailure, password};
use crate::account::Account;
use crate::store::Store;

/// The account the credentials name, if the password is right. A wrong password, an unknown
/// user and a deleted associate cost one argon2 verification each, so the response time does
/// not tell them apart; only credentials that verified recently skip it ([`BasicCache`]).
pub(super) fn account(
    credentials: &BasicCredentials,
    store: &dyn Store,
    cache: &BasicCache,
) -> Result<Option<Account>, AuthFailure> {
    let BasicCredentials {
        encoded,
        login,
        password: secret,
    } = credentials;
    let account = store.account(login)?;
    let Some(account) = account.filter(|account| !account.deleted) else {
        password::verify_dummy(secret);
        return Ok(None);
    };
    let Some(hash) = account.password_hash.as_deref() else {
        password::verify_dummy(secret);
        return Ok(None);
    };
    if cache.holds(encoded, &account) {
        return Ok(Some(account));
    }
    if !password::verify(secret, hash) {
        return Ok(None);
    }
    cache.remember(encoded, &account);
    Ok(Some(account))
}
