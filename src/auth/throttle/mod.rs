//! Failed-login throttling (OWASP ASVS V2.2, anti-automation): guessing gets slower with
//! every failure and is refused with 429 without running argon2.
//!
//! Three counts, each with its [`Backoff`]:
//!
//! - per login name and source address ([`PAIR`]), in memory: Basic only;
//! - per source address ([`SOURCE`]), in memory: every scheme, since tickets and tokens can be
//!   guessed too - they are only cheaper to check;
//! - per login name across all sources ([`ACCOUNT`]), in the store, so that it holds across
//!   Lambda instances and restarts. It holds back only pairs that have failed themselves: a
//!   correct password from a source with no failures always gets its verification.
//!
//! A pair's attempt counts from the moment it is admitted to argon2, not when it has failed:
//! sixteen guesses sent at once are admitted one at a time against the count, not all
//! against a count of none. A success clears the pair, and takes its earlier failures off
//! the source's count: they were the owner's typing, not guesses. A source counts failures
//! only once they are known - busy offices behind one address send many requests at once,
//! and none of them is a failure until it fails.

mod backoff;
mod keys;

use std::hash::Hash;
use std::num::NonZeroUsize;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use lru::LruCache;

pub use backoff::{ACCOUNT, Backoff, PAIR, SOURCE};
pub use keys::{LoginKey, PairKey, SourceKey};

use crate::store::LoginFailures;
use crate::time::Timestamp;

/// Pairs and sources remembered; the least recently seen are forgotten first. A full table
/// is about 1.5 MB.
const CAPACITY: usize = 8192;

/// The answer to an attempt that must wait.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Throttled {
    pub retry_after: Duration,
}

impl Throttled {
    /// Whole seconds for `Retry-After`, rounded up: waiting that long is enough.
    pub fn seconds(&self) -> u64 {
        self.retry_after.as_secs() + u64::from(self.retry_after.subsec_nanos() > 0)
    }
}

/// The in-memory counts of one process.
pub struct Throttle {
    pairs: Counter<PairKey>,
    sources: Counter<SourceKey>,
}

impl Default for Throttle {
    fn default() -> Self {
        Self {
            pairs: Counter::new(PAIR),
            sources: Counter::new(SOURCE),
        }
    }
}

impl Throttle {
    /// Whether credentials from `source` must wait.
    pub fn check_source(&self, source: SourceKey, now: Timestamp) -> Result<(), Throttled> {
        self.sources.check(source, now)
    }

    /// Counts a rejected credential from `source`.
    pub fn source_failed(&self, source: SourceKey, now: Timestamp) {
        self.sources.count(source, now);
    }

    /// Takes `failures` off `source`'s count: they were no guesses.
    pub fn forgive_source(&self, source: SourceKey, failures: u32) {
        self.sources.forgive(source, failures);
    }

    /// Whether the pair must wait, before the store is asked anything.
    pub fn check_pair(&self, pair: PairKey, now: Timestamp) -> Result<(), Throttled> {
        self.pairs.check(pair, now)
    }

    /// Admits one password verification for `pair`, counted until it succeeds. `account` is
    /// what the store knows of the login name; its ceiling applies only to a pair that has
    /// attempts of its own.
    pub fn admit_pair(
        &self,
        pair: PairKey,
        now: Timestamp,
        account: Option<LoginFailures>,
    ) -> Result<(), Throttled> {
        self.pairs.admit(pair, now, |failed_here| {
            let account = account.filter(|_| failed_here)?;
            ACCOUNT.wait(account.failures, account.last, now)
        })
    }

    /// The pair knew the password: its count goes. Returns how many attempts before this one
    /// it had failed.
    pub fn pair_succeeded(&self, pair: PairKey) -> u32 {
        self.pairs.clear(pair).saturating_sub(1)
    }
}

/// One kind of count, keyed by `K`.
struct Counter<K: Hash + Eq> {
    backoff: Backoff,
    records: Mutex<LruCache<K, Record>>,
}

#[derive(Clone, Copy, Debug)]
struct Record {
    /// Admitted and not taken back: failures, and attempts still being checked.
    attempts: u32,
    last: Timestamp,
}

impl<K: Hash + Eq + Copy> Counter<K> {
    fn new(backoff: Backoff) -> Self {
        let capacity = NonZeroUsize::new(CAPACITY).expect("a positive capacity");
        Self {
            backoff,
            records: Mutex::new(LruCache::new(capacity)),
        }
    }

    fn check(&self, key: K, now: Timestamp) -> Result<(), Throttled> {
        match self.lock().peek(&key) {
            Some(record) => self.verdict(record, now, None),
            None => Ok(()),
        }
    }

    /// Admits and counts an attempt unless this count, or `ceiling` (told whether `key` has
    /// attempts of its own), says to wait.
    fn admit(
        &self,
        key: K,
        now: Timestamp,
        ceiling: impl FnOnce(bool) -> Option<Duration>,
    ) -> Result<(), Throttled> {
        let mut records = self.lock();
        let record = Self::current(&mut records, key, now, self.backoff);
        self.verdict(record, now, ceiling(record.attempts > 0))?;
        record.attempts += 1;
        record.last = now;
        Ok(())
    }

    /// Counts an attempt, whatever the count says.
    fn count(&self, key: K, now: Timestamp) {
        let mut records = self.lock();
        let record = Self::current(&mut records, key, now, self.backoff);
        record.attempts += 1;
        record.last = now;
    }

    /// `key`'s record, started afresh if new or forgotten.
    fn current(
        records: &mut LruCache<K, Record>,
        key: K,
        now: Timestamp,
        backoff: Backoff,
    ) -> &mut Record {
        let record = records.get_or_insert_mut(key, || Record {
            attempts: 0,
            last: now,
        });
        if backoff.forgotten(record.last, now) {
            record.attempts = 0;
        }
        record
    }

    fn verdict(
        &self,
        record: &Record,
        now: Timestamp,
        ceiling: Option<Duration>,
    ) -> Result<(), Throttled> {
        let wait = self.backoff.wait(record.attempts, record.last, now);
        match wait.max(ceiling) {
            Some(retry_after) => Err(Throttled { retry_after }),
            None => Ok(()),
        }
    }

    fn forgive(&self, key: K, attempts: u32) {
        if let Some(record) = self.lock().peek_mut(&key) {
            record.attempts = record.attempts.saturating_sub(attempts);
        }
    }

    /// Forgets `key`; returns the attempts it had.
    fn clear(&self, key: K) -> u32 {
        self.lock().pop(&key).map_or(0, |record| record.attempts)
    }

    fn lock(&self) -> MutexGuard<'_, LruCache<K, Record>> {
        // Counts are plain data; one left by a panicking thread is still sound.
        self.records
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> Timestamp {
        Timestamp::from_utc(chrono::DateTime::from_timestamp(1_700_000_000 + seconds, 0).unwrap())
    }

    fn source(last: u8) -> SourceKey {
        SourceKey::of(Some([192, 0, 2, last].into()))
    }

    fn pair(login: &str, last: u8) -> PairKey {
        PairKey::new(None, &LoginKey::of(login), source(last))
    }

    /// The statuses of `count` attempts at `now` that all fail.
    fn failing(throttle: &Throttle, pair: PairKey, count: usize, now: Timestamp) -> Vec<bool> {
        (0..count)
            .map(|_| throttle.admit_pair(pair, now, None).is_ok())
            .collect()
    }

    #[test]
    fn concurrent_guesses_count_from_admission() {
        let throttle = Throttle::default();
        let admitted = failing(&throttle, pair("tje0", 1), 16, at(0));
        assert_eq!(admitted.iter().filter(|ok| **ok).count(), 5);
        let refused = throttle.admit_pair(pair("tje0", 1), at(0), None);
        assert_eq!(refused.unwrap_err().seconds(), 1);
        assert!(throttle.admit_pair(pair("tje0", 1), at(1), None).is_ok());
        assert_eq!(
            throttle
                .check_pair(pair("tje0", 1), at(1))
                .unwrap_err()
                .seconds(),
            2
        );
    }

    #[test]
    fn other_pairs_are_not_held_back() {
        let throttle = Throttle::default();
        failing(&throttle, pair("tje0", 1), 16, at(0));
        assert!(throttle.admit_pair(pair("tje0", 2), at(0), None).is_ok());
        assert!(throttle.admit_pair(pair("ola", 1), at(0), None).is_ok());
    }

    #[test]
    fn the_account_ceiling_holds_back_only_pairs_that_failed() {
        let throttle = Throttle::default();
        let besieged = Some(LoginFailures {
            failures: ACCOUNT.free + 3,
            last: at(0),
        });
        assert!(
            throttle
                .admit_pair(pair("tje0", 9), at(0), besieged)
                .is_ok(),
            "a clean source is heard"
        );
        let again = throttle.admit_pair(pair("tje0", 9), at(0), besieged);
        assert_eq!(again.unwrap_err().seconds(), 8);
    }

    #[test]
    fn a_success_clears_the_pair_and_reports_its_typos() {
        let throttle = Throttle::default();
        failing(&throttle, pair("tje0", 1), 3, at(0));
        assert_eq!(throttle.pair_succeeded(pair("tje0", 1)), 2);
        assert_eq!(
            failing(&throttle, pair("tje0", 1), 6, at(0)),
            [true, true, true, true, true, false]
        );
    }

    #[test]
    fn a_source_is_held_back_after_its_free_failures_and_forgiven_typos() {
        let throttle = Throttle::default();
        for _ in 0..SOURCE.free {
            throttle.check_source(source(1), at(0)).unwrap();
            throttle.source_failed(source(1), at(0));
        }
        assert_eq!(
            throttle
                .check_source(source(1), at(0))
                .unwrap_err()
                .seconds(),
            1
        );
        throttle.forgive_source(source(1), 1);
        assert!(throttle.check_source(source(1), at(0)).is_ok());
        assert!(throttle.check_source(source(2), at(0)).is_ok());
    }

    #[test]
    fn an_hour_of_quiet_forgets() {
        let throttle = Throttle::default();
        let mut now = at(0);
        for _ in 0..15 {
            if let Err(throttled) = throttle.admit_pair(pair("tje0", 1), now, None) {
                now = Timestamp::from_utc(now.utc() + throttled.retry_after);
                throttle.admit_pair(pair("tje0", 1), now, None).unwrap();
            }
        }
        let later = |seconds| Timestamp::from_utc(now.utc() + chrono::Duration::seconds(seconds));
        assert_eq!(
            failing(&throttle, pair("tje0", 1), 2, later(3599)),
            [true, false],
            "remembered: one try, then the longest wait"
        );
        assert_eq!(
            failing(&throttle, pair("tje0", 1), 6, later(3599 + 3600)),
            [true, true, true, true, true, false],
            "forgotten: the free tries again"
        );
    }

    #[test]
    fn retry_after_rounds_up() {
        let wait = |millis| Throttled {
            retry_after: Duration::from_millis(millis),
        };
        assert_eq!(wait(1).seconds(), 1);
        assert_eq!(wait(1000).seconds(), 1);
        assert_eq!(wait(1001).seconds(), 2);
    }
}
