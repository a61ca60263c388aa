//! How fast the open internet may use the customer's side: chats started per source address
//! and per topic, messages per session, each a rate per minute with a burst of as many. Past
//! one, a 429 with `Retry-After` - before anything is read or written.
//!
//! Counted in memory per process (GCRA, `governor`): on Lambda each instance counts its own,
//! so a flood spread across instances meets the limits of each, and the queue's cap
//! (`--max-queue`) bounds what it can fill. The counts of keys quiet for a minute are dropped
//! as the tables grow, so memory stays bounded whatever the sources.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::auth::throttle::SourceKey;
use crate::store::bells::Scope;

/// Keys a table holds before the quiet ones are first dropped; after a tidy, the next comes
/// once the table has doubled, so a table of busy keys is not walked on every check.
const TIDY_AT: usize = 10_000;

/// The rates, per minute; a burst of as many is allowed at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CustomerLimits {
    pub starts_per_source: NonZeroU32,
    pub starts_per_topic: NonZeroU32,
    pub messages_per_session: NonZeroU32,
}

impl Default for CustomerLimits {
    /// Ten chats a minute from one address (an office behind one address starts a few), 120
    /// a minute in one topic, 30 messages a minute from one customer (typing fast).
    fn default() -> Self {
        let per_minute = |rate| NonZeroU32::new(rate).unwrap_or(NonZeroU32::MIN);
        Self {
            starts_per_source: per_minute(10),
            starts_per_topic: per_minute(120),
            messages_per_session: per_minute(30),
        }
    }
}

/// Which limit a request met.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limit {
    StartsPerSource,
    StartsPerTopic,
    MessagesPerSession,
}

/// A request past a limit, and when the limit lets one more through.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Exceeded {
    pub limit: Limit,
    pub retry_after: Duration,
}

impl Exceeded {
    /// `Retry-After`: whole seconds, at least one.
    pub fn seconds(&self) -> u64 {
        self.retry_after.as_secs_f64().ceil().max(1.0) as u64
    }
}

/// One rate's counts, per key.
struct Table<K: std::hash::Hash + Eq + Clone> {
    counts: DefaultKeyedRateLimiter<K>,
    limit: Limit,
    /// The size at which the quiet keys are dropped next.
    tidy_at: AtomicUsize,
}

impl<K: std::hash::Hash + Eq + Clone> Table<K> {
    fn new(rate: NonZeroU32, limit: Limit) -> Self {
        Self {
            counts: RateLimiter::keyed(Quota::per_minute(rate)),
            limit,
            tidy_at: AtomicUsize::new(TIDY_AT),
        }
    }

    fn check(&self, key: K) -> Result<(), Exceeded> {
        if self.counts.len() > self.tidy_at.load(Ordering::Relaxed) {
            self.counts.retain_recent();
            let next = (self.counts.len() * 2).max(TIDY_AT);
            self.tidy_at.store(next, Ordering::Relaxed);
        }
        self.counts.check_key(&key).map_err(|not_until| Exceeded {
            limit: self.limit,
            retry_after: not_until.wait_time_from(DefaultClock::default().now()),
        })
    }
}

/// The counts. A source is counted as failed sign-ins are ([`SourceKey`]): IPv6 by its /64,
/// so walking through one subscriber's block is still one source.
pub struct Limiter {
    sources: Table<SourceKey>,
    topics: Table<(Scope, i64)>,
    sessions: Table<(Scope, i64)>,
}

impl Limiter {
    pub fn new(limits: CustomerLimits) -> Self {
        Self {
            sources: Table::new(limits.starts_per_source, Limit::StartsPerSource),
            topics: Table::new(limits.starts_per_topic, Limit::StartsPerTopic),
            sessions: Table::new(limits.messages_per_session, Limit::MessagesPerSession),
        }
    }

    /// Counts a chat started from `source` (if known) in `topic`.
    pub fn start(&self, source: Option<IpAddr>, scope: &str, topic: i64) -> Result<(), Exceeded> {
        if source.is_some() {
            self.sources.check(SourceKey::of(source))?;
        }
        self.topics.check((scope.to_owned(), topic))
    }

    /// Counts a customer's message to `session`.
    pub fn message(&self, scope: &str, session: i64) -> Result<(), Exceeded> {
        self.sessions.check((scope.to_owned(), session))
    }
}

impl Default for Limiter {
    fn default() -> Self {
        Self::new(CustomerLimits::default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(rate: u32) -> CustomerLimits {
        let rate = NonZeroU32::new(rate).unwrap();
        CustomerLimits {
            starts_per_source: rate,
            starts_per_topic: NonZeroU32::new(100).unwrap(),
            messages_per_session: rate,
        }
    }

    #[test]
    fn a_source_gets_its_burst_then_waits() {
        let limiter = Limiter::new(limits(2));
        let here = Some(IpAddr::from([192, 0, 2, 1]));
        let there = Some(IpAddr::from([192, 0, 2, 2]));
        assert!(limiter.start(here, "", 1).is_ok());
        assert!(limiter.start(here, "", 1).is_ok());
        let refused = limiter.start(here, "", 1).unwrap_err();
        assert_eq!(refused.limit, Limit::StartsPerSource);
        assert!((1..=30).contains(&refused.seconds()), "{refused:?}");
        assert!(
            limiter.start(there, "", 1).is_ok(),
            "another address counts apart"
        );
    }

    #[test]
    fn a_topic_counts_every_source() {
        let limiter = Limiter::new(CustomerLimits {
            starts_per_topic: NonZeroU32::new(2).unwrap(),
            ..CustomerLimits::default()
        });
        for host in 1..=2 {
            assert!(
                limiter
                    .start(Some(IpAddr::from([192, 0, 2, host])), "acme", 7)
                    .is_ok()
            );
        }
        let refused = limiter.start(Some(IpAddr::from([192, 0, 2, 3])), "acme", 7);
        assert_eq!(refused.unwrap_err().limit, Limit::StartsPerTopic);
        assert!(
            limiter.start(None, "", 7).is_ok(),
            "the same id in another tenant"
        );
    }

    #[test]
    fn messages_count_per_session() {
        let limiter = Limiter::new(limits(1));
        assert!(limiter.message("", 1).is_ok());
        assert_eq!(
            limiter.message("", 1).unwrap_err().limit,
            Limit::MessagesPerSession
        );
        assert!(limiter.message("", 2).is_ok());
    }

    #[test]
    fn an_ipv6_subscriber_is_one_source() {
        let limiter = Limiter::new(limits(1));
        let first: IpAddr = "2001:db8:1:2::1".parse().unwrap();
        let walked: IpAddr = "2001:db8:1:2:ffff::9".parse().unwrap();
        assert!(limiter.start(Some(first), "", 1).is_ok());
        let refused = limiter.start(Some(walked), "", 1).unwrap_err();
        assert_eq!(refused.limit, Limit::StartsPerSource);
    }
}
