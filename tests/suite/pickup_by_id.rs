//! Pickup by id (spec section 9): `POST /api/v1/ChatSession/{id}/Pickup` and the RPC route
//! `PickUpChatSession` with the id in its body - a waiting session is taken as by a pickup of
//! the first; any other answers `null` and changes nothing; a foreign topic is a 403.

use chat_pickup::store::admin::Rights;
use http::header::{AUTHORIZATION, CONTENT_TYPE};
use http::{Method, StatusCode};
use lambda_http::Body;
use serde_json::Value;
use test_support::app::{TestApp, TestResponse};
use test_support::credentials::{PASSWORD, basic};
use test_support::given;

const RPC: &str = "/api/v1/Agents/Chat/PickUpChatSession";

fn rest(id: i64) -> String {
    format!("/api/v1/ChatSession/{id}/Pickup")
}

/// Agents `tje0` and `ann` who may respond in Sales; `tje0` only listens in Billing.
fn app() -> Option<TestApp> {
    let app = TestApp::new(crate::KIND)?;
    app.agent("tje0");
    app.agent("ann");
    app.topic("Sales", "Hi, {agent} here.");
    app.topic("Billing", "Billing here.");
    app.member("tje0", "Sales");
    app.member("ann", "Sales");
    let listen = Rights {
        listen: true,
        ..Rights::default()
    };
    app.admin.add_member("tje0", "Billing", listen).unwrap();
    Some(app)
}

async fn pick(app: &TestApp, path: &str, user: &str) -> TestResponse {
    app.send(Method::POST, path, Some((user, PASSWORD))).await
}

async fn rpc(app: &TestApp, content_type: &str, body: &str) -> TestResponse {
    let authorization = basic("tje0", PASSWORD);
    let headers = [
        (AUTHORIZATION.as_str(), authorization.as_str()),
        (CONTENT_TYPE.as_str(), content_type),
    ];
    app.request(Method::POST, RPC, &headers, Body::Text(body.into()))
        .await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_waiting_session_is_taken_out_of_turn_as_a_pickup_takes_the_first() {
    let app = given!(app());
    let older = app.enqueue("Sales", "older", 20);
    let named = app.enqueue("Sales", "named", 10);
    let response = pick(&app, &rest(named), "tje0").await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    let session = response.json();
    assert_eq!(session["ChatSessionId"], named);
    assert_eq!(session["Status"], "UserLast");
    assert_eq!(session["Rank"], 1);
    assert_eq!(session["User"]["Name"], "tje0");
    assert_eq!(session["LastMessage"], "Hi, tje0 Fullname here.");
    let welcomes = app.int(&format!(
        "SELECT count(*) FROM chat_message WHERE session_id = {named} AND special_type = 1"
    ));
    assert_eq!(welcomes, 1);
    assert_eq!(
        app.int("SELECT accept_count FROM chat_topic WHERE name = 'Sales'"),
        1
    );
    let next = app.pickup("tje0").await;
    assert_eq!(
        next["ChatSessionId"], older,
        "the queue goes on from the first"
    );
    assert_eq!(next["Rank"], 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_session_not_in_the_queue_is_null_and_changes_nothing() {
    let app = given!(app());
    let taken = app.enqueue("Sales", "taken", 40);
    let ended = app.enqueue("Sales", "ended", 30);
    let transferred = app.enqueue("Sales", "transferred", 20);
    app.pickup("ann").await;
    app.exec(&format!(
        "UPDATE chat_session SET status = 7 WHERE id = {ended}"
    ));
    app.exec(&format!(
        "UPDATE chat_session SET transfer_to = (SELECT associate_id FROM associate WHERE name = 'ann') \
         WHERE id = {transferred}"
    ));
    let before = app.snapshot();
    for id in [taken, ended, transferred, 99_999] {
        let response = pick(&app, &rest(id), "tje0").await;
        assert_eq!(response.status, StatusCode::OK, "{id}: {}", response.body);
        assert_eq!(response.json(), Value::Null, "session {id}");
    }
    assert_eq!(app.snapshot(), before, "nothing changed");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_session_in_a_topic_the_caller_may_not_respond_in_is_403_whatever_its_state() {
    let app = given!(app());
    let waiting = app.enqueue("Billing", "waiting", 10);
    let before = app.snapshot();
    for accept in ["application/json", "application/xml"] {
        let response = app.post_accepting(&rest(waiting), "tje0", accept).await;
        assert_eq!(response.status, StatusCode::FORBIDDEN, "{}", response.body);
        assert_eq!(response.is_xml(), accept == "application/xml");
        let problem = response.problem();
        assert!(
            problem["detail"]
                .as_str()
                .unwrap()
                .contains("may not respond"),
            "{problem}"
        );
    }
    assert_eq!(app.snapshot(), before, "nothing changed");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_rpc_route_reads_the_id_from_a_json_xml_or_form_body() {
    let app = given!(app());
    let bodies = [
        ("application/json", r#"{"chatSessionId": ID}"#),
        (
            "application/xml",
            "<PickUpChatSession><ChatSessionId>ID</ChatSessionId></PickUpChatSession>",
        ),
        ("application/x-www-form-urlencoded", "ChatSessionId=ID"),
    ];
    for (minutes, (content_type, body)) in (1..).zip(bodies) {
        let id = app.enqueue("Sales", "customer", minutes);
        let response = rpc(&app, content_type, &body.replace("ID", &id.to_string())).await;
        assert_eq!(
            response.status,
            StatusCode::OK,
            "{content_type}: {}",
            response.body
        );
        assert_eq!(response.json()["ChatSessionId"], id, "{content_type}");
    }
    for body in ["", "{}", r#"{"ChatSessionId": "five"}"#] {
        let response = rpc(&app, "application/json", body).await;
        assert_eq!(response.status, StatusCode::BAD_REQUEST, "{body:?}");
        let detail = response.problem()["detail"].as_str().unwrap().to_string();
        assert!(detail.contains("ChatSessionId"), "{detail}");
    }
    let not_an_id = pick(&app, "/api/v1/ChatSession/abc/Pickup", "tje0").await;
    assert_eq!(
        not_an_id.status,
        StatusCode::NOT_FOUND,
        "an id is digits: {}",
        not_an_id.body
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_retry_with_the_key_replays_the_session_and_the_key_is_the_operations() {
    let app = given!(app());
    let id = app.enqueue("Sales", "customer", 5);
    let authorization = basic("tje0", PASSWORD);
    let headers = [
        (AUTHORIZATION.as_str(), authorization.as_str()),
        ("idempotency-key", "\"by-id-1\""),
    ];
    let first = app.post_with(&rest(id), &headers).await;
    let again = app.post_with(&rest(id), &headers).await;
    assert_eq!(first.json()["ChatSessionId"], id);
    assert_eq!(again.status, StatusCode::OK, "{}", again.body);
    assert_eq!(again.json()["ChatSessionId"], id);
    assert_eq!(again.headers["idempotent-replayed"], "true");
    let other = app.post_with("/api/v1/ChatSession/Pickup", &headers).await;
    assert_eq!(
        other.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        other.body
    );
}
