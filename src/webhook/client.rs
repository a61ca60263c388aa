//! The outbound HTTPS client deliveries go out on: hyper's pooled HTTP/1.1 client over rustls
//! (ring, the operating system's root certificates - the same TLS stack the PostgreSQL
//! connections use, so the binary carries one), every request bounded by [`TIMEOUT`].

use std::time::Duration;

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

/// How long a receiver has to answer a delivery, its body included.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// The most of a receiver's answer that is read (its status is what counts).
const ANSWER_READ: usize = 4096;

/// A delivery's request, as the receiver gets it.
pub struct Delivery<'a> {
    pub url: &'a str,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
}

/// Sends deliveries; cheap to clone (one pool).
#[derive(Clone)]
pub struct Outbound(Client<HttpsConnector<HttpConnector>, Full<Bytes>>);

impl Outbound {
    /// A client over the system's roots; plain `http://` is allowed (a receiver on the same
    /// host or network).
    pub fn new() -> std::io::Result<Self> {
        let connector = hyper_rustls::HttpsConnectorBuilder::new()
            .with_native_roots()?
            .https_or_http()
            .enable_http1()
            .build();
        Ok(Self(Client::builder(TokioExecutor::new()).build(connector)))
    }

    /// POSTs `delivery`: `Ok` when the receiver answered 2xx within [`TIMEOUT`]; otherwise
    /// what went wrong, to note and log.
    pub async fn send(&self, delivery: Delivery<'_>) -> Result<(), String> {
        let mut request = hyper::Request::post(delivery.url);
        for (name, value) in &delivery.headers {
            request = request.header(*name, value);
        }
        let request = request
            .body(Full::new(Bytes::from(delivery.body)))
            .map_err(|error| format!("the webhook's URL cannot be used: {error}"))?;
        let answered = tokio::time::timeout(TIMEOUT, async {
            let response = self.0.request(request).await.map_err(|error| {
                format!("the receiver could not be reached: {}", error_chain(&error))
            })?;
            let status = response.status();
            // Read a little of the answer, so the connection can be used again.
            let _ = http_body_util::Limited::new(response.into_body(), ANSWER_READ)
                .collect()
                .await;
            match status.is_success() {
                true => Ok(()),
                false => Err(format!("the receiver answered {status}")),
            }
        })
        .await;
        answered.unwrap_or_else(|_| Err(format!("no answer within {} s", TIMEOUT.as_secs())))
    }
}

/// `error` with its sources, which say what actually failed (refused, TLS, DNS).
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
