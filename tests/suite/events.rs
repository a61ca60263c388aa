//! The outbox: every committed change of a session leaves exactly one event row beside it, in
//! its own transaction - which event, naming which fields, by whom, for which request - and a
//! refused or replayed change leaves none.

use http::{Method, StatusCode};
use lambda_http::Body;
use serde_json::{Value, json};
use test_support::app::{TestApp, TestResponse};
use test_support::credentials::{PASSWORD, basic};
use test_support::given;

fn app() -> Option<TestApp> {
    let app = TestApp::new(crate::KIND)?;
    for agent in ["tje0", "ann"] {
        app.agent(agent);
    }
    app.topic("Sales", "Hello!");
    app.member("tje0", "Sales");
    app.member("ann", "Sales");
    Some(app)
}

#[track_caller]
fn ok(response: &TestResponse, status: StatusCode) -> Value {
    assert_eq!(response.status, status, "{}", response.body);
    response.json()
}

/// The latest event: its name, Changes, ChangedByAssociateId and message, and the session's
/// Status and UserId as the change left them.
fn last(app: &TestApp) -> String {
    app.text(
        "SELECT event || ' [' || changes || '] by ' || associate_id || ' message ' || \
           coalesce(message_id, 0) || ' status ' || status || ' user ' || coalesce(user_id, 0) \
         FROM chat_event ORDER BY id DESC LIMIT 1",
    )
}

fn events(app: &TestApp) -> i64 {
    app.int("SELECT count(*) FROM chat_event")
}

fn id_of(app: &TestApp, name: &str) -> i64 {
    app.int(&format!(
        "SELECT associate_id FROM associate WHERE name = '{name}'"
    ))
}

async fn customer(app: &TestApp, method: Method, path: &str, key: &str, body: Value) -> Value {
    let authorization = format!("SessionKey {key}");
    let headers = [
        ("authorization", authorization.as_str()),
        ("content-type", "application/json"),
    ];
    let response = app
        .request(method, path, &headers, Body::Text(body.to_string()))
        .await;
    ok(&response, StatusCode::OK)
}

#[tokio::test(flavor = "multi_thread")]
async fn every_change_of_a_chat_leaves_exactly_its_event() {
    let app = given!(app());
    let (tje0, ann) = (id_of(&app, "tje0"), id_of(&app, "ann"));
    let topic = app.int("SELECT id FROM chat_topic WHERE name = 'Sales'");
    let start = app
        .request(
            Method::POST,
            &format!("/api/v1/Customer/ChatTopic/{topic}/Sessions"),
            &[("content-type", "application/json")],
            Body::Text(json!({"CustomerName": "Ola", "Message": "Hi"}).to_string()),
        )
        .await;
    let view = ok(&start, StatusCode::CREATED);
    let (id, key) = (
        view["ChatSessionId"].as_i64().unwrap(),
        view["SessionKey"].as_str().unwrap().to_string(),
    );
    assert_eq!(
        last(&app),
        "chatsession.created [] by 0 message 0 status 4 user 0"
    );
    let context = app.text("SELECT context FROM chat_event ORDER BY id DESC LIMIT 1");
    assert!(context.starts_with("local-"), "the request's id: {context}");
    let event_id = app.text("SELECT event_id FROM chat_event ORDER BY id DESC LIMIT 1");
    assert_eq!(event_id.len(), 36, "a UUID: {event_id}");

    app.pickup("tje0").await;
    assert_eq!(
        last(&app),
        format!("chatsession.changed [Status,UserId] by {tje0} message 0 status 6 user {tje0}")
    );

    let session = format!("/api/v1/ChatSession/{id}");
    let posted = ok(
        &app.post_json(
            &format!("{session}/Messages"),
            "tje0",
            r#"{"Message": "Hello Ola"}"#,
        )
        .await,
        StatusCode::OK,
    );
    let message = posted["ChatMessageId"].as_i64().unwrap();
    assert_eq!(
        last(&app),
        format!(
            "chatsession.message [ChatMessageId,Message,Type,SpecialType,SpecialParam,Author] \
             by {tje0} message {message} status 6 user {tje0}"
        )
    );

    let said = customer(
        &app,
        Method::POST,
        &format!("/api/v1/Customer/ChatSession/{id}/Messages"),
        &key,
        json!({"Message": "Thanks"}),
    )
    .await;
    let said = said["ChatMessageId"].as_i64().unwrap();
    assert!(last(&app).starts_with("chatsession.message [ChatMessageId,"));
    assert!(
        last(&app).contains(&format!("by 0 message {said} status 5")),
        "{}",
        last(&app)
    );

    let as_user = |user| Some((user, PASSWORD));
    let offered = app
        .send(
            Method::POST,
            &format!("{session}/TransferTo/ann"),
            as_user("tje0"),
        )
        .await;
    ok(&offered, StatusCode::OK);
    assert!(
        last(&app).starts_with("chatsession.changed [TransferTo] by"),
        "{}",
        last(&app)
    );
    let accepted = app
        .send(
            Method::POST,
            &format!("{session}/AcceptTransfer"),
            as_user("ann"),
        )
        .await;
    ok(&accepted, StatusCode::OK);
    assert_eq!(
        last(&app),
        format!(
            "chatsession.changed [Status,UserId,TransferTo] by {ann} message 0 status 5 user {ann}"
        )
    );

    let before = events(&app);
    let refused = app
        .send(Method::POST, &format!("{session}/Reset"), as_user("tje0"))
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    assert_eq!(events(&app), before, "a refused change leaves no event");

    customer(
        &app,
        Method::POST,
        &format!("/api/v1/Customer/ChatSession/{id}/End"),
        &key,
        json!({}),
    )
    .await;
    assert_eq!(
        last(&app),
        format!("chatsession.changed [Status] by 0 message 0 status 9 user {ann}")
    );
    customer(
        &app,
        Method::POST,
        &format!("/api/v1/Customer/ChatSession/{id}/End"),
        &key,
        json!({}),
    )
    .await;
    assert_eq!(
        events(&app),
        before + 1,
        "ending twice changes nothing: no second event"
    );
    assert_eq!(
        app.int(&format!(
            "SELECT count(*) FROM chat_event WHERE session_id = {id}"
        )),
        7,
        "created, picked up, two messages, offered, accepted, ended - and the refusal none"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_retried_change_leaves_one_event_and_the_admin_and_the_sweep_leave_theirs() {
    let app = given!(app());
    let id = app.enqueue("Sales", "Kari", 5);
    assert_eq!(
        app.text("SELECT event || ' ' || context FROM chat_event ORDER BY id DESC LIMIT 1"),
        "chatsession.created admin"
    );
    let authorization = basic("tje0", PASSWORD);
    let headers = [
        ("authorization", authorization.as_str()),
        ("idempotency-key", "pickup-once"),
    ];
    for _ in 0..2 {
        let taken = app
            .request(
                Method::POST,
                "/api/v1/ChatSession/Pickup",
                &headers,
                Body::Empty,
            )
            .await;
        assert_eq!(ok(&taken, StatusCode::OK)["ChatSessionId"], id);
    }
    assert_eq!(
        app.int(&format!(
            "SELECT count(*) FROM chat_event WHERE session_id = {id} AND event = 'chatsession.changed'"
        )),
        1,
        "the retry replays: no second event"
    );

    app.exec(&format!(
        "UPDATE chat_session SET alive_until = '2000-01-01 00:00:00' WHERE id = {id}"
    ));
    let closed = app
        .admin
        .sweep(chat_pickup::time::Timestamp::now())
        .unwrap();
    assert_eq!(closed, 1);
    assert_eq!(
        app.text("SELECT event || ' [' || changes || '] ' || context || ' ' || status FROM chat_event ORDER BY id DESC LIMIT 1"),
        "chatsession.changed [Status] sweep 9"
    );
}
