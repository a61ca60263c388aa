//! Basic authentication (spec section 5): every failure is the same 401.

use chat_pickup::store::admin::NewSession;
use http::header::WWW_AUTHENTICATE;
use http::{Method, StatusCode};
use serde_json::Value;
use test_support::app::{TestApp, TestResponse};
use test_support::credentials::{PASSWORD, basic};
use test_support::given;

const PICKUP: &str = "/api/v1/ChatSession/Pickup";

fn app() -> Option<TestApp> {
    let app = TestApp::new(crate::KIND)?;
    app.agent("tje0");
    app.agent("gone");
    app.exec("UPDATE associate SET deleted = true WHERE name = 'gone'");
    app.topic("Sales", "Hi!");
    app.member("tje0", "Sales");
    app.member("gone", "Sales");
    app.enqueue_with(
        NewSession {
            topic: "Sales".into(),
            ..NewSession::default()
        },
        1,
    );
    Some(app)
}

fn assert_rejected(response: &TestResponse) -> Value {
    assert_eq!(
        response.status,
        StatusCode::UNAUTHORIZED,
        "{}",
        response.body
    );
    let challenge = response.headers[WWW_AUTHENTICATE].to_str().unwrap();
    assert!(challenge.starts_with("Basic realm=\""), "{challenge}");
    let mut problem = response.json();
    problem.as_object_mut().unwrap().remove("instance");
    problem
}

#[tokio::test(flavor = "multi_thread")]
async fn wrong_password_unknown_user_and_deleted_associate_look_the_same() {
    let app = given!(app());
    let before = app.snapshot();
    let wrong = assert_rejected(
        &app.send(Method::POST, PICKUP, Some(("tje0", "wrong")))
            .await,
    );
    let unknown = assert_rejected(
        &app.send(Method::POST, PICKUP, Some(("nobody", PASSWORD)))
            .await,
    );
    let deleted = assert_rejected(
        &app.send(Method::POST, PICKUP, Some(("gone", PASSWORD)))
            .await,
    );
    assert_eq!(wrong, unknown);
    assert_eq!(wrong, deleted);
    assert_eq!(wrong["status"], 401);
    assert_eq!(app.snapshot(), before, "a refused caller changes nothing");
}

#[tokio::test(flavor = "multi_thread")]
async fn missing_or_malformed_credentials_are_401_with_a_challenge() {
    let app = given!(app());
    assert_rejected(&app.send(Method::POST, PICKUP, None).await);
    for header in [
        "Basic !!!",
        "Basic",
        "Bearer abc",
        "Digest x",
        &basic("", "pw"),
    ] {
        let problem = assert_rejected(&app.post_with(PICKUP, &[("authorization", header)]).await);
        assert!(problem["detail"].as_str().unwrap().len() > 10, "{problem}");
    }
    let good = basic("tje0", PASSWORD);
    let twice = [
        ("authorization", good.as_str()),
        ("authorization", "Basic x"),
    ];
    let problem = assert_rejected(&app.post_with(PICKUP, &twice).await);
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("one Authorization header")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_login_name_is_case_insensitive_the_password_is_not() {
    let app = given!(app());
    assert_eq!(
        app.send(Method::POST, PICKUP, Some(("TJE0", PASSWORD)))
            .await
            .status,
        StatusCode::OK
    );
    assert_rejected(
        &app.send(
            Method::POST,
            PICKUP,
            Some(("tje0", &PASSWORD.to_uppercase())),
        )
        .await,
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_scheme_name_is_case_insensitive() {
    let app = given!(app());
    let header = basic("tje0", PASSWORD).replacen("Basic", "bAsIc", 1);
    let response = app.post_with(PICKUP, &[("authorization", &header)]).await;
    assert_eq!(response.status, StatusCode::OK);
}
