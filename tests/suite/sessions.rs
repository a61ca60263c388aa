//! The agent's sessions (`ForCurrentUser` and its RPC twin, spec section 9): which sessions
//! are listed and in what order, in both formats, selected, localized, per tenant - and that
//! listing changes nothing.

use chat_pickup::store::admin::{NewSession, NewTopic, Rights};
use http::header::AUTHORIZATION;
use http::{Method, StatusCode};
use lambda_http::Body;
use serde_json::Value;
use test_support::app::{TestApp, TestResponse, add_agent};
use test_support::credentials::{PASSWORD, basic};
use test_support::given;
use test_support::xml::{assert_same, parse};

const REST: &str = "/api/v1/ChatSession/ForCurrentUser";
const RPC: &str = "/api/v1/Agents/Chat/ChatSessionsForUser";

const LISTEN: Rights = Rights {
    listen: true,
    respond: false,
    manage: false,
    notify: false,
};

/// Agents `tje0` and `ann` in Sales, `tje0` listening in Billing, nobody of them in Hidden.
fn app() -> Option<TestApp> {
    let app = TestApp::new(crate::KIND)?;
    app.agent("tje0");
    app.agent("ann");
    for topic in ["Sales", "Billing", "Hidden"] {
        app.topic(topic, "Hi!");
    }
    app.member("tje0", "Sales");
    app.member("ann", "Sales");
    app.admin.add_member("tje0", "Billing", LISTEN).unwrap();
    Some(app)
}

/// GET the REST route as `user` with these headers besides the credentials.
async fn list(app: &TestApp, path: &str, user: &str, headers: &[(&str, &str)]) -> TestResponse {
    let authorization = basic(user, PASSWORD);
    let mut all = vec![(AUTHORIZATION.as_str(), authorization.as_str())];
    all.extend_from_slice(headers);
    app.request(Method::GET, path, &all, Body::Empty).await
}

fn ids(response: &TestResponse) -> Vec<i64> {
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    response
        .json()
        .as_array()
        .unwrap_or_else(|| panic!("not an array: {}", response.body))
        .iter()
        .map(|session| session["ChatSessionId"].as_i64().unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn own_sessions_first_in_rank_order_then_the_queue_in_its_order() {
    let app = given!(app());
    let first = app.enqueue("Sales", "first", 50);
    let second = app.enqueue("Sales", "second", 40);
    let anns = app.enqueue("Sales", "ann's", 30);
    let ended = app.enqueue("Sales", "ended", 25);
    let waiting = app.enqueue("Sales", "waiting", 20);
    let listened = app.enqueue("Billing", "listened", 10);
    app.enqueue("Hidden", "hidden", 5);
    assert_eq!(app.pickup("tje0").await["ChatSessionId"], first);
    assert_eq!(app.pickup("tje0").await["ChatSessionId"], second);
    assert_eq!(app.pickup("ann").await["ChatSessionId"], anns);
    app.exec(&format!(
        "UPDATE chat_session SET status = 7 WHERE id = {ended}"
    ));
    // Rank decides among the caller's own: the front end shows them in that order.
    app.exec(&format!(
        "UPDATE chat_session SET rank = 3 WHERE id = {first}"
    ));

    let response = list(&app, REST, "tje0", &[]).await;
    assert_eq!(ids(&response), [second, first, anns, waiting, listened]);
    let sessions = response.json();
    assert_eq!(sessions[0]["Status"], "UserLast");
    assert_eq!(sessions[0]["User"]["Name"], "tje0");
    assert_eq!(sessions[2]["User"]["Name"], "ann");
    assert_eq!(sessions[3]["Status"], "InQueue");
    assert_eq!(sessions[3]["User"], Value::Null);

    let anns_view = list(&app, REST, "ann", &[]).await;
    assert_eq!(ids(&anns_view), [anns, first, second, waiting]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_session_the_caller_holds_is_listed_even_outside_their_topics() {
    let app = given!(app());
    let held = app.enqueue("Sales", "held", 10);
    app.pickup("tje0").await;
    app.exec("DELETE FROM chat_topic_user WHERE user_id = (SELECT associate_id FROM associate WHERE name = 'tje0')");
    assert_eq!(ids(&list(&app, REST, "tje0", &[]).await), [held]);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_rpc_route_answers_post_with_the_same_list_and_listing_changes_nothing() {
    let app = given!(app());
    app.enqueue("Sales", "one", 20);
    app.enqueue("Sales", "two", 10);
    app.pickup("tje0").await;
    let before = app.snapshot();
    let rest = list(&app, REST, "tje0", &[]).await;
    let rpc = app.post_accepting(RPC, "tje0", "application/json").await;
    assert_eq!(rpc.status, StatusCode::OK, "{}", rpc.body);
    assert_eq!(rest.body, rpc.body);
    assert_eq!(app.snapshot(), before, "a list changes nothing");

    let wrong = app.send(Method::POST, REST, Some(("tje0", PASSWORD))).await;
    assert_eq!(wrong.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(wrong.headers["allow"], "GET");
}

#[tokio::test(flavor = "multi_thread")]
async fn nothing_to_show_is_an_empty_array_and_an_empty_xml_list() {
    let app = given!(app());
    let json = list(&app, REST, "tje0", &[]).await;
    assert_eq!(json.status, StatusCode::OK);
    assert_eq!(json.body, "[]");
    let xml = list(&app, REST, "tje0", &[("accept", "application/xml")]).await;
    let root = parse(&xml.body);
    assert_eq!(root.name, "ArrayOfChatSessionEntity");
    assert!(!root.nil && root.children.is_empty(), "{}", xml.body);
}

#[tokio::test(flavor = "multi_thread")]
async fn xml_is_an_array_of_entities_with_the_json_values() {
    let app = given!(app());
    app.enqueue("Sales", "one", 20);
    app.enqueue("Billing", "two", 10);
    app.pickup("tje0").await;
    let json = list(&app, REST, "tje0", &[]).await.json();
    let xml = list(&app, REST, "tje0", &[("accept", "text/xml")]).await;
    assert!(xml.is_xml(), "{:?}", xml.headers);
    assert!(
        xml.body.contains(
            r#"<ArrayOfChatSessionEntity xmlns:i="http://www.w3.org/2001/XMLSchema-instance"><ChatSessionEntity>"#
        ),
        "{}",
        xml.body
    );
    let root = parse(&xml.body);
    let items = json.as_array().unwrap();
    assert_eq!(root.children.len(), items.len());
    for (index, (element, item)) in root.children.iter().zip(items).enumerate() {
        assert_eq!(element.name, "ChatSessionEntity");
        assert_same(element, item, &format!("[{index}]"));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn select_localization_and_zone_apply_to_every_session() {
    let app = given!(app());
    app.admin
        .add_topic(&NewTopic::new("Kundeservice", r#"US:"Hi!";NO:"Hei!""#).in_language("NO"))
        .unwrap();
    app.member("tje0", "Kundeservice");
    for minutes in [20, 10] {
        app.enqueue_with(
            NewSession {
                topic: "Kundeservice".into(),
                customer_name: "Kari".into(),
                first_message: r#"US:"Broken";NO:"Ødelagt";"#.into(),
                ..NewSession::default()
            },
            minutes,
        );
    }
    app.pickup("tje0").await;
    let path = format!("{REST}?$select=ChatSessionId,FirstMessage,WhenRequested");
    let headers = [("SO-Language", "no"), ("SO-TimeZone", "NO,includeTZOffset")];
    let response = list(&app, &path, "tje0", &headers).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    assert_eq!(response.headers["content-language"], "no");
    assert_eq!(response.headers["so-timezone"], "Europe/Oslo");
    let sessions = response.json();
    for session in sessions.as_array().unwrap() {
        assert_eq!(session["FirstMessage"], "Ødelagt");
        let requested = session["WhenRequested"].as_str().unwrap();
        assert!(
            requested.ends_with("+01:00") || requested.ends_with("+02:00"),
            "Oslo's offset: {requested}"
        );
        assert_eq!(session["CustomerName"], Value::Null, "not selected");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_tenant_prefix_lists_the_tenants_sessions_and_the_caller_must_sign_in() {
    let app = given!(app());
    app.enqueue("Sales", "default customer", 5);
    let tenant = app.tenant("Cust12345");
    add_agent(tenant.as_ref(), "tje0");
    tenant.add_topic(&NewTopic::new("Support", "Hei!")).unwrap();
    tenant
        .add_member("tje0", "Support", test_support::credentials::RESPOND)
        .unwrap();
    let new = NewSession {
        topic: "Support".into(),
        customer_name: "tenant customer".into(),
        ..Default::default()
    };
    tenant
        .enqueue(&new, chat_pickup::time::Timestamp::now())
        .unwrap();
    let response = list(&app, &format!("/Cust12345{REST}"), "tje0", &[]).await;
    assert_eq!(ids(&response).len(), 1);
    assert_eq!(response.json()[0]["CustomerName"], "tenant customer");

    let anonymous = app.send(Method::GET, REST, None).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    assert!(anonymous.headers.contains_key("www-authenticate"));
}

#[tokio::test(flavor = "multi_thread")]
async fn an_idempotency_key_means_nothing_to_a_list() {
    let app = given!(app());
    app.enqueue("Sales", "one", 5);
    let too_long = "k".repeat(300);
    for key in ["\"list-1\"", "\"list-1\"", too_long.as_str()] {
        let response = list(&app, REST, "tje0", &[("idempotency-key", key)]).await;
        assert_eq!(response.status, StatusCode::OK, "{key}: {}", response.body);
        assert!(!response.headers.contains_key("idempotent-replayed"));
    }
}
