//! JSON and XML from the same entity: the XML parsed back and compared field by field with
//! the JSON of the same session; nulls, escaping and characters XML cannot carry.

use chat_pickup::store::admin::NewSession;
use http::StatusCode;
use serde_json::Value;
use test_support::app::{Kind, TestApp, links_all};
use test_support::given;
use test_support::xml::{assert_same, parse};

const PICKUP: &str = "/api/v1/ChatSession/Pickup";
const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";

fn linked_app(customer: &str) -> Option<TestApp> {
    let app = TestApp::new(crate::KIND)?;
    app.agent("tje0");
    app.topic("Sales", "Hi & welcome <friend>!");
    app.member("tje0", "Sales");
    let links = links_all(&app);
    for minutes in [2, 1] {
        let session = NewSession {
            topic: "Sales".into(),
            customer_name: customer.into(),
            links,
            ..NewSession::default()
        };
        app.enqueue_with(session, minutes);
    }
    Some(app)
}

#[tokio::test(flavor = "multi_thread")]
async fn xml_carries_the_same_values_as_json() {
    let app = given!(linked_app("Ann <O'Neil> & \"Co\" 😀"));
    let json_text = app
        .post_accepting(PICKUP, "tje0", "application/json")
        .await
        .body;
    let json: Value = serde_json::from_str(&json_text).unwrap();
    app.exec("UPDATE chat_session SET status = 4, user_id = NULL WHERE id = 1");
    app.exec("DELETE FROM chat_event WHERE session_id = 2");
    app.exec("DELETE FROM chat_session WHERE id = 2");
    let response = app.post_accepting(PICKUP, "tje0", "text/xml").await;
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(response.headers["content-type"], "text/xml; charset=utf-8");
    assert!(
        response
            .body
            .starts_with(r#"<?xml version="1.0" encoding="utf-8"?><ChatSessionEntity xmlns:i=""#)
    );
    let xml = parse(&response.body);
    assert_eq!(xml.name, "ChatSessionEntity");
    let top: Vec<&str> = xml
        .children
        .iter()
        .map(|child| child.name.as_str())
        .collect();
    assert_eq!(
        top,
        test_support::app::top_level_keys(&json_text)
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
    );
    let mut json = json;
    // The second pickup started later; everything else is the same session.
    for moment in ["WhenStarted", "WhenIdle"] {
        json[moment] = Value::String(xml.child(moment).text.clone());
    }
    assert_same(&xml, &json, "ChatSessionEntity");
    assert_eq!(json["CustomerName"], "Ann <O'Neil> & \"Co\" 😀");
}

#[tokio::test(flavor = "multi_thread")]
async fn control_characters_become_replacement_characters_in_xml_only() {
    // PostgreSQL's text cannot hold NUL at all; there SOH stands in for it.
    let other = if crate::KIND == Kind::Postgres {
        '\u{1}'
    } else {
        '\u{0}'
    };
    let name = format!("bell\u{7} tab\t nul{other} end");
    let app = given!(linked_app(&name));
    let xml = app
        .post_accepting(PICKUP, "tje0", "application/xml")
        .await
        .body;
    assert_eq!(
        parse(&xml).child("CustomerName").text,
        "bell\u{fffd} tab\t nul\u{fffd} end"
    );
    let json = app
        .post_accepting(PICKUP, "tje0", "application/json")
        .await
        .json();
    assert_eq!(json["CustomerName"], name.as_str());
}

#[tokio::test(flavor = "multi_thread")]
async fn an_empty_queue_is_a_nil_root() {
    let app = given!(TestApp::new(crate::KIND));
    app.agent("tje0");
    let response = app.post_accepting(PICKUP, "tje0", "application/xml").await;
    assert_eq!(
        response.body,
        format!(
            r#"<?xml version="1.0" encoding="utf-8"?><ChatSessionEntity i:nil="true" xmlns:i="{XSI}"/>"#
        )
    );
    assert_eq!(
        app.post_accepting(PICKUP, "tje0", "text/json").await.body,
        "null"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn nothing_acceptable_is_406_and_nothing_changes() {
    let app = given!(linked_app("Kim"));
    let before = app.snapshot();
    for (accept, content_type) in [
        ("image/png", "application/problem+json"),
        ("application/xml;q=0, text/html", "application/problem+xml"),
    ] {
        let response = app.post_accepting(PICKUP, "tje0", accept).await;
        assert_eq!(response.status, StatusCode::NOT_ACCEPTABLE, "{accept}");
        assert!(
            response.headers["content-type"]
                .to_str()
                .unwrap()
                .starts_with(content_type),
            "{accept}"
        );
        assert!(
            response
                .body
                .contains("application/json, text/json, application/xml"),
            "{}",
            response.body
        );
    }
    let malformed = app
        .post_accepting(PICKUP, "tje0", "application/json;q=7")
        .await;
    assert_eq!(malformed.status, StatusCode::BAD_REQUEST);
    assert!(
        malformed.json()["detail"]
            .as_str()
            .unwrap()
            .contains("q-value")
    );
    assert_eq!(app.snapshot(), before);
}

#[tokio::test(flavor = "multi_thread")]
async fn errors_answer_in_xml_when_xml_was_asked_for() {
    let app = given!(TestApp::new(crate::KIND));
    let response = app
        .post_accepting("/api/v1/ChatSession/Pickupp", "nobody", "text/xml")
        .await;
    assert_eq!(response.status, StatusCode::NOT_FOUND);
    assert_eq!(
        response.headers["content-type"],
        "application/problem+xml; charset=utf-8"
    );
    let problem = parse(&response.body);
    assert_eq!(problem.name, "problem");
    assert_eq!(problem.child("status").text, "404");
}

#[tokio::test(flavor = "multi_thread")]
async fn carriage_returns_survive_xml_line_end_normalization() {
    let app = given!(linked_app("two\r\nlines\rand\nmore"));
    let response = app.post_accepting(PICKUP, "tje0", "text/xml").await;
    assert_eq!(
        parse(&response.body).child("CustomerName").text,
        "two\r\nlines\rand\nmore"
    );
}
