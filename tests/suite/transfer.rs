//! Transfers (`POST /api/v1/ChatSession/{id}/TransferTo/{toAssociate}`, `.../AcceptTransfer`,
//! `.../RejectTransfer` and their RPC twins): offered by the session's agent, rejected or
//! accepted by the agent offered; "nothing happens" where the move is not the caller's.

use http::header::{AUTHORIZATION, CONTENT_TYPE};
use http::{Method, StatusCode};
use lambda_http::Body;
use serde_json::Value;
use test_support::app::{TestApp, TestResponse};
use test_support::credentials::{PASSWORD, basic};
use test_support::given;

/// `tje0`, `ann` and `kim` respond in Sales, `lis` only in Billing; Hidden is nobody's.
fn app() -> Option<TestApp> {
    let app = TestApp::new(crate::KIND)?;
    for agent in ["tje0", "ann", "kim", "lis"] {
        app.agent(agent);
    }
    app.topic("Sales", "Hi!");
    app.topic("Billing", "Hi!");
    app.topic("Hidden", "Hi!");
    app.member("tje0", "Sales");
    app.member("ann", "Sales");
    app.member("kim", "Sales");
    app.member("lis", "Billing");
    Some(app)
}

async fn post(app: &TestApp, path: &str, user: &str) -> TestResponse {
    app.send(Method::POST, path, Some((user, PASSWORD))).await
}

async fn offer(app: &TestApp, id: i64, to: &str, user: &str) -> TestResponse {
    post(
        app,
        &format!("/api/v1/ChatSession/{id}/TransferTo/{to}"),
        user,
    )
    .await
}

async fn accept(app: &TestApp, id: i64, user: &str) -> TestResponse {
    post(
        app,
        &format!("/api/v1/ChatSession/{id}/AcceptTransfer"),
        user,
    )
    .await
}

async fn reject(app: &TestApp, id: i64, user: &str) -> TestResponse {
    post(
        app,
        &format!("/api/v1/ChatSession/{id}/RejectTransfer"),
        user,
    )
    .await
}

fn ok(response: TestResponse) -> Value {
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    response.json()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_transfer_offered_is_rejected_then_offered_again_and_accepted_with_a_rank() {
    let app = given!(app());
    let id = app.enqueue("Sales", "customer", 30);
    let anns = app.enqueue("Sales", "ann's own", 20);
    assert_eq!(app.pickup("tje0").await["ChatSessionId"], id);
    assert_eq!(app.pickup("ann").await["ChatSessionId"], anns);

    let offered = ok(offer(&app, id, "ANN", "tje0").await);
    assert_eq!(
        offered["TransferTo"]["Name"], "ann",
        "a login name in any case"
    );
    assert_eq!(
        offered["User"]["Name"], "tje0",
        "still tje0's until accepted"
    );
    let anns_list = ok(post(&app, "/api/v1/Agents/Chat/ChatSessionsForUser", "ann").await);
    let listed: Vec<&Value> = anns_list
        .as_array()
        .unwrap()
        .iter()
        .map(|session| &session["ChatSessionId"])
        .collect();
    assert!(
        listed.contains(&&Value::from(id)),
        "offered, so in ann's list: {listed:?}"
    );

    let rejected = ok(reject(&app, id, "ann").await);
    assert_eq!(rejected["TransferTo"], Value::Null);
    assert_eq!(rejected["User"]["Name"], "tje0");

    let ann_id = app.int("SELECT associate_id FROM associate WHERE name = 'ann'");
    let offered = ok(offer(&app, id, &ann_id.to_string(), "tje0").await);
    assert_eq!(
        offered["TransferTo"]["AssociateId"], ann_id,
        "an associate id"
    );
    let accepted = ok(accept(&app, id, "ann").await);
    assert_eq!(accepted["User"]["Name"], "ann");
    assert_eq!(accepted["TransferTo"], Value::Null);
    assert_eq!(accepted["Rank"], 2, "after ann's own session");
    assert_eq!(accepted["Status"], "UserLast", "the conversation goes on");
}

#[tokio::test(flavor = "multi_thread")]
async fn where_the_move_is_not_the_callers_nothing_happens_and_the_session_is_answered() {
    let app = given!(app());
    let id = app.enqueue("Sales", "customer", 30);
    app.pickup("tje0").await;
    let before = app.snapshot();
    let by_other = ok(offer(&app, id, "lis", "ann").await);
    assert_eq!(by_other["User"]["Name"], "tje0");
    assert_eq!(by_other["TransferTo"], Value::Null);
    let not_offered = ok(accept(&app, id, "ann").await);
    assert_eq!(not_offered["User"]["Name"], "tje0");
    let none_pending = ok(reject(&app, id, "tje0").await);
    assert_eq!(none_pending["ChatSessionId"], id);
    assert_eq!(app.snapshot(), before);

    ok(offer(&app, id, "ann", "tje0").await);
    let offered = app.snapshot();
    let third = ok(accept(&app, id, "kim").await);
    assert_eq!(third["User"]["Name"], "tje0", "offered to ann, not to kim");
    assert_eq!(third["TransferTo"]["Name"], "ann");
    ok(reject(&app, id, "kim").await);
    assert_eq!(app.snapshot(), offered, "neither move was kim's");
    let withdrawn = ok(reject(&app, id, "tje0").await);
    assert_eq!(
        withdrawn["TransferTo"],
        Value::Null,
        "the holder withdraws the offer"
    );
}

/// An agent offered a session sees it (as the session lists say) even once they lose their
/// rights in its topic - and may read it, but not change it: that is its agent's.
#[tokio::test(flavor = "multi_thread")]
async fn an_agent_offered_a_session_sees_it_but_changes_nothing_without_rights() {
    let app = given!(app());
    let id = app.enqueue("Sales", "customer", 30);
    app.pickup("tje0").await;
    ok(offer(&app, id, "ann", "tje0").await);
    app.exec(
        "DELETE FROM chat_topic_user WHERE user_id = \
        (SELECT associate_id FROM associate WHERE name = 'ann')",
    );
    let before = app.snapshot();
    for path in [
        format!("/api/v1/ChatSession/{id}"),
        format!("/api/v1/ChatSession/{id}/Messages"),
    ] {
        let read = app.send(Method::GET, &path, Some(("ann", PASSWORD))).await;
        assert_eq!(read.status, StatusCode::OK, "{path}: {}", read.body);
    }
    let written = app
        .post_json(
            &format!("/api/v1/ChatSession/{id}/Messages"),
            "ann",
            r#"{"Message": "Hi"}"#,
        )
        .await;
    assert_eq!(written.status, StatusCode::FORBIDDEN, "{}", written.body);
    let reset = post(&app, &format!("/api/v1/ChatSession/{id}/Reset"), "ann").await;
    assert_eq!(reset.status, StatusCode::FORBIDDEN, "{}", reset.body);
    assert_eq!(app.snapshot(), before, "nothing changed");
    let outsider = app
        .send(
            Method::GET,
            &format!("/api/v1/ChatSession/{id}"),
            Some(("lis", PASSWORD)),
        )
        .await;
    assert_eq!(outsider.status, StatusCode::NOT_FOUND, "{}", outsider.body);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_offer_to_nobody_oneself_or_an_outsider_is_refused_and_nothing_changes() {
    let app = given!(app());
    let id = app.enqueue("Sales", "customer", 30);
    let hidden = app.enqueue("Hidden", "hidden", 20);
    app.pickup("tje0").await;
    let before = app.snapshot();
    let nobody = offer(&app, id, "nobody", "tje0").await;
    assert_eq!(
        nobody.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        nobody.body
    );
    assert!(
        nobody.problem()["detail"]
            .as_str()
            .unwrap()
            .contains("\"nobody\"")
    );
    let to_self = offer(&app, id, "tje0", "tje0").await;
    assert_eq!(to_self.status, StatusCode::UNPROCESSABLE_ENTITY);
    let outsider = offer(&app, id, "lis", "tje0").await;
    assert_eq!(outsider.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        outsider.problem()["detail"]
            .as_str()
            .unwrap()
            .contains("may not respond"),
        "{}",
        outsider.body
    );
    for response in [
        offer(&app, hidden, "ann", "tje0").await,
        accept(&app, 99_999, "ann").await,
        reject(&app, hidden, "ann").await,
    ] {
        assert_eq!(response.status, StatusCode::NOT_FOUND, "{}", response.body);
    }
    let control = offer(&app, id, "ann%00x", "tje0").await;
    assert_eq!(control.status, StatusCode::BAD_REQUEST, "{}", control.body);
    app.exec("UPDATE associate SET deleted = (1 = 1) WHERE name = 'ann'");
    let deleted = offer(&app, id, "ann", "tje0").await;
    assert_eq!(
        deleted.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a deleted agent"
    );
    assert_eq!(app.snapshot(), before);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_pending_transfer_keeps_the_session_off_every_pickup() {
    let app = given!(app());
    let id = app.enqueue("Sales", "customer", 30);
    app.pickup("tje0").await;
    ok(offer(&app, id, "ann", "tje0").await);
    ok(post(&app, &format!("/api/v1/ChatSession/{id}/Reset"), "tje0").await);
    assert_eq!(
        app.int(&format!(
            "SELECT count(*) FROM chat_session WHERE id = {id} AND transfer_to IS NULL"
        )),
        1,
        "a reset clears the offer"
    );
    app.pickup("tje0").await;
    ok(offer(&app, id, "ann", "tje0").await);
    app.exec(&format!(
        "UPDATE chat_session SET status = 4, user_id = NULL WHERE id = {id}"
    ));
    assert_eq!(
        app.pickup("ann").await,
        Value::Null,
        "pending: not in the queue"
    );
    let by_id = ok(post(&app, &format!("/api/v1/ChatSession/{id}/Pickup"), "ann").await);
    assert_eq!(by_id, Value::Null);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_rpc_routes_take_the_clients_bodies_and_a_retry_replays() {
    let app = given!(app());
    let id = app.enqueue("Sales", "customer", 30);
    app.pickup("tje0").await;
    let rpc = async |user: &str, method: &str, body: String, key: &str| {
        let authorization = basic(user, PASSWORD);
        let headers = [
            (AUTHORIZATION.as_str(), authorization.as_str()),
            (CONTENT_TYPE.as_str(), "application/json"),
            ("idempotency-key", key),
        ];
        let path = format!("/api/v1/Agents/Chat/{method}");
        app.request(Method::POST, &path, &headers, Body::Text(body))
            .await
    };
    let transfer = format!(r#"{{"chatSessionId": {id}, "toAssociate": "ann"}}"#);
    let offered = ok(rpc("tje0", "TransferChatSession", transfer.clone(), "\"t-1\"").await);
    assert_eq!(offered["TransferTo"]["Name"], "ann");
    let accept = format!(r#"{{"chatSessionId": {id}}}"#);
    let taken = ok(rpc(
        "ann",
        "AcceptChatSessionTransfer",
        accept.clone(),
        "\"a-1\"",
    )
    .await);
    assert_eq!(taken["User"]["Name"], "ann");
    let again = rpc("tje0", "TransferChatSession", transfer, "\"t-1\"").await;
    assert_eq!(again.headers["idempotent-replayed"], "true");
    assert_eq!(again.json()["User"]["Name"], "ann", "replayed as it is now");
    let reject = rpc("ann", "RejectChatSessionTransfer", accept, "\"r-1\"").await;
    assert_eq!(ok(reject)["User"]["Name"], "ann", "nothing pending");
    let unnamed = format!(r#"{{"chatSessionId": {id}}}"#);
    let missing = rpc("ann", "TransferChatSession", unnamed, "\"t-2\"").await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST, "{}", missing.body);
    assert!(
        missing.problem()["detail"]
            .as_str()
            .unwrap()
            .contains("ToAssociate")
    );
    let empty = rpc("ann", "TransferChatSession", "{}".into(), "\"t-3\"").await;
    assert_eq!(empty.status, StatusCode::BAD_REQUEST, "{}", empty.body);
    let detail = empty.problem()["detail"].as_str().unwrap().to_string();
    assert!(
        detail.starts_with("Name the session to act on"),
        "the session is asked for first: {detail}"
    );
}
