//! The event fixtures that ship with `lambda_http`, replayed through
//! `lambda_http::request::from_str` into the handler: REST v1 with a stage, HTTP v2 with the
//! default and a named stage, ALB, and a Function URL.

use http::StatusCode;
use serde_json::{Value, json};
use test_support::app::{TestApp, TestResponse};
use test_support::credentials::{PASSWORD, basic};
use test_support::given;

pub(super) fn fixture(name: &str) -> Value {
    let path = format!(
        "{}/tests/fixtures/lambda_http/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn app() -> Option<TestApp> {
    let app = TestApp::new(crate::KIND)?;
    app.agent("tje0");
    app.topic("Sales", "Hi!");
    app.member("tje0", "Sales");
    app.enqueue("Sales", "customer", 5);
    Some(app)
}

pub(super) async fn replay(app: &TestApp, event: Value) -> TestResponse {
    let request = lambda_http::request::from_str(&event.to_string()).expect("the event parses");
    app.call(request).await
}

/// Replaces a header, whatever the case of its name in the fixture.
pub(super) fn set_header(event: &mut Value, name: &str, value: &str) {
    let headers = event["headers"].as_object_mut().unwrap();
    headers.retain(|key, _| !key.eq_ignore_ascii_case(name));
    headers.insert(name.to_string(), json!(value));
}

/// Credentials, and JSON instead of the browser's Accept that some fixtures carry.
fn authorize(event: &mut Value) {
    set_header(event, "authorization", &basic("tje0", PASSWORD));
    set_header(event, "accept", "application/json");
}

async fn assert_picks_up(app: &TestApp, event: Value) {
    let response = replay(app, event).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    assert_eq!(response.json()["CustomerName"], "customer");
}

#[tokio::test(flavor = "multi_thread")]
async fn rest_api_v1_with_a_stage() {
    let app = given!(app());
    let mut event = fixture("apigw_proxy_request");
    assert_eq!(event["requestContext"]["stage"], "test");
    event["httpMethod"] = json!("POST");
    event["requestContext"]["httpMethod"] = json!("POST");
    event["path"] = json!("/api/v1/ChatSession/Pickup");
    authorize(&mut event);
    assert_picks_up(&app, event).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn http_api_v2_default_stage_and_named_stage() {
    let app = given!(app());
    let mut event = fixture("apigw_v2_proxy_request");
    event["rawPath"] = json!("/api/v1/Agents/Chat/PickUpFirstChatSession");
    event["requestContext"]["http"]["path"] = event["rawPath"].clone();
    authorize(&mut event);
    assert_picks_up(&app, event.clone()).await;

    app.enqueue("Sales", "customer", 1);
    event["requestContext"]["stage"] = json!("prod");
    event["rawPath"] = json!("/prod/api/v1/ChatSession/Pickup");
    assert_picks_up(&app, event).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn application_load_balancer() {
    let app = given!(app());
    let mut event = fixture("alb_request");
    event["httpMethod"] = json!("POST");
    event["path"] = json!("/api/v1/ChatSession/Pickup");
    authorize(&mut event);
    assert_picks_up(&app, event).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn function_url() {
    let app = given!(app());
    let mut event = fixture("lambda_function_url_request");
    event["rawPath"] = json!("/api/v1/ChatSession/Pickup");
    event["requestContext"]["http"]["method"] = json!("POST");
    event["requestContext"]["http"]["path"] = event["rawPath"].clone();
    authorize(&mut event);
    assert_picks_up(&app, event).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn fixtures_as_shipped_are_answered_not_failed() {
    let app = given!(app());
    let shipped = [
        "apigw_proxy_request",
        "apigw_v2_proxy_request",
        "alb_request",
        "lambda_function_url_request",
    ];
    for name in shipped {
        let response = replay(&app, fixture(name)).await;
        assert!(
            matches!(response.status.as_u16(), 404 | 405),
            "{name}: {}",
            response.status
        );
        assert!(
            response.headers["content-type"]
                .to_str()
                .unwrap()
                .starts_with("application/problem+")
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_gateway_request_id_is_the_problem_instance() {
    let app = given!(app());
    let mut event = fixture("apigw_proxy_request");
    set_header(&mut event, "accept", "application/json");
    let response = replay(&app, event).await;
    assert_eq!(
        response.json()["instance"],
        "41b45ea3-70b5-11e6-b7bd-69b5aaebc7d9"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn select_travels_in_the_events_query_parameters() {
    let app = given!(app());
    let mut event = fixture("apigw_proxy_request");
    event["httpMethod"] = json!("POST");
    event["path"] = json!("/api/v1/Agents/Chat/PickUpFirstChatSession");
    event["queryStringParameters"] = json!({ "$select": "Rank" });
    event["multiValueQueryStringParameters"] = json!({ "$select": ["Rank"] });
    authorize(&mut event);
    let response = replay(&app, event).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    let session = response.json();
    assert_eq!(session["Rank"], 1);
    assert_eq!(session["CustomerName"], Value::Null);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_body_beyond_the_limit_is_413_and_a_small_one_is_ignored() {
    let app = given!(app());
    let mut event = fixture("apigw_v2_proxy_request");
    event["rawPath"] = json!("/api/v1/ChatSession/Pickup");
    event["isBase64Encoded"] = json!(false);
    event["body"] = json!("x".repeat(chat_pickup::http::body::MAX_BODY + 1));
    authorize(&mut event);
    set_header(&mut event, "accept", "application/xml");
    let before = app.snapshot();
    let response = replay(&app, event.clone()).await;
    assert_eq!(
        response.status,
        StatusCode::PAYLOAD_TOO_LARGE,
        "{}",
        response.body
    );
    assert_eq!(
        response.headers["content-type"],
        "application/problem+xml; charset=utf-8"
    );
    assert!(
        response.body.contains("request body is too large"),
        "{}",
        response.body
    );
    assert_eq!(app.snapshot(), before);

    event["body"] = json!("{}");
    set_header(&mut event, "accept", "application/json");
    assert_picks_up(&app, event).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_page_from_the_functions_own_origin_passes_another_scheme_does_not() {
    let app = given!(app());
    app.enqueue("Sales", "customer", 1);
    let mut event = fixture("lambda_function_url_request");
    event["rawPath"] = json!("/api/v1/ChatSession/Pickup");
    event["requestContext"]["http"]["method"] = json!("POST");
    event["requestContext"]["http"]["path"] = event["rawPath"].clone();
    authorize(&mut event);
    set_header(
        &mut event,
        "origin",
        "https://id.lambda-url.eu-west-2.on.aws",
    );
    assert_picks_up(&app, event.clone()).await;

    set_header(
        &mut event,
        "origin",
        "http://id.lambda-url.eu-west-2.on.aws",
    );
    let response = replay(&app, event).await;
    assert_eq!(response.status, StatusCode::FORBIDDEN, "{}", response.body);
}

/// What SuperOffice's client sends on every call, through a real HTTP API event: the ISO
/// code in both language headers, its zone spelling `SO-Timezone`, and the browser offset.
#[tokio::test(flavor = "multi_thread")]
async fn the_official_clients_locale_headers_through_an_http_api_event() {
    let app = given!(app());
    let mut event = fixture("apigw_v2_proxy_request");
    event["rawPath"] = json!("/api/v1/Agents/Chat/PickUpFirstChatSession");
    event["requestContext"]["http"]["path"] = event["rawPath"].clone();
    authorize(&mut event);
    set_header(&mut event, "accept-language", "sv");
    set_header(&mut event, "so-language", "sv");
    set_header(&mut event, "so-timezone", "AU-WA,includeTZOffset");
    set_header(&mut event, "so-browser-tz-offset", "60");
    let response = replay(&app, event).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    assert_eq!(response.headers["so-timezone"], "Australia/Perth");
    assert_eq!(response.headers["content-language"], "sv");
    let started = response.json()["WhenStarted"].as_str().unwrap().to_string();
    assert!(started.ends_with("+08:00"), "{started}");
}

/// The agent's routes around the pickup through real events: the list with GET on a REST
/// API, one session with the id in the query on an HTTP API, pickup by id with the id in a
/// JSON body, as the official client sends it.
#[tokio::test(flavor = "multi_thread")]
async fn the_session_routes_through_gateway_events() {
    let app = given!(app());
    let id = app.int("SELECT id FROM chat_session");

    let mut by_id = fixture("apigw_v2_proxy_request");
    by_id["rawPath"] = json!("/api/v1/Agents/Chat/PickUpChatSession");
    by_id["requestContext"]["http"]["path"] = by_id["rawPath"].clone();
    by_id["requestContext"]["http"]["method"] = json!("POST");
    by_id["body"] = json!(format!(r#"{{"chatSessionId":{id}}}"#));
    by_id["isBase64Encoded"] = json!(false);
    authorize(&mut by_id);
    set_header(&mut by_id, "content-type", "application/json");
    let picked = replay(&app, by_id).await;
    assert_eq!(picked.status, StatusCode::OK, "{}", picked.body);
    assert_eq!(picked.json()["ChatSessionId"], id);

    let mut list = fixture("apigw_proxy_request");
    list["httpMethod"] = json!("GET");
    list["requestContext"]["httpMethod"] = json!("GET");
    list["path"] = json!("/api/v1/ChatSession/ForCurrentUser");
    authorize(&mut list);
    let listed = replay(&app, list).await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.body);
    assert_eq!(listed.json()[0]["ChatSessionId"], id);

    let mut one = fixture("apigw_v2_proxy_request");
    one["rawPath"] = json!("/api/v1/Agents/Chat/GetChatSessionEntity");
    one["requestContext"]["http"]["path"] = one["rawPath"].clone();
    one["requestContext"]["http"]["method"] = json!("GET");
    one["rawQueryString"] = json!(format!("chatSessionEntityId={id}"));
    one["queryStringParameters"] = json!({ "chatSessionEntityId": id.to_string() });
    one["body"] = Value::Null;
    authorize(&mut one);
    let read = replay(&app, one).await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.body);
    assert_eq!(read.json()["User"]["Name"], "tje0");
}

/// API Gateway passes an HTTP API's `rawPath` percent-encoded: a login name with an `@`
/// in a transfer's path arrives as `%40` and names the agent.
#[tokio::test(flavor = "multi_thread")]
async fn a_transfer_names_its_agent_in_an_encoded_path() {
    let app = given!(app());
    app.agent("kari@example.no");
    app.member("kari@example.no", "Sales");
    let id = app.int("SELECT id FROM chat_session");
    app.pickup("tje0").await;
    let mut offer = fixture("apigw_v2_proxy_request");
    offer["rawPath"] = json!(format!(
        "/api/v1/ChatSession/{id}/TransferTo/kari%40example.no"
    ));
    offer["requestContext"]["http"]["path"] = offer["rawPath"].clone();
    offer["requestContext"]["http"]["method"] = json!("POST");
    offer["body"] = Value::Null;
    authorize(&mut offer);
    let offered = replay(&app, offer).await;
    assert_eq!(offered.status, StatusCode::OK, "{}", offered.body);
    assert_eq!(offered.json()["TransferTo"]["Name"], "kari@example.no");
}
