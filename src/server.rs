//! The local HTTP server: HTTP/1.1 over hyper, serving the very same [`App::handle`] the
//! Lambda runtime calls. Requests are turned into what `lambda_http` would hand over (body,
//! query parameters as an extension), so both paths behave alike.

use std::convert::Infallible;
use std::str::FromStr;
use std::sync::Arc;

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use lambda_http::aws_lambda_events::query_map::QueryMap;
use lambda_http::{Body, RequestExt};
use tokio::net::TcpListener;

use crate::error::ApiError;
use crate::handler::{App, MAX_BODY};

/// Serves `app` on `listener` until the process ends.
pub async fn serve(listener: TcpListener, app: Arc<App>) -> std::io::Result<()> {
    loop {
        let (stream, peer) = listener.accept().await?;
        let app = app.clone();
        tokio::spawn(async move {
            let service = service_fn(move |request| {
                let app = app.clone();
                async move { Ok::<_, Infallible>(respond(&app, request).await) }
            });
            if let Err(error) = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await
            {
                tracing::debug!(%peer, %error, "connection closed with an error");
            }
        });
    }
}

async fn respond(app: &App, request: hyper::Request<Incoming>) -> hyper::Response<Full<Bytes>> {
    let (parts, body) = request.into_parts();
    let query = parts
        .uri
        .query()
        .map(QueryMap::from_str)
        .and_then(Result::ok)
        .unwrap_or_default();
    // Read no more than the handler accepts: a larger body is refused unread.
    let response = match Limited::new(body, MAX_BODY).collect().await {
        Ok(collected) => {
            let bytes = collected.to_bytes();
            let body = if bytes.is_empty() {
                Body::Empty
            } else {
                Body::Binary(bytes.to_vec())
            };
            let request = lambda_http::Request::from_parts(parts, body);
            app.handle(request.with_query_string_parameters(query))
                .await
        }
        Err(_) => {
            let request = lambda_http::Request::from_parts(parts, Body::Empty);
            app.refuse(&request, ApiError::BodyTooLarge)
        }
    };
    let (parts, body) = response.into_parts();
    hyper::Response::from_parts(parts, Full::new(Bytes::from(body.to_vec())))
}
