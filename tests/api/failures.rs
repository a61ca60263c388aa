//! The store failing for real: a database locked by another writer.

use std::time::Duration;

use chat_pickup::store::sqlite::SqliteOptions;
use http::StatusCode;
use http::header::RETRY_AFTER;

use crate::helpers::TestApp;

#[tokio::test]
async fn a_database_locked_by_another_writer_is_503_with_retry_after_and_changes_nothing() {
    let app = TestApp::with_options(SqliteOptions {
        busy_timeout: Duration::from_millis(200),
        ..SqliteOptions::default()
    });
    app.agent("tje0");
    app.topic("Sales", "Hi!");
    app.member("tje0", "Sales");
    let session = app.enqueue("Sales", "customer", 1);
    let before = app.snapshot();

    let writer = app.sql();
    writer.execute_batch("BEGIN IMMEDIATE").unwrap();
    for accept in ["application/json", "application/xml"] {
        let response = app
            .post_accepting("/api/v1/ChatSession/Pickup", "tje0", accept)
            .await;
        assert_eq!(
            response.status,
            StatusCode::SERVICE_UNAVAILABLE,
            "{}",
            response.body
        );
        assert_eq!(response.headers[RETRY_AFTER], "1");
        assert!(
            response.headers["content-type"]
                .to_str()
                .unwrap()
                .starts_with("application/problem+")
        );
        assert!(response.body.contains("busy"), "{}", response.body);
        assert!(
            !response.body.contains("database is locked"),
            "SQLite's words stay in the log"
        );
    }
    writer.execute_batch("ROLLBACK").unwrap();
    assert_eq!(app.snapshot(), before);

    let picked = app
        .post_accepting("/api/v1/ChatSession/Pickup", "tje0", "application/json")
        .await
        .json();
    assert_eq!(
        picked["ChatSessionId"], session,
        "served once the lock is gone"
    );
}
