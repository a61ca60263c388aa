//! The Lambda entry. An invocation is either an HTTP event (API Gateway REST or HTTP API,
//! ALB, a function URL), answered by the handler as `lambda_http` would, or the schedule's
//! EventBridge event (`template.yaml`'s `Sweep`), which closes the dead chats of every
//! tenant and delivers every store's waiting webhook events: on Lambda no timer runs between
//! invocations. Between them, the events of an invocation's changes are sent by the sender's
//! task while the instance runs ([`crate::webhook::sender`]); the schedule is the backstop
//! for what an instance frozen or shut down left in the outbox.

use std::sync::Arc;

use lambda_http::lambda_runtime::{self, LambdaEvent};
use lambda_http::request::LambdaRequest;
use lambda_http::{Adapter, Service, service_fn};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::config::Failure;
use crate::http::App;
use crate::store::Stores;
use crate::time::Timestamp;
use crate::webhook::Sender;
use metrics_cloudwatch_embedded::Collector;

use super::metrics::{emf, read_gauges};

/// The schedule's event, by what EventBridge says of it.
#[derive(Deserialize)]
struct Scheduled {
    source: String,
    #[serde(rename = "detail-type")]
    detail_type: String,
}

impl Scheduled {
    /// Whether `event` is EventBridge's scheduled event.
    fn recognizes(event: &Value) -> bool {
        Scheduled::deserialize(event).is_ok_and(|scheduled| {
            scheduled.source == "aws.events" && scheduled.detail_type == "Scheduled Event"
        })
    }
}

/// Serves invocations until the instance is shut down (that many at once with
/// `AWS_LAMBDA_MAX_CONCURRENCY` above 1).
pub async fn run(
    app: Arc<App>,
    stores: Arc<dyn Stores>,
    sender: Arc<Sender>,
    collector: &'static Collector,
) -> Result<(), Failure> {
    lambda_runtime::run_concurrent(service_fn(move |event: LambdaEvent<Value>| {
        let (app, stores, sender) = (app.clone(), stores.clone(), sender.clone());
        async move {
            let request_id = event.context.request_id.clone();
            let answered = invoke(app, stores, sender, event).await;
            emf::flush(collector, &request_id, std::io::stdout());
            answered
        }
    }))
    .await
    .map_err(|error| -> Failure { error.to_string().into() })
}

async fn invoke(
    app: Arc<App>,
    stores: Arc<dyn Stores>,
    sender: Arc<Sender>,
    event: LambdaEvent<Value>,
) -> Result<Value, lambda_runtime::Error> {
    let LambdaEvent { payload, context } = event;
    if Scheduled::recognizes(&payload) {
        return sweep(stores, &sender).await;
    }
    let request: LambdaRequest = serde_json::from_value(payload)?;
    let mut adapter = Adapter::from(service_fn(move |request| {
        let app = app.clone();
        async move { Ok::<_, lambda_runtime::Error>(app.handle(request).await) }
    }));
    let response = adapter.call(LambdaEvent::new(request, context)).await?;
    Ok(serde_json::to_value(response)?)
}

/// Closes every tenant's dead chats and delivers what waits in every outbox (the closings'
/// events included); a failure to sweep is the invocation's error (EventBridge retries it,
/// and the log says why).
async fn sweep(stores: Arc<dyn Stores>, sender: &Sender) -> Result<Value, lambda_runtime::Error> {
    let sweeping = stores.clone();
    let closed =
        tokio::task::spawn_blocking(move || sweeping.sweep_all(Timestamp::now())).await??;
    if closed > 0 {
        tracing::info!(closed, "closed dead chats");
    }
    let delivered = sender.drain_everywhere().await;
    // Queue depths and the oldest undelivered event, once a minute, with this invocation's
    // metrics.
    tokio::task::spawn_blocking(move || read_gauges(stores.as_ref())).await?;
    Ok(json!({ "closed": closed, "delivered": delivered }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schedules_event_is_recognized_and_http_events_are_not() {
        let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/lambda_http/");
        let read = |name: &str| -> Value {
            serde_json::from_str(&std::fs::read_to_string(format!("{fixtures}{name}")).unwrap())
                .unwrap()
        };
        assert!(Scheduled::recognizes(&read("eventbridge_schedule.json")));
        for http in [
            "apigw_v2_proxy_request.json",
            "apigw_proxy_request.json",
            "alb_request.json",
        ] {
            assert!(!Scheduled::recognizes(&read(http)), "{http}");
        }
    }
}
