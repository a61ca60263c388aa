//! One session by id (`GET /api/v1/ChatSession/{id}` and `GetChatSessionEntity`): seen where
//! the list would show it, whatever its status; any other id is a 404, the same for a
//! session of a foreign topic as for none at all.

use http::{Method, StatusCode};
use test_support::app::{TestApp, TestResponse};
use test_support::credentials::PASSWORD;
use test_support::given;

/// `tje0` responds in Sales; Hidden is nobody's.
fn app() -> Option<TestApp> {
    let app = TestApp::new(crate::KIND)?;
    app.agent("tje0");
    app.topic("Sales", "Hi!");
    app.topic("Hidden", "Hi!");
    app.member("tje0", "Sales");
    Some(app)
}

async fn get(app: &TestApp, path: &str) -> TestResponse {
    app.send(Method::GET, path, Some(("tje0", PASSWORD))).await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_session_the_caller_sees_whatever_its_status_on_both_routes() {
    let app = given!(app());
    let held = app.enqueue("Sales", "held", 30);
    let waiting = app.enqueue("Sales", "waiting", 20);
    let ended = app.enqueue("Sales", "ended", 10);
    app.pickup("tje0").await;
    app.exec(&format!(
        "UPDATE chat_session SET status = 7 WHERE id = {ended}"
    ));
    let before = app.snapshot();
    for (id, status) in [
        (held, "UserLast"),
        (waiting, "InQueue"),
        (ended, "Finished"),
    ] {
        let rest = get(&app, &format!("/api/v1/ChatSession/{id}")).await;
        assert_eq!(rest.status, StatusCode::OK, "{id}: {}", rest.body);
        assert_eq!(rest.json()["ChatSessionId"], id);
        assert_eq!(rest.json()["Status"], status);
        let path = format!("/api/v1/Agents/Chat/GetChatSessionEntity?chatSessionEntityId={id}");
        let rpc = get(&app, &path).await;
        assert_eq!(rpc.body, rest.body, "{id}");
        let posted = app
            .send(Method::POST, &path, Some(("tje0", PASSWORD)))
            .await;
        assert_eq!(posted.body, rest.body, "{id}: the official client POSTs");
    }
    assert_eq!(app.snapshot(), before, "reading changes nothing");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_foreign_topics_session_is_as_unknown_as_no_session() {
    let app = given!(app());
    let hidden = app.enqueue("Hidden", "hidden", 10);
    let foreign = get(&app, &format!("/api/v1/ChatSession/{hidden}")).await;
    let unknown = get(&app, "/api/v1/ChatSession/99999").await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND, "{}", foreign.body);
    assert_eq!(unknown.status, StatusCode::NOT_FOUND, "{}", unknown.body);
    let detail = |response: &TestResponse| {
        response.problem()["detail"]
            .as_str()
            .unwrap()
            .replace(&hidden.to_string(), "ID")
            .replace("99999", "ID")
    };
    assert_eq!(
        detail(&foreign),
        detail(&unknown),
        "the answer tells nothing"
    );
    let missing = get(&app, "/api/v1/Agents/Chat/GetChatSessionEntity").await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST, "{}", missing.body);
}
