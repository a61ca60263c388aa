//! `admin copy-from`: a tenant moved from SQLite to PostgreSQL answers as it did - the same
//! requests get byte-identical responses from the SQLite database and from its copy - and
//! goes on from there: a new session gets the id after the copied ones. A copy into a schema
//! that holds data is refused and changes nothing.

use std::sync::Arc;

use chat_pickup::account::tenant::Tenant;
use chat_pickup::admin::demo;
use chat_pickup::http::App;
use chat_pickup::store::admin::NewWebhook;
use chat_pickup::store::postgres::{CopyError, PgOptions, PgStore, PgStores};
use chat_pickup::store::sqlite::{SqliteOptions, SqliteStore};
use chat_pickup::time::Timestamp;
use chrono::{TimeZone, Utc};
use http::Method;
use lambda_http::Body;
use test_support::Backend;
use test_support::http::{Reply, through};

const TJE0: &str = "Basic dGplMDpUamUw";

fn noon() -> Timestamp {
    Timestamp::from_utc(Utc.with_ymd_and_hms(2026, 7, 1, 12, 0, 0).unwrap())
}

/// `method path` as tje0 through `app`'s handler, with `headers` and a JSON `body`.
async fn send(
    app: &App,
    method: Method,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Reply {
    let mut request = http::Request::builder()
        .method(method)
        .uri(path)
        .header("authorization", TJE0);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let body = match body {
        "" => Body::Empty,
        text => Body::Text(text.into()),
    };
    through(app, request.body(body).unwrap()).await
}

/// The demo data, and a conversation on it: two pickups (each under an idempotency key), a
/// message, one session closed; a webhook; an associate linked to her person, the one
/// reference cycle of the schema. The picked-up sessions' ids.
async fn conversation(sqlite: &Backend) -> [i64; 2] {
    assert!(demo::seed_at(sqlite.admin.as_ref(), noon()).unwrap());
    sqlite.exec("UPDATE associate SET person_id = 1 WHERE associate_id = 1");
    let webhook = NewWebhook {
        name: "crm".into(),
        url: "https://crm.example.com/hook".into(),
        events: "chatsession.changed,chatsession.message".into(),
        secret: "a webhook secret of some length".into(),
    };
    sqlite.admin.add_webhook(&webhook, noon()).unwrap();
    let app = sqlite.app(|app| app.with_clock(noon));
    let mut picked = [0; 2];
    for (slot, key) in picked.iter_mut().zip(["\"first\"", "\"second\""]) {
        let path = "/api/v1/ChatSession/Pickup";
        let reply = send(&app, Method::POST, path, &[("idempotency-key", key)], "").await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        *slot = test_support::http::id(&serde_json::from_str(&reply.body).unwrap());
    }
    let json = [("content-type", "application/json")];
    let message = send(
        &app,
        Method::POST,
        &format!("/api/v1/ChatSession/{}/Messages", picked[0]),
        &[json[0], ("idempotency-key", "\"hello\"")],
        r#"{"Message": "Hei! Hva kan jeg hjelpe med?"}"#,
    )
    .await;
    assert_eq!(message.status, 200, "{}", message.body);
    let closed = send(
        &app,
        Method::PATCH,
        &format!("/api/v1/ChatSession/{}", picked[1]),
        &[("content-type", "application/merge-patch+json")],
        r#"{"Status": "Closed"}"#,
    )
    .await;
    assert_eq!(closed.status, 200, "{}", closed.body);
    picked
}

/// The store of `tenant`'s schema (the default one for `None`) in `postgres`'s database.
fn schema(postgres: &Backend, tenant: Option<&str>) -> Arc<PgStore> {
    let stores = PgStores::new(&postgres.url().parse().unwrap(), PgOptions::default()).unwrap();
    let tenant = tenant.map(|name| Tenant::parse(name).unwrap());
    stores.open(tenant.as_ref(), true).unwrap()
}

fn source(sqlite: &Backend) -> SqliteStore {
    SqliteStore::open_existing(sqlite.db(), &SqliteOptions::default()).unwrap()
}

/// The response, as compared: status, headers, body.
fn shown(reply: &Reply) -> String {
    format!("{}\n{:?}\n{}", reply.status, reply.headers, reply.body)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_copied_database_answers_byte_for_byte_as_the_sqlite_one_did() {
    let Some(postgres) = Backend::postgres() else {
        return;
    };
    let sqlite = Backend::sqlite();
    let [open, closed] = conversation(&sqlite).await;

    let copied = schema(&postgres, None).copy_from(&source(&sqlite)).unwrap();
    for table in [
        "associate",
        "chat_session",
        "chat_message",
        "idempotency_key",
        "webhook",
    ] {
        let sql = format!("SELECT count(*) FROM {table}");
        let rows = copied
            .iter()
            .find(|copied| copied.table == table)
            .unwrap()
            .rows;
        assert_eq!(rows as i64, sqlite.int(&sql), "{table}");
        assert_eq!(postgres.int(&sql), sqlite.int(&sql), "{table}");
        assert!(rows > 0, "{table}: the conversation left rows to copy");
    }

    let apps = [&sqlite, &postgres].map(|backend| backend.app(|app| app.with_clock(noon)));
    let xml: &[(&str, &str)] = &[
        ("accept", "application/xml"),
        ("SO-Language", "NO"),
        ("SO-TimeZone", "NO,includeTZOffset"),
    ];
    let requests = [
        (Method::GET, format!("/api/v1/ChatSession/{open}")),
        (Method::GET, format!("/api/v1/ChatSession/{closed}")),
        (
            Method::GET,
            "/api/v1/ChatSession/ForCurrentUser".to_string(),
        ),
        (
            Method::GET,
            format!("/api/v1/ChatSession/{open}/Messages?after=0"),
        ),
        (
            Method::POST,
            format!("/api/v1/ChatSession/{open}/Transcript"),
        ),
    ];
    for (method, path) in &requests {
        for headers in [&[][..], xml] {
            let from_sqlite = send(&apps[0], method.clone(), path, headers, "").await;
            let from_postgres = send(&apps[1], method.clone(), path, headers, "").await;
            assert_eq!(from_sqlite.status, 200, "{path}: {}", from_sqlite.body);
            if path.contains("Messages") {
                assert!(
                    from_sqlite.body.contains("Hva kan jeg"),
                    "{}",
                    from_sqlite.body
                );
            }
            assert_eq!(
                shown(&from_postgres),
                shown(&from_sqlite),
                "{path} {headers:?}"
            );
        }
    }

    // The pickup's idempotency key came along: its replay answers with the same session.
    let replay = [("idempotency-key", "\"first\"")];
    let path = "/api/v1/ChatSession/Pickup";
    let from_sqlite = send(&apps[0], Method::POST, path, &replay, "").await;
    let from_postgres = send(&apps[1], Method::POST, path, &replay, "").await;
    assert_eq!(shown(&from_postgres), shown(&from_sqlite));
    let replayed: serde_json::Value = serde_json::from_str(&from_postgres.body).unwrap();
    assert_eq!(test_support::http::id(&replayed), open);
    // The reference in the cycle, filled in after the person was copied.
    assert_eq!(
        postgres.int("SELECT person_id FROM associate WHERE associate_id = 1"),
        1
    );

    let largest = sqlite.int("SELECT max(id) FROM chat_session");
    let created = send(
        &apps[1],
        Method::POST,
        "/api/v1/ChatTopic/1/Sessions",
        &[("content-type", "application/json")],
        "",
    )
    .await;
    assert_eq!(created.status, 200, "{}", created.body);
    let session: serde_json::Value = serde_json::from_str(&created.body).unwrap();
    assert_eq!(test_support::http::id(&session), largest + 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_copy_into_a_schema_with_data_is_refused_and_changes_nothing() {
    let Some(postgres) = Backend::postgres() else {
        return;
    };
    let sqlite = Backend::sqlite();
    conversation(&sqlite).await;
    let acme = schema(&postgres, Some("acme"));
    acme.copy_from(&source(&sqlite)).unwrap();
    let counts = "SELECT (SELECT count(*) FROM acme.chat_session) \
                  + (SELECT count(*) FROM acme.chat_message) * 1000 \
                  + (SELECT count(*) FROM acme.associate) * 1000000";
    let before = postgres.int(counts);

    let refused = acme.copy_from(&source(&sqlite)).unwrap_err();
    let CopyError::Refused(reason) = &refused else {
        panic!("{refused}");
    };
    assert!(reason.contains("associate (2 rows)"), "{reason}");
    assert!(reason.contains("chat_session ("), "{reason}");
    assert_eq!(postgres.int(counts), before, "nothing was merged");
    assert_eq!(
        postgres.int("SELECT count(*) FROM acme.tzlocation"),
        sqlite.int("SELECT count(*) FROM tzlocation"),
        "the shipped rows were not doubled"
    );
}
