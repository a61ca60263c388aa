//! Delivering the outbox ([`super::events`]): what a sender takes out of it - an event for one
//! webhook, with what its payload says - and the rules of retrying. A sender takes due
//! deliveries for a while (a lease: a sender that dies lets them fall due again), sends each,
//! and settles it as [`retry`] decides. A session's next event is not due while one before
//! it waits, so each webhook hears a session's events in the order they were committed.

use std::time::Duration;

use crate::time::Timestamp;

/// How long a sender holds the deliveries it took before another may take them: longer than
/// a delivery may take (10 s), short enough that a sender that died holds up its sessions'
/// events no longer than that.
pub const LEASE: Duration = Duration::from_secs(15);

/// Attempts a delivery gets before its webhook is marked failing (SuperOffice's
/// TooManyErrors): 1 s, 4 s, 16 s, ... apart, about 83 minutes in all.
pub const ATTEMPTS: i64 = 8;

/// The longest wait between two attempts.
const LONGEST_WAIT: Duration = Duration::from_secs(60 * 60);

/// How old a delivered event gets before the sweep removes it (one a webhook still waits
/// for is kept).
pub const KEPT: Duration = Duration::from_secs(7 * 24 * 60 * 60);

/// The session's fields as the change left them (SuperOffice's `FieldValues`); ids of
/// nothing are 0.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldValues {
    pub alert_level: i64,
    pub chatbot_isactive: bool,
    pub consented: bool,
    pub contact_id: i64,
    pub customer_alias: String,
    pub customer_id: i64,
    pub project_id: i64,
    pub rating: i64,
    pub sale_id: i64,
    pub status: i64,
    pub ticket_id: i64,
    pub topic_id: i64,
    pub user_id: i64,
    pub transfer_to: i64,
}

/// The message a `chatsession.message` event posted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PostedMessage {
    pub id: i64,
    pub text: String,
    pub kind: i64,
    pub special_type: i64,
    pub special_param: String,
    pub author: String,
}

/// Where a delivery goes.
#[derive(Clone, PartialEq, Eq)]
pub struct Hook {
    pub id: i64,
    pub name: String,
    pub url: String,
    /// Signs the payload; never shown or logged.
    pub secret: String,
}

impl std::fmt::Debug for Hook {
    /// Everything but the secret.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hook")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

/// One event for one webhook, taken out of the outbox to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outgoing {
    pub hook: Hook,
    /// The take it was taken under: it is settled only while still held under it.
    pub claim: String,
    /// The event's row: with the webhook, which delivery this is.
    pub row: i64,
    /// Attempts so far, this one included.
    pub attempts: i64,
    pub event_id: String,
    pub event: String,
    pub session_id: i64,
    /// SuperOffice's `Changes`, comma-separated.
    pub changes: String,
    pub by: i64,
    pub context: String,
    pub at: Timestamp,
    pub fields: FieldValues,
    pub message: Option<PostedMessage>,
}

/// What became of a delivery.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Settled {
    /// The receiver took it: the delivery is done.
    Delivered,
    /// It failed; try again at this time.
    Retry { at: Timestamp, error: String },
    /// It failed for the last time: the webhook is marked failing, the delivery kept for
    /// `admin webhook resume`.
    GaveUp { error: String },
}

/// What a failed attempt - the `attempts`-th, failing with `error` at `now` - comes to.
pub fn retry(attempts: i64, error: String, now: Timestamp) -> Settled {
    if attempts >= ATTEMPTS {
        return Settled::GaveUp { error };
    }
    Settled::Retry {
        at: now.after(wait_after(attempts)),
        error,
    }
}

/// The wait after the `attempts`-th failed attempt: 1 s, 4 s, 16 s, ..., at most an hour.
fn wait_after(attempts: i64) -> Duration {
    let power = u32::try_from(attempts.clamp(1, 10) - 1).unwrap_or(0);
    Duration::from_secs(4u64.pow(power)).min(LONGEST_WAIT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attempts_wait_one_four_sixteen_seconds_and_give_up_after_the_eighth() {
        let waits: Vec<u64> = (1..ATTEMPTS).map(|n| wait_after(n).as_secs()).collect();
        assert_eq!(waits, [1, 4, 16, 64, 256, 1024, 3600]);
        let now = Timestamp::now();
        assert_eq!(
            retry(1, "refused".into(), now),
            Settled::Retry {
                at: now.after(Duration::from_secs(1)),
                error: "refused".into()
            }
        );
        assert!(matches!(
            retry(ATTEMPTS, "refused".into(), now),
            Settled::GaveUp { .. }
        ));
    }
}
