//! `Authorization: Basic base64(user:password)` (RFC 7617), checked against the associate's
//! argon2id hash.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::cache::BasicCache;
use super::{AuthError, password};
use crate::store::{Account, Store};

/// The account the credentials name, if the password is right. A wrong password, an unknown
/// user and a deleted associate cost one argon2 verification each, so the response time does
/// not tell them apart; only credentials that verified recently skip it ([`BasicCache`]).
pub(super) fn account(
    encoded: &str,
    store: &dyn Store,
    cache: &BasicCache,
) -> Result<Option<Account>, AuthError> {
    let (login, secret) = decode(encoded)?;
    let account = store.account(&login)?;
    let Some(account) = account.filter(|account| !account.deleted) else {
        password::verify_dummy(&secret);
        return Ok(None);
    };
    let Some(hash) = account.password_hash.as_deref() else {
        password::verify_dummy(&secret);
        return Ok(None);
    };
    if cache.holds(encoded, &account) {
        return Ok(Some(account));
    }
    if !password::verify(&secret, hash) {
        return Ok(None);
    }
    cache.remember(encoded, &account);
    Ok(Some(account))
}

/// `dGplMDpUamUw` -> ("tje0", "Tje0").
fn decode(encoded: &str) -> Result<(String, String), AuthError> {
    let bytes = STANDARD
        .decode(encoded)
        .map_err(|_| AuthError::Malformed("Basic credentials must be base64"))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| AuthError::Malformed("Basic credentials must be UTF-8"))?;
    let (login, secret) = text.split_once(':').ok_or(AuthError::Malformed(
        "Basic credentials must be user:password",
    ))?;
    if login.is_empty() {
        return Err(AuthError::Malformed("Basic credentials name no user"));
    }
    Ok((login.to_string(), secret.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_the_seed_sample() {
        assert_eq!(
            decode("dGplMDpUamUw").unwrap(),
            ("tje0".to_string(), "Tje0".to_string())
        );
    }

    #[test]
    fn a_password_may_contain_colons() {
        let encoded = STANDARD.encode("ana:pa:ss");
        assert_eq!(
            decode(&encoded).unwrap(),
            ("ana".to_string(), "pa:ss".to_string())
        );
    }

    #[test]
    fn rejects_what_is_not_user_colon_password() {
        for bad in [
            "%%%".to_string(),
            STANDARD.encode("nocolon"),
            STANDARD.encode(":pw"),
            STANDARD.encode([0xff, b':']),
        ] {
            assert!(
                matches!(decode(&bad), Err(AuthError::Malformed(_))),
                "{bad}"
            );
        }
    }
}
