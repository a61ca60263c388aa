//! The customer's side: a chat started without credentials, then the session's key
//! (`Authorization: SessionKey <key>`) for the view, the conversation and the end - beside
//! an agent holding the same chat with their own credentials.

use chat_pickup::store::admin::TopicSetting;
use http::{Method, StatusCode};
use lambda_http::Body;
use serde_json::{Value, json};
use test_support::app::{TestApp, TestResponse};
use test_support::credentials::PASSWORD;
use test_support::given;

/// `tje0` responds in Sales (also the race tests' world).
pub(super) fn app() -> Option<TestApp> {
    let app = TestApp::new(crate::KIND)?;
    app.agent("tje0");
    app.topic("Sales", "Hello, how can we help?");
    app.member("tje0", "Sales");
    Some(app)
}

pub(super) fn sales(app: &TestApp) -> i64 {
    app.int("SELECT id FROM chat_topic WHERE name = 'Sales'")
}

#[track_caller]
fn ok(response: &TestResponse, status: StatusCode) -> Value {
    assert_eq!(response.status, status, "{}", response.body);
    response.json()
}

/// A customer's chat in Sales: its id and key.
async fn start(app: &TestApp, body: Value) -> (i64, String) {
    let path = format!("/api/v1/Customer/ChatTopic/{}/Sessions", sales(app));
    let headers = [("content-type", "application/json")];
    let response = app
        .request(Method::POST, &path, &headers, Body::Text(body.to_string()))
        .await;
    let view = ok(&response, StatusCode::CREATED);
    let key = view["SessionKey"].as_str().unwrap().to_string();
    let id = view["ChatSessionId"].as_i64().unwrap();
    let location = format!("/api/v1/Customer/ChatSession/{id}");
    assert_eq!(
        response.headers["location"],
        location.as_str(),
        "where it is read"
    );
    (id, key)
}

async fn as_customer(
    app: &TestApp,
    method: Method,
    path: &str,
    key: &str,
    body: Option<Value>,
) -> TestResponse {
    let authorization = format!("SessionKey {key}");
    let headers = [
        ("authorization", authorization.as_str()),
        ("content-type", "application/json"),
    ];
    let body = body.map_or(Body::Empty, |body| Body::Text(body.to_string()));
    app.request(method, path, &headers, body).await
}

async fn view(app: &TestApp, id: i64, key: &str) -> Value {
    let path = format!("/api/v1/Customer/ChatSession/{id}");
    ok(
        &as_customer(app, Method::GET, &path, key, None).await,
        StatusCode::OK,
    )
}

async fn read(app: &TestApp, id: i64, key: &str, after: i64) -> Value {
    let path = format!("/api/v1/Customer/ChatSession/{id}/Messages?after={after}");
    ok(
        &as_customer(app, Method::GET, &path, key, None).await,
        StatusCode::OK,
    )
}

async fn say(app: &TestApp, id: i64, key: &str, text: &str) -> TestResponse {
    let path = format!("/api/v1/Customer/ChatSession/{id}/Messages");
    as_customer(
        app,
        Method::POST,
        &path,
        key,
        Some(json!({ "Message": text })),
    )
    .await
}

async fn end(app: &TestApp, id: i64, key: &str) -> TestResponse {
    let path = format!("/api/v1/Customer/ChatSession/{id}/End");
    as_customer(app, Method::POST, &path, key, None).await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_customer_and_an_agent_hold_a_whole_conversation() {
    let app = given!(app());
    let (first, key) = start(&app, json!({"CustomerName": "Ola", "CustomerEmail": "ola@example.no", "Message": "Where is my order?"})).await;
    assert_eq!(key.len(), 32);
    let stored = app.text(&format!(
        "SELECT session_key FROM chat_session WHERE id = {first}"
    ));
    assert_eq!(
        stored,
        chat_pickup::account::secret::fingerprint(&key),
        "stored hashed"
    );
    let (second, other_key) = start(&app, json!({})).await;
    let waiting = view(&app, second, &other_key).await;
    assert_eq!(waiting["Status"], "InQueue");
    assert_eq!(waiting["QueuePosition"], 2);
    assert_eq!(waiting["AgentName"], Value::Null);
    assert_eq!(waiting["SessionKey"], "", "shown once");
    let fetched = app.text(&format!(
        "SELECT CAST(customer_fetch AS text) FROM chat_session WHERE id = {first}"
    ));
    assert!(!fetched.is_empty(), "WhenFetched set at the start");

    assert_eq!(app.pickup("tje0").await["ChatSessionId"], first);
    assert_eq!(
        view(&app, second, &other_key).await["QueuePosition"],
        1,
        "one fewer ahead"
    );
    let taken = view(&app, first, &key).await;
    assert_eq!(taken["Status"], "UserLast");
    assert_eq!(taken["QueuePosition"], Value::Null);
    assert_eq!(taken["AgentName"], "tje0 Fullname");
    assert!(
        taken.get("User").is_none(),
        "nothing else about the agent: {taken}"
    );

    let messages = read(&app, first, &key, 0).await;
    let texts: Vec<&str> = messages
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["Message"].as_str().unwrap())
        .collect();
    assert_eq!(texts, ["Where is my order?", "Hello, how can we help?"]);
    assert_eq!(messages[0]["Type"], "ToUser");
    assert_eq!(messages[1]["SpecialType"], "Welcome");
    assert_eq!(
        messages[1]["ReadByCustomer"], 1,
        "reading marks the agent's messages read"
    );
    let welcome = messages[1]["ChatMessageId"].as_i64().unwrap();

    let written = ok(
        &say(&app, first, &key, "It has not arrived.").await,
        StatusCode::OK,
    );
    assert_eq!(written["Type"], "ToUser");
    assert_eq!(written["Author"], "Ola");
    let session = ok(
        &app.send(
            Method::GET,
            &format!("/api/v1/ChatSession/{first}"),
            Some(("tje0", PASSWORD)),
        )
        .await,
        StatusCode::OK,
    );
    assert_eq!(session["Status"], "CustomerLast", "the agent is to answer");
    assert_eq!(session["LastMessage"], "It has not arrived.");
    let seen = app
        .post_json(
            "/api/v1/Agents/Chat/GetChatMessages",
            "tje0",
            &format!(r#"{{"chatSessionId": {first}, "after": {welcome}}}"#),
        )
        .await;
    assert_eq!(
        ok(&seen, StatusCode::OK)[0]["Message"],
        "It has not arrived."
    );
    let answer = app
        .post_json(
            &format!("/api/v1/ChatSession/{first}/Messages"),
            "tje0",
            r#"{"Message": "It left today."}"#,
        )
        .await;
    ok(&answer, StatusCode::OK);
    let after = read(
        &app,
        first,
        &key,
        written["ChatMessageId"].as_i64().unwrap(),
    )
    .await;
    assert_eq!(after[0]["Message"], "It left today.");

    let ended = ok(&end(&app, first, &key).await, StatusCode::OK);
    assert_eq!(ended["Status"], "Closed");
    assert_ne!(ended["WhenEnded"], "0001-01-01T00:00:00");
    let again = ok(&end(&app, first, &key).await, StatusCode::OK);
    assert_eq!(
        again["WhenEnded"], ended["WhenEnded"],
        "ending twice changes nothing"
    );
    let last = read(&app, first, &key, 0).await;
    let notice = last.as_array().unwrap().last().unwrap();
    assert_eq!(notice["SpecialType"], "ClosedByCustomer");
    let late = say(&app, first, &key, "Hello?").await;
    assert_eq!(late.status, StatusCode::CONFLICT, "{}", late.body);
    let rank = app.int(&format!("SELECT rank FROM chat_session WHERE id = {first}"));
    assert_eq!(rank, 0, "the agent's place released");
}

#[tokio::test(flavor = "multi_thread")]
async fn only_the_sessions_own_key_lets_a_customer_in() {
    let app = given!(app());
    let (id, key) = start(&app, json!({"Message": "Hi"})).await;
    let (other, other_key) = start(&app, json!({})).await;
    let path = format!("/api/v1/Customer/ChatSession/{id}");
    for wrong in ["0123456789abcdef0123456789abcdef", other_key.as_str(), ""] {
        let response = as_customer(&app, Method::GET, &path, wrong, None).await;
        assert_eq!(
            response.status,
            StatusCode::UNAUTHORIZED,
            "{wrong}: {}",
            response.body
        );
        assert_eq!(
            response.headers["www-authenticate"],
            "SessionKey realm=\"chat-pickup\""
        );
    }
    let unknown = as_customer(
        &app,
        Method::GET,
        "/api/v1/Customer/ChatSession/9999",
        &key,
        None,
    )
    .await;
    assert_eq!(
        unknown.status,
        StatusCode::UNAUTHORIZED,
        "an unknown session is a wrong key"
    );
    assert_eq!(
        unknown.problem()["detail"],
        as_customer(&app, Method::GET, &path, &other_key, None)
            .await
            .problem()["detail"]
    );
    let agent = app.send(Method::GET, &path, Some(("tje0", PASSWORD))).await;
    assert_eq!(
        agent.status,
        StatusCode::UNAUTHORIZED,
        "an agent's password is not a key"
    );
    assert_eq!(view(&app, other, &other_key).await["ChatSessionId"], other);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_waiting_customer_who_leaves_leaves_the_queue() {
    let app = given!(app());
    let (id, key) = start(&app, json!({"CustomerName": "Kari"})).await;
    let ended = ok(&end(&app, id, &key).await, StatusCode::OK);
    assert_eq!(ended["Status"], "Closed");
    assert_eq!(ended["QueuePosition"], Value::Null);
    assert_eq!(
        app.pickup("tje0").await,
        Value::Null,
        "nothing left to pick up"
    );
    let messages = read(&app, id, &key, 0).await;
    assert_eq!(
        messages[0]["SpecialType"], "ClosedByCustomer",
        "the key still reads: {messages}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_start_says_what_to_fix_and_writes_nothing() {
    let app = given!(app());
    let long = "x".repeat(4097);
    for (body, status, says) in [
        (
            json!({"Message": long}),
            StatusCode::BAD_REQUEST,
            "at most 4096",
        ),
        (
            json!({"CustomerName": true}),
            StatusCode::BAD_REQUEST,
            "CustomerName must be text",
        ),
        (
            json!({"Message": "a\u{0}"}),
            StatusCode::BAD_REQUEST,
            "control characters",
        ),
    ] {
        let path = format!("/api/v1/Customer/ChatTopic/{}/Sessions", sales(&app));
        let headers = [("content-type", "application/json")];
        let response = app
            .request(Method::POST, &path, &headers, Body::Text(body.to_string()))
            .await;
        assert_eq!(response.status, status, "{}", response.body);
        assert!(
            response.problem()["detail"]
                .as_str()
                .unwrap()
                .contains(says),
            "{}",
            response.body
        );
    }
    let nowhere = app
        .request(
            Method::POST,
            "/api/v1/Customer/ChatTopic/9999/Sessions",
            &[],
            Body::Empty,
        )
        .await;
    assert_eq!(nowhere.status, StatusCode::NOT_FOUND, "{}", nowhere.body);
    assert_eq!(
        nowhere.problem()["detail"],
        "There is no chat topic 9999.",
        "nothing about rights: a customer needs none"
    );
    let form = app
        .request(
            Method::POST,
            &format!("/api/v1/Customer/ChatTopic/{}/Sessions", sales(&app)),
            &[("content-type", "application/x-www-form-urlencoded")],
            Body::Text("CustomerName=Per&Message=Hei".into()),
        )
        .await;
    assert_eq!(form.status, StatusCode::CREATED, "{}", form.body);
    assert_eq!(
        app.int("SELECT count(*) FROM chat_session"),
        1,
        "only the form's"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_welcome_is_in_the_language_the_customer_asked_in() {
    let app = given!(app());
    app.topic("Nordic", "US:\"Hello!\";NO:\"Hei!\"");
    app.member("tje0", "Nordic");
    let nordic = app.int("SELECT id FROM chat_topic WHERE name = 'Nordic'");
    let path = format!("/api/v1/Customer/ChatTopic/{nordic}/Sessions");
    let started = app
        .request(Method::POST, &path, &[("SO-Language", "no")], Body::Empty)
        .await;
    let view = ok(&started, StatusCode::CREATED);
    assert_eq!(started.headers["content-language"], "no");
    let (id, key) = (
        view["ChatSessionId"].as_i64().unwrap(),
        view["SessionKey"].as_str().unwrap().to_string(),
    );
    let english = app
        .request(
            Method::POST,
            &path,
            &[("Accept-Language", "en")],
            Body::Empty,
        )
        .await;
    let english = ok(&english, StatusCode::CREATED)["ChatSessionId"]
        .as_i64()
        .unwrap();
    assert_eq!(app.pickup("tje0").await["ChatSessionId"], id);
    assert_eq!(read(&app, id, &key, 0).await[0]["Message"], "Hei!");
    assert_eq!(app.pickup("tje0").await["ChatSessionId"], english);
    let welcome = app.text(&format!(
        "SELECT message FROM chat_message WHERE session_id = {english}"
    ));
    assert_eq!(welcome, "Hello!");
}

#[tokio::test(flavor = "multi_thread")]
async fn no_agent_gets_a_dead_chat_and_the_sweep_closes_them() {
    let app = given!(app());
    let (waiting, waiting_key) = start(&app, json!({"CustomerName": "Gone"})).await;
    let (talking, talking_key) = start(&app, json!({"CustomerName": "Quiet"})).await;
    let (alive, _) = start(&app, json!({"CustomerName": "Here"})).await;
    let by_agent = app.enqueue("Sales", "made by the admin", 1);
    assert_eq!(app.pickup("tje0").await["ChatSessionId"], by_agent);
    assert_eq!(
        app.pickup("tje0").await["ChatSessionId"],
        waiting,
        "alive, the oldest first"
    );
    app.exec(&format!(
        "UPDATE chat_session SET status = 4, user_id = NULL, rank = 0 WHERE id = {waiting}"
    ));
    app.exec(&format!(
        "DELETE FROM chat_message WHERE session_id = {waiting} AND special_type = 1"
    ));
    // Both customers went quiet long ago; no sweep has run.
    app.exec(&format!(
        "UPDATE chat_session SET alive_until = '2000-01-01 00:00:00', customer_fetch = '2000-01-01 00:00:00' \
         WHERE id IN ({waiting}, {talking})"
    ));
    assert_eq!(
        app.pickup("tje0").await["ChatSessionId"],
        alive,
        "the dead ones are skipped"
    );
    let skipped = app
        .send(
            Method::POST,
            &format!("/api/v1/ChatSession/{talking}/Pickup"),
            Some(("tje0", PASSWORD)),
        )
        .await;
    assert_eq!(ok(&skipped, StatusCode::OK), Value::Null, "not even by id");
    // A read brings the quiet one back.
    read(&app, talking, &talking_key, 0).await;
    assert_eq!(app.pickup("tje0").await["ChatSessionId"], talking);
    app.exec(&format!(
        "UPDATE chat_session SET alive_until = '2000-01-01 00:00:00' WHERE id = {talking}"
    ));

    let closed = app
        .admin
        .sweep(chat_pickup::time::Timestamp::now())
        .unwrap();
    assert_eq!(closed, 2, "the waiting one and the one in progress");
    for id in [waiting, talking] {
        assert_eq!(
            app.int(&format!("SELECT status FROM chat_session WHERE id = {id}")),
            9
        );
        let notice = app.int(&format!(
            "SELECT max(special_type) FROM chat_message WHERE session_id = {id}"
        ));
        assert_eq!(notice, 12, "ClosedByIdle");
    }
    assert_eq!(
        app.int(&format!(
            "SELECT rank FROM chat_session WHERE id = {talking}"
        )),
        0
    );
    assert_eq!(view(&app, waiting, &waiting_key).await["Status"], "Closed");
    assert_eq!(
        app.admin
            .sweep(chat_pickup::time::Timestamp::now())
            .unwrap(),
        0,
        "once"
    );
    let status = app.int(&format!(
        "SELECT status FROM chat_session WHERE id = {by_agent}"
    ));
    assert_eq!(status, 6, "a session no customer fetches never dies");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_full_queue_is_a_503_to_leave_a_message_and_writes_nothing() {
    let app = given!(app()).reconfigured(|app| app.with_max_queue(Some(1)));
    start(&app, json!({"CustomerName": "First"})).await;
    let path = format!("/api/v1/Customer/ChatTopic/{}/Sessions", sales(&app));
    let full = app
        .request(
            Method::POST,
            &path,
            &[("accept", "application/xml")],
            Body::Empty,
        )
        .await;
    assert_eq!(
        full.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        full.body
    );
    assert_eq!(full.headers["retry-after"], "60");
    let problem = full.problem();
    assert_eq!(problem["type"], "urn:chat-pickup:problem:queue-full");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("leave a message")
    );
    assert_eq!(app.int("SELECT count(*) FROM chat_session"), 1);
    assert!(app.pickup("tje0").await["ChatSessionId"].is_i64());
    start(
        &app,
        json!({"CustomerName": "Second, once a place is free"}),
    )
    .await;
}

/// The customer's long poll after message `after`, waiting up to `wait` seconds: its answer
/// and whether it came before the time was up.
async fn poll(app: &TestApp, id: i64, key: &str, after: i64, wait: u64) -> (Value, bool) {
    let path = format!("/api/v1/Customer/ChatSession/{id}/Messages?after={after}&wait={wait}");
    let asked = std::time::Instant::now();
    let response = as_customer(app, Method::GET, &path, key, None).await;
    let early = asked.elapsed() < std::time::Duration::from_secs(wait);
    (ok(&response, StatusCode::OK), early)
}

/// A chat picked up by tje0: its id, key and the welcome's message id.
async fn picked_up(app: &TestApp) -> (i64, String, i64) {
    let (id, key) = start(app, json!({"CustomerName": "Ola"})).await;
    assert_eq!(app.pickup("tje0").await["ChatSessionId"], id);
    let welcome = read(app, id, &key, 0).await;
    let last = welcome.as_array().unwrap().last().unwrap()["ChatMessageId"].clone();
    (id, key, last.as_i64().unwrap())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_long_poll_is_answered_by_the_agents_message() {
    let app = std::sync::Arc::new(given!(app()));
    let (id, key, welcome) = picked_up(&app).await;
    let waiting = {
        let (app, key) = (app.clone(), key.clone());
        tokio::spawn(async move { poll(&app, id, &key, welcome, 20).await })
    };
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let written = app
        .post_json(
            &format!("/api/v1/ChatSession/{id}/Messages"),
            "tje0",
            r#"{"Message": "Your parcel is on its way."}"#,
        )
        .await;
    ok(&written, StatusCode::OK);
    let (answer, early) = waiting.await.unwrap();
    assert!(early, "woken by the message, not by the time running out");
    assert_eq!(answer[0]["Message"], "Your parcel is on its way.");
    assert_eq!(answer.as_array().unwrap().len(), 1);

    let (nothing, early) = poll(&app, id, &key, welcome + 1, 1).await;
    assert_eq!(nothing, json!([]), "nothing new: empty once the time is up");
    assert!(!early);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_long_poll_is_answered_when_another_agent_takes_the_chat_over() {
    let app = std::sync::Arc::new(given!(app()));
    app.agent("ana0");
    app.member("ana0", "Sales");
    let (id, key, welcome) = picked_up(&app).await;
    let move_by = async |path: String, user: &str| {
        let response = app
            .send(
                Method::POST,
                &path,
                Some((user, test_support::credentials::PASSWORD)),
            )
            .await;
        ok(&response, StatusCode::OK);
    };
    move_by(format!("/api/v1/ChatSession/{id}/TransferTo/ana0"), "tje0").await;
    let waiting = {
        let (app, key) = (app.clone(), key.clone());
        tokio::spawn(async move { poll(&app, id, &key, welcome, 20).await })
    };
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    move_by(format!("/api/v1/ChatSession/{id}/AcceptTransfer"), "ana0").await;
    let (answer, early) = waiting.await.unwrap();
    assert!(early, "woken by the new agent, not by the time running out");
    assert_eq!(answer, json!([]));
    let view = as_customer(
        &app,
        Method::GET,
        &format!("/api/v1/Customer/ChatSession/{id}"),
        &key,
        None,
    )
    .await;
    assert_eq!(ok(&view, StatusCode::OK)["AgentName"], "ana0 Fullname");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_customer_who_hangs_up_mid_poll_is_not_read_for() {
    use tokio::io::AsyncWriteExt;
    let app = given!(app());
    let (id, key, welcome) = picked_up(&app).await;
    let addr = app.serve().await;
    let mut customer = tokio::net::TcpStream::connect(addr).await.unwrap();
    let poll = format!(
        "GET /api/v1/Customer/ChatSession/{id}/Messages?after={welcome}&wait=20 HTTP/1.1\r\n\
         Host: {addr}\r\nAuthorization: SessionKey {key}\r\n\r\n"
    );
    customer.write_all(poll.as_bytes()).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    drop(customer);
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let path = format!("/api/v1/ChatSession/{id}/Messages");
    let body = r#"{"Message": "Are you still there?"}"#;
    ok(&app.post_json(&path, "tje0", body).await, StatusCode::OK);
    // The woken poll would have read by now (its bell rings at the commit).
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let body = format!(r#"{{"chatSessionId": {id}, "after": {welcome}}}"#);
    let messages = app
        .post_json("/api/v1/Agents/Chat/GetChatMessages", "tje0", &body)
        .await;
    let messages = ok(&messages, StatusCode::OK);
    let unread = messages.as_array().unwrap().last().unwrap();
    assert_eq!(unread["Message"], "Are you still there?");
    assert_eq!(
        unread["ReadByCustomer"], 0,
        "nobody was there to read it: the poll did not read for a closed connection"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_long_poll_hears_a_change_another_connection_commits() {
    let app = std::sync::Arc::new(given!(app()));
    let (id, key, welcome) = picked_up(&app).await;
    let waiting = {
        let (app, key) = (app.clone(), key.clone());
        tokio::spawn(async move { poll(&app, id, &key, welcome, 20).await })
    };
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    // Written on the test's own connection, as another process or instance would.
    app.exec(&format!(
        "INSERT INTO chat_message (session_id, message, when_posted, type, author, created_by) \
         SELECT session_id, 'From another instance', when_posted, 1, 'tje0', 0 \
         FROM chat_message WHERE id = {welcome}"
    ));
    let (answer, early) = waiting.await.unwrap();
    assert!(early, "woken by the other connection's commit");
    assert_eq!(answer[0]["Message"], "From another instance");

    let waiting = {
        let (app, key) = (app.clone(), key.clone());
        let last = answer[0]["ChatMessageId"].as_i64().unwrap();
        tokio::spawn(async move { poll(&app, id, &key, last, 20).await })
    };
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    app.exec(&format!(
        "UPDATE chat_session SET status = 4, user_id = NULL WHERE id = {id}"
    ));
    let (answer, early) = waiting.await.unwrap();
    assert!(early, "a status change elsewhere answers the poll");
    assert_eq!(answer, json!([]));
}

#[tokio::test(flavor = "multi_thread")]
async fn starts_and_messages_past_their_rates_are_429s_that_write_nothing() {
    use chat_pickup::http::limits::CustomerLimits;
    use std::num::NonZeroU32;
    let two = NonZeroU32::new(2).unwrap();
    let app = given!(app()).reconfigured(|app| {
        app.with_customer_limits(CustomerLimits {
            starts_per_source: two,
            starts_per_topic: NonZeroU32::new(3).unwrap(),
            messages_per_session: two,
        })
    });
    let path = format!("/api/v1/Customer/ChatTopic/{}/Sessions", sales(&app));
    let from = |host: u8| std::net::IpAddr::from([192, 0, 2, host]);
    for _ in 0..2 {
        let started = app.post_from(&path, &[], from(1)).await;
        assert_eq!(started.status, StatusCode::CREATED, "{}", started.body);
    }
    let before = app.snapshot();
    let refused = app.post_from(&path, &[], from(1)).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    let seconds: u64 = refused.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&seconds), "{seconds}");
    let problem = refused.problem();
    assert_eq!(problem["type"], "urn:chat-pickup:problem:rate-limited");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("from your address"),
        "{problem}"
    );
    assert_eq!(app.snapshot(), before, "nothing written");

    let third = app.post_from(&path, &[], from(2)).await;
    assert_eq!(third.status, StatusCode::CREATED, "another address");
    let topic_full = app.post_from(&path, &[], from(3)).await;
    assert_eq!(topic_full.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        topic_full.problem()["detail"]
            .as_str()
            .unwrap()
            .contains("in this topic")
    );

    let (id, key) = (
        third.json()["ChatSessionId"].as_i64().unwrap(),
        third.json()["SessionKey"].as_str().unwrap().to_string(),
    );
    for text in ["one", "two"] {
        ok(&say(&app, id, &key, text).await, StatusCode::OK);
    }
    let before = app.snapshot();
    let fast = say(&app, id, &key, "three").await;
    assert_eq!(fast.status, StatusCode::TOO_MANY_REQUESTS, "{}", fast.body);
    assert!(fast.headers.contains_key("retry-after"));
    assert_eq!(app.snapshot(), before, "the message was not posted");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_customer_routes_serve_pages_of_the_origins_the_topic_allows() {
    let app = given!(app());
    app.admin
        .set_topic(
            "Sales",
            &TopicSetting::Origins("https://shop.example.com".into()),
        )
        .unwrap();
    let path = format!("/api/v1/Customer/ChatTopic/{}/Sessions", sales(&app));
    let preflight = |origin: &'static str| {
        let request = http::Request::builder()
            .method(Method::OPTIONS)
            .uri(path.clone())
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "content-type")
            .body(Body::Empty)
            .unwrap();
        app.call(request)
    };
    let allowed = preflight("https://shop.example.com").await;
    assert_eq!(allowed.status, StatusCode::NO_CONTENT, "{}", allowed.body);
    assert_eq!(
        allowed.headers["access-control-allow-origin"],
        "https://shop.example.com"
    );
    assert!(
        allowed.headers["access-control-allow-methods"]
            .to_str()
            .unwrap()
            .contains("POST")
    );
    assert!(
        !allowed
            .headers
            .contains_key("access-control-allow-credentials"),
        "a widget sends no credentials"
    );
    let foreign = preflight("https://evil.example.net").await;
    assert_eq!(foreign.status, StatusCode::FORBIDDEN);
    assert!(!foreign.headers.contains_key("access-control-allow-origin"));
    assert!(
        foreign.problem()["detail"]
            .as_str()
            .unwrap()
            .contains("set-topic-origins")
    );

    let start_from = |origin: &'static str| {
        let request = http::Request::post(path.clone())
            .header("origin", origin)
            .header("content-type", "application/json")
            .body(Body::Text("{}".into()))
            .unwrap();
        app.call(request)
    };
    let before = app.snapshot();
    let refused = start_from("https://evil.example.net").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(app.snapshot(), before, "nothing started");
    let started = start_from("https://shop.example.com").await;
    let view = ok(&started, StatusCode::CREATED);
    assert_eq!(
        started.headers["access-control-allow-origin"],
        "https://shop.example.com"
    );
    let (id, key) = (
        view["ChatSessionId"].as_i64().unwrap(),
        view["SessionKey"].as_str().unwrap(),
    );
    let authorization = format!("SessionKey {key}");
    let read_from = |origin: &'static str| {
        let request = http::Request::get(format!("/api/v1/Customer/ChatSession/{id}/Messages"))
            .header("origin", origin)
            .header("authorization", authorization.as_str())
            .body(Body::Empty)
            .unwrap();
        app.call(request)
    };
    let read = read_from("https://shop.example.com").await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.body);
    assert_eq!(
        read.headers["access-control-allow-origin"],
        "https://shop.example.com"
    );
    assert_eq!(
        read_from("https://evil.example.net").await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_agents_origins_are_not_the_widgets() {
    let app = given!(TestApp::with_cors(
        crate::KIND,
        "https://agents.example.com"
    ));
    app.topic("Sales", "Hello");
    let path = format!("/api/v1/Customer/ChatTopic/{}/Sessions", sales(&app));
    let headers = [("origin", "https://agents.example.com")];
    let refused = app
        .request(Method::POST, &path, &headers, Body::Empty)
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    let no_origin = app.request(Method::POST, &path, &[], Body::Empty).await;
    assert_eq!(
        no_origin.status,
        StatusCode::CREATED,
        "no Origin: not a browser page"
    );
}

/// How long (seconds) session `id` lives past its customer's last fetch.
fn lives(app: &TestApp, id: i64) -> i64 {
    let span = match app.is_postgres() {
        true => "EXTRACT(EPOCH FROM alive_until - customer_fetch)::bigint",
        false => {
            "CAST(round((julianday(alive_until) - julianday(customer_fetch)) * 86400) AS INTEGER)"
        }
    };
    app.int(&format!("SELECT {span} FROM chat_session WHERE id = {id}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn a_topics_own_idle_allowance_keeps_its_chats_alive_as_long() {
    let app = given!(app());
    app.admin
        .set_topic("Sales", &TopicSetting::IdleSeconds(Some(600)))
        .unwrap();
    let (id, key) = start(&app, json!({})).await;
    assert_eq!(
        lives(&app, id),
        600,
        "the topic's allowance, not the service's 120 s"
    );
    app.exec(&format!(
        "UPDATE chat_session SET customer_fetch = '2000-01-01 00:00:00', \
         alive_until = '2000-01-01 00:00:00' WHERE id = {id}"
    ));
    read(&app, id, &key, 0).await;
    assert_eq!(lives(&app, id), 600, "a read keeps it alive as long");

    app.admin
        .set_topic("Sales", &TopicSetting::IdleSeconds(None))
        .unwrap();
    let (other, _) = start(&app, json!({})).await;
    assert_eq!(lives(&app, other), 120, "back to the service's");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_customers_retried_message_is_posted_once() {
    let app = given!(app());
    let (id, key) = start(&app, json!({})).await;
    let send = || {
        let request = http::Request::post(format!("/api/v1/Customer/ChatSession/{id}/Messages"))
            .header("authorization", format!("SessionKey {key}"))
            .header("content-type", "application/json")
            .header("idempotency-key", "msg-1")
            .body(Body::Text(r#"{"Message": "Is anyone there?"}"#.into()))
            .unwrap();
        app.call(request)
    };
    let first = ok(&send().await, StatusCode::OK);
    let retried = send().await;
    assert_eq!(retried.headers["idempotent-replayed"], "true");
    assert_eq!(
        ok(&retried, StatusCode::OK)["ChatMessageId"],
        first["ChatMessageId"]
    );
    let stored = app.int(&format!(
        "SELECT count(*) FROM chat_message WHERE session_id = {id} AND message = 'Is anyone there?'"
    ));
    assert_eq!(stored, 1, "posted once");
}
