//! The recorders the binary installs, and the gauges read from the stores: Prometheus on the
//! local server ([`prometheus`]), CloudWatch EMF on Lambda ([`emf`]); the names are
//! [`crate::telemetry`]'s.

pub mod emf;
pub mod prometheus;

use std::collections::HashSet;
use std::sync::{LazyLock, Mutex};

use crate::store::Stores;
use crate::telemetry::{OLDEST_UNDELIVERED, OPEN_TENANTS, QUEUE_DEPTH};
use crate::time::Timestamp;

/// Sets the gauges read from the stores - every tenant's queue depth by topic and oldest
/// undelivered event, and how many tenants are open - as they are now. A topic whose queue
/// emptied since the last reading reads 0. (It reads every tenant's database: with very
/// many tenants, scrape less often.)
pub fn read_gauges(stores: &dyn Stores) {
    metrics::gauge!(OPEN_TENANTS).set(stores.open_tenants() as f64);
    let tenants = stores.tenants().unwrap_or_else(|error| {
        tracing::warn!(%error, "the tenants could not be listed for the metrics");
        Vec::new()
    });
    let now = Timestamp::now();
    let mut seen = HashSet::new();
    for tenant in std::iter::once(None).chain(tenants.iter().map(Some)) {
        let name = tenant.map_or(String::new(), |tenant| tenant.as_str().to_string());
        let gauges = stores.visit_store(tenant).and_then(|store| store.gauges());
        let gauges = match gauges {
            Ok(gauges) => gauges,
            Err(error) => {
                tracing::warn!(tenant = name.as_str(), %error, "a store's gauges could not be read");
                continue;
            }
        };
        for (topic, depth) in gauges.queue_depths {
            let labels = (name.clone(), topic.to_string());
            metrics::gauge!(QUEUE_DEPTH, "tenant" => labels.0.clone(), "topic" => labels.1.clone())
                .set(depth as f64);
            seen.insert(labels);
        }
        let age = gauges
            .oldest_undelivered
            .map_or(0, |oldest| now.millis_since(oldest).max(0));
        metrics::gauge!(OLDEST_UNDELIVERED, "tenant" => name).set(age as f64 / 1000.0);
    }
    let mut shown = SHOWN_DEPTHS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    for (tenant, topic) in shown.difference(&seen) {
        metrics::gauge!(QUEUE_DEPTH, "tenant" => tenant.clone(), "topic" => topic.clone()).set(0.0);
    }
    shown.extend(seen);
}

/// The (tenant, topic) queue depths shown so far, so that an emptied queue reads 0.
static SHOWN_DEPTHS: LazyLock<Mutex<HashSet<(String, String)>>> = LazyLock::new(Mutex::default);
