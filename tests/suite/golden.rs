//! Golden files: the exact bytes of a fully populated session (every nested carrier present)
//! and of an empty queue, in JSON and XML, and of a problem in each. `UPDATE_GOLDEN=1 cargo
//! test golden` rewrites them; review the diff before committing. CI also runs `xmllint` on
//! the XML ones.

use chat_pickup::store::admin::NewSession;
use http::StatusCode;
use test_support::app::{TestApp, TestResponse, links_all};
use test_support::given;
use test_support::xml::parse;

const PICKUP: &str = "/api/v1/ChatSession/Pickup";
/// Stands in for the moment of the pickup, the one value that changes from run to run.
const NOW: &str = "2001-02-03T04:05:06.789";

fn assert_golden(name: &str, actual: &str) {
    let path = format!("{}/tests/golden/{name}", env!("CARGO_MANIFEST_DIR"));
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("{path}: {error}; run with UPDATE_GOLDEN=1 to create it"));
    assert!(
        expected == actual,
        "{name} differs from its golden file.\nexpected: {expected}\nactual:   {actual}"
    );
}

/// A session linked to every carrier: user (an associate), person, contact (and their
/// addresses), project, sale and ticket, with a fixed request time and session key.
/// `TransferTo` stays null: a session being transferred is not in the pickup queue.
fn populated() -> Option<TestApp> {
    let app = TestApp::new(crate::KIND)?;
    app.agent("tje0");
    app.topic(
        "Sales",
        r#"US:"Welcome to <Sales> & more!";NO:"Velkommen!""#,
    );
    app.member("tje0", "Sales");
    app.enqueue_with(
        NewSession {
            topic: "Sales".into(),
            customer_name: "Ann <O'Neil> & \"Co\" 😀".into(),
            email: "ann@example.com".into(),
            phone: "+47 22 00 00 00".into(),
            company: "Kuhn Group".into(),
            first_message: "Hello, is anyone there?".into(),
            links: links_all(&app),
            ..NewSession::default()
        },
        5,
    );
    app.exec(
        "UPDATE chat_session SET when_requested = '2026-01-15 09:30:15.250000', \
         session_key = '0123456789abcdef0123456789abcdef', \
         customer_host = 'www.example.com', consented = true",
    );
    Some(app)
}

/// The body with the pickup's moment (`WhenStarted`, also `WhenIdle`) replaced by [`NOW`].
fn normalized(response: &TestResponse, moment: &str) -> String {
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    assert!(response.body.contains(moment), "{}", response.body);
    response.body.replace(moment, NOW)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_fully_populated_session_in_json() {
    let response = given!(populated())
        .post_accepting(PICKUP, "tje0", "application/json")
        .await;
    let moment = response.json()["WhenStarted"].as_str().unwrap().to_owned();
    assert_golden("session.json", &normalized(&response, &moment));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_fully_populated_session_in_xml() {
    let response = given!(populated())
        .post_accepting(PICKUP, "tje0", "application/xml")
        .await;
    let moment = parse(&response.body).child("WhenStarted").text.clone();
    assert_golden("session.xml", &normalized(&response, &moment));
}

#[tokio::test(flavor = "multi_thread")]
async fn an_empty_queue() {
    let app = given!(TestApp::new(crate::KIND));
    app.agent("tje0");
    for (accept, name) in [
        ("application/json", "empty.json"),
        ("text/xml", "empty.xml"),
    ] {
        let response = app.post_accepting(PICKUP, "tje0", accept).await;
        assert_eq!(response.status, StatusCode::OK);
        assert_golden(name, &response.body);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_problem() {
    let app = given!(TestApp::new(crate::KIND));
    for (accept, name) in [
        ("application/json", "not_found.json"),
        ("application/xml", "not_found.xml"),
    ] {
        let response = app
            .post_accepting("/api/v1/ChatSession/Pickupp", "tje0", accept)
            .await;
        assert_eq!(response.status, StatusCode::NOT_FOUND);
        let problem = response.problem();
        let instance = problem["instance"].as_str().unwrap();
        assert_golden(
            name,
            &response.body.replace(instance, "local-0000000000000000"),
        );
    }
}

#[test]
fn the_golden_xml_carries_the_golden_json() {
    let read = |name: &str| {
        std::fs::read_to_string(format!(
            "{}/tests/golden/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
    };
    let json: serde_json::Value = serde_json::from_str(&read("session.json")).unwrap();
    test_support::xml::assert_same(&parse(&read("session.xml")), &json, "ChatSessionEntity");
}
