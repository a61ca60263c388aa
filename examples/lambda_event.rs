//! Invoking the handler with a Lambda event, as the Lambda runtime does - without AWS: an
//! API Gateway HTTP API (v2) event is read with `lambda_http`'s own parser and answered by
//! the same `App::handle` that `startup` hands to `lambda_http::run`.
//!
//! ```sh
//! cargo run --example lambda_event
//! ```

use std::sync::Arc;

use chat_pickup::admin::demo;
use chat_pickup::http::App;
use chat_pickup::store::sqlite::{SqliteOptions, SqliteStore, SqliteStores};

/// What API Gateway sends for `curl -u tje0:Tje0 -X POST https://.../api/v1/ChatSession/Pickup`.
const EVENT: &str = r#"{
  "version": "2.0",
  "routeKey": "$default",
  "rawPath": "/api/v1/ChatSession/Pickup",
  "rawQueryString": "$select=ChatSessionId,CustomerName,Status,LastMessage",
  "headers": {
    "authorization": "Basic dGplMDpUamUw",
    "accept": "application/json",
    "so-language": "no"
  },
  "queryStringParameters": { "$select": "ChatSessionId,CustomerName,Status,LastMessage" },
  "requestContext": {
    "accountId": "123456789012",
    "apiId": "api-id",
    "domainName": "id.execute-api.eu-north-1.amazonaws.com",
    "domainPrefix": "id",
    "http": {
      "method": "POST",
      "path": "/api/v1/ChatSession/Pickup",
      "protocol": "HTTP/1.1",
      "sourceIp": "192.0.2.1",
      "userAgent": "curl/8.5.0"
    },
    "requestId": "example-request",
    "routeKey": "$default",
    "stage": "$default",
    "time": "01/Dec/2026:09:00:00 +0000",
    "timeEpoch": 1796115600000
  },
  "isBase64Encoded": false
}"#;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let db = dir.path().join("chat.db");
    demo::seed(&SqliteStore::create(&db, &SqliteOptions::default())?)?;
    let app = App::new(Arc::new(SqliteStores::new(
        db,
        None,
        SqliteOptions::default(),
    )));

    let request = lambda_http::request::from_str(EVENT)?;
    let response = app.handle(request).await;
    println!("{}", response.status());
    for (name, value) in response.headers() {
        println!("{name}: {}", value.to_str()?);
    }
    println!("\n{}", String::from_utf8_lossy(response.body()));
    Ok(())
}
