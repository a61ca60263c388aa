//! How long a caller waits after failing: a few failures free, then windows that double.

use std::time::Duration;

use crate::time::Timestamp;

/// A throttling policy: `free` failures are answered at once; after them the next attempt
/// waits `first`, then twice as long after each further failure, up to `longest`. Failures
/// are forgotten after `forget` without one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Backoff {
    pub free: u32,
    pub first: Duration,
    pub longest: Duration,
    pub forget: Duration,
}

const SECOND: Duration = Duration::from_secs(1);
const QUARTER_HOUR: Duration = Duration::from_secs(15 * 60);
const HOUR: Duration = Duration::from_secs(60 * 60);

/// One login name from one source address: five tries, then 1 s, 2 s, 4 s ... up to 15 min.
/// In ten seconds of guessing that is eight verifications.
pub const PAIR: Backoff = Backoff {
    free: 5,
    first: SECOND,
    longest: QUARTER_HOUR,
    forget: HOUR,
};

/// One source address, whatever the scheme or login name.
pub const SOURCE: Backoff = Backoff {
    free: 20,
    first: SECOND,
    longest: QUARTER_HOUR,
    forget: HOUR,
};

/// One login name from every source, on every instance (kept in the store). It holds back
/// only sources that have failed for the name themselves: a source with no failures is
/// always heard, so an attacker elsewhere cannot lock the owner out.
pub const ACCOUNT: Backoff = Backoff {
    free: 20,
    first: SECOND,
    longest: QUARTER_HOUR,
    forget: HOUR,
};

impl Backoff {
    /// How long the next attempt must still wait after `failures`, the last at `last`;
    /// `None` when it may go now.
    pub fn wait(&self, failures: u32, last: Timestamp, now: Timestamp) -> Option<Duration> {
        let elapsed = elapsed(last, now);
        if failures < self.free || elapsed >= self.forget {
            return None;
        }
        let doublings = (failures - self.free).min(20);
        let window = self.first.saturating_mul(1 << doublings).min(self.longest);
        window.checked_sub(elapsed).filter(|left| !left.is_zero())
    }

    /// Whether failures last seen at `last` are forgotten by `now`.
    pub fn forgotten(&self, last: Timestamp, now: Timestamp) -> bool {
        elapsed(last, now) >= self.forget
    }

    /// The instant before which failures are forgotten.
    pub fn forget_before(&self, now: Timestamp) -> Timestamp {
        now.before(self.forget)
    }
}

/// Time from `last` to `now`; none if the clock went back.
fn elapsed(last: Timestamp, now: Timestamp) -> Duration {
    Duration::from_millis(u64::try_from(now.millis_since(last)).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn at(seconds: i64) -> Timestamp {
        Timestamp::from_utc(chrono::DateTime::from_timestamp(1_700_000_000 + seconds, 0).unwrap())
    }

    #[test]
    fn the_free_failures_wait_for_nothing_then_the_windows_double() {
        let waits: Vec<Option<u64>> = (0..12)
            .map(|failures| PAIR.wait(failures, at(0), at(0)).map(|w| w.as_secs()))
            .collect();
        let expected = [
            None,
            None,
            None,
            None,
            None,
            Some(1),
            Some(2),
            Some(4),
            Some(8),
        ];
        assert_eq!(&waits[..9], expected);
        assert_eq!(waits[11], Some(64));
        assert_eq!(
            PAIR.wait(60, at(0), at(0)),
            Some(QUARTER_HOUR),
            "capped at the longest"
        );
    }

    #[test]
    fn a_window_runs_from_the_last_failure() {
        assert_eq!(PAIR.wait(7, at(0), at(3)), Some(SECOND));
        assert_eq!(PAIR.wait(7, at(0), at(4)), None);
        assert_eq!(
            PAIR.wait(7, at(10), at(4)),
            Some(4 * SECOND),
            "clock went back"
        );
    }

    #[test]
    fn failures_are_forgotten_after_a_quiet_hour() {
        assert!(!PAIR.forgotten(at(0), at(3599)));
        assert!(PAIR.forgotten(at(0), at(3600)));
        assert_eq!(PAIR.wait(60, at(0), at(3600)), None);
        assert_eq!(PAIR.forget_before(at(3600)), at(0));
    }

    #[test]
    fn ten_seconds_of_guessing_from_one_source_get_eight_tries() {
        // Each guess goes the moment its window allows.
        let (mut tries, mut last, mut now) = (0u32, at(0), at(0));
        while now <= at(10) {
            match PAIR.wait(tries, last, now) {
                None => {
                    tries += 1;
                    last = now;
                }
                Some(wait) => now = Timestamp::from_utc(now.utc() + wait),
            }
        }
        assert_eq!(tries, 8);
    }

    proptest! {
        #[test]
        fn waits_never_exceed_the_longest_and_grow_with_failures(
            failures in 0u32..10_000,
            elapsed in 0i64..10_000,
        ) {
            let now = at(elapsed);
            let wait = ACCOUNT.wait(failures, at(0), now);
            prop_assert!(wait.is_none_or(|wait| wait <= ACCOUNT.longest));
            let more = ACCOUNT.wait(failures + 1, at(0), now);
            prop_assert!(more >= wait, "None orders before Some");
        }
    }
}
