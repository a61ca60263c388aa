//! Embedding the service in a hyper server of your own: this one answers `GET /healthz`
//! itself and hands every other request to chat-pickup's `App`, exactly as the bundled
//! local server does (`chat_pickup::http::server::respond`). The same call fits an axum
//! fallback service.
//!
//! ```sh
//! cargo run --example embed_hyper
//! curl -s http://127.0.0.1:9100/healthz
//! curl -s -u tje0:Tje0 -X POST http://127.0.0.1:9100/api/v1/ChatSession/Pickup
//! ```

use std::convert::Infallible;
use std::sync::Arc;

use chat_pickup::admin::demo;
use chat_pickup::http::{App, server};
use chat_pickup::store::sqlite::{SqliteOptions, SqliteStore, SqliteStores};
use http_body_util::Full;
use hyper::body::Bytes;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let db = std::env::temp_dir().join("chat-pickup-embedded.db");
    demo::seed(&SqliteStore::create(&db, &SqliteOptions::default())?)?;
    let stores = SqliteStores::new(db, None, SqliteOptions::default());
    let app = Arc::new(App::new(Arc::new(stores)));

    let listener = TcpListener::bind("127.0.0.1:9100").await?;
    println!("listening on http://{}", listener.local_addr()?);
    loop {
        let (stream, _) = listener.accept().await?;
        let app = app.clone();
        tokio::spawn(async move {
            let service = service_fn(move |request: hyper::Request<_>| {
                let app = app.clone();
                async move {
                    if request.uri().path() == "/healthz" {
                        return Ok::<_, Infallible>(hyper::Response::new(Full::new(
                            Bytes::from_static(b"ok\n"),
                        )));
                    }
                    Ok(server::respond(&app, request).await)
                }
            });
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}
