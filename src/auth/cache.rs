//! Successful Basic verifications, remembered briefly so that a warm instance does not pay
//! argon2 (tens of milliseconds) on every call.
//!
//! Keyed by an HMAC of the credentials under a key drawn at start-up, so the cache never holds
//! a password or anything that could be tested offline against one. An entry counts only
//! while the associate's stored password hash is the one it was verified against: changing
//! the password (or deleting the associate, which the caller checks first) drops it.

use std::num::NonZeroUsize;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use hmac::{Hmac, Mac};
use lru::LruCache;
use sha2::Sha256;

use crate::account::Account;
use crate::account::secret;

/// How many verified credentials are remembered.
const CAPACITY: usize = 1024;
/// How long a verification is trusted without repeating it.
pub const TTL: Duration = Duration::from_secs(300);

pub struct BasicCache {
    key: [u8; 32],
    entries: Mutex<LruCache<Key, Entry>>,
}

struct Entry {
    associate_id: i64,
    password_hash: String,
    verified: Instant,
}

impl Default for BasicCache {
    fn default() -> Self {
        Self {
            key: crate::account::random::bytes::<32>(),
            entries: Mutex::new(LruCache::new(
                NonZeroUsize::new(CAPACITY).expect("a positive capacity"),
            )),
        }
    }
}

/// Credentials as the cache knows them: [`BasicCache::key_of`], computed once per request.
pub type Key = [u8; 32];

impl BasicCache {
    /// Whether the credentials were verified at all lately: worth looking up their account.
    pub fn knows(&self, key: &Key) -> bool {
        self.lock().contains(key)
    }

    /// Whether the credentials were verified for `account`, recently, against its current
    /// hash.
    pub fn holds(&self, key: &Key, account: &Account) -> bool {
        let mut entries = self.lock();
        let Some(entry) = entries.get(key) else {
            return false;
        };
        let current = account.password_hash.as_deref().unwrap_or("");
        let valid = entry.verified.elapsed() < TTL
            && entry.associate_id == account.agent.associate_id
            && secret::same(&entry.password_hash, current);
        if !valid {
            entries.pop(key);
        }
        valid
    }

    /// Remembers that the credentials verified against `account`'s current password hash.
    pub fn remember(&self, key: Key, account: &Account) {
        let entry = Entry {
            associate_id: account.agent.associate_id,
            password_hash: account.password_hash.clone().unwrap_or_default(),
            verified: Instant::now(),
        };
        self.lock().put(key, entry);
    }

    /// The keyed hash the cache knows `credentials` (the header's base64 text) by.
    pub fn key_of(&self, credentials: &str) -> Key {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC takes any key");
        mac.update(credentials.as_bytes());
        mac.finalize().into_bytes().into()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, LruCache<Key, Entry>> {
        // Entries are plain data; one left by a panicking thread is still sound.
        self.entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::Agent;

    fn account(id: i64, hash: &str) -> Account {
        Account {
            agent: Agent {
                associate_id: id,
                name: "tje0".into(),
                display_name: "tje0".into(),
            },
            password_hash: Some(hash.into()),
            deleted: false,
            time_zone: None,
            user_type: 1,
        }
    }

    #[test]
    fn holds_what_it_remembered_while_the_hash_is_unchanged() {
        let cache = BasicCache::default();
        let (known, other) = (cache.key_of("dGplMDpUamUw"), cache.key_of("other"));
        assert!(!cache.holds(&known, &account(1, "h1")));
        assert!(!cache.knows(&known));
        cache.remember(known, &account(1, "h1"));
        assert!(cache.knows(&known));
        assert!(!cache.knows(&other));
        assert!(cache.holds(&known, &account(1, "h1")));
        assert!(!cache.holds(&other, &account(1, "h1")));
        assert!(!cache.holds(&known, &account(2, "h1")), "another associate");
        assert!(!cache.holds(&known, &account(1, "h2")), "a new password");
        assert!(
            !cache.holds(&known, &account(1, "h1")),
            "dropped after a change"
        );
    }

    #[test]
    fn keys_are_keyed_hashes_not_the_credentials() {
        let cache = BasicCache::default();
        let other = BasicCache::default();
        assert_ne!(cache.key_of("x"), other.key_of("x"));
        assert_eq!(cache.key_of("x"), cache.key_of("x"));
    }
}
