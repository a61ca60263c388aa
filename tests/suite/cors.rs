//! CORS for listed origins, preflights, and the 403 for pages from anywhere else.

use http::Method;
use http::StatusCode;
use http::header::{
    ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS,
    ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_EXPOSE_HEADERS, AUTHORIZATION, VARY,
};
use lambda_http::Body;
use test_support::app::{TestApp, TestResponse};
use test_support::credentials::{PASSWORD, basic};
use test_support::given;

const PICKUP: &str = "/api/v1/ChatSession/Pickup";
const AGENTS_UI: &str = "http://localhost:5173";

fn app(origins: &str) -> Option<TestApp> {
    let app = TestApp::with_cors(crate::KIND, origins)?;
    app.agent("tje0");
    app.topic("Sales", "Hi!");
    app.member("tje0", "Sales");
    app.enqueue("Sales", "customer", 5);
    Some(app)
}

async fn from(app: &TestApp, method: Method, path: &str, headers: &[(&str, &str)]) -> TestResponse {
    let authorization = basic("tje0", PASSWORD);
    let mut all = vec![("host", "api.example.com"), ("x-forwarded-proto", "https")];
    if !headers.iter().any(|(name, _)| *name == "authorization") {
        all.push((AUTHORIZATION.as_str(), &authorization));
    }
    all.extend_from_slice(headers);
    app.request(method, path, &all, Body::Empty).await
}

async fn preflight(app: &TestApp, origin: &str, path: &str) -> TestResponse {
    let headers = [
        ("origin", origin),
        ("access-control-request-method", "POST"),
        (
            "access-control-request-headers",
            "authorization,so-language",
        ),
    ];
    from(app, Method::OPTIONS, path, &headers).await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_listed_origin_passes_the_preflight_and_gets_credentials() {
    let app = given!(app(&format!("https://agents.example.com, {AGENTS_UI}")));
    let before = app.snapshot();
    let answer = preflight(&app, AGENTS_UI, PICKUP).await;
    assert_eq!(answer.status, StatusCode::NO_CONTENT, "{}", answer.body);
    assert_eq!(answer.headers[ACCESS_CONTROL_ALLOW_ORIGIN], AGENTS_UI);
    assert_eq!(answer.headers[ACCESS_CONTROL_ALLOW_CREDENTIALS], "true");
    assert_eq!(answer.headers[ACCESS_CONTROL_ALLOW_METHODS], "POST");
    let allowed = answer.headers[ACCESS_CONTROL_ALLOW_HEADERS]
        .to_str()
        .unwrap();
    for header in [
        "Authorization",
        "SO-Language",
        "SO-Culture",
        "SO-TimeZone",
        "SO-Browser-TZ-Offset",
    ] {
        assert!(allowed.contains(header), "{header}: {allowed}");
    }
    assert_eq!(answer.headers[VARY], "Origin");
    assert_eq!(app.snapshot(), before, "a preflight changes nothing");
    let list = preflight(&app, AGENTS_UI, "/api/v1/ChatSession/ForCurrentUser").await;
    assert_eq!(list.status, StatusCode::NO_CONTENT, "{}", list.body);
    assert_eq!(
        list.headers[ACCESS_CONTROL_ALLOW_METHODS], "GET",
        "the path's own methods"
    );

    let call = from(&app, Method::POST, PICKUP, &[("origin", AGENTS_UI)]).await;
    assert_eq!(call.status, StatusCode::OK, "{}", call.body);
    assert_eq!(call.headers[ACCESS_CONTROL_ALLOW_ORIGIN], AGENTS_UI);
    assert_eq!(call.headers[ACCESS_CONTROL_ALLOW_CREDENTIALS], "true");
    assert_eq!(call.headers[VARY], "Origin");
    let exposed = call.headers[ACCESS_CONTROL_EXPOSE_HEADERS]
        .to_str()
        .unwrap();
    assert!(
        exposed.contains("SO-TimeZone"),
        "the client reads the zone used: {exposed}"
    );
    assert_eq!(call.json()["CustomerName"], "customer");
}

#[tokio::test(flavor = "multi_thread")]
async fn errors_to_a_listed_origin_carry_cors_headers_too() {
    let app = given!(app(AGENTS_UI));
    let typo = preflight(&app, AGENTS_UI, "/api/v1/ChatSession/Pickupp").await;
    assert_eq!(typo.status, StatusCode::NOT_FOUND);
    assert_eq!(typo.headers[ACCESS_CONTROL_ALLOW_ORIGIN], AGENTS_UI);
    let denied = from(
        &app,
        Method::POST,
        PICKUP,
        &[("origin", AGENTS_UI), ("authorization", "Basic x")],
    )
    .await;
    assert_eq!(denied.status, StatusCode::UNAUTHORIZED);
    assert_eq!(denied.headers[ACCESS_CONTROL_ALLOW_ORIGIN], AGENTS_UI);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_foreign_page_is_refused_with_403_before_anything_happens() {
    for origins in ["", AGENTS_UI] {
        let app = given!(app(origins));
        let before = app.snapshot();
        for (accept, origin) in [
            ("application/json", "https://evil.example"),
            ("text/xml", "null"),
            ("application/json", "http://api.example.com"),
        ] {
            let headers = [("origin", origin), ("accept", accept)];
            let response = from(&app, Method::POST, PICKUP, &headers).await;
            assert_eq!(
                response.status,
                StatusCode::FORBIDDEN,
                "{origins:?} {origin}"
            );
            assert!(!response.headers.contains_key(ACCESS_CONTROL_ALLOW_ORIGIN));
            assert_eq!(response.headers[VARY], "Origin");
            assert_eq!(response.is_xml(), accept == "text/xml", "{accept}");
            let problem = response.problem();
            let detail = problem["detail"].as_str().unwrap();
            assert!(
                detail.contains(&format!("{origin:?} may not call")),
                "{detail}"
            );
            let refused = preflight(&app, origin, PICKUP).await;
            assert_eq!(refused.status, StatusCode::FORBIDDEN);
        }
        assert_eq!(app.snapshot(), before, "{origins:?}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_apis_own_pages_and_non_browsers_need_no_cors() {
    let app = given!(app(""));
    app.enqueue("Sales", "second", 1);
    let same = from(
        &app,
        Method::POST,
        PICKUP,
        &[("origin", "https://api.example.com")],
    )
    .await;
    assert_eq!(same.status, StatusCode::OK, "{}", same.body);
    assert!(!same.headers.contains_key(ACCESS_CONTROL_ALLOW_ORIGIN));
    let curl = from(&app, Method::POST, PICKUP, &[]).await;
    assert_eq!(curl.status, StatusCode::OK, "{}", curl.body);
    assert_eq!(curl.json()["CustomerName"], "second");
}
