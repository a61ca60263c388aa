//! `Idempotency-Key`: a retry of a pickup whose answer was lost gets the session the first
//! attempt took - rendered for the retry's own headers - and takes nothing more.

use std::time::Duration;

use futures_util::future::join_all;
use http::StatusCode;
use test_support::app::{TestApp, TestResponse};
use test_support::credentials::{PASSWORD, basic};
use test_support::given;
use test_support::http::PICKUP;

const RPC: &str = "/api/v1/Agents/Chat/PickUpFirstChatSession";

fn app() -> Option<TestApp> {
    let app = TestApp::new(crate::KIND)?;
    for agent in ["tje0", "ola"] {
        app.agent(agent);
    }
    app.topic("Sales", "Hi!");
    app.member("tje0", "Sales");
    app.member("ola", "Sales");
    Some(app)
}

async fn keyed(
    app: &TestApp,
    path: &str,
    user: &str,
    key: &str,
    more: &[(&str, &str)],
) -> TestResponse {
    let authorization = basic(user, PASSWORD);
    let mut headers = vec![
        ("authorization", authorization.as_str()),
        ("idempotency-key", key),
    ];
    headers.extend_from_slice(more);
    app.post_with(path, &headers).await
}

fn session_id(response: &TestResponse) -> i64 {
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    if response.is_xml() {
        return test_support::http::session_of(response.body.as_bytes());
    }
    response.json()["ChatSessionId"]
        .as_i64()
        .expect("a session")
}

fn replayed(response: &TestResponse) -> bool {
    response
        .headers
        .get("idempotent-replayed")
        .map(|v| v.to_str().unwrap())
        == Some("true")
}

fn taken_by(app: &TestApp, user: &str) -> i64 {
    app.int(&format!(
        "SELECT count(*) FROM chat_session s JOIN associate a ON a.associate_id = s.user_id \
         WHERE a.name = '{user}'"
    ))
}

#[tokio::test(flavor = "multi_thread")]
async fn a_retry_replays_the_session_in_its_own_format_and_language_and_takes_nothing() {
    let app = given!(app());
    let first_customer = app.enqueue("Sales", "first", 10);
    app.enqueue("Sales", "second", 5);
    let first = keyed(&app, PICKUP, "tje0", "\"attempt-1\"", &[]).await;
    assert_eq!(session_id(&first), first_customer);
    assert!(!replayed(&first));

    let xml = [("accept", "application/xml"), ("so-language", "ge")];
    let retry = keyed(&app, PICKUP, "tje0", "attempt-1", &xml).await;
    assert!(retry.is_xml(), "{}", retry.body);
    assert_eq!(
        session_id(&retry),
        first_customer,
        "bare or quoted: one key"
    );
    assert!(replayed(&retry));
    assert_eq!(retry.headers["content-language"], "de");
    let rpc = keyed(&app, RPC, "tje0", "attempt-1", &[]).await;
    assert_eq!(
        session_id(&rpc),
        first_customer,
        "the RPC route is the same operation"
    );
    assert!(replayed(&rpc));
    assert_eq!(taken_by(&app, "tje0"), 1);

    let next = keyed(&app, PICKUP, "tje0", "attempt-2", &[]).await;
    assert_ne!(session_id(&next), first_customer);
    assert_eq!(taken_by(&app, "tje0"), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_empty_queue_is_an_outcome_too() {
    let app = given!(app());
    let empty = keyed(&app, PICKUP, "tje0", "k", &[]).await;
    assert_eq!(
        (empty.status, empty.body.as_str()),
        (StatusCode::OK, "null")
    );
    app.enqueue("Sales", "late", 1);
    let retry = keyed(&app, PICKUP, "tje0", "k", &[]).await;
    assert_eq!(retry.body, "null", "the first attempt found nothing");
    assert!(replayed(&retry));
    assert_eq!(taken_by(&app, "tje0"), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn keys_are_each_agents_own() {
    let app = given!(app());
    let a = app.enqueue("Sales", "a", 10);
    let b = app.enqueue("Sales", "b", 5);
    assert_eq!(
        session_id(&keyed(&app, PICKUP, "tje0", "same", &[]).await),
        a
    );
    let other = keyed(&app, PICKUP, "ola", "same", &[]).await;
    assert_eq!(session_id(&other), b);
    assert!(!replayed(&other));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_key_used_for_another_operation_is_422_and_changes_nothing() {
    let app = given!(app());
    app.enqueue("Sales", "a", 10);
    app.exec(
        "INSERT INTO idempotency_key (associate_id, key, operation, created) \
         SELECT associate_id, 'k', 'transfer', '2999-01-01 00:00:00.000000' FROM associate \
         WHERE name = 'tje0'",
    );
    let before = app.snapshot();
    let refused = keyed(&app, PICKUP, "tje0", "k", &[]).await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    let detail = refused.problem()["detail"].as_str().unwrap().to_string();
    assert!(detail.contains("another operation (transfer)"), "{detail}");
    assert_eq!(app.snapshot(), before);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_malformed_key_is_400_and_changes_nothing() {
    let app = given!(app());
    app.enqueue("Sales", "a", 10);
    let before = app.snapshot();
    let long = "k".repeat(256);
    for bad in ["a b", "\"open", "", long.as_str()] {
        let refused = keyed(&app, PICKUP, "tje0", bad, &[]).await;
        assert_eq!(
            refused.status,
            StatusCode::BAD_REQUEST,
            "{bad:?}: {}",
            refused.body
        );
        let detail = refused.problem()["detail"].as_str().unwrap().to_string();
        assert!(detail.starts_with("Bad Idempotency-Key header"), "{detail}");
    }
    let twice = keyed(&app, PICKUP, "tje0", "a", &[("idempotency-key", "b")]).await;
    assert_eq!(twice.status, StatusCode::BAD_REQUEST, "{}", twice.body);
    assert_eq!(app.snapshot(), before);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_expired_key_is_a_new_one_and_old_keys_are_swept() {
    let app = given!(app()).reconfigured(|app| app.with_key_lifetime(Duration::ZERO));
    let a = app.enqueue("Sales", "a", 10);
    let b = app.enqueue("Sales", "b", 5);
    assert_eq!(session_id(&keyed(&app, PICKUP, "tje0", "k", &[]).await), a);
    assert_eq!(
        session_id(&keyed(&app, PICKUP, "tje0", "other", &[]).await),
        b
    );
    assert_eq!(
        app.backend.texts("SELECT key FROM idempotency_key"),
        ["other"],
        "the expired key was swept"
    );
    let again = keyed(&app, PICKUP, "tje0", "other", &[]).await;
    assert_eq!(
        again.body, "null",
        "expired: a new pickup, of an empty queue"
    );
    assert!(!replayed(&again));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_same_key_at_once_takes_one_session() {
    let app = given!(app());
    for index in 0..8 {
        app.enqueue("Sales", &format!("customer {index}"), 10 - index);
    }
    let attempts = (0..8).map(|_| keyed(&app, PICKUP, "tje0", "once", &[]));
    let answers = join_all(attempts).await;
    let mut sessions: Vec<i64> = Vec::new();
    for answer in &answers {
        match answer.status {
            StatusCode::OK => sessions.push(session_id(answer)),
            StatusCode::CONFLICT => {
                let detail = answer.problem()["detail"].as_str().unwrap().to_string();
                assert!(detail.contains("still being answered"), "{detail}");
            }
            other => panic!("{other}: {}", answer.body),
        }
    }
    sessions.dedup();
    assert_eq!(sessions.len(), 1, "{sessions:?}");
    assert_eq!(taken_by(&app, "tje0"), 1);
}
