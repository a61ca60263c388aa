//! Bearer secrets the service issues: SoTickets (`7T:...`), API tokens (`8A:...`) and partner-app
//! tokens. Each is 256 random bits; only its SHA-256 is stored, so a stolen database yields
//! nothing that authenticates. (A slow hash buys nothing for secrets this long.)

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// What a secret opens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SecretKind {
    /// `Authorization: SOTicket 7T:...`, or the `SoTicket` cookie.
    Ticket,
    /// `Authorization: Bearer 8A:...`.
    ApiToken,
}

impl SecretKind {
    /// The prefix that marks the kind, as SuperOffice's own tickets and tokens carry one.
    pub fn prefix(&self) -> &'static str {
        match self {
            SecretKind::Ticket => "7T:",
            SecretKind::ApiToken => "8A:",
        }
    }

    /// The `kind` column of `auth_secret`.
    pub fn column(&self) -> &'static str {
        match self {
            SecretKind::Ticket => "ticket",
            SecretKind::ApiToken => "token",
        }
    }
}

/// A new secret of `kind`: its prefix and 32 random bytes, base64url.
pub fn issue(kind: SecretKind) -> String {
    format!("{}{}", kind.prefix(), random_text())
}

/// A new partner-app token (no prefix: apps send it in `SO-AppToken` only).
pub fn issue_app_token() -> String {
    random_text()
}

fn random_text() -> String {
    URL_SAFE_NO_PAD.encode(crate::account::random::bytes::<32>())
}

/// What is stored for `secret`: its SHA-256, hex.
pub fn fingerprint(secret: &str) -> String {
    Sha256::digest(secret.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Equality that takes the same time wherever the first difference is.
pub fn same(left: &str, right: &str) -> bool {
    left.as_bytes().ct_eq(right.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_carry_their_prefix_and_256_bits() {
        let ticket = issue(SecretKind::Ticket);
        assert!(ticket.starts_with("7T:"));
        assert_eq!(ticket.len(), 3 + 43);
        assert_ne!(ticket, issue(SecretKind::Ticket));
        assert!(issue(SecretKind::ApiToken).starts_with("8A:"));
    }

    #[test]
    fn fingerprints_are_sha256_hex() {
        assert_eq!(
            fingerprint("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn same_compares_whole_texts() {
        assert!(same("7T:abc", "7T:abc"));
        assert!(!same("7T:abc", "7T:abd"));
        assert!(!same("7T:abc", "7T:ab"));
    }
}
