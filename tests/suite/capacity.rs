//! An agent's capacity: the most sessions in progress they may hold, set per associate or as a
//! topic's default. Every route that gives a session refuses one beyond it with a 409
//! problem of its own type, never `null`.

use chat_pickup::store::admin::TopicSetting;
use http::header::AUTHORIZATION;
use http::{Method, StatusCode};
use lambda_http::Body;
use serde_json::Value;
use test_support::app::{TestApp, TestResponse};
use test_support::credentials::{PASSWORD, basic};
use test_support::given;

const AT_CAPACITY: &str = "urn:chat-pickup:problem:at-capacity";

/// `tje0` and `ann` respond in Sales and Billing, with four customers waiting in Sales.
fn app() -> Option<TestApp> {
    let app = TestApp::new(crate::KIND)?;
    for agent in ["tje0", "ann"] {
        app.agent(agent);
    }
    for topic in ["Sales", "Billing"] {
        app.topic(topic, "Hi!");
        app.member("tje0", topic);
        app.member("ann", topic);
    }
    for minutes in [40, 30, 20, 10] {
        app.enqueue("Sales", &format!("customer {minutes}"), minutes);
    }
    Some(app)
}

async fn post(app: &TestApp, path: &str, user: &str) -> TestResponse {
    app.send(Method::POST, path, Some((user, PASSWORD))).await
}

fn at_capacity(response: &TestResponse, limit: i64) {
    assert_eq!(response.status, StatusCode::CONFLICT, "{}", response.body);
    let problem = response.problem();
    assert_eq!(problem["type"], AT_CAPACITY);
    assert_eq!(problem["limit"], limit);
    assert_eq!(problem["held"], limit);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_agent_at_capacity_gets_a_409_from_every_pickup_and_nothing_changes() {
    let app = given!(app());
    app.admin.set_capacity("tje0", Some(2)).unwrap();
    assert_ne!(app.pickup("tje0").await, Value::Null);
    assert_ne!(app.pickup("tje0").await, Value::Null);
    let before = app.snapshot();
    at_capacity(&post(&app, "/api/v1/ChatSession/Pickup", "tje0").await, 2);
    let waiting = app.int("SELECT min(id) FROM chat_session WHERE status = 4");
    let by_id = post(
        &app,
        &format!("/api/v1/ChatSession/{waiting}/Pickup"),
        "tje0",
    )
    .await;
    at_capacity(&by_id, 2);
    let rpc = post(&app, "/api/v1/Agents/Chat/PickUpFirstChatSession", "tje0").await;
    at_capacity(&rpc, 2);
    assert_eq!(app.snapshot(), before);
    assert_ne!(
        app.pickup("ann").await,
        Value::Null,
        "others are not limited"
    );

    app.exec("UPDATE chat_session SET status = 7 WHERE id = (SELECT min(id) FROM chat_session)");
    assert_ne!(
        app.pickup("tje0").await,
        Value::Null,
        "a session ended frees a place"
    );
    app.admin.set_capacity("tje0", None).unwrap();
    assert_eq!(
        app.pickup("tje0").await,
        Value::Null,
        "no limit: the queue is empty"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refusal_at_capacity_spends_no_idempotency_key() {
    let app = given!(app());
    app.admin.set_capacity("tje0", Some(1)).unwrap();
    let first = app.pickup("tje0").await["ChatSessionId"].as_i64().unwrap();
    let authorization = basic("tje0", PASSWORD);
    let headers = [
        (AUTHORIZATION.as_str(), authorization.as_str()),
        ("idempotency-key", "\"after-a-chat\""),
    ];
    let keyed = async || {
        app.request(
            Method::POST,
            "/api/v1/ChatSession/Pickup",
            &headers,
            Body::Empty,
        )
        .await
    };
    at_capacity(&keyed().await, 1);
    app.exec(&format!(
        "UPDATE chat_session SET status = 7 WHERE id = {first}"
    ));
    let retried = keyed().await;
    assert_eq!(retried.status, StatusCode::OK, "{}", retried.body);
    assert!(
        !retried.headers.contains_key("idempotent-replayed"),
        "a new pickup"
    );
    assert_ne!(retried.json()["ChatSessionId"], first);
    let again = keyed().await;
    assert_eq!(
        again.headers["idempotent-replayed"], "true",
        "now the key is spent"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_lowest_topic_default_applies_unless_the_agent_has_their_own() {
    let app = given!(app());
    app.admin
        .set_topic("Sales", &TopicSetting::Capacity(Some(3)))
        .unwrap();
    app.admin
        .set_topic("Billing", &TopicSetting::Capacity(Some(1)))
        .unwrap();
    app.pickup("ann").await;
    at_capacity(&post(&app, "/api/v1/ChatSession/Pickup", "ann").await, 1);
    app.admin.set_capacity("ann", Some(2)).unwrap();
    assert_ne!(app.pickup("ann").await, Value::Null, "her own limit wins");
    at_capacity(&post(&app, "/api/v1/ChatSession/Pickup", "ann").await, 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn accepting_a_transfer_is_held_to_the_same_capacity() {
    let app = given!(app());
    let offered = app.pickup("tje0").await["ChatSessionId"].as_i64().unwrap();
    app.pickup("ann").await;
    app.admin.set_capacity("ann", Some(1)).unwrap();
    let path = format!("/api/v1/ChatSession/{offered}/TransferTo/ann");
    assert_eq!(post(&app, &path, "tje0").await.status, StatusCode::OK);
    let accept = format!("/api/v1/ChatSession/{offered}/AcceptTransfer");
    at_capacity(&post(&app, &accept, "ann").await, 1);
    app.admin.set_capacity("ann", Some(2)).unwrap();
    let taken = post(&app, &accept, "ann").await;
    assert_eq!(taken.status, StatusCode::OK, "{}", taken.body);
    assert_eq!(taken.json()["User"]["Name"], "ann");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_capacity_problem_speaks_xml_too() {
    let app = given!(app());
    app.admin.set_capacity("tje0", Some(0)).unwrap();
    let response = app
        .post_accepting("/api/v1/ChatSession/Pickup", "tje0", "application/xml")
        .await;
    assert_eq!(response.status, StatusCode::CONFLICT);
    assert!(
        response
            .body
            .contains(&format!("<type>{AT_CAPACITY}</type>")),
        "{}",
        response.body
    );
    assert!(
        response.body.contains("<limit>0</limit>"),
        "{}",
        response.body
    );
}
