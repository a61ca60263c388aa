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
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::store::bells::Scope;

/// Keys a table holds before the quiet ones are dropped.
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

/// The counts.
pub struct Limiter {
    sources: DefaultKeyedRateLimiter<IpAddr>,
    topics: DefaultKeyedRateLimiter<(Scope, i64)>,
    sessions: DefaultKeyedRateLimiter<(Scope, i64)>,
}

impl Limiter {
    pub fn new(limits: CustomerLimits) -> Self {
        Self {
            sources: RateLimiter::keyed(Quota::per_minute(limits.starts_per_source)),
            topics: RateLimiter::keyed(Quota::per_minute(limits.starts_per_topic)),
            sessions: RateLimiter::keyed(Quota::per_minute(limits.messages_per_session)),
        }
    }

    /// Counts a chat started from `source` (if known) in `topic`.
    pub fn start(&self, source: Option<IpAddr>, scope: &str, topic: i64) -> Result<(), Exceeded> {
        if let Some(source) = source {
            check(&self.sources, source, Limit::StartsPerSource)?;
        }
        check(
            &self.topics,
            (scope.to_owned(), topic),
            Limit::StartsPerTopic,
        )
    }

    /// Counts a customer's message to `session`.
    pub fn message(&self, scope: &str, session: i64) -> Result<(), Exceeded> {
        let key = (scope.to_owned(), session);
        check(&self.sessions, key, Limit::MessagesPerSession)
    }
}

impl Default for Limiter {
    fn default() -> Self {
        Self::new(CustomerLimits::default())
    }
}

fn check<K>(table: &DefaultKeyedRateLimiter<K>, key: K, limit: Limit) -> Result<(), Exceeded>
where
    K: std::hash::Hash + Eq + Clone,
{
    if table.len() > TIDY_AT {
        table.retain_recent();
    }
    table.check_key(&key).map_err(|not_until| Exceeded {
        limit,
        retry_after: not_until.wait_time_from(DefaultClock::default().now()),
    })
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
}
