//! The local server's metrics: Prometheus' text format at `GET /metrics` on an address of its
//! own (`serve --metrics-addr`), never on the chat's - the chat's address faces customers
//! and the open internet; the metrics' belongs on an operator's network. Histograms are real
//! Prometheus histograms (buckets below); the gauges are read from the stores when scraped.

use std::convert::Infallible;
use std::sync::Arc;

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use metrics_exporter_prometheus::{BuildError, Matcher, PrometheusBuilder, PrometheusHandle};
use tokio::net::TcpListener;

use super::read_gauges;
use crate::store::Stores;
use crate::telemetry::{BATCH_SIZE, QUEUE_WAIT, REQUEST_SECONDS};

/// A handler's time, from a millisecond to ten seconds.
const SECONDS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];
/// A customer's wait in the queue, from a second to an hour.
const WAITS: &[f64] = &[
    1.0, 5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0,
];
/// Writes per group commit.
const BATCHES: &[f64] = &[1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0];

/// Installs the Prometheus recorder for this process.
pub fn install() -> Result<PrometheusHandle, BuildError> {
    PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Full(REQUEST_SECONDS.into()), SECONDS)?
        .set_buckets_for_metric(Matcher::Full(QUEUE_WAIT.into()), WAITS)?
        .set_buckets_for_metric(Matcher::Full(BATCH_SIZE.into()), BATCHES)?
        .install_recorder()
}

/// Serves `GET /metrics` on `listener` until the process ends; anything else is a 404.
pub async fn serve(listener: TcpListener, handle: PrometheusHandle, stores: Arc<dyn Stores>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let (handle, stores) = (handle.clone(), stores.clone());
        tokio::spawn(async move {
            let service = service_fn(move |request: hyper::Request<Incoming>| {
                let (handle, stores) = (handle.clone(), stores.clone());
                async move { Ok::<_, Infallible>(answer(&request, handle, stores).await) }
            });
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

async fn answer(
    request: &hyper::Request<Incoming>,
    handle: PrometheusHandle,
    stores: Arc<dyn Stores>,
) -> hyper::Response<Full<Bytes>> {
    if request.method() != http::Method::GET || request.uri().path() != "/metrics" {
        return hyper::Response::builder()
            .status(http::StatusCode::NOT_FOUND)
            .body(Full::new(Bytes::from_static(b"GET /metrics\n")))
            .expect("a static response is valid");
    }
    let read = tokio::task::spawn_blocking(move || read_gauges(stores.as_ref())).await;
    if let Err(error) = read {
        tracing::warn!(%error, "the stores' gauges could not be read for the metrics");
    }
    hyper::Response::builder()
        .header(http::header::CONTENT_TYPE, "text/plain; version=0.0.4")
        .body(Full::new(Bytes::from(handle.render())))
        .expect("a text response is valid")
}
