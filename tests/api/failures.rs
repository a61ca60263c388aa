//! Failures for real: a database locked by another writer, missing, corrupt or read-only,
//! and a panic inside the handler.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use chat_pickup::account::secret::SecretKind;
use chat_pickup::account::{Account, Agent};
use chat_pickup::auth::password;
use chat_pickup::entity::{Object, Shape};
use chat_pickup::http::App;
use chat_pickup::locale::Location;
use chat_pickup::locale::{Language, Resources};
use chat_pickup::store::admin::{Admin, NewSession, NewTopic};
use chat_pickup::store::sqlite::{SqliteOptions, SqliteStore, SqliteStores};
use chat_pickup::store::{Pickup, Store, StoreError, Stores};
use chat_pickup::tenant::Tenant;
use chat_pickup::time::Timestamp;
use http::StatusCode;
use http::header::{ACCEPT, AUTHORIZATION, RETRY_AFTER};
use lambda_http::Body;

use crate::helpers::{
    PASSWORD, RESPOND, TestApp, TestResponse, add_agent, basic, minutes_before_fixed_now, respond,
};

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
fn app_on(db: &Path) -> App {
    App::new(Arc::new(SqliteStores::new(
        db.to_path_buf(),
        None,
        SqliteOptions::default(),
    )))
}

async fn post(app: &App, accept: &str) -> TestResponse {
    let request = http::Request::post("/api/v1/ChatSession/Pickup")
        .header(AUTHORIZATION, basic("tje0", PASSWORD))
        .header(ACCEPT, accept)
        .body(Body::Empty)
        .unwrap();
    respond(app, request).await
}

/// A 503 problem in each format that names no file, without `Retry-After`: waiting for an
/// administrator is not a retry.
async fn assert_unavailable(app: &App, hidden: &Path) {
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
struct ReadOnly {
    db: PathBuf,
    mode: std::fs::Permissions,
    immutable: Vec<PathBuf>,
}

impl ReadOnly {
    fn make(db: &Path) -> Self {
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

/// A store that fails in the one way the real ones never should: by panicking. `Broken`
/// returns a carrier whose name is not an XML name, so rendering XML panics in the async
/// part of the handler; `Panicking` panics in the blocking part.
enum Fault {
    Panicking,
    Broken,
}

static BROKEN: Shape = Shape {
    name: "not an element name",
    carrier: false,
    from: "",
    key: "",
    fields: &[],
};

impl Stores for Fault {
    fn store(&self, _: Option<&Tenant>) -> Result<Arc<dyn Store>, StoreError> {
        match self {
            Fault::Panicking => panic!("secret internal detail"),
            Fault::Broken => Ok(Arc::new(Fault::Broken)),
        }
    }
}

impl Store for Fault {
    fn account(&self, login: &str) -> Result<Option<Account>, StoreError> {
        Ok(Some(Account {
            agent: Agent {
                associate_id: 1,
                name: login.into(),
                display_name: login.into(),
            },
            password_hash: Some(password::hash(PASSWORD)),
            deleted: false,
            time_zone: None,
            user_type: 1,
        }))
    }

    fn account_by_secret(
        &self,
        _: SecretKind,
        _: &str,
        _: Timestamp,
    ) -> Result<Option<Account>, StoreError> {
        Ok(None)
    }

    fn partner_app(&self, _: &str) -> Result<Option<String>, StoreError> {
        Ok(None)
    }

    fn pickup(&self, _: &Agent, _: Timestamp) -> Result<Option<Pickup>, StoreError> {
        Ok(Some(Pickup {
            session_id: 1,
            topic_id: 1,
            waited_ms: 0,
            session: Object {
                shape: &BROKEN,
                values: Vec::new(),
            },
        }))
    }

    fn location(&self, _: &Location) -> Result<Option<String>, StoreError> {
        Ok(None)
    }

    fn resources(&self, _: Language) -> Result<Resources, StoreError> {
        Ok(Resources::default())
    }
}

#[tokio::test]
async fn a_panic_anywhere_is_a_generic_500_problem() {
    for (fault, accept) in [
        (Fault::Panicking, "application/json"),
        (Fault::Broken, "application/xml"),
    ] {
        let app = App::new(Arc::new(fault));
        let response = post(&app, accept).await;
        assert_eq!(
            response.status,
            StatusCode::INTERNAL_SERVER_ERROR,
            "{}",
            response.body
        );
        assert!(
            response.headers["content-type"]
                .to_str()
                .unwrap()
                .starts_with("application/problem+"),
        );
        assert!(
            response.body.contains("internal error"),
            "{}",
            response.body
        );
        assert!(!response.body.contains("secret") && !response.body.contains("element name"));
    }
}

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

/// Puts `backup` in place of `db` the way the README says to: the journal files go with the
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
