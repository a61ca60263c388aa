//! What an operator sees: the metrics' names, and counters and histograms recorded through
//! the `metrics` facade where things happen. Whichever recorder the binary installs exposes
//! them (`startup::metrics`): on the local server Prometheus' text format on an address of
//! its own (`serve --metrics-addr`), on Lambda CloudWatch's Embedded Metric Format lines on
//! stdout after each invocation. With neither installed, recording costs next to nothing.
//! (At the bottom of the layers, beside `time`: every layer records.)
//!
//! | metric | kind | labels |
//! |---|---|---|
//! | `chat_pickup_requests_total` | counter | `operation`, `status` |
//! | `chat_pickup_request_seconds` | histogram | `operation` |
//! | `chat_pickup_pickups_total` | counter | `outcome`: `taken`, `empty`, `refused`, `replayed` |
//! | `chat_pickup_queue_wait_seconds` | histogram | `topic` (WhenStarted - WhenRequested) |
//! | `chat_pickup_commit_batch_size` | histogram | (SQLite's group commit: writes per commit) |
//! | `chat_pickup_webhook_deliveries_total` | counter | `outcome`: `delivered`, `failed`, `gave_up` |
//! | `chat_pickup_queue_depth` | gauge, read when scraped | `tenant`, `topic` |
//! | `chat_pickup_webhook_oldest_undelivered_seconds` | gauge, read when scraped | `tenant` |
//! | `chat_pickup_open_tenants` | gauge, read when scraped | |

use std::time::Duration;

pub const REQUESTS: &str = "chat_pickup_requests_total";
pub const REQUEST_SECONDS: &str = "chat_pickup_request_seconds";
pub const PICKUPS: &str = "chat_pickup_pickups_total";
pub const QUEUE_WAIT: &str = "chat_pickup_queue_wait_seconds";
pub const BATCH_SIZE: &str = "chat_pickup_commit_batch_size";
pub const DELIVERIES: &str = "chat_pickup_webhook_deliveries_total";
pub const QUEUE_DEPTH: &str = "chat_pickup_queue_depth";
pub const OLDEST_UNDELIVERED: &str = "chat_pickup_webhook_oldest_undelivered_seconds";
pub const OPEN_TENANTS: &str = "chat_pickup_open_tenants";

/// A request answered: its operation (`unrouted` before a route was found), status and time.
pub fn request(operation: &'static str, status: u16, took: Duration) {
    metrics::counter!(REQUESTS, "operation" => operation, "status" => status.to_string())
        .increment(1);
    metrics::histogram!(REQUEST_SECONDS, "operation" => operation).record(took.as_secs_f64());
}

/// A pickup's outcome; for one taken, the customer's wait in its topic.
pub fn pickup(outcome: &'static str, taken: Option<(i64, i64)>) {
    metrics::counter!(PICKUPS, "outcome" => outcome).increment(1);
    if let Some((topic, waited_ms)) = taken {
        let seconds = waited_ms as f64 / 1000.0;
        metrics::histogram!(QUEUE_WAIT, "topic" => topic.to_string()).record(seconds);
    }
}

/// A group commit of `writes` writes.
pub fn batch(writes: usize) {
    metrics::histogram!(BATCH_SIZE).record(writes as f64);
}

/// A webhook delivery's outcome.
pub fn delivery(outcome: &'static str) {
    metrics::counter!(DELIVERIES, "outcome" => outcome).increment(1);
}
