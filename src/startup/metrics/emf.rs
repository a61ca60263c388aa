//! On Lambda: CloudWatch's Embedded Metric Format - the metrics as JSON lines on stdout,
//! which CloudWatch Logs turns into metrics with no SDK call and no network on the request's
//! path. Written after each invocation (the function's log group, namespace `chat-pickup`);
//! a metric's labels are its dimensions.

use metrics_cloudwatch_embedded::{Builder, Collector};

/// The CloudWatch namespace the metrics go to.
pub const NAMESPACE: &str = "chat-pickup";

/// Installs the EMF recorder for this process.
pub fn install() -> Result<&'static Collector, String> {
    Builder::new()
        .cloudwatch_namespace(NAMESPACE)
        .init()
        .map_err(|error| error.to_string())
}

/// Writes what was recorded since the last time to `out`, tagged with the invocation's
/// request id.
pub fn flush(collector: &Collector, request_id: &str, out: impl std::io::Write) {
    let flushed = collector
        .set_property("RequestId", request_id.to_string())
        .flush(out);
    if let Err(error) = flushed {
        tracing::warn!(%error, "the metrics could not be written");
    }
}
