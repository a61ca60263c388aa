//! More tenants than may stay open (SQLite files): the least recently used is closed - its
//! write-ahead log checkpointed and removed, its descriptors given back - and reopened when
//! a request needs it again.

use std::num::NonZeroUsize;

use chat_pickup::store::admin::{NewSession, NewTopic, NewWebhook};
use chat_pickup::store::sqlite::SqliteOptions;
use chat_pickup::time::Timestamp;
use chat_pickup::webhook::Sender;
use chat_pickup::webhook::client::Outbound;
use http::Method;
use test_support::app::{TestApp, add_agent};
use test_support::credentials::{PASSWORD, RESPOND};
use test_support::receiver::Receiver;

/// A tenant with `tje0` answering and two customers waiting.
fn tenant(app: &TestApp, name: &str) {
    let tenant = app.tenant(name);
    add_agent(tenant.as_ref(), "tje0");
    tenant.add_topic(&NewTopic::new("Support", "Hei!")).unwrap();
    tenant.add_member("tje0", "Support", RESPOND).unwrap();
    for customer in ["first", "second"] {
        let new = NewSession {
            topic: "Support".into(),
            customer_name: customer.into(),
            ..NewSession::default()
        };
        tenant.enqueue(&new, Timestamp::now()).unwrap();
    }
}

fn wal_of(app: &TestApp, name: &str) -> bool {
    app.backend
        .dir()
        .join("tenants")
        .join(format!("{name}.db-wal"))
        .exists()
}

#[tokio::test]
async fn beyond_the_bound_the_least_recently_used_tenant_is_closed_and_reopened() {
    let app = TestApp::sqlite_with(SqliteOptions {
        open_tenants: NonZeroUsize::new(2).unwrap(),
        ..SqliteOptions::default()
    });
    for name in ["a", "b", "c"] {
        tenant(&app, name);
    }
    let pickup = async |name: &str| {
        let path = format!("/{name}/api/v1/ChatSession/Pickup");
        let response = app
            .send(Method::POST, &path, Some(("tje0", PASSWORD)))
            .await;
        assert_eq!(response.status, 200, "{name}: {}", response.body);
        response.json()["CustomerName"].clone()
    };
    assert_eq!(pickup("a").await, "first");
    assert_eq!(pickup("b").await, "first");
    assert!(wal_of(&app, "a") && wal_of(&app, "b"), "both open");
    assert_eq!(pickup("c").await, "first");
    assert!(
        !wal_of(&app, "a"),
        "a, the least recent, was checkpointed and closed"
    );
    assert!(wal_of(&app, "b") && wal_of(&app, "c"));
    assert_eq!(pickup("a").await, "second", "a reopened where it was");
    assert!(!wal_of(&app, "b"), "then b was the least recent");
}

#[tokio::test]
async fn a_webhook_pass_over_every_tenant_delivers_without_closing_the_open_ones() {
    let app = TestApp::sqlite_with(SqliteOptions {
        open_tenants: NonZeroUsize::new(2).unwrap(),
        ..SqliteOptions::default()
    });
    let receiver = Receiver::start().await;
    for name in ["a", "b", "c", "d"] {
        tenant(&app, name);
        let webhook = NewWebhook {
            name: "crm".into(),
            url: receiver.url(),
            events: "chatsession.created".into(),
            secret: "a-secret-of-32-characters-or-so!".into(),
        };
        app.tenant(name)
            .add_webhook(&webhook, Timestamp::now())
            .unwrap();
    }
    for name in ["a", "b"] {
        let path = format!("/{name}/api/v1/ChatSession/Pickup");
        let response = app
            .send(Method::POST, &path, Some(("tje0", PASSWORD)))
            .await;
        assert_eq!(response.status, 200, "{name}: {}", response.body);
    }
    let stores = app.stores();
    assert_eq!(stores.open_tenants(), 2);
    let sender = Sender::new(stores.clone(), Outbound::new().unwrap());
    assert_eq!(
        sender.drain_everywhere().await,
        0,
        "no webhook saw the queue filled"
    );
    app.tenant("c")
        .enqueue(
            &NewSession {
                topic: "Support".into(),
                customer_name: "third".into(),
                ..NewSession::default()
            },
            Timestamp::now(),
        )
        .unwrap();
    assert_eq!(
        sender.drain_everywhere().await,
        1,
        "c's new session, c not open"
    );
    assert_eq!(receiver.received().len(), 1);
    assert_eq!(stores.open_tenants(), 2, "c was opened for its visit alone");
    assert!(
        wal_of(&app, "a") && wal_of(&app, "b"),
        "a and b stayed open"
    );
}
