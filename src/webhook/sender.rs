//! The sender: takes what is due out of a store's outbox (under a lease, as
//! [`crate::chat::outbox`] says), sends each delivery signed, and settles it - done, tried
//! again later, or the webhook marked failing. A delivery is taken only when its session's
//! earlier events have reached the same webhook, so deliveries taken together go out at once,
//! side by side, and a session's events still arrive in the order they were committed.
//!
//! On the local server [`Sender::run`] drains a store as soon as the handler says a change
//! was committed there ([`Sender::changed`]), the stores with deliveries still waiting every
//! second, and every store every minute (what other processes recorded, or this one before a
//! restart). Each store is drained on a task of its own, one at a time per store, a few
//! batches a visit: a slow or dead receiver holds up only the deliveries of its own store,
//! never another tenant's, and never a request. The minute's pass goes over the stores one
//! after the other, opening a tenant not in use for its visit alone.

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use futures_util::future::join_all;
use tokio::sync::Notify;
use tokio::time::MissedTickBehavior;

use super::client::{Delivery, Outbound};
use super::{payload, signature};
use crate::account::random;
use crate::account::tenant::Tenant;
use crate::chat::outbox::{self, Outgoing, Settled};
use crate::store::{StoreError, Stores};
use crate::telemetry;
use crate::time::Timestamp;

/// Deliveries taken at once.
const BATCH: i64 = 32;

/// Batches sent in one visit to a store, before the others get their turn.
const BATCHES_A_VISIT: usize = 8;

/// How often the stores with deliveries waiting are looked at.
const RETRY_EVERY: Duration = Duration::from_secs(1);

/// Where deliveries are waiting: the default store (`None`) or a tenant's.
type Place = Option<Tenant>;

pub struct Sender {
    stores: Arc<dyn Stores>,
    outbound: Outbound,
    /// This sender's name; each take's claim begins with it.
    name: String,
    /// Stores changed since they were last drained.
    changed: Mutex<HashSet<Place>>,
    /// Stores whose last drain left deliveries waiting, looked at again every second.
    retrying: Mutex<HashSet<Place>>,
    /// Stores being drained now: another drain of the same store waits for the next turn.
    draining: Mutex<HashSet<Place>>,
    /// Whether a pass over every store is under way.
    passing: AtomicBool,
    wake: Notify,
}

/// How a drain opens its store.
#[derive(Clone, Copy)]
enum Open {
    /// As requests do: it stays open among the tenants in use.
    Kept,
    /// For this visit alone, unless it is open already ([`Stores::visit_store`]).
    ForTheVisit,
}

impl Sender {
    pub fn new(stores: Arc<dyn Stores>, outbound: Outbound) -> Self {
        Self {
            stores,
            outbound,
            name: format!("sender-{}", random::hex::<8>()),
            changed: Mutex::default(),
            retrying: Mutex::default(),
            draining: Mutex::default(),
            passing: AtomicBool::new(false),
            wake: Notify::new(),
        }
    }

    /// A change was committed in `tenant`'s store (or the default store): its events are to
    /// go now.
    pub fn changed(&self, tenant: Option<&Tenant>) {
        lock(&self.changed).insert(tenant.cloned());
        self.wake.notify_one();
    }

    /// Sends what is due in `tenant`'s store, a few batches at most: how many deliveries were
    /// settled (delivered or not). A store left with deliveries waiting is looked at again
    /// within a second.
    pub async fn drain(&self, tenant: Option<&Tenant>) -> Result<usize, StoreError> {
        self.drain_in(tenant, Open::Kept).await
    }

    /// [`Sender::drain`] with the store opened as `open` says.
    async fn drain_in(&self, tenant: Option<&Tenant>, open: Open) -> Result<usize, StoreError> {
        let (place, stores) = (tenant.cloned(), self.stores.clone());
        let opened = blocking(move || match open {
            Open::Kept => stores.store(place.as_ref()),
            Open::ForTheVisit => stores.visit_store(place.as_ref()),
        });
        let store = match opened.await? {
            Ok(store) => store,
            Err(error) => {
                // A tenant that went away has nothing to send any more.
                lock(&self.retrying).remove(&tenant.cloned());
                return Err(error);
            }
        };
        let mut settled = 0;
        for _ in 0..BATCHES_A_VISIT {
            let (taker, claim) = (store.clone(), self.claim());
            let taken =
                blocking(move || taker.take_deliveries(Timestamp::now(), &claim, BATCH)).await??;
            if taken.is_empty() {
                break;
            }
            let outcomes = join_all(taken.iter().map(|outgoing| self.deliver(outgoing))).await;
            settled += taken.len();
            let settler = store.clone();
            blocking(move || {
                let now = Timestamp::now();
                let mut pairs = taken.iter().zip(&outcomes);
                pairs.try_for_each(|(outgoing, outcome)| {
                    settler.settle_delivery(outgoing, outcome, now)
                })
            })
            .await??;
        }
        // What is left falls due later: a retry, a dead sender's lease, a session's next
        // event - or the next batch of a busy store.
        let waiting = blocking(move || store.deliveries_waiting()).await??;
        let mut retrying = lock(&self.retrying);
        match waiting {
            true => retrying.insert(tenant.cloned()),
            false => retrying.remove(&tenant.cloned()),
        };
        Ok(settled)
    }

    /// A claim of its own for one take: two takes, even of one sender, never read back each
    /// other's deliveries.
    fn claim(&self) -> String {
        format!("{}-{}", self.name, random::hex::<8>())
    }

    /// Sends `outgoing` once: what became of it.
    async fn deliver(&self, outgoing: &Outgoing) -> Settled {
        let settled = match self.outbound.send(delivery(outgoing)).await {
            Ok(()) => Settled::Delivered,
            Err(error) => outbox::retry(outgoing.attempts, error, Timestamp::now()),
        };
        log_failure(outgoing, &settled);
        telemetry::delivery(match settled {
            Settled::Delivered => "delivered",
            Settled::Retry { .. } => "failed",
            Settled::GaveUp { .. } => "gave_up",
        });
        settled
    }

    /// Forever: drains each store as soon as a change is committed there and the stores with
    /// deliveries waiting every second, each on a task of its own; and every store every
    /// `every`, one after the other on one task ([`Sender::drain_everywhere`]), so a pass over
    /// thousands of tenants holds one more database open at a time, not thousands.
    pub async fn run(self: Arc<Self>, every: Duration) {
        let mut retry = tokio::time::interval(RETRY_EVERY);
        let mut all = tokio::time::interval(every);
        // After a long pause (a Lambda instance thawed) one look is enough, not a burst.
        retry.set_missed_tick_behavior(MissedTickBehavior::Skip);
        all.set_missed_tick_behavior(MissedTickBehavior::Skip);
        loop {
            let due: HashSet<Place> = tokio::select! {
                () = self.wake.notified() => std::mem::take(&mut *lock(&self.changed)),
                _ = retry.tick() => lock(&self.retrying).clone(),
                _ = all.tick() => {
                    self.start_a_pass();
                    continue;
                }
            };
            for place in due {
                if lock(&self.draining).insert(place.clone()) {
                    tokio::spawn(self.clone().visit(place));
                }
            }
        }
    }

    /// One drain of `place`, logged if it fails; then the store is free for the next.
    async fn visit(self: Arc<Self>, place: Place) {
        if let Err(error) = self.drain(place.as_ref()).await {
            let tenant = place.as_ref().map(Tenant::as_str).unwrap_or_default();
            tracing::warn!(tenant, %error, "webhook deliveries could not be taken or settled");
        }
        lock(&self.draining).remove(&place);
    }

    /// A pass over every store on a task of its own, unless the last one is still going.
    fn start_a_pass(self: &Arc<Self>) {
        if self.passing.swap(true, Ordering::AcqRel) {
            return;
        }
        let sender = self.clone();
        tokio::spawn(async move {
            sender.drain_everywhere().await;
            sender.passing.store(false, Ordering::Release);
        });
    }

    /// Drains every store once, one after the other, each not open already opened for its
    /// visit alone: how many deliveries were settled. A store being drained just now is
    /// passed over. (On Lambda the schedule's invocation does this: no timer runs between
    /// invocations.)
    pub async fn drain_everywhere(&self) -> usize {
        let mut settled = 0;
        for place in self.everywhere().await {
            if !lock(&self.draining).insert(place.clone()) {
                continue;
            }
            match self.drain_in(place.as_ref(), Open::ForTheVisit).await {
                Ok(count) => settled += count,
                Err(error) => {
                    let tenant = place.as_ref().map(Tenant::as_str).unwrap_or_default();
                    tracing::warn!(tenant, %error, "webhook deliveries could not be taken or settled");
                }
            }
            lock(&self.draining).remove(&place);
        }
        settled
    }

    /// The default store and every tenant's.
    async fn everywhere(&self) -> HashSet<Place> {
        let stores = self.stores.clone();
        let tenants = blocking(move || stores.tenants())
            .await
            .and_then(|found| found);
        let tenants = tenants.unwrap_or_else(|error| {
            tracing::warn!(%error, "the tenants could not be listed for their webhook deliveries");
            Vec::new()
        });
        std::iter::once(None)
            .chain(tenants.into_iter().map(Some))
            .collect()
    }
}

/// The request that delivers `outgoing`: its payload, signed, with SuperOffice's headers.
pub fn delivery(outgoing: &Outgoing) -> Delivery<'_> {
    let body = payload::body(outgoing);
    let headers = vec![
        (
            "content-type",
            "application/json; charset=utf-8".to_string(),
        ),
        (
            "user-agent",
            concat!("chat-pickup/", env!("CARGO_PKG_VERSION")).to_string(),
        ),
        ("x-superoffice-event", outgoing.event.clone()),
        ("x-superoffice-eventid", outgoing.event_id.clone()),
        (
            "x-superoffice-signature",
            signature::sign(&outgoing.hook.secret, &body),
        ),
    ];
    Delivery {
        url: &outgoing.hook.url,
        headers,
        body,
    }
}

fn log_failure(outgoing: &Outgoing, settled: &Settled) {
    let (webhook, event_id) = (outgoing.hook.name.as_str(), outgoing.event_id.as_str());
    match settled {
        Settled::GaveUp { error } => tracing::error!(
            webhook,
            event_id,
            attempts = outgoing.attempts,
            error = error.as_str(),
            "webhook delivery failed for the last time: the webhook is marked failing \
             (`admin webhook resume` sends what it missed)"
        ),
        Settled::Retry { at, error } => tracing::warn!(
            webhook,
            event_id,
            attempts = outgoing.attempts,
            error = error.as_str(),
            retry_at = %at.to_dotnet(),
            "webhook delivery failed; it will be tried again"
        ),
        Settled::Delivered => {}
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // Plain sets; one left by a panicking thread is still sound.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Runs store work off the async workers.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, StoreError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|error| StoreError::Internal(format!("a delivery's store work failed: {error}")))
}
