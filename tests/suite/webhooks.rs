//! Webhooks on a real receiver over loopback: every change's event arrives signed, with
//! SuperOffice's payload and headers, in commit order per session - also from 16 writers at
//! once, and after the receiver was down; a webhook that keeps failing is marked failing and
//! resumed with nothing lost.

use std::sync::Arc;
use std::time::Duration;

use chat_pickup::chat::outbox::ATTEMPTS;
use chat_pickup::store::admin::NewWebhook;
use chat_pickup::time::Timestamp;
use chat_pickup::webhook::Sender;
use chat_pickup::webhook::client::Outbound;
use chat_pickup::webhook::signature::verify;
use http::{Method, StatusCode};
use lambda_http::Body;
use serde_json::{Value, json};
use test_support::app::{TestApp, TestResponse};
use test_support::given;
use test_support::receiver::{Received, Receiver};

const SECRET: &str = "a-secret-of-32-characters-or-so!";

/// Sales with tje0 in it, a webhook for every event on `receiver`, and a sender over the
/// app's stores that the app tells of its changes.
async fn app() -> Option<(TestApp, Receiver, Arc<Sender>)> {
    let app = TestApp::new(crate::KIND)?;
    app.agent("tje0");
    app.topic("Sales", "Hello!");
    app.member("tje0", "Sales");
    let receiver = Receiver::start().await;
    let webhook = NewWebhook {
        name: "crm".into(),
        url: receiver.url(),
        events: "chatsession.created,chatsession.changed,chatsession.message".into(),
        secret: SECRET.into(),
    };
    app.admin.add_webhook(&webhook, Timestamp::now()).unwrap();
    let sender = Arc::new(Sender::new(app.stores(), Outbound::new().unwrap()));
    let app = app.reconfigured(|handler| handler.with_sender(sender.clone()));
    Some((app, receiver, sender))
}

#[track_caller]
fn ok(response: &TestResponse, status: StatusCode) -> Value {
    assert_eq!(response.status, status, "{}", response.body);
    response.json()
}

/// A customer's chat in Sales: its id and key.
async fn start(app: &TestApp) -> (i64, String) {
    let topic = app.int("SELECT id FROM chat_topic WHERE name = 'Sales'");
    let started = app
        .request(
            Method::POST,
            &format!("/api/v1/Customer/ChatTopic/{topic}/Sessions"),
            &[("content-type", "application/json")],
            Body::Text(json!({"CustomerName": "Ola"}).to_string()),
        )
        .await;
    let view = ok(&started, StatusCode::CREATED);
    (
        view["ChatSessionId"].as_i64().unwrap(),
        view["SessionKey"].as_str().unwrap().to_string(),
    )
}

async fn say(app: &TestApp, id: i64, key: &str, text: &str) {
    let authorization = format!("SessionKey {key}");
    let headers = [
        ("authorization", authorization.as_str()),
        ("content-type", "application/json"),
    ];
    let path = format!("/api/v1/Customer/ChatSession/{id}/Messages");
    let body = Body::Text(json!({ "Message": text }).to_string());
    ok(
        &app.request(Method::POST, &path, &headers, body).await,
        StatusCode::OK,
    );
}

/// Waits (at most 20 s) until the receiver has taken `count` deliveries.
async fn taken(receiver: &Receiver, count: usize) -> Vec<Received> {
    for _ in 0..400 {
        let taken = receiver.taken();
        if taken.len() >= count {
            return taken;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{} of {count} deliveries arrived", receiver.taken().len());
}

fn events(received: &[Received]) -> Vec<String> {
    received
        .iter()
        .map(|delivery| delivery.json()["Event"].as_str().unwrap().to_string())
        .collect()
}

/// Makes every waiting delivery due now (the tests do not wait out the retries' pauses).
fn due_now(app: &TestApp) {
    app.exec("UPDATE webhook_delivery SET due = '2000-01-01 00:00:00'");
}

#[tokio::test(flavor = "multi_thread")]
async fn every_change_reaches_the_receiver_signed_and_in_order() {
    let (app, receiver, sender) = given!(app().await);
    tokio::spawn(sender.clone().run(Duration::from_secs(60)));
    let (id, key) = start(&app).await;
    app.pickup("tje0").await;
    let posted = app
        .post_json(
            &format!("/api/v1/ChatSession/{id}/Messages"),
            "tje0",
            r#"{"Message": "How can I help?"}"#,
        )
        .await;
    let message = ok(&posted, StatusCode::OK)["ChatMessageId"].clone();
    say(&app, id, &key, "My parcel").await;

    let taken = taken(&receiver, 4).await;
    assert_eq!(
        events(&taken),
        [
            "chatsession.created",
            "chatsession.changed",
            "chatsession.message",
            "chatsession.message"
        ]
    );
    let mut event_ids = Vec::new();
    for delivery in &taken {
        let body = delivery.json();
        assert!(
            verify(
                SECRET,
                &delivery.body,
                delivery.header("x-superoffice-signature")
            ),
            "signed with the webhook's secret"
        );
        assert_eq!(delivery.header("x-superoffice-event"), body["Event"]);
        assert_eq!(delivery.header("x-superoffice-eventid"), body["EventId"]);
        assert!(
            delivery
                .header("content-type")
                .starts_with("application/json")
        );
        assert_eq!(body["PrimaryKey"], id);
        assert_eq!(body["Entity"], "chatsession");
        assert_eq!(body["WebhookName"], "crm");
        assert!(
            body["ContextIdentifier"]
                .as_str()
                .unwrap()
                .starts_with("local-")
        );
        event_ids.push(body["EventId"].as_str().unwrap().to_string());
    }
    let distinct: std::collections::HashSet<&String> = event_ids.iter().collect();
    assert_eq!(distinct.len(), 4, "an EventId per event");
    let picked = taken[1].json();
    assert_eq!(picked["Changes"], json!(["Status", "UserId"]));
    assert_eq!(picked["FieldValues"]["Status"], 6);
    assert_eq!(
        picked["ChangedByAssociateId"],
        app.int("SELECT associate_id FROM associate WHERE name = 'tje0'")
    );
    let agents = taken[2].json();
    assert_eq!(agents["FieldValues"]["ChatMessageId"], message);
    assert_eq!(agents["FieldValues"]["Message"], "How can I help?");
    assert_eq!(taken[3].json()["FieldValues"]["Message"], "My parcel");
    assert_eq!(taken[3].json()["ChangedByAssociateId"], 0, "the customer");
    assert_eq!(
        app.int("SELECT count(*) FROM webhook_delivery"),
        0,
        "nothing left"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_receiver_that_was_down_gets_every_event_in_order_once_it_is_back() {
    let (app, receiver, sender) = given!(app().await);
    receiver.set_down(true);
    let (id, key) = start(&app).await;
    app.pickup("tje0").await;
    say(&app, id, &key, "Anyone there?").await;
    assert_eq!(
        sender.drain(None).await.unwrap(),
        1,
        "only the session's first event is due"
    );
    let tried = receiver.received();
    assert_eq!(events(&tried), ["chatsession.created"]);
    assert!(!tried[0].taken);

    receiver.set_down(false);
    due_now(&app);
    assert_eq!(sender.drain(None).await.unwrap(), 3);
    let taken = receiver.taken();
    assert_eq!(
        events(&taken),
        [
            "chatsession.created",
            "chatsession.changed",
            "chatsession.message"
        ]
    );
    assert_eq!(
        taken[0].json()["EventId"],
        tried[0].json()["EventId"],
        "a delivery sent again is the same event"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_webhook_that_keeps_failing_is_marked_failing_and_resumed_without_loss() {
    let (app, receiver, sender) = given!(app().await);
    receiver.set_down(true);
    let (id, key) = start(&app).await;
    app.exec(&format!(
        "UPDATE webhook_delivery SET attempts = {}",
        ATTEMPTS - 1
    ));
    sender.drain(None).await.unwrap();
    let listed = app.admin.webhooks().unwrap();
    assert!(listed[0].failing, "the last attempt failed: TooManyErrors");
    assert_eq!(listed[0].waiting, 1, "its delivery is kept");

    receiver.set_down(false);
    say(&app, id, &key, "Hello?").await;
    due_now(&app);
    assert_eq!(
        sender.drain(None).await.unwrap(),
        0,
        "nothing goes to a failing webhook"
    );
    app.admin.resume_webhook("crm", Timestamp::now()).unwrap();
    assert_eq!(sender.drain(None).await.unwrap(), 2);
    assert_eq!(
        events(&receiver.taken()),
        ["chatsession.created", "chatsession.message"]
    );
    assert!(!app.admin.webhooks().unwrap()[0].failing);
}

#[tokio::test(flavor = "multi_thread")]
async fn sixteen_writers_at_once_and_each_sessions_events_arrive_in_commit_order() {
    let (app, receiver, sender) = given!(app().await);
    tokio::spawn(sender.clone().run(Duration::from_secs(60)));
    let app = Arc::new(app);
    let writers = (0..16).map(|writer| {
        let app = app.clone();
        tokio::spawn(async move {
            let (id, key) = start(&app).await;
            for n in 0..5 {
                say(&app, id, &key, &format!("writer {writer}, message {n}")).await;
            }
        })
    });
    for writer in writers {
        writer.await.unwrap();
    }
    let taken = taken(&receiver, 16 * 6).await;
    assert_eq!(taken.len(), 16 * 6, "each event once");
    let mut last_seen = std::collections::HashMap::new();
    for delivery in &taken {
        let body = delivery.json();
        let session = body["PrimaryKey"].as_i64().unwrap();
        let order = app.int(&format!(
            "SELECT id FROM chat_event WHERE event_id = '{}'",
            body["EventId"].as_str().unwrap()
        ));
        let before = last_seen.insert(session, order).unwrap_or(0);
        assert!(
            before < order,
            "session {session}: event {order} after {before}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn two_drains_at_once_send_each_delivery_once() {
    let (app, receiver, sender) = given!(app().await);
    receiver.set_delay(Duration::from_millis(300));
    start(&app).await;
    start(&app).await;
    let (first, second) = tokio::join!(sender.drain(None), sender.drain(None));
    assert_eq!(
        first.unwrap() + second.unwrap(),
        2,
        "each taken by one of them"
    );
    assert_eq!(receiver.received().len(), 2, "each sent once");
}
