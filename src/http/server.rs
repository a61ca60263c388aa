//! The local HTTP server: HTTP/1.1 over hyper, serving the very same [`App::handle`] the
//! Lambda runtime calls. Requests are turned into what `lambda_http` would hand over (body,
//! query parameters as an extension), so both paths behave alike.
//!
//! A connection that has not sent a request's headers within [`Limits::header_timeout`] is
//! closed (a client that opens connections and sends half a request cannot hold them
//! forever), and at most [`Limits::connections`] are served at once; beyond that, new
//! connections wait in the listen backlog until one closes.
//!
//! It also serves the API's description, `GET /api/v1/openapi.yaml` (the repository's
//! `openapi.yaml`, compiled in).

use std::convert::Infallible;
use std::os::fd::AsRawFd;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use futures_util::FutureExt;
use futures_util::future::Either;
use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use lambda_http::aws_lambda_events::query_map::QueryMap;
use lambda_http::{Body, RequestExt};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

use super::accept::Acceptor;
use super::body::MAX_BODY;
use super::delivery::{Connection, Receipt};
use super::handler::App;
use super::source::Peer;

/// How much the server lets clients hold.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// How long a connection may take to send a request's headers, idle keep-alive included.
    pub header_timeout: Duration,
    /// Connections served at once.
    pub connections: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            header_timeout: Duration::from_secs(5),
            connections: 10_000,
        }
    }
}

/// Serves `app` on `listener` with the default [`Limits`] until the process ends; running out
/// of descriptors pauses it (`accept.rs`), never ends it.
pub async fn serve(listener: TcpListener, app: Arc<App>) -> std::io::Result<()> {
    serve_with(listener, app, Limits::default()).await
}

pub async fn serve_with(
    listener: TcpListener,
    app: Arc<App>,
    limits: Limits,
) -> std::io::Result<()> {
    let slots = Arc::new(Semaphore::new(limits.connections));
    let mut acceptor = Acceptor::new(listener);
    loop {
        let slot = slots
            .clone()
            .acquire_owned()
            .await
            .expect("the semaphore is never closed");
        let (stream, peer) = acceptor.next().await;
        let connection = Connection::new(stream.as_raw_fd());
        let app = app.clone();
        tokio::spawn(async move {
            let service = service_fn(move |mut request: hyper::Request<Incoming>| {
                let app = app.clone();
                request.extensions_mut().insert(Peer(peer));
                request.extensions_mut().insert(connection);
                async move {
                    let receipt = Receipt::default();
                    let response = answer(&app, request, &receipt).await;
                    if connection.hung_up() {
                        receipt.lost();
                    } else {
                        receipt.delivered();
                    }
                    Ok::<_, Infallible>(response)
                }
            });
            let served = http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(limits.header_timeout)
                // Not reading on while answering: a waiting long poll would hold a second
                // read buffer (8 KiB). Hang-ups are asked for where they matter (`Connection`).
                .half_close(true)
                .serve_connection(TokioIo::new(stream), service)
                .await;
            if let Err(error) = served {
                tracing::debug!(%peer, %error, "connection closed with an error");
            }
            drop(slot);
        });
    }
}

/// The OpenAPI 3.1 description of the API.
const OPENAPI: &str = include_str!("../../openapi.yaml");

/// Answers one hyper request with `app`, as the local server does: the way to embed the
/// service in a hyper (or axum) server of your own (`examples/embed_hyper.rs`).
pub async fn respond(app: &App, request: hyper::Request<Incoming>) -> hyper::Response<Full<Bytes>> {
    let receipt = Receipt::default();
    let response = answer(app, request, &receipt).await;
    receipt.delivered();
    response
}

/// [`respond`], the delivery left to the caller to note on `receipt`.
///
/// Two steps chained, not one `async fn`: a customer's long poll holds this future for up to
/// 25 s on every waiting connection, and an `async fn` would keep room for the hyper request
/// beside the handler's future all that time; chained, the two take turns in the same bytes.
fn answer<'a>(
    app: &'a App,
    request: hyper::Request<Incoming>,
    receipt: &'a Receipt,
) -> impl Future<Output = hyper::Response<Full<Bytes>>> + 'a {
    lambda_request(request).then(move |request| match request {
        Ok(request) => Either::Left(app.answer(request, receipt).map(hyper_response)),
        Err(refused) => Either::Right(std::future::ready(refused)),
    })
}

/// The request as `lambda_http` would hand it over, or the answer when there is nothing to
/// hand over: the API's description, or a body the client stopped sending.
async fn lambda_request(
    request: hyper::Request<Incoming>,
) -> Result<lambda_http::Request, hyper::Response<Full<Bytes>>> {
    if request.method() == http::Method::GET
        && request
            .uri()
            .path()
            .eq_ignore_ascii_case("/api/v1/openapi.yaml")
    {
        return Err(hyper::Response::builder()
            .header(http::header::CONTENT_TYPE, "application/yaml")
            .body(Full::new(Bytes::from_static(OPENAPI.as_bytes())))
            .expect("static headers are valid"));
    }
    let (parts, body) = request.into_parts();
    let query = parts
        .uri
        .query()
        .map(QueryMap::from_str)
        .and_then(Result::ok)
        .unwrap_or_default();
    let Ok(bytes) = read_capped(body).await else {
        // The client went away mid-body: serving it could pick up a session nobody sees.
        return Err(hyper::Response::builder()
            .status(http::StatusCode::BAD_REQUEST)
            .body(Full::default())
            .expect("a bare response is valid"));
    };
    let body = if bytes.is_empty() {
        Body::Empty
    } else {
        Body::Binary(bytes)
    };
    Ok(lambda_http::Request::from_parts(parts, body).with_query_string_parameters(query))
}

fn hyper_response(response: lambda_http::Response<Body>) -> hyper::Response<Full<Bytes>> {
    let (parts, body) = response.into_parts();
    hyper::Response::from_parts(parts, Full::new(Bytes::from(body.to_vec())))
}

/// The body, or - when it is larger than the handler accepts - its first `MAX_BODY + 1`
/// bytes: enough for the handler to refuse it (413) in its usual order of checks, without
/// reading the rest.
async fn read_capped(mut body: Incoming) -> Result<Vec<u8>, hyper::Error> {
    let mut bytes = Vec::new();
    while let Some(frame) = body.frame().await {
        if let Ok(data) = frame?.into_data() {
            bytes.extend_from_slice(&data);
        }
        if bytes.len() > MAX_BODY {
            bytes.truncate(MAX_BODY + 1);
            break;
        }
    }
    Ok(bytes)
}
