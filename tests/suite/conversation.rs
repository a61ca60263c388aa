//! A whole conversation, from a session created for a topic to its end - through the REST
//! routes and their RPC twins, with PascalCase and camelCase bodies, in JSON and in XML, in
//! another language and zone - and what it leaves: the messages in order, the session's
//! copies of them, the transcript, the agent's capacity freed.

use chat_pickup::store::admin::Rights;
use http::Method;
use http::StatusCode;
use serde_json::{Value, json};
use test_support::app::{TestApp, TestResponse, top_level_keys};
use test_support::given;
use test_support::xml::parse;

/// `tje0` and `ann` respond in Sales, whose welcome has a Norwegian variant; `boss` manages
/// it; `eve` is in Hidden only.
fn app() -> Option<TestApp> {
    let app = TestApp::new(crate::KIND)?;
    for agent in ["tje0", "ann", "boss", "eve"] {
        app.agent(agent);
    }
    app.topic("Sales", "US:\"Hello!\";NO:\"Hei!\"");
    app.topic("Hidden", "Hi!");
    app.member("tje0", "Sales");
    app.member("ann", "Sales");
    app.member("eve", "Hidden");
    let manage = Rights {
        manage: true,
        ..Rights::default()
    };
    app.admin.add_member("boss", "Sales", manage).unwrap();
    Some(app)
}

fn topic(app: &TestApp, name: &str) -> i64 {
    app.int(&format!("SELECT id FROM chat_topic WHERE name = '{name}'"))
}

#[track_caller]
fn ok(response: &TestResponse) -> Value {
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    response.json()
}

async fn add(app: &TestApp, user: &str, session: i64, text: &str) -> TestResponse {
    let body = json!({ "Message": text }).to_string();
    app.post_json(
        &format!("/api/v1/ChatSession/{session}/Messages"),
        user,
        &body,
    )
    .await
}

async fn messages(app: &TestApp, user: &str, session: i64, after: i64) -> TestResponse {
    let path = format!("/api/v1/ChatSession/{session}/Messages?after={after}");
    app.send(
        Method::GET,
        &path,
        Some((user, test_support::credentials::PASSWORD)),
    )
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_conversation_from_create_to_end_over_rest_in_norwegian_and_oslo_time() {
    let app = given!(app());
    let sales = topic(&app, "Sales");
    let headers = [("SO-Language", "no"), ("SO-TimeZone", "Europe/Oslo")];
    let created = app
        .send_body(
            Method::POST,
            &format!("/api/v1/ChatTopic/{sales}/Sessions"),
            "tje0",
            ("application/json", ""),
            &headers,
        )
        .await;
    let session = ok(&created);
    let id = session["ChatSessionId"].as_i64().unwrap();
    assert_eq!(session["Status"], "InQueue");
    assert_eq!(session["InitialQueuePos"], 1);
    let key = session["SessionKey"].as_str().unwrap();
    assert_eq!(key.len(), 32, "the key is shown once: {key}");
    let stored = app.text(&format!(
        "SELECT session_key FROM chat_session WHERE id = {id}"
    ));
    assert_eq!(
        stored,
        chat_pickup::account::secret::fingerprint(key),
        "stored hashed"
    );
    let read_back = app
        .send(
            Method::GET,
            &format!("/api/v1/ChatSession/{id}"),
            Some(("tje0", test_support::credentials::PASSWORD)),
        )
        .await;
    assert_eq!(ok(&read_back)["SessionKey"], "", "and never again");

    let picked = app
        .send_body(
            Method::POST,
            &format!("/api/v1/ChatSession/{id}/Pickup"),
            "tje0",
            ("application/json", ""),
            &headers,
        )
        .await;
    assert_eq!(
        ok(&picked)["Status"],
        "UserLast",
        "the welcome is the agent's"
    );
    let welcome = ok(&messages(&app, "tje0", id, 0).await);
    assert_eq!(welcome.as_array().unwrap().len(), 1, "{welcome}");
    assert_eq!(welcome[0]["SpecialType"], "Welcome");
    let after_welcome = welcome[0]["ChatMessageId"].as_i64().unwrap();

    let posted = app
        .send_body(
            Method::POST,
            &format!("/api/v1/ChatSession/{id}/Messages"),
            "tje0",
            (
                "application/json",
                r#"{"Message": "Hva kan jeg hjelpe med?", "Type": "ToCustomer"}"#,
            ),
            &headers,
        )
        .await;
    let message = ok(&posted);
    assert_eq!(posted.headers["content-language"], "no");
    assert_eq!(posted.headers["so-timezone"], "Europe/Oslo");
    assert_eq!(
        top_level_keys(&posted.body),
        [
            "ChatMessageId",
            "ChatSessionId",
            "Type",
            "Message",
            "Author",
            "ReadByCustomer",
            "SpecialType",
            "SpecialParam",
            "WhenPosted"
        ]
    );
    assert_eq!(message["ChatSessionId"], id);
    assert_eq!(message["Type"], "ToCustomer");
    assert_eq!(message["SpecialType"], "None");
    assert_eq!(message["Author"], "tje0 Fullname");
    let utc = app.text(&format!(
        "SELECT CAST(when_posted AS text) FROM chat_message WHERE id = {}",
        message["ChatMessageId"]
    ));
    let oslo = message["WhenPosted"].as_str().unwrap();
    assert_ne!(
        &oslo[11..13],
        &utc[11..13],
        "WhenPosted in Oslo time ({oslo}), stored in UTC ({utc})"
    );

    let after = ok(&messages(&app, "ann", id, after_welcome).await);
    assert_eq!(
        after.as_array().unwrap().len(),
        1,
        "a colleague reads what came after: {after}"
    );
    assert_eq!(after[0]["Message"], "Hva kan jeg hjelpe med?");
    let session = ok(&app
        .send(
            Method::GET,
            &format!("/api/v1/ChatSession/{id}"),
            Some(("tje0", test_support::credentials::PASSWORD)),
        )
        .await);
    assert_eq!(session["Status"], "UserLast");
    assert_eq!(session["LastMessage"], "Hva kan jeg hjelpe med?");

    let ended = app
        .send_body(
            Method::PATCH,
            &format!("/api/v1/ChatSession/{id}"),
            "tje0",
            ("application/json-patch+json", r#"[{"op": "test", "path": "/status", "value": "UserLast"}, {"op": "replace", "path": "Status", "value": "Closed"}]"#),
            &headers,
        )
        .await;
    let ended = ok(&ended);
    assert_eq!(ended["Status"], "Closed");
    assert_ne!(ended["WhenEnded"], "0001-01-01T00:00:00");
    assert_eq!(ended["Rank"], 0);
    let all = ok(&messages(&app, "tje0", id, 0).await);
    assert_eq!(all.as_array().unwrap().len(), 3);
    assert_eq!(all[2]["Type"], "Special");
    assert_eq!(all[2]["SpecialType"], "ClosedByUser");
    let ids: Vec<i64> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["ChatMessageId"].as_i64().unwrap())
        .collect();
    assert!(
        ids.windows(2).all(|pair| pair[0] < pair[1]),
        "in id order: {ids:?}"
    );

    let transcript = app
        .send_body(
            Method::POST,
            &format!("/api/v1/ChatSession/{id}/Transcript?html=true"),
            "tje0",
            ("application/json", ""),
            &headers,
        )
        .await;
    let text = ok(&transcript);
    let text = text.as_str().unwrap();
    assert!(text.contains("Hva kan jeg hjelpe med?"), "{text}");
    assert!(text.contains(&oslo[..10]), "{text}");
    assert!(text.starts_with("<div"), "{text}");

    let again = app
        .send_body(
            Method::PATCH,
            &format!("/api/v1/ChatSession/{id}"),
            "tje0",
            ("application/merge-patch+json", r#"{"Status": "Closed"}"#),
            &headers,
        )
        .await;
    assert_eq!(
        ok(&again)["WhenEnded"],
        ended["WhenEnded"],
        "ending twice changes nothing"
    );
    assert_eq!(
        ok(&messages(&app, "tje0", id, 0).await)
            .as_array()
            .unwrap()
            .len(),
        3
    );
    let late = add(&app, "tje0", id, "Still there?").await;
    assert_eq!(late.status, StatusCode::CONFLICT, "{}", late.body);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_official_clients_rpc_calls_with_camel_case_bodies_hold_the_same_conversation() {
    let app = given!(app());
    let sales = topic(&app, "Sales");
    let rpc = |name: &str| format!("/api/v1/Agents/Chat/{name}");
    let default = ok(&app
        .post_json(&rpc("CreateDefaultChatSessionEntity"), "tje0", "")
        .await);
    assert_eq!(default["ChatSessionId"], 0);
    assert_eq!(default["Status"], "InQueue");
    let mut entity = default.clone();
    entity["TopicId"] = json!(sales);
    entity["CustomerName"] = json!("Kari");
    entity["CustomerEmail"] = json!("kari@example.no");
    entity["CustomerConsented"] = json!(true);
    entity["FirstMessage"] = json!("Hei, jeg trenger hjelp");
    let camel = camel_case(&entity);
    let saved = ok(&app
        .post_json(&rpc("SaveChatSessionEntity"), "tje0", &camel.to_string())
        .await);
    let id = saved["ChatSessionId"].as_i64().unwrap();
    assert!(id > 0);
    assert_eq!(saved["CustomerName"], "Kari");
    assert_eq!(saved["FirstMessage"], "Hei, jeg trenger hjelp");
    assert_eq!(saved["SessionKey"].as_str().unwrap().len(), 32);
    let second = ok(&app
        .post_json(
            &rpc("CreateChatSessionForTopic"),
            "ann",
            &format!(r#"{{"chatTopicId": {sales}}}"#),
        )
        .await);
    assert_eq!(second["InitialQueuePos"], 2, "behind the first");

    ok(&app
        .post_json(
            &rpc("PickUpChatSession"),
            "tje0",
            &format!(r#"{{"chatSessionId": {id}}}"#),
        )
        .await);
    let posted = ok(&app
        .post_json(&rpc("AddChatMessage"), "tje0", &format!(r#"{{"chatSessionId": {id}, "message": {{"message": "Hei Kari!", "type": "ToCustomer"}}}}"#))
        .await);
    let read = ok(&app
        .post_json(
            &rpc("GetChatMessages"),
            "tje0",
            &format!(r#"{{"chatSessionId": {id}, "after": 0}}"#),
        )
        .await);
    let texts: Vec<&str> = read
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["Message"].as_str().unwrap())
        .collect();
    assert_eq!(texts.len(), 3, "{read}");
    assert_eq!(
        texts[0], "Hei, jeg trenger hjelp",
        "the customer's first words, then the welcome"
    );
    assert_eq!(read[0]["Type"], "ToUser");
    assert_eq!(read[2], posted);

    let mut session = ok(&app
        .post_json(
            &rpc("GetChatSessionEntity"),
            "tje0",
            &format!(r#"{{"chatSessionId": {id}}}"#),
        )
        .await);
    session["Rating"] = json!(4);
    let changed = ok(&app
        .post_json(
            &rpc("SaveChatSessionEntity"),
            "tje0",
            &camel_case(&session).to_string(),
        )
        .await);
    assert_eq!(changed["Rating"], 4);
    assert_eq!(
        changed["Status"], "UserLast",
        "a saved entity keeps its status"
    );
    let transcript = ok(&app
        .post_json(
            &rpc("GetChatTranscript"),
            "tje0",
            &format!(r#"{{"chatSessionId": {id}, "html": false}}"#),
        )
        .await);
    assert!(
        transcript.as_str().unwrap().contains("Hei Kari!"),
        "{transcript}"
    );
    session["Status"] = json!("Closed");
    let ended = ok(&app
        .post_json(
            &rpc("SaveChatSessionEntity"),
            "tje0",
            &camel_case(&session).to_string(),
        )
        .await);
    assert_eq!(ended["Status"], "Closed");
}

#[tokio::test(flavor = "multi_thread")]
async fn messages_in_xml_as_an_array_of_chat_message() {
    let app = given!(app());
    let id = app.enqueue("Sales", "Ola", 5);
    app.pickup("tje0").await;
    let xml = "<ChatMessage><Message>Hei &amp; velkommen</Message></ChatMessage>";
    let posted = app
        .send_body(
            Method::POST,
            &format!("/api/v1/ChatSession/{id}/Messages"),
            "tje0",
            ("application/xml", xml),
            &[("accept", "application/xml")],
        )
        .await;
    assert_eq!(posted.status, StatusCode::OK, "{}", posted.body);
    let root = parse(&posted.body);
    assert_eq!(root.name, "ChatMessage");
    assert_eq!(root.child("Message").text, "Hei & velkommen");
    assert_eq!(root.child("Type").text, "ToCustomer");
    let listed = app
        .request(
            Method::GET,
            &format!("/api/v1/ChatSession/{id}/Messages"),
            &[
                (
                    "authorization",
                    &test_support::credentials::basic("tje0", test_support::credentials::PASSWORD),
                ),
                ("accept", "text/xml"),
            ],
            lambda_http::Body::Empty,
        )
        .await;
    let root = parse(&listed.body);
    assert_eq!(root.name, "ArrayOfChatMessage");
    assert_eq!(
        root.children.len(),
        2,
        "the welcome, then ours: {}",
        listed.body
    );
    assert!(
        root.children
            .iter()
            .all(|child| child.name == "ChatMessage")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_xml_transcript_stays_well_formed_whatever_a_message_holds() {
    let app = given!(app());
    let id = app.enqueue("Sales", "Ola", 5);
    app.pickup("tje0").await;
    // U+FFFF is taken in a message (JSON carries it) but is not an XML character.
    ok(&add(&app, "tje0", id, "x \u{ffff} y").await);
    let transcript = app
        .send_body(
            Method::POST,
            &format!("/api/v1/ChatSession/{id}/Transcript"),
            "tje0",
            ("application/json", ""),
            &[("accept", "application/xml")],
        )
        .await;
    assert_eq!(transcript.status, StatusCode::OK, "{}", transcript.body);
    assert!(!transcript.body.contains('\u{ffff}'), "{}", transcript.body);
    assert!(
        transcript.body.contains("x \u{fffd} y"),
        "{}",
        transcript.body
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn ending_a_session_frees_the_agents_place() {
    let app = given!(app());
    app.admin.set_capacity("tje0", Some(1)).unwrap();
    let first = app.enqueue("Sales", "first", 10);
    let second = app.enqueue("Sales", "second", 5);
    assert_eq!(app.pickup("tje0").await["ChatSessionId"], first);
    let full = app
        .send(
            Method::POST,
            "/api/v1/ChatSession/Pickup",
            Some(("tje0", test_support::credentials::PASSWORD)),
        )
        .await;
    assert_eq!(full.status, StatusCode::CONFLICT, "{}", full.body);
    let ended = app
        .send_body(
            Method::PUT,
            &format!("/api/v1/ChatSession/{first}"),
            "tje0",
            ("application/json", r#"{"Status": "Closed"}"#),
            &[],
        )
        .await;
    assert_eq!(ok(&ended)["Status"], "Closed");
    assert_eq!(app.pickup("tje0").await["ChatSessionId"], second);
    let waiting = app.int("SELECT count(*) FROM chat_session WHERE status = 4");
    assert_eq!(waiting, 0, "the ended one never comes back");
}

#[tokio::test(flavor = "multi_thread")]
async fn ending_drops_a_pending_transfer() {
    let app = given!(app());
    let id = app.enqueue("Sales", "Ola", 5);
    app.pickup("tje0").await;
    let offered = app
        .send(
            Method::POST,
            &format!("/api/v1/ChatSession/{id}/TransferTo/ann"),
            Some(("tje0", test_support::credentials::PASSWORD)),
        )
        .await;
    assert_eq!(ok(&offered)["TransferTo"]["Name"], "ann");
    let ended = app
        .send_body(
            Method::PATCH,
            &format!("/api/v1/ChatSession/{id}"),
            "boss",
            ("application/json", r#"{"status": 9}"#),
            &[],
        )
        .await;
    let ended = ok(&ended);
    assert_eq!(ended["TransferTo"], Value::Null);
    let accepted = app
        .send(
            Method::POST,
            &format!("/api/v1/ChatSession/{id}/AcceptTransfer"),
            Some(("ann", test_support::credentials::PASSWORD)),
        )
        .await;
    let after = ok(&accepted);
    assert_eq!(after["User"]["Name"], "tje0", "nothing to accept: {after}");
    assert_eq!(after["Status"], "Closed");
}

/// `value` with every object's member names in camelCase, as the official client sends them.
fn camel_case(value: &Value) -> Value {
    match value {
        Value::Object(members) => Value::Object(
            members
                .iter()
                .map(|(name, value)| {
                    let mut chars = name.chars();
                    let first = chars.next().map(|c| c.to_ascii_lowercase());
                    (first.into_iter().chain(chars).collect(), camel_case(value))
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn select_names_a_messages_properties() {
    let app = given!(app());
    let id = app.enqueue("Sales", "Ola", 5);
    app.pickup("tje0").await;
    let path = format!("/api/v1/ChatSession/{id}/Messages?$select=message,Author");
    let auth = Some(("tje0", test_support::credentials::PASSWORD));
    let listed = ok(&app.send(Method::GET, &path, auth).await);
    assert_eq!(listed[0]["Message"], "Hello!");
    assert_eq!(listed[0]["Author"], "tje0 Fullname");
    assert_eq!(listed[0]["ChatMessageId"], Value::Null);
    let path = format!("/api/v1/ChatSession/{id}/Messages?$select=Status");
    let refused = app.send(Method::GET, &path, auth).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    let detail = refused.problem()["detail"].as_str().unwrap().to_string();
    assert!(detail.contains("properties of ChatMessage"), "{detail}");
}
