//! `Authorization: Basic base64(user:password)` (RFC 7617), checked against the associate's
//! argon2id hash - unless the login name's failures from this source say to wait.

use super::cache::{BasicCache, Key};
use super::credentials::BasicCredentials;
use super::flight::{Flights, Outcome, Role};
use super::throttle::{ACCOUNT, LoginKey, PairKey, SourceKey, Throttle};
use super::{AuthError, AuthFailure, Caller, password};
use crate::account::Account;
use crate::store::Store;
use crate::time::Timestamp;

/// What a verification is weighed against: the failure counts, and the verifications of the
/// same credentials already running.
pub(super) struct Counts<'a> {
    pub throttle: &'a Throttle,
    pub flights: &'a Flights,
    pub caller: Caller<'a>,
    pub now: Timestamp,
}

/// The account the credentials name, if the password is right.
///
/// Credentials that verified recently are let in at once ([`BasicCache`]): they are the
/// owner's, so no count applies. Identical credentials sent at once are verified once
/// ([`Flights`]). Any others are counted for their login name and source before argon2 runs,
/// and refused unheard when the counts say to wait. A wrong password, an unknown user and a
/// deleted associate go the same way - the same reads, one verification, the same counts -
/// so neither the answer nor its time tells them apart.
pub(super) fn account(
    credentials: &BasicCredentials,
    store: &dyn Store,
    cache: &BasicCache,
    counts: Counts,
) -> Result<Option<Account>, AuthFailure> {
    let key = cache.key_of(&credentials.encoded);
    if let Some(account) = remembered(credentials, &key, store, cache)? {
        return Ok(Some(account));
    }
    match counts.flights.join(key) {
        Role::Lead(lead) => {
            let result = counted(credentials, key, store, cache, &counts);
            lead.finish(outcome(&result));
            result
        }
        Role::Follow(Outcome::Rejected) => Ok(None),
        Role::Follow(Outcome::Throttled(throttled)) => Err(throttled.into()),
        Role::Follow(Outcome::Verified | Outcome::Unknown) => {
            match remembered(credentials, &key, store, cache)? {
                Some(account) => Ok(Some(account)),
                None => counted(credentials, key, store, cache, &counts),
            }
        }
    }
}

/// The account, if these credentials (known to the cache by `key`) verified for it lately.
fn remembered(
    credentials: &BasicCredentials,
    key: &Key,
    store: &dyn Store,
    cache: &BasicCache,
) -> Result<Option<Account>, AuthFailure> {
    if !cache.knows(key) {
        return Ok(None);
    }
    let account = store.account(&credentials.login)?;
    Ok(account.filter(|account| !account.deleted && cache.holds(key, account)))
}

/// One verification, if the counts admit it; counted.
fn counted(
    credentials: &BasicCredentials,
    key: Key,
    store: &dyn Store,
    cache: &BasicCache,
    counts: &Counts,
) -> Result<Option<Account>, AuthFailure> {
    let BasicCredentials {
        login,
        password: secret,
        ..
    } = credentials;
    let Counts {
        throttle,
        caller,
        now,
        ..
    } = *counts;
    let source = SourceKey::of(caller.source);
    let login_key = LoginKey::of(login);
    let pair = PairKey::new(caller.tenant, &login_key, source);
    throttle.check_pair(pair, now)?;
    let account = store.account(login)?;
    let failures = store.login_failures(login_key.as_str())?;
    throttle.admit_pair(pair, now, failures)?;
    let Some(account) = verified(account, secret) else {
        record_failure(store, &login_key, now);
        return Ok(None);
    };
    let typos = throttle.pair_succeeded(pair);
    throttle.forgive_source(source, typos);
    cache.remember(key, &account);
    Ok(Some(account))
}

/// What a verification came to, for the identical credentials waiting on it.
fn outcome(result: &Result<Option<Account>, AuthFailure>) -> Outcome {
    match result {
        Ok(Some(_)) => Outcome::Verified,
        Ok(None) => Outcome::Rejected,
        Err(AuthFailure::Refused(AuthError::Throttled(throttled))) => {
            Outcome::Throttled(*throttled)
        }
        Err(_) => Outcome::Unknown,
    }
}

/// The account if `secret` is its password; one argon2 verification either way.
fn verified(account: Option<Account>, secret: &str) -> Option<Account> {
    let hash = account
        .as_ref()
        .filter(|account| !account.deleted)
        .and_then(|account| account.password_hash.as_deref());
    let Some(hash) = hash else {
        password::verify_dummy(secret);
        return None;
    };
    password::verify(secret, hash).then_some(account)?
}

/// Counts the failure in the store, for every instance to see. A store that cannot take it
/// does not turn the wrong password into a 503: the caller still learns it was wrong.
fn record_failure(store: &dyn Store, login: &LoginKey, now: Timestamp) {
    if let Err(error) = store.record_login_failure(login.as_str(), now, ACCOUNT.forget_before(now))
    {
        tracing::warn!(%error, "a failed login could not be counted in the store");
    }
}
