//! The service coming back from storage faults without a restart: a database deleted or
//! replaced under it, a full disk, read-only and corrupt files repaired.

use std::path::Path;
use std::sync::Arc;

use chat_pickup::http::App;
use chat_pickup::store::sqlite::{SqliteOptions, SqliteStores};
use http::StatusCode;
use http::header::RETRY_AFTER;
use test_support::app::{TestApp, respond};
use test_support::credentials::{PASSWORD, basic};

use crate::failures::{ReadOnly, app_on, assert_unavailable, post};

/// A database file deleted under a running server must not go on taking pickups into the
/// unlinked file (every one of them would vanish and be handed out again after a restore);
/// a file replaced by a restored copy is reopened, and its pickups land in that file.
#[tokio::test]
async fn a_database_deleted_or_replaced_under_a_running_server_is_noticed() {
    let test = TestApp::sqlite();
    test.agent("tje0");
    test.topic("Sales", "Hi!");
    test.member("tje0", "Sales");
    for minutes in 0..3 {
        test.enqueue("Sales", "customer", minutes);
    }
    let backup = test.backend.dir().join("backup.db");
    test.sql()
        .execute(&format!("VACUUM INTO '{}'", backup.display()), [])
        .unwrap();
    let first = test.pickup("tje0").await;
    let db = test.db().to_path_buf();
    let TestApp {
        backend,
        app,
        admin,
    } = test;
    drop(admin);
    let dir = backend.into_dir();
    let credentials = basic("tje0", PASSWORD);
    let request = || {
        http::Request::post("/api/v1/ChatSession/Pickup")
            .header("authorization", credentials.as_str())
            .body(lambda_http::Body::Empty)
            .unwrap()
    };

    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
    let gone = respond(&app, request()).await;
    assert_eq!(
        gone.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        gone.body
    );
    assert!(
        !gone.headers.contains_key(RETRY_AFTER),
        "waiting does not bring a file back"
    );
    assert!(!db.exists(), "no empty database is made in its place");

    std::fs::copy(&backup, &db).unwrap();
    let restored = respond(&app, request()).await;
    assert_eq!(restored.status, StatusCode::OK, "{}", restored.body);
    let session = restored.json()["ChatSessionId"].as_i64().unwrap();
    assert_eq!(
        session,
        first["ChatSessionId"].as_i64().unwrap(),
        "the restored queue"
    );
    let assigned: Option<i64> = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row(
            "SELECT user_id FROM chat_session WHERE id = ?1",
            [session],
            |row| row.get(0),
        )
        .unwrap();
    assert!(assigned.is_some(), "the pickup is in the file at the path");
    drop(dir);
}

/// A full disk, made with SQLite's own size ceiling (`max_page_count`, the server's
/// `--max-db-mb`) at the database's current size: the pickup, which needs new pages for its
/// welcome message, is a 503 with `Retry-After` and changes nothing; once space is freed -
/// here by dropping a table from another connection - the same server picks up again.
#[tokio::test]
async fn a_full_disk_is_503_with_retry_after_and_recovers_once_space_is_freed() {
    let test = TestApp::sqlite();
    test.agent("tje0");
    test.topic("Sales", &"Welcome! ".repeat(2_000));
    test.member("tje0", "Sales");
    let session = test.enqueue("Sales", "customer", 1);
    let filler = test.sql();
    filler
        .execute_batch(
            "CREATE TABLE filler (data BLOB);
             INSERT INTO filler VALUES (zeroblob(200000));
             VACUUM;",
        )
        .unwrap();
    let size: u64 = filler
        .query_row(
            "SELECT page_count * page_size FROM pragma_page_count, pragma_page_size",
            [],
            |row| row.get(0),
        )
        .unwrap();
    let before = test.snapshot();
    let full = App::new(Arc::new(SqliteStores::new(
        test.db().to_path_buf(),
        None,
        SqliteOptions {
            max_size_bytes: Some(size),
            ..SqliteOptions::default()
        },
    )));

    for accept in ["application/json", "application/xml"] {
        let response = post(&full, accept).await;
        assert_eq!(
            response.status,
            StatusCode::SERVICE_UNAVAILABLE,
            "{}",
            response.body
        );
        assert_eq!(response.is_xml(), accept == "application/xml");
        assert_eq!(response.headers[RETRY_AFTER], "60");
        let problem = response.problem();
        assert!(
            problem["detail"]
                .as_str()
                .unwrap()
                .contains("storage is full"),
            "{problem}"
        );
        assert!(!response.body.contains("database or disk is full"));
    }
    assert_eq!(test.snapshot(), before, "nothing half-written");

    filler.execute_batch("DROP TABLE filler").unwrap();
    let response = post(&full, "application/json").await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    assert_eq!(response.json()["ChatSessionId"], session);
}

/// Read-only and corrupt files recover without a restart once the fault is removed. The file
/// is read-only before the server first opens it (a mode change does not revoke a descriptor
/// the server already holds), and the corrupt one is a bad copy put in its place (SQLite
/// cannot defend a file overwritten in place under an open connection).
#[tokio::test]
async fn read_only_and_corrupt_databases_recover_once_repaired() {
    let test = TestApp::sqlite();
    test.agent("tje0");
    test.topic("Sales", "Hi!");
    test.member("tje0", "Sales");
    let first = test.enqueue("Sales", "customer", 2);
    test.enqueue("Sales", "customer", 1);
    let db = test.db().to_path_buf();
    let app = app_on(&db);
    let backup = test.backend.dir().join("good.db");
    test.sql()
        .execute(&format!("VACUUM INTO '{}'", backup.display()), [])
        .unwrap();
    let TestApp { backend, admin, .. } = test;
    drop(admin);
    let dir = backend.into_dir();

    let guard = ReadOnly::make(&db);
    assert_unavailable(&app, &db).await;
    drop(guard);
    let response = post(&app, "application/json").await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    assert_eq!(response.json()["ChatSessionId"], first);

    let garbage = dir.path().join("garbage.db");
    std::fs::write(&garbage, b"not a database ".repeat(600)).unwrap();
    std::fs::rename(&garbage, &db).unwrap();
    assert_unavailable(&app, &db).await;
    restore(&backup, &db);
    let response = post(&app, "application/json").await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    assert_eq!(
        response.json()["ChatSessionId"],
        first,
        "the restored copy, where the first session still waits"
    );
}

/// Puts `backup` in place of `db` the way docs/configuration.md says to: the journal files go with the
/// old file. (SQLite keeps a replaced file's write-ahead log at the path; a restored copy
/// opened beside it would read the old file's pages from it.)
fn restore(backup: &Path, db: &Path) {
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
    let copy = db.with_extension("restoring");
    std::fs::copy(backup, &copy).unwrap();
    std::fs::rename(&copy, db).unwrap();
}
