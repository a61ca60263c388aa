//! Messages, new sessions and changes refused - each with the status and the detail that
//! says what to fix, nothing written - and retried under an `Idempotency-Key`: a message is
//! posted once however often it is sent.

use chat_pickup::store::admin::Rights;
use http::{Method, StatusCode};
use serde_json::{Value, json};
use test_support::app::{TestApp, TestResponse};
use test_support::credentials::PASSWORD;
use test_support::given;

/// `tje0` and `ann` respond in Sales; `boss` manages it; `lis` only listens; `eve` is in
/// Hidden only.
fn app() -> Option<TestApp> {
    let app = TestApp::new(crate::KIND)?;
    for agent in ["tje0", "ann", "boss", "lis", "eve"] {
        app.agent(agent);
    }
    app.topic("Sales", "Hi!");
    app.topic("Hidden", "Hi!");
    app.member("tje0", "Sales");
    app.member("ann", "Sales");
    app.member("eve", "Hidden");
    let rights = |manage, listen| Rights {
        manage,
        listen,
        ..Rights::default()
    };
    app.admin
        .add_member("boss", "Sales", rights(true, false))
        .unwrap();
    app.admin
        .add_member("lis", "Sales", rights(false, true))
        .unwrap();
    Some(app)
}

/// A session of Sales that `tje0` holds.
async fn held(app: &TestApp) -> i64 {
    let id = app.enqueue("Sales", "Ola", 5);
    assert_eq!(app.pickup("tje0").await["ChatSessionId"], id);
    id
}

async fn add_as(
    app: &TestApp,
    user: &str,
    session: i64,
    body: &str,
    key: Option<&str>,
) -> TestResponse {
    let path = format!("/api/v1/ChatSession/{session}/Messages");
    let headers: Vec<(&str, &str)> = key
        .map(|key| ("idempotency-key", key))
        .into_iter()
        .collect();
    app.send_body(
        Method::POST,
        &path,
        user,
        ("application/json", body),
        &headers,
    )
    .await
}

fn messages_of(app: &TestApp, session: i64) -> i64 {
    app.int(&format!(
        "SELECT count(*) FROM chat_message WHERE session_id = {session}"
    ))
}

async fn after(app: &TestApp, session: i64, after: &str) -> TestResponse {
    let path = format!("/api/v1/ChatSession/{session}/Messages?after={after}");
    app.send(Method::GET, &path, Some(("tje0", PASSWORD))).await
}

async fn create(app: &TestApp, user: &str, topic: i64) -> TestResponse {
    let path = format!("/api/v1/ChatTopic/{topic}/Sessions");
    app.send(Method::POST, &path, Some((user, PASSWORD))).await
}

async fn patch(app: &TestApp, session: i64, user: &str, kind: &str, body: &str) -> TestResponse {
    let path = format!("/api/v1/ChatSession/{session}");
    app.send_body(Method::PATCH, &path, user, (kind, body), &[])
        .await
}

#[track_caller]
fn refused(response: &TestResponse, status: StatusCode, says: &str) {
    assert_eq!(response.status, status, "{}", response.body);
    let detail = response.problem()["detail"].as_str().unwrap().to_string();
    assert!(detail.contains(says), "{detail:?} should say {says:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn who_may_write_and_to_which_sessions() {
    let app = given!(app());
    let id = held(&app).await;
    let hi = r#"{"Message": "Hi"}"#;
    refused(
        &add_as(&app, "ann", id, hi, None).await,
        StatusCode::FORBIDDEN,
        "agent or a manager",
    );
    refused(
        &add_as(&app, "lis", id, hi, None).await,
        StatusCode::FORBIDDEN,
        "agent or a manager",
    );
    refused(
        &add_as(&app, "eve", id, hi, None).await,
        StatusCode::NOT_FOUND,
        &format!("No session {id}"),
    );
    refused(
        &add_as(&app, "tje0", 9999, hi, None).await,
        StatusCode::NOT_FOUND,
        "No session 9999",
    );
    // A waiting session is picked up first: whoever could is told so; a listener, or a
    // manager who may not respond, is told what a pickup would tell them.
    let waiting = app.enqueue("Sales", "Kari", 1);
    refused(
        &add_as(&app, "ann", waiting, hi, None).await,
        StatusCode::CONFLICT,
        "still waits in the queue",
    );
    for cannot_pick_it_up in ["boss", "lis"] {
        refused(
            &add_as(&app, cannot_pick_it_up, waiting, hi, None).await,
            StatusCode::FORBIDDEN,
            "may not respond",
        );
        let pickup = app
            .send(
                Method::POST,
                &format!("/api/v1/ChatSession/{waiting}/Pickup"),
                Some((cannot_pick_it_up, PASSWORD)),
            )
            .await;
        refused(&pickup, StatusCode::FORBIDDEN, "may not respond");
    }
    assert_eq!(messages_of(&app, id), 1, "only the welcome");
    let by_manager = add_as(&app, "boss", id, hi, None).await;
    assert_eq!(by_manager.status, StatusCode::OK, "{}", by_manager.body);
    assert_eq!(by_manager.json()["Author"], "boss Fullname");
    let read = app
        .send(
            Method::GET,
            &format!("/api/v1/ChatSession/{id}/Messages"),
            Some(("lis", PASSWORD)),
        )
        .await;
    assert_eq!(
        read.status,
        StatusCode::OK,
        "a listener reads: {}",
        read.body
    );
    let hidden = app
        .send(
            Method::GET,
            &format!("/api/v1/ChatSession/{id}/Messages"),
            Some(("eve", PASSWORD)),
        )
        .await;
    refused(&hidden, StatusCode::NOT_FOUND, "No session");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_message_must_be_text_an_agent_may_send() {
    let app = given!(app());
    let id = held(&app).await;
    let long = json!({ "Message": "x".repeat(4097) }).to_string();
    for (body, says) in [
        (r#"{"Message": "  "}"#, "Message is empty"),
        (r#"{}"#, "Message is empty"),
        (long.as_str(), "at most 4096 characters"),
        (
            r#"{"Message": "Hi", "Type": "ToUser"}"#,
            "Type must be ToCustomer",
        ),
        (
            r#"{"Message": "Hi", "SpecialType": "ClosedByUser"}"#,
            "SpecialType must be",
        ),
        (r#"{"Message": "a\u0000b"}"#, "control characters"),
        ("[1]", "cannot be read"),
    ] {
        refused(
            &add_as(&app, "tje0", id, body, None).await,
            StatusCode::BAD_REQUEST,
            says,
        );
    }
    let rpc = app
        .post_json(
            "/api/v1/Agents/Chat/AddChatMessage",
            "tje0",
            &format!(r#"{{"ChatSessionId": {id}, "Message": "Hi"}}"#),
        )
        .await;
    refused(&rpc, StatusCode::BAD_REQUEST, "ChatMessage object");
    let fits = json!({ "Message": "é".repeat(4096), "Type": "Special", "SpecialType": "Url", "SpecialParam": "https://example.com" });
    let posted = add_as(&app, "tje0", id, &fits.to_string(), None).await;
    assert_eq!(posted.status, StatusCode::OK, "{}", posted.body);
    assert_eq!(posted.json()["SpecialType"], "Url");
    let copy = app.text(&format!(
        "SELECT last_message FROM chat_session WHERE id = {id}"
    ));
    assert_eq!(
        copy.chars().count(),
        1024,
        "the session keeps SuperOffice's 1,024 characters"
    );
    assert_eq!(messages_of(&app, id), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_retried_message_is_posted_once_and_answered_again() {
    let app = given!(app());
    let id = held(&app).await;
    let first = add_as(&app, "tje0", id, r#"{"Message": "Once"}"#, Some("m-1")).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    let again = add_as(&app, "tje0", id, r#"{"Message": "Once"}"#, Some("m-1")).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.body);
    assert_eq!(again.headers["idempotent-replayed"], "true");
    assert_eq!(again.json(), first.json(), "the same message");
    let rpc = app
        .send_body(
            Method::POST,
            "/api/v1/Agents/Chat/AddChatMessage",
            "tje0",
            (
                "application/json",
                &format!(r#"{{"chatSessionId": {id}, "message": {{"message": "Once"}}}}"#),
            ),
            &[("idempotency-key", "m-1")],
        )
        .await;
    assert_eq!(
        rpc.json()["ChatMessageId"],
        first.json()["ChatMessageId"],
        "its RPC twin is the same operation"
    );
    assert_eq!(messages_of(&app, id), 2, "the welcome and one message");
    let other = add_as(&app, "tje0", id, r#"{"Message": "Twice"}"#, Some("m-2")).await;
    assert_ne!(other.json()["ChatMessageId"], first.json()["ChatMessageId"]);
    let pickup = app
        .request(
            Method::POST,
            "/api/v1/ChatSession/Pickup",
            &[
                (
                    "authorization",
                    &test_support::credentials::basic("tje0", PASSWORD),
                ),
                ("idempotency-key", "m-1"),
            ],
            lambda_http::Body::Empty,
        )
        .await;
    refused(&pickup, StatusCode::UNPROCESSABLE_ENTITY, "add-message");
    let other = held(&app).await;
    let elsewhere = add_as(&app, "tje0", other, r#"{"Message": "Once"}"#, Some("m-1")).await;
    refused(
        &elsewhere,
        StatusCode::UNPROCESSABLE_ENTITY,
        &format!("used for a change to session {id}"),
    );
    assert_eq!(messages_of(&app, other), 1, "only the welcome");
}

#[tokio::test(flavor = "multi_thread")]
async fn reads_after_a_message_id_and_bad_after_is_a_400() {
    let app = given!(app());
    let id = held(&app).await;
    let mut ids = Vec::new();
    for text in ["one", "two", "three"] {
        let posted = add_as(
            &app,
            "tje0",
            id,
            &json!({ "Message": text }).to_string(),
            None,
        )
        .await;
        ids.push(posted.json()["ChatMessageId"].as_i64().unwrap());
    }
    let texts = |response: TestResponse| -> Vec<String> {
        let listed: Value = response.json();
        listed
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["Message"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        texts(after(&app, id, &ids[0].to_string()).await),
        ["two", "three"]
    );
    assert_eq!(
        texts(after(&app, id, &ids[2].to_string()).await),
        Vec::<String>::new()
    );
    assert_eq!(texts(after(&app, id, "0").await).len(), 4);
    refused(
        &after(&app, id, "-1").await,
        StatusCode::BAD_REQUEST,
        "after must be a message id",
    );
    refused(
        &after(&app, id, "x").await,
        StatusCode::BAD_REQUEST,
        "after must be a message id",
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn creating_needs_a_topic_where_the_caller_responds_or_manages() {
    let app = given!(app());
    let topic = |name: &str| app.int(&format!("SELECT id FROM chat_topic WHERE name = '{name}'"));
    refused(
        &create(&app, "lis", topic("Sales")).await,
        StatusCode::FORBIDDEN,
        "may not respond",
    );
    refused(
        &create(&app, "eve", topic("Sales")).await,
        StatusCode::NOT_FOUND,
        "No chat topic",
    );
    refused(
        &create(&app, "tje0", 9999).await,
        StatusCode::NOT_FOUND,
        "No chat topic 9999",
    );
    assert_eq!(
        create(&app, "boss", topic("Sales")).await.status,
        StatusCode::OK
    );
    let rpc = app
        .post_json(
            "/api/v1/Agents/Chat/CreateChatSessionForTopic",
            "tje0",
            "{}",
        )
        .await;
    refused(&rpc, StatusCode::BAD_REQUEST, "name the topic");
    let save = app
        .post_json(
            "/api/v1/ChatSession",
            "tje0",
            &json!({ "TopicId": topic("Sales"), "CustomerEmail": "x".repeat(300) }).to_string(),
        )
        .await;
    refused(
        &save,
        StatusCode::BAD_REQUEST,
        "CustomerEmail must be at most 255",
    );
    assert_eq!(
        app.int("SELECT count(*) FROM chat_session"),
        1,
        "only the manager's"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_patch_names_what_it_may_not_change_and_a_failed_test_is_a_409() {
    let app = given!(app());
    let id = held(&app).await;
    let json = "application/json";
    refused(
        &patch(&app, id, "tje0", json, r#"{"TopicId": 2, "Rating": 3}"#).await,
        StatusCode::BAD_REQUEST,
        "cannot be changed here: \"TopicId\"",
    );
    refused(
        &patch(&app, id, "tje0", json, r#"{"Status": "InQueue"}"#).await,
        StatusCode::BAD_REQUEST,
        "Status must be Closed",
    );
    refused(&patch(&app, id, "tje0", json, r#"[{"op": "test", "path": "/Status", "value": "CustomerLast"}, {"op": "replace", "path": "/Rating", "value": 3}]"#).await, StatusCode::CONFLICT, "test of Status failed");
    refused(
        &patch(&app, id, "ann", json, r#"{"Rating": 3}"#).await,
        StatusCode::FORBIDDEN,
        "agent or a manager",
    );
    // A test failing against the patch's own value is judged after the caller and the
    // session: it told a caller with no rights that the session had changed.
    let contradicted = r#"[{"op": "replace", "path": "/Rating", "value": 3}, {"op": "test", "path": "/Rating", "value": 4}]"#;
    refused(
        &patch(&app, id, "ann", json, contradicted).await,
        StatusCode::FORBIDDEN,
        "agent or a manager",
    );
    refused(
        &patch(&app, 424242, "tje0", json, contradicted).await,
        StatusCode::NOT_FOUND,
        "424242",
    );
    refused(
        &patch(&app, id, "tje0", json, contradicted).await,
        StatusCode::CONFLICT,
        "test of Rating failed",
    );
    refused(
        &patch(&app, id, "tje0", "application/xml", "<a/>").await,
        StatusCode::BAD_REQUEST,
        "JSON Patch",
    );
    assert_eq!(
        app.int(&format!("SELECT rating FROM chat_session WHERE id = {id}")),
        0,
        "nothing changed"
    );
    let rated = patch(
        &app,
        id,
        "tje0",
        "application/merge-patch+json",
        r#"{"Rating": 5, "CustomerEmail": "ola@example.no"}"#,
    )
    .await;
    assert_eq!(rated.status, StatusCode::OK, "{}", rated.body);
    assert_eq!(rated.json()["Rating"], 5);
    assert_eq!(rated.json()["CustomerEmail"], "ola@example.no");
    assert_eq!(rated.json()["Status"], "UserLast", "not ended");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_retried_creation_makes_one_session_and_cannot_show_its_key_again() {
    let app = given!(app());
    let sales = app.int("SELECT id FROM chat_topic WHERE name = 'Sales'");
    let path = format!("/api/v1/ChatTopic/{sales}/Sessions");
    let create = || {
        app.send_body(
            Method::POST,
            &path,
            "tje0",
            ("application/json", ""),
            &[("idempotency-key", "c-1")],
        )
    };
    let first = create().await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    let again = create().await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.body);
    assert_eq!(again.headers["idempotent-replayed"], "true");
    assert_eq!(again.json()["ChatSessionId"], first.json()["ChatSessionId"]);
    assert_eq!(first.json()["SessionKey"].as_str().unwrap().len(), 32);
    assert_eq!(again.json()["SessionKey"], "", "shown once");
    assert_eq!(app.int("SELECT count(*) FROM chat_session"), 1);
}
