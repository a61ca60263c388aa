//! `TestApp`: a real database - a SQLite file, or a database of its own on a throwaway
//! PostgreSQL cluster - the real handler in front of it, and plain SQL (written for both
//! backends) to look at what the handler did. The API suite (`tests/suite/`) runs on it
//! once per [`Kind`]; the once-only API tests (`tests/api/`) on SQLite.

use std::net::{IpAddr, SocketAddr};
use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;

use chat_pickup::http::App;
use chat_pickup::http::cors::Cors;
use chat_pickup::http::source::Peer;
use chat_pickup::store::admin::{Admin, Links, NewSession, NewTopic};
use chat_pickup::store::sqlite::SqliteOptions;
use chat_pickup::time::Timestamp;
use chrono::{Duration, TimeZone, Utc};
use http::header::AUTHORIZATION;
use http::{HeaderMap, Method, StatusCode};
use lambda_http::aws_lambda_events::query_map::QueryMap;
use lambda_http::{Body, Request, RequestExt};
use serde_json::Value;

use crate::Backend;
use crate::credentials::{PASSWORD, PASSWORD_HASH, RESPOND, basic};
use crate::xml::parse;

/// Which backend the API suite runs on: each of its two test targets (`tests/sqlite.rs`,
/// `tests/postgres.rs`) names one as its `KIND`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Sqlite,
    Postgres,
}

/// The app a test runs on, or - where PostgreSQL is not installed - a return from the test
/// (said loudly once by the cluster).
#[macro_export]
macro_rules! given {
    ($app:expr) => {
        match $app {
            Some(app) => app,
            None => return,
        }
    };
}

pub struct TestApp {
    pub backend: Backend,
    pub app: Arc<App>,
    pub admin: Arc<dyn Admin>,
}

pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl TestResponse {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|error| panic!("{error}: {}", self.body))
    }

    /// Whether the body is XML, by its content type.
    pub fn is_xml(&self) -> bool {
        self.headers["content-type"]
            .to_str()
            .unwrap()
            .contains("xml")
    }

    /// The problem's fields, from JSON or XML as the content type says.
    pub fn problem(&self) -> Value {
        let content_type = self.headers["content-type"].to_str().unwrap();
        if content_type == "application/problem+json; charset=utf-8" {
            return self.json();
        }
        assert_eq!(content_type, "application/problem+xml; charset=utf-8");
        let root = parse(&self.body);
        assert_eq!(root.name, "problem");
        let text = |name: &str| Value::String(root.child(name).text.clone());
        serde_json::json!({
            "type": text("type"), "title": text("title"), "detail": text("detail"),
            "instance": text("instance"),
            "status": root.child("status").text.parse::<u16>().unwrap(),
        })
    }
}

impl TestApp {
    /// An empty database on `kind`, the handler in front of it with CORS off.
    pub fn new(kind: Kind) -> Option<Self> {
        let backend = match kind {
            Kind::Sqlite => Backend::sqlite(),
            Kind::Postgres => Backend::postgres()?,
        };
        Some(Self::over(backend, |app| app))
    }

    /// On SQLite, for what only a file can show (locks, faults, other connections).
    pub fn sqlite() -> Self {
        Self::sqlite_with(SqliteOptions::default())
    }

    /// On SQLite, the handler's stores opened with `options` (the admin's keep the defaults).
    pub fn sqlite_with(options: SqliteOptions) -> Self {
        Self::over(Backend::sqlite_with(options), |app| app)
    }

    /// CORS for `origins`, as `CHAT_PICKUP_CORS_ORIGINS` would set it.
    pub fn with_cors(kind: Kind, origins: &str) -> Option<Self> {
        let cors: Cors = origins.parse().unwrap();
        Some(Self::new(kind)?.reconfigured(|app| app.with_cors(cors)))
    }

    fn over(backend: Backend, configure: impl FnOnce(App) -> App) -> Self {
        Self {
            app: backend.app(configure),
            admin: backend.admin.clone(),
            backend,
        }
    }

    /// The same database behind a handler changed by `configure` (a clock, a default zone).
    pub fn reconfigured(self, configure: impl FnOnce(App) -> App) -> Self {
        Self::over(self.backend, configure)
    }

    /// The stores behind the handler (a webhook sender over them, say).
    pub fn stores(&self) -> std::sync::Arc<dyn chat_pickup::store::Stores> {
        self.backend.stores.clone()
    }

    pub fn is_postgres(&self) -> bool {
        self.backend.is_postgres()
    }

    /// A tenant's database (SQLite: a file in the tenants directory; PostgreSQL: a schema),
    /// for the admin to fill.
    pub fn tenant(&self, tenant: &str) -> Arc<dyn Admin> {
        self.backend.tenant(tenant)
    }

    /// The SQLite database file.
    pub fn db(&self) -> &Path {
        self.backend.db()
    }

    /// A second connection to the SQLite database file.
    pub fn sql(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(self.db()).unwrap()
    }

    pub fn agent(&self, name: &str) -> i64 {
        add_agent(self.admin.as_ref(), name)
    }

    pub fn topic(&self, name: &str, welcome: &str) -> i64 {
        self.admin.add_topic(&NewTopic::new(name, welcome)).unwrap()
    }

    pub fn member(&self, user: &str, topic: &str) {
        self.admin.add_member(user, topic, RESPOND).unwrap();
    }

    /// Queues a customer in `topic`, requested `minutes_ago`.
    pub fn enqueue(&self, topic: &str, customer: &str, minutes_ago: i64) -> i64 {
        self.enqueue_with(
            NewSession {
                topic: topic.into(),
                customer_name: customer.into(),
                ..NewSession::default()
            },
            minutes_ago,
        )
    }

    pub fn enqueue_with(&self, session: NewSession, minutes_ago: i64) -> i64 {
        self.admin
            .enqueue(&session, minutes_before_fixed_now(minutes_ago))
            .unwrap()
    }

    /// Runs statements written for both backends.
    pub fn exec(&self, sql: &str) {
        self.backend.exec(sql);
    }

    /// The one integer `sql` returns.
    pub fn int(&self, sql: &str) -> i64 {
        self.backend.int(sql)
    }

    /// The one text `sql` returns.
    pub fn text(&self, sql: &str) -> String {
        self.backend.text(sql)
    }

    /// Every row of the tables a pickup writes, as text: equal snapshots mean nothing changed.
    pub fn snapshot(&self) -> String {
        ["chat_session", "chat_message", "chat_topic"]
            .iter()
            .map(|table| format!("{table}:\n{}", self.backend.rows_as_text(table).join("\n")))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// POST `path` as `user` with the given `Accept`.
    pub async fn post_accepting(&self, path: &str, user: &str, accept: &str) -> TestResponse {
        let authorization = basic(user, PASSWORD);
        self.post_with(
            path,
            &[(AUTHORIZATION.as_str(), &authorization), ("accept", accept)],
        )
        .await
    }

    /// POST `path` with exactly these headers and no body.
    pub async fn post_with(&self, path: &str, headers: &[(&str, &str)]) -> TestResponse {
        self.request(Method::POST, path, headers, Body::Empty).await
    }

    /// POST `path` with these headers, as the local server sees a client at `source`.
    pub async fn post_from(
        &self,
        path: &str,
        headers: &[(&str, &str)],
        source: IpAddr,
    ) -> TestResponse {
        let mut request = http::Request::post(path);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let peer = Peer(SocketAddr::new(source, 50_000));
        self.call(request.extension(peer).body(Body::Empty).unwrap())
            .await
    }

    /// `method` on `path` with exactly these headers and `body`.
    pub async fn request(
        &self,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
        body: Body,
    ) -> TestResponse {
        let mut request = http::Request::builder().method(method).uri(path);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        self.call(request.body(body).unwrap()).await
    }

    pub async fn send(
        &self,
        method: Method,
        path: &str,
        credentials: Option<(&str, &str)>,
    ) -> TestResponse {
        let mut request = http::Request::builder().method(method).uri(path);
        if let Some((user, secret)) = credentials {
            request = request.header(AUTHORIZATION, basic(user, secret));
        }
        self.call(request.body(Body::Empty).unwrap()).await
    }

    /// `method` on `path` as `user`, with `body` of `content_type` and `headers` besides.
    pub async fn send_body(
        &self,
        method: Method,
        path: &str,
        user: &str,
        (content_type, body): (&str, &str),
        headers: &[(&str, &str)],
    ) -> TestResponse {
        let authorization = basic(user, PASSWORD);
        let mut all = vec![
            (AUTHORIZATION.as_str(), authorization.as_str()),
            ("content-type", content_type),
        ];
        all.extend_from_slice(headers);
        self.request(method, path, &all, Body::Text(body.to_string()))
            .await
    }

    /// POST a JSON `body` to `path` as `user`.
    pub async fn post_json(&self, path: &str, user: &str, body: &str) -> TestResponse {
        self.send_body(Method::POST, path, user, ("application/json", body), &[])
            .await
    }

    /// Through the handler. Query parameters travel as `lambda_http`'s extension, as both
    /// runtimes deliver them; a test that wrote them into the URI gets them moved there.
    pub async fn call(&self, request: Request) -> TestResponse {
        let request = match (request.uri().query(), request.query_string_parameters_ref()) {
            (Some(query), None) => {
                let query = QueryMap::from_str(query).unwrap();
                request.with_query_string_parameters(query)
            }
            _ => request,
        };
        respond(&self.app, request).await
    }

    /// POST /api/v1/ChatSession/Pickup as `user`; the body (`null` for an empty queue).
    pub async fn pickup(&self, user: &str) -> Value {
        let response = self
            .send(
                Method::POST,
                "/api/v1/ChatSession/Pickup",
                Some((user, PASSWORD)),
            )
            .await;
        assert_eq!(response.status, StatusCode::OK, "{}", response.body);
        response.json()
    }

    /// The local server with this app on a loopback port, for as long as the test runs.
    pub async fn serve(&self) -> std::net::SocketAddr {
        crate::http::serve(self.app.clone()).await
    }
}

/// `request` through `app`'s handler; a compressed body is decompressed as a client would
/// (the `Content-Encoding` header stays, for tests that check it).
pub async fn respond(app: &App, request: Request) -> TestResponse {
    let (parts, body) = app.handle(request).await.into_parts();
    let body = decode(parts.headers.get("content-encoding"), &body);
    TestResponse {
        status: parts.status,
        headers: parts.headers,
        body: String::from_utf8(body).unwrap(),
    }
}

pub fn decode(coding: Option<&http::HeaderValue>, body: &[u8]) -> Vec<u8> {
    use std::io::Read;
    let mut out = Vec::new();
    match coding.map(|value| value.to_str().unwrap()) {
        None => out.extend_from_slice(body),
        Some("gzip") => {
            flate2::read::GzDecoder::new(body)
                .read_to_end(&mut out)
                .unwrap();
        }
        Some("br") => {
            brotli::Decompressor::new(body, 4096)
                .read_to_end(&mut out)
                .unwrap();
        }
        Some(other) => panic!("unexpected Content-Encoding {other}"),
    }
    out
}

pub fn add_agent(store: &dyn Admin, name: &str) -> i64 {
    store
        .add_associate(name, &format!("{name} Fullname"), &PASSWORD_HASH)
        .unwrap()
}

/// Request times relative to a fixed instant an hour ago, so waits are known and positive.
pub fn minutes_before_fixed_now(minutes: i64) -> Timestamp {
    let anchor = Utc.timestamp_opt(Utc::now().timestamp() - 3600, 0).unwrap();
    Timestamp::from_utc(anchor - Duration::minutes(minutes))
}

pub fn links_all(app: &TestApp) -> Links {
    app.exec(
            "INSERT INTO contact (contact_id, name, department, postal_address1, postal_zipcode, postal_city) \
               VALUES (7, 'Kuhn <Group> & \"Sons\"', 'Sales', 'Box 1', '0101', 'Oslo');
             INSERT INTO person (person_id, contact_id, firstname, lastname) VALUES (8, 7, 'Mathias', 'Wilderman');
             INSERT INTO project (project_id, name) VALUES (9, 'Launch');
             INSERT INTO sale (sale_id, heading, amount, probability, earning, contact_id, person_id, project_id)
               VALUES (10, 'Spring order', 1000, 50, 250, 7, 8, 9);
             INSERT INTO ticket (id, title, cust_id, sale_id, project_id) VALUES (11, 'Broken', 8, 10, 9);",
    );
    Links {
        person: Some(8),
        contact: Some(7),
        project: Some(9),
        sale: Some(10),
        ticket: Some(11),
    }
}

/// The member names of a JSON object, in document order (serde_json's `Map` sorts them).
pub fn top_level_keys(json: &str) -> Vec<String> {
    use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};
    struct Keys;
    impl<'de> Visitor<'de> for Keys {
        type Value = Vec<String>;
        fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
            formatter.write_str("an object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut keys = Vec::new();
            while let Some((key, IgnoredAny)) = map.next_entry::<String, IgnoredAny>()? {
                keys.push(key);
            }
            Ok(keys)
        }
    }
    serde_json::Deserializer::from_str(json)
        .deserialize_map(Keys)
        .unwrap()
}
