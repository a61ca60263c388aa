//! Reset (`POST /api/v1/ChatSession/{id}/Reset` and `ResetChatSession`): the session back in
//! the queue at its place, for its agent or a manager of its topic; then picked up again.

use chat_pickup::store::admin::Rights;
use http::header::{AUTHORIZATION, CONTENT_TYPE};
use http::{Method, StatusCode};
use lambda_http::Body;
use serde_json::Value;
use test_support::app::{TestApp, TestResponse};
use test_support::credentials::{PASSWORD, basic};
use test_support::given;

fn rest(id: i64) -> String {
    format!("/api/v1/ChatSession/{id}/Reset")
}

/// `tje0` and `ann` respond in Sales; `boss` manages it; Hidden is nobody's.
fn app() -> Option<TestApp> {
    let app = TestApp::new(crate::KIND)?;
    for agent in ["tje0", "ann", "boss"] {
        app.agent(agent);
    }
    app.topic("Sales", "Hi!");
    app.topic("Hidden", "Hi!");
    app.member("tje0", "Sales");
    app.member("ann", "Sales");
    let manage = Rights {
        manage: true,
        listen: true,
        ..Rights::default()
    };
    app.admin.add_member("boss", "Sales", manage).unwrap();
    Some(app)
}

async fn reset(app: &TestApp, id: i64, user: &str) -> TestResponse {
    app.send(Method::POST, &rest(id), Some((user, PASSWORD)))
        .await
}

#[tokio::test(flavor = "multi_thread")]
async fn the_agent_puts_a_session_back_at_its_place_and_it_is_picked_up_again() {
    let app = given!(app());
    let first = app.enqueue("Sales", "first", 30);
    let second = app.enqueue("Sales", "second", 20);
    let requested = app.text(&format!(
        "SELECT CAST(when_requested AS text) FROM chat_session WHERE id = {first}"
    ));
    assert_eq!(app.pickup("tje0").await["ChatSessionId"], first);
    let response = reset(&app, first, "tje0").await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    let session = response.json();
    assert_eq!(session["ChatSessionId"], first);
    assert_eq!(session["Status"], "InQueue");
    assert_eq!(session["User"], Value::Null);
    assert_eq!(session["Rank"], 0);
    let kept = app.text(&format!(
        "SELECT CAST(when_requested AS text) FROM chat_session WHERE id = {first}"
    ));
    assert_eq!(kept, requested, "its place in the queue is kept");
    assert_eq!(
        app.pickup("ann").await["ChatSessionId"],
        first,
        "first again, before the younger one ({second})"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_manager_hands_a_bots_session_to_the_humans_others_may_not() {
    let app = given!(app());
    let id = app.enqueue("Sales", "with a bot", 10);
    app.exec(&format!(
        "UPDATE chat_session SET chatbot_isactive = (1 = 1) WHERE id = {id}"
    ));
    assert_eq!(app.pickup("tje0").await, Value::Null, "the bot has it");
    let refused = reset(&app, id, "ann").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    let response = reset(&app, id, "boss").await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    assert_eq!(response.json()["ChatbotIsActive"], false);
    assert_eq!(
        app.pickup("tje0").await["ChatSessionId"],
        id,
        "a human takes it"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn unknown_foreign_and_ended_sessions_are_refused_and_nothing_changes() {
    let app = given!(app());
    let hidden = app.enqueue("Hidden", "hidden", 20);
    let ended = app.enqueue("Sales", "ended", 10);
    app.pickup("tje0").await;
    app.exec(&format!(
        "UPDATE chat_session SET status = 7 WHERE id = {ended}"
    ));
    let before = app.snapshot();
    assert_eq!(
        reset(&app, 99_999, "tje0").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        reset(&app, hidden, "tje0").await.status,
        StatusCode::NOT_FOUND
    );
    let over = reset(&app, ended, "tje0").await;
    assert_eq!(over.status, StatusCode::CONFLICT, "{}", over.body);
    assert!(
        over.problem()["detail"]
            .as_str()
            .unwrap()
            .contains("is over")
    );
    assert_eq!(app.snapshot(), before);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_rpc_route_takes_the_id_in_its_body_and_a_retry_replays() {
    let app = given!(app());
    let id = app.enqueue("Sales", "customer", 10);
    app.pickup("tje0").await;
    let authorization = basic("tje0", PASSWORD);
    let headers = [
        (AUTHORIZATION.as_str(), authorization.as_str()),
        (CONTENT_TYPE.as_str(), "application/json"),
        ("idempotency-key", "\"reset-1\""),
    ];
    let body = format!(r#"{{"chatSessionId": {id}}}"#);
    let path = "/api/v1/Agents/Chat/ResetChatSession";
    let first = app
        .request(Method::POST, path, &headers, Body::Text(body.clone()))
        .await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    assert_eq!(app.pickup("ann").await["ChatSessionId"], id);
    let again = app
        .request(Method::POST, path, &headers, Body::Text(body))
        .await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.body);
    assert_eq!(again.headers["idempotent-replayed"], "true");
    assert_eq!(
        again.json()["User"]["Name"],
        "ann",
        "replayed as it is now, not reset again"
    );
}
