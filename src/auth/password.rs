//! Password hashes: argon2id with the crate's defaults - 19 MiB, 2 passes, 1 lane, OWASP's
//! recommended minimum - stored as PHC strings. A verification costs about 15 ms on one core
//! of a current server (`cargo bench --bench auth`): slow enough to make guessing expensive,
//! fast enough for a Lambda instance of 128 MB to afford while [`super::cache`] spares warm
//! instances the repeat. The parameters travel in each hash, so raising them later rehashes
//! nothing. Verification is constant-time in the hash comparison.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

/// A hash of a random password with the same parameters as [`hash`], verified against when
/// there is no real hash, so that path costs what a real verification costs.
const DUMMY: &str = "$argon2id$v=19$m=19456,t=2,p=1$iUuvthQ9WDYyTNu0Ovd5+w$PY/tcMEdY1dTKK2A1lQDpL+zGSOPGMGuLuT2p/5XOuk";

pub fn hash(password: &str) -> String {
    let salt =
        SaltString::encode_b64(&crate::random::bytes::<16>()).expect("16 bytes make a valid salt");
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 with default parameters accepts any password")
        .to_string()
}

/// Whether `password` matches the PHC string `hash`; an unreadable hash matches nothing.
pub fn verify(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Spends the time of one verification and always fails.
pub fn verify_dummy(password: &str) {
    let _ = verify(password, DUMMY);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verifies_its_own_hashes_only_for_the_right_password() {
        let stored = hash("Tje0");
        assert!(stored.starts_with("$argon2id$"));
        assert!(verify("Tje0", &stored));
        assert!(!verify("tje0", &stored));
        assert!(!verify("Tje0", "not a hash"));
    }

    #[test]
    fn the_dummy_hash_costs_what_a_real_one_costs() {
        let real = PasswordHash::new(&hash("x")).unwrap().params.to_string();
        let dummy = PasswordHash::new(DUMMY).unwrap().params.to_string();
        assert_eq!(dummy, real);
    }
}
