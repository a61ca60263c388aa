//! JSON and XML from the same entity: the XML parsed back and compared field by field with
//! the JSON of the same session; nulls, escaping and characters XML cannot carry.

use chat_pickup::store::sqlite::admin::NewSession;
use http::StatusCode;
use quick_xml::Reader;
use quick_xml::events::Event;
use serde_json::Value;

use crate::helpers::{TestApp, links_all};

const PICKUP: &str = "/api/v1/ChatSession/Pickup";
const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";

/// An XML element: attributes, child elements in order, text.
#[derive(Debug, Default)]
struct Element {
    name: String,
    nil: bool,
    children: Vec<Element>,
    text: String,
}

fn parse(xml: &str) -> Element {
    let mut reader = Reader::from_str(xml);
    let mut stack = vec![Element::default()];
    loop {
        match reader
            .read_event()
            .unwrap_or_else(|error| panic!("not well-formed: {error}\n{xml}"))
        {
            Event::Start(start) => stack.push(element(&start)),
            Event::Empty(start) => {
                let done = element(&start);
                stack.last_mut().unwrap().children.push(done);
            }
            Event::End(_) => {
                let done = stack.pop().unwrap();
                stack.last_mut().unwrap().children.push(done);
            }
            Event::Text(text) => stack.last_mut().unwrap().text += &text.decode().unwrap(),
            Event::GeneralRef(reference) => {
                let name = reference.decode().unwrap();
                let resolved =
                    quick_xml::escape::resolve_predefined_entity(&name).expect("predefined entity");
                stack.last_mut().unwrap().text += resolved;
            }
            Event::Eof => break,
            _ => {}
        }
    }
    stack.pop().unwrap().children.pop().expect("a root element")
}

fn element(start: &quick_xml::events::BytesStart) -> Element {
    let nil = start
        .attributes()
        .map(Result::unwrap)
        .any(|attribute| attribute.key.as_ref() == b"i:nil" && attribute.value.as_ref() == b"true");
    Element {
        name: String::from_utf8(start.name().as_ref().to_vec()).unwrap(),
        nil,
        ..Element::default()
    }
}

/// Asserts that `xml` carries exactly the values of `json`, member by member, in order.
fn assert_same(xml: &Element, json: &Value, path: &str) {
    match json {
        Value::Null => assert!(xml.nil, "{path}: expected i:nil"),
        Value::Object(members) => {
            assert!(!xml.nil, "{path}: unexpected i:nil");
            let names: Vec<&str> = xml
                .children
                .iter()
                .map(|child| child.name.as_str())
                .collect();
            let expected: Vec<&str> = members.keys().map(String::as_str).collect();
            let mut sorted = names.clone();
            sorted.sort_unstable();
            assert_eq!(sorted, expected, "{path}: members");
            for child in &xml.children {
                assert_same(
                    child,
                    &members[&child.name],
                    &format!("{path}/{}", child.name),
                );
            }
        }
        Value::Array(items) => assert!(items.is_empty() && xml.children.is_empty(), "{path}"),
        Value::Bool(value) => assert_eq!(xml.text, value.to_string(), "{path}"),
        Value::Number(number) => {
            assert_eq!(
                xml.text.parse::<f64>().unwrap(),
                number.as_f64().unwrap(),
                "{path}"
            )
        }
        Value::String(text) => assert_eq!(&xml.text, text, "{path}"),
    }
}

fn linked_app(customer: &str) -> TestApp {
    let app = TestApp::new();
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
    app
}

#[tokio::test]
async fn xml_carries_the_same_values_as_json() {
    let app = linked_app("Ann <O'Neil> & \"Co\" 😀");
    let json_text = app
        .post_accepting(PICKUP, "tje0", "application/json")
        .await
        .body;
    let json: Value = serde_json::from_str(&json_text).unwrap();
    app.sql()
        .execute(
            "UPDATE chat_session SET status = 4, user_id = NULL WHERE id = 1",
            [],
        )
        .unwrap();
    app.sql()
        .execute("DELETE FROM chat_session WHERE id = 2", [])
        .unwrap();
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
        crate::helpers::top_level_keys(&json_text)
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
    );
    let mut json = json;
    // The second pickup started later; everything else is the same session.
    for moment in ["WhenStarted", "WhenIdle"] {
        json[moment] = Value::String(
            xml.children
                .iter()
                .find(|c| c.name == moment)
                .unwrap()
                .text
                .clone(),
        );
    }
    assert_same(&xml, &json, "ChatSessionEntity");
    assert_eq!(json["CustomerName"], "Ann <O'Neil> & \"Co\" 😀");
}

#[tokio::test]
async fn control_characters_become_replacement_characters_in_xml_only() {
    let app = linked_app("bell\u{7} tab\t nul\u{0} end");
    let xml = app
        .post_accepting(PICKUP, "tje0", "application/xml")
        .await
        .body;
    assert_eq!(
        parse(&xml)
            .children
            .iter()
            .find(|c| c.name == "CustomerName")
            .unwrap()
            .text,
        "bell\u{fffd} tab\t nul\u{fffd} end"
    );
    let json = app
        .post_accepting(PICKUP, "tje0", "application/json")
        .await
        .json();
    assert_eq!(json["CustomerName"], "bell\u{7} tab\t nul\u{0} end");
}

#[tokio::test]
async fn an_empty_queue_is_a_nil_root() {
    let app = TestApp::new();
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

#[tokio::test]
async fn nothing_acceptable_is_406_and_nothing_changes() {
    let app = linked_app("Kim");
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

#[tokio::test]
async fn errors_answer_in_xml_when_xml_was_asked_for() {
    let app = TestApp::new();
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
    let status = problem
        .children
        .iter()
        .find(|child| child.name == "status")
        .unwrap();
    assert_eq!(status.text, "404");
}
