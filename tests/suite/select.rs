//! `$select` on the pickup: chosen top-level properties filled, the rest null, a bad list a
//! 400 before anything changes.

use http::StatusCode;
use serde_json::Value;

use chat_pickup::store::admin::NewSession;
use test_support::app::{TestApp, links_all, top_level_keys};
use test_support::given;
use test_support::xml::parse;

const AGENTS: &str = "/api/v1/Agents/Chat/PickUpFirstChatSession";

fn app() -> Option<TestApp> {
    let app = TestApp::new(crate::KIND)?;
    app.agent("tje0");
    app.topic("Sales", "Hi!");
    app.member("tje0", "Sales");
    let links = links_all(&app);
    for minutes in [3, 2, 1] {
        app.enqueue_with(
            NewSession {
                topic: "Sales".into(),
                customer_name: "Kim".into(),
                links,
                ..NewSession::default()
            },
            minutes,
        );
    }
    Some(app)
}

const CHOSEN: [&str; 4] = ["ChatSessionId", "User", "Status", "TableRight"];

#[tokio::test(flavor = "multi_thread")]
async fn only_the_selected_properties_are_filled_in_json() {
    let app = given!(app());
    let path = format!("{AGENTS}?$select=chatsessionid,%20USER,Status,tableright");
    let response = app.post_accepting(&path, "tje0", "application/json").await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    let json = response.json();
    let keys = top_level_keys(&response.body);
    assert_eq!(keys.len(), 33, "every property is still there: {keys:?}");
    for key in &keys {
        let chosen = CHOSEN.contains(&key.as_str());
        assert_eq!(json[key] != Value::Null, chosen, "{key}: {}", json[key]);
    }
    assert_eq!(json["User"]["Name"], "tje0");
    assert_eq!(json["Status"], "UserLast");
}

#[tokio::test(flavor = "multi_thread")]
async fn only_the_selected_properties_are_filled_in_xml() {
    let app = given!(app());
    let path = format!("{AGENTS}?$select=ChatSessionId,User,Status,TableRight");
    let response = app.post_accepting(&path, "tje0", "text/xml").await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    let xml = parse(&response.body);
    assert_eq!(xml.children.len(), 33);
    for child in &xml.children {
        let chosen = CHOSEN.contains(&child.name.as_str());
        assert_eq!(child.nil, !chosen, "{}", child.name);
    }
    assert_eq!(xml.child("User").child("Name").text, "tje0");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_rest_route_and_repeated_parameters_select_too() {
    let app = given!(app());
    let path = "/api/v1/ChatSession/Pickup?$select=Rank&$select=CustomerName";
    let json = app
        .post_accepting(path, "tje0", "application/json")
        .await
        .json();
    assert_eq!(json["Rank"], 1);
    assert_eq!(json["CustomerName"], "Kim");
    assert_eq!(json["ChatSessionId"], Value::Null);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unknown_property_is_400_naming_it_and_nothing_changes() {
    let app = given!(app());
    let before = app.snapshot();
    for (accept, name) in [
        ("application/json", "Bogus"),
        ("application/xml", "User.Name"),
        ("application/xml", "<&>"),
    ] {
        let path = format!(
            "{AGENTS}?$select=ChatSessionId,{}",
            name.replace('&', "%26")
                .replace('<', "%3C")
                .replace('>', "%3E")
        );
        let response = app.post_accepting(&path, "tje0", accept).await;
        assert_eq!(response.status, StatusCode::BAD_REQUEST, "{name}");
        assert_eq!(response.is_xml(), accept == "application/xml", "{accept}");
        let problem = response.problem();
        let detail = problem["detail"].as_str().unwrap();
        assert!(
            detail.contains(&format!("{name:?} is not a property")),
            "{detail}"
        );
    }
    let empty = app
        .post_accepting(&format!("{AGENTS}?$select="), "tje0", "application/json")
        .await;
    assert_eq!(empty.status, StatusCode::BAD_REQUEST);
    assert!(
        empty.json()["detail"]
            .as_str()
            .unwrap()
            .contains("names no property")
    );
    assert_eq!(app.snapshot(), before);
}
