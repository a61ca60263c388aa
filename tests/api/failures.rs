//! Failures for real: a database locked by another writer, missing, corrupt or read-only.
//! ([`crate::recovery`] shows the service coming back from them; [`crate::panics`] a panic
//! inside the handler.)

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use chat_pickup::http::App;
use chat_pickup::store::admin::{Admin, NewSession, NewTopic};
use chat_pickup::store::sqlite::{SqliteOptions, SqliteStore, SqliteStores};
use http::StatusCode;
use http::header::{ACCEPT, AUTHORIZATION, RETRY_AFTER};
use lambda_http::Body;
use test_support::app::{TestApp, TestResponse, add_agent, minutes_before_fixed_now, respond};
use test_support::credentials::{PASSWORD, RESPOND, basic};

#[tokio::test]
async fn a_database_locked_by_another_writer_is_503_with_retry_after_and_changes_nothing() {
    let app = TestApp::sqlite_with(SqliteOptions {
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

/// A handler whose default database is `db`, and nothing else.
pub fn app_on(db: &Path) -> App {
    App::new(Arc::new(SqliteStores::new(
        db.to_path_buf(),
        None,
        SqliteOptions::default(),
    )))
}

pub async fn post(app: &App, accept: &str) -> TestResponse {
    let request = http::Request::post("/api/v1/ChatSession/Pickup")
        .header(AUTHORIZATION, basic("tje0", PASSWORD))
        .header(ACCEPT, accept)
        .body(Body::Empty)
        .unwrap();
    respond(app, request).await
}

/// A 503 problem in each format that names no file, without `Retry-After`: waiting for an
/// administrator is not a retry.
pub async fn assert_unavailable(app: &App, hidden: &Path) {
    for accept in ["application/json", "text/xml"] {
        let response = post(app, accept).await;
        assert_eq!(
            response.status,
            StatusCode::SERVICE_UNAVAILABLE,
            "{}",
            response.body
        );
        assert_eq!(response.is_xml(), accept == "text/xml", "{accept}");
        let problem = response.problem();
        assert!(
            problem["detail"].as_str().unwrap().contains("unavailable"),
            "{problem}"
        );
        let dir = hidden.parent().unwrap().to_str().unwrap();
        assert!(!response.body.contains(dir), "a path reached the caller");
        assert!(!response.headers.contains_key(RETRY_AFTER));
    }
}

#[tokio::test]
async fn a_missing_database_directory_is_503_and_nothing_is_created() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("not-mounted").join("chat.db");
    assert_unavailable(&app_on(&db), &db).await;
    assert!(!db.parent().unwrap().exists());
}

#[tokio::test]
async fn a_corrupt_database_is_503_and_left_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("chat.db");
    let garbage = b"this is not an SQLite database, just text. ".repeat(200);
    std::fs::write(&db, &garbage).unwrap();
    assert_unavailable(&app_on(&db), &db).await;
    assert_eq!(std::fs::read(&db).unwrap(), garbage);
}

#[tokio::test]
async fn a_corrupt_tenant_database_is_503() {
    let app = TestApp::sqlite();
    let path = app.backend.dir().join("tenants").join("acme.db");
    std::fs::write(&path, vec![0x5a; 8192]).unwrap();
    let response = app
        .post_accepting(
            "/acme/api/v1/ChatSession/Pickup",
            "tje0",
            "application/json",
        )
        .await;
    assert_eq!(
        response.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        response.body
    );
}

#[tokio::test]
async fn a_read_only_database_is_503_and_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("chat.db");
    {
        let admin = SqliteStore::create(&db, &SqliteOptions::default()).unwrap();
        add_agent(&admin, "tje0");
        admin.add_topic(&NewTopic::new("Sales", "Hi!")).unwrap();
        admin.add_member("tje0", "Sales", RESPOND).unwrap();
        let customer = NewSession {
            topic: "Sales".into(),
            customer_name: "customer".into(),
            ..NewSession::default()
        };
        admin
            .enqueue(&customer, minutes_before_fixed_now(1))
            .unwrap();
    }
    let before = std::fs::read(&db).unwrap();
    let guard = ReadOnly::make(&db);
    assert_unavailable(&app_on(&db), &db).await;
    drop(guard);
    assert_eq!(std::fs::read(&db).unwrap(), before);
}

/// Makes a database read-only for this process, as a read-only volume would: by its mode,
/// or - where modes do not bind (root) - with the immutable attribute on the file and its
/// directory. Undone on drop.
pub struct ReadOnly {
    db: PathBuf,
    mode: std::fs::Permissions,
    immutable: Vec<PathBuf>,
}

impl ReadOnly {
    pub fn make(db: &Path) -> Self {
        let mode = std::fs::metadata(db).unwrap().permissions();
        std::fs::set_permissions(db, std::fs::Permissions::from_mode(0o444)).unwrap();
        let guard = |immutable| ReadOnly {
            db: db.to_path_buf(),
            mode: mode.clone(),
            immutable,
        };
        if std::fs::OpenOptions::new().write(true).open(db).is_err() {
            return guard(vec![]);
        }
        let immutable = vec![db.to_path_buf(), db.parent().unwrap().to_path_buf()];
        for path in &immutable {
            let status = Command::new("chattr").arg("+i").arg(path).status();
            assert!(
                status.is_ok_and(|status| status.success()),
                "cannot make {} read-only: running as root without chattr",
                path.display()
            );
        }
        guard(immutable)
    }
}

impl Drop for ReadOnly {
    fn drop(&mut self) {
        for path in &self.immutable {
            let _ = Command::new("chattr").arg("-i").arg(path).status();
        }
        let _ = std::fs::set_permissions(&self.db, self.mode.clone());
    }
}
