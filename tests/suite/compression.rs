//! `Accept-Encoding`: gzip for bodies worth it, identity otherwise, and
//! `Vary: Accept-Encoding` always.

use http::StatusCode;
use lambda_http::Body;
use test_support::app::{TestApp, decode};
use test_support::credentials::{PASSWORD, basic};
use test_support::given;

const PICKUP: &str = "/api/v1/ChatSession/Pickup";

fn app() -> Option<TestApp> {
    let app = TestApp::new(crate::KIND)?;
    app.agent("tje0");
    app.topic("Sales", "Hi!");
    app.member("tje0", "Sales");
    for minutes in 0..8 {
        app.enqueue("Sales", "customer", minutes);
    }
    Some(app)
}

/// The raw response: status, Content-Encoding, Vary, wire bytes and decoded text.
async fn raw(
    app: &TestApp,
    headers: &[(&str, &str)],
) -> (StatusCode, Option<String>, String, usize, String) {
    let mut request = http::Request::post(PICKUP);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = app.app.handle(request.body(Body::Empty).unwrap()).await;
    let coding = response.headers().get("content-encoding").cloned();
    let vary: Vec<&str> = response
        .headers()
        .get_all("vary")
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect();
    let wire = response.body().to_vec();
    let text = String::from_utf8(decode(coding.as_ref(), &wire)).unwrap();
    (
        response.status(),
        coding.map(|value| value.to_str().unwrap().to_string()),
        vary.join(", "),
        wire.len(),
        text,
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn entities_are_gzipped_when_the_caller_accepts_it() {
    let app = given!(app());
    let authorization = basic("tje0", PASSWORD);
    let cases = [
        ("gzip, deflate, br", Some("gzip")),
        ("gzip", Some("gzip")),
        ("br;q=0.1, gzip", Some("gzip")),
        ("br", None),
        ("identity", None),
    ];
    for (accept_encoding, expected) in cases {
        let (status, coding, vary, wire, text) = raw(
            &app,
            &[
                ("authorization", &authorization),
                ("accept-encoding", accept_encoding),
                ("accept", "application/xml"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{text}");
        assert_eq!(coding.as_deref(), expected, "{accept_encoding}");
        assert!(
            vary.contains("Accept-Encoding") && vary.contains("Origin"),
            "{vary}"
        );
        assert!(
            text.starts_with("<?xml") && text.contains("<ChatSessionId>"),
            "{accept_encoding}"
        );
        if expected.is_some() {
            assert!(
                wire * 4 < text.len(),
                "{accept_encoding}: {wire} of {}",
                text.len()
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn small_bodies_and_problems_go_as_they_are() {
    let app = given!(app());
    let (status, coding, vary, _, text) = raw(
        &app,
        &[
            ("authorization", &basic("tje0", "wrong")),
            ("accept-encoding", "gzip, br"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{text}");
    assert_eq!(coding, None);
    assert!(vary.contains("Accept-Encoding"), "{vary}");
    assert!(text.contains("credentials"), "{text}");
}
