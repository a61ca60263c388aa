//! Password hashes: argon2id with 12 MiB, 3 passes, 1 lane, stored as PHC strings. That is
//! one of the parameter sets OWASP lists as equal in strength to its minimum (19 MiB, 2
//! passes); the smaller memory matters because a verification's block is the process's
//! peak: with 19 MiB a serving process peaks near 29 MB, with 12 MiB under 24 MB. A
//! verification costs about 15 ms on one core of a current server (`cargo bench --bench
//! auth`): slow enough to make guessing expensive, fast enough for a Lambda instance of
//! 128 MB to afford while [`super::cache`] spares warm instances the repeat. The parameters
//! travel in each hash, so older hashes still verify and raising them later rehashes nothing.
//! Verification is constant-time in the hash comparison.
//!
//! At most as many verifications run at once as the machine has cores (`PERMITS`): a
//! flood of guesses queues behind them instead of taking every core and all the memory,
//! and requests with cached credentials, which run no verification, never wait.

use std::sync::{Condvar, LazyLock, Mutex, MutexGuard};

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

/// A hash of a random password with the same parameters as [`hash`], verified against when
/// there is no real hash, so that path costs what a real verification costs.
const DUMMY: &str = "$argon2id$v=19$m=12288,t=3,p=1$7KC6C/R0fBFwhQev4L3Nyg$ZM30gOrkJPxLwHDNC1cTrygz/j7Eyg5yMx+yo300Pxg";

/// 12 MiB, 3 passes, 1 lane, a 32-byte hash.
fn hasher() -> Argon2<'static> {
    let params = Params::new(12 * 1024, 3, 1, Some(32)).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

pub fn hash(password: &str) -> String {
    let salt = SaltString::encode_b64(&crate::account::random::bytes::<16>())
        .expect("16 bytes make a valid salt");
    hasher()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 accepts any password")
        .to_string()
}

/// Whether `password` matches the PHC string `hash`; an unreadable hash matches nothing.
pub fn verify(password: &str, hash: &str) -> bool {
    let _permit = PERMITS.acquire();
    PasswordHash::new(hash)
        .map(|parsed| {
            hasher()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Spends the time of one verification and always fails.
pub fn verify_dummy(password: &str) {
    let _ = verify(password, DUMMY);
}

/// The verifications that may run at once: one per core.
static PERMITS: LazyLock<Permits> =
    LazyLock::new(|| Permits::new(std::thread::available_parallelism().map_or(1, usize::from)));

/// A counting semaphore for blocking threads (verifications run on tokio's blocking pool).
struct Permits {
    free: Mutex<usize>,
    freed: Condvar,
}

struct Permit<'a>(&'a Permits);

impl Permits {
    fn new(count: usize) -> Self {
        Self {
            free: Mutex::new(count.max(1)),
            freed: Condvar::new(),
        }
    }

    fn acquire(&self) -> Permit<'_> {
        let mut free = self.lock();
        while *free == 0 {
            free = self
                .freed
                .wait(free)
                .unwrap_or_else(|poisoned| poisoned.into_inner());
        }
        *free -= 1;
        Permit(self)
    }

    fn lock(&self) -> MutexGuard<'_, usize> {
        self.free
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        *self.0.lock() += 1;
        self.0.freed.notify_one();
    }
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
    fn no_more_than_the_permits_run_at_once() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let permits = Permits::new(2);
        let (running, most) = (AtomicUsize::new(0), AtomicUsize::new(0));
        std::thread::scope(|scope| {
            for _ in 0..8 {
                scope.spawn(|| {
                    let _permit = permits.acquire();
                    let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now, Ordering::SeqCst);
                    std::thread::sleep(std::time::Duration::from_millis(20));
                    running.fetch_sub(1, Ordering::SeqCst);
                });
            }
        });
        assert_eq!(most.load(Ordering::SeqCst), 2);
        assert_eq!(*permits.lock(), 2, "every permit came back");
    }

    #[test]
    fn the_dummy_hash_costs_what_a_real_one_costs() {
        let real = PasswordHash::new(&hash("x")).unwrap().params.to_string();
        let dummy = PasswordHash::new(DUMMY).unwrap().params.to_string();
        assert_eq!(dummy, real);
    }
}
