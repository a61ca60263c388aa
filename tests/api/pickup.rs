//! What a pickup does (spec section 2), observed through the handler and the database file.

use chat_pickup::store::admin::{Admin, NewSession, Rights};
use serde_json::Value;

use crate::helpers::{TestApp, links_all};

/// One agent `tje0` responding in topic "Sales" (welcome "Hi!").
fn sales() -> TestApp {
    let app = TestApp::new();
    app.agent("tje0");
    app.topic("Sales", "Hi!");
    app.member("tje0", "Sales");
    app
}

fn id(session: &Value) -> i64 {
    session["ChatSessionId"]
        .as_i64()
        .unwrap_or_else(|| panic!("not a session: {session}"))
}

#[tokio::test]
async fn oldest_request_first_then_lowest_id() {
    let app = sales();
    let newer = app.enqueue("Sales", "newer", 5);
    let tied_low = app.enqueue("Sales", "tied low id", 10);
    let tied_high = app.enqueue("Sales", "tied high id", 10);
    for expected in [tied_low, tied_high, newer] {
        assert_eq!(id(&app.pickup("tje0").await), expected);
    }
    assert_eq!(app.pickup("tje0").await, Value::Null);
}

#[tokio::test]
async fn only_eligible_sessions_are_picked() {
    let app = sales();
    app.agent("other");
    app.topic("Foreign", "");
    app.topic("ListenOnly", "");
    app.admin
        .add_member(
            "tje0",
            "ListenOnly",
            Rights {
                listen: true,
                ..Rights::default()
            },
        )
        .unwrap();
    let closed = app.enqueue("Sales", "closed", 60);
    let bot = app.enqueue_with(
        NewSession {
            topic: "Sales".into(),
            chatbot_active: true,
            ..NewSession::default()
        },
        50,
    );
    let transferring = app.enqueue("Sales", "transfer pending", 40);
    app.enqueue("Foreign", "not a member", 30);
    app.enqueue("ListenOnly", "cannot respond", 20);
    let eligible = app.enqueue("Sales", "eligible", 10);
    let connection = app.sql();
    connection
        .execute("UPDATE chat_session SET status = 9 WHERE id = ?1", [closed])
        .unwrap();
    connection
        .execute(
            "UPDATE chat_session SET transfer_to = 2 WHERE id = ?1",
            [transferring],
        )
        .unwrap();

    assert_eq!(id(&app.pickup("tje0").await), eligible);
    let before = app.snapshot();
    assert_eq!(app.pickup("tje0").await, Value::Null);
    assert_eq!(app.snapshot(), before, "an empty queue changes nothing");
    assert_eq!(
        app.int(&format!("SELECT status FROM chat_session WHERE id = {bot}")),
        4
    );
}

#[tokio::test]
async fn rank_is_the_lowest_number_free_among_active_sessions() {
    let app = sales();
    app.agent("ana0");
    app.member("ana0", "Sales");
    for minutes in (1..=6).rev() {
        app.enqueue("Sales", "customer", minutes);
    }
    let ranks = |values: &[Value]| {
        values
            .iter()
            .map(|s| s["Rank"].as_i64().unwrap())
            .collect::<Vec<_>>()
    };
    let first = [
        app.pickup("tje0").await,
        app.pickup("tje0").await,
        app.pickup("tje0").await,
    ];
    assert_eq!(ranks(&first), [1, 2, 3]);
    assert_eq!(
        app.pickup("ana0").await["Rank"],
        1,
        "another agent's ranks are their own"
    );

    // Rank 2 is freed when its session finishes; CustomerLast sessions still hold theirs.
    let connection = app.sql();
    connection
        .execute(
            "UPDATE chat_session SET status = 7 WHERE id = ?1",
            [id(&first[1])],
        )
        .unwrap();
    connection
        .execute(
            "UPDATE chat_session SET status = 5 WHERE id = ?1",
            [id(&first[2])],
        )
        .unwrap();
    assert_eq!(app.pickup("tje0").await["Rank"], 2);
    assert_eq!(app.pickup("tje0").await["Rank"], 4);
}

#[tokio::test]
async fn a_welcome_message_is_posted_and_copied_to_the_session() {
    let app = sales();
    let session = app.enqueue_with(
        NewSession {
            topic: "Sales".into(),
            customer_name: "Kim".into(),
            first_message: "".into(),
            ..NewSession::default()
        },
        5,
    );
    let picked = app.pickup("tje0").await;

    assert_eq!(picked["Status"], "UserLast");
    assert_eq!(picked["LastMessage"], "Hi!");
    assert_eq!(
        picked["FirstMessage"], "Hi!",
        "an empty first message takes the welcome"
    );
    assert_eq!(picked["WhenIdle"], picked["WhenStarted"]);
    assert_eq!(picked["User"]["Name"], "tje0");
    let (kind, special, author, created_by, read, posted, started): (i64, i64, String, i64, i64, String, String) = app
        .sql()
        .query_row(
            "SELECT m.type, m.special_type, m.author, m.created_by, m.read_by_customer, m.when_posted, s.when_started \
             FROM chat_message m JOIN chat_session s ON s.id = m.session_id WHERE m.session_id = ?1",
            [session],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?, row.get(5)?, row.get(6)?)),
        )
        .unwrap();
    assert_eq!(
        (kind, special, author.as_str(), created_by, read),
        (1, 1, "tje0 Fullname", 1, 0)
    );
    assert_eq!(posted, started);
}

#[tokio::test]
async fn the_customers_first_message_is_kept() {
    let app = sales();
    app.enqueue_with(
        NewSession {
            topic: "Sales".into(),
            first_message: "Help!".into(),
            ..NewSession::default()
        },
        5,
    );
    let picked = app.pickup("tje0").await;
    assert_eq!(
        (
            picked["FirstMessage"].as_str(),
            picked["LastMessage"].as_str()
        ),
        (Some("Help!"), Some("Hi!"))
    );
}

#[tokio::test]
async fn without_a_welcome_message_nothing_is_posted_and_the_customer_spoke_last() {
    let app = sales();
    app.topic("Quiet", "");
    app.member("tje0", "Quiet");
    let session = app.enqueue_with(
        NewSession {
            topic: "Quiet".into(),
            first_message: "Hello?".into(),
            ..NewSession::default()
        },
        5,
    );
    let picked = app.pickup("tje0").await;
    assert_eq!(picked["Status"], "CustomerLast");
    assert_eq!(picked["LastMessage"], "Hello?");
    assert_eq!(
        app.int(&format!(
            "SELECT count(*) FROM chat_message WHERE session_id = {session} AND created_by <> -1"
        )),
        0
    );
}

#[tokio::test]
async fn a_multi_language_welcome_speaks_the_topics_language() {
    let app = TestApp::new();
    app.agent("tje0");
    let welcome = r#"US:"Welcome!";NO:"Velkommen!""#;
    app.admin.add_topic("Norsk", welcome, Some("NO")).unwrap();
    app.admin.add_topic("Deutsch", welcome, Some("GE")).unwrap();
    for topic in ["Norsk", "Deutsch"] {
        app.member("tje0", topic);
    }
    app.enqueue("Norsk", "Kari", 10);
    app.enqueue("Deutsch", "Hans", 5);
    assert_eq!(app.pickup("tje0").await["LastMessage"], "Velkommen!");
    assert_eq!(
        app.pickup("tje0").await["LastMessage"],
        "Welcome!",
        "no German variant: English"
    );
}

#[tokio::test]
async fn the_topic_counts_accepts_and_averages_the_wait() {
    let app = sales();
    app.enqueue("Sales", "waited longer", 20);
    app.enqueue("Sales", "waited less", 10);
    let first = app.pickup("tje0").await;
    let second = app.pickup("tje0").await;
    let (last_accept, average, count): (String, i64, i64) = app
        .sql()
        .query_row("SELECT last_accept, seconds_pr_accept, accept_count FROM chat_topic WHERE name = 'Sales'", [], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?))
        })
        .unwrap();
    assert_eq!(count, 2);
    assert_eq!(
        last_accept.replace(' ', "T").trim_end_matches('0'),
        second["WhenStarted"].as_str().unwrap()
    );
    let waited = |session: &Value| {
        let parse = |field: &str| {
            chrono::NaiveDateTime::parse_from_str(
                session[field].as_str().unwrap(),
                "%Y-%m-%dT%H:%M:%S%.f",
            )
            .unwrap()
        };
        (parse("WhenStarted") - parse("WhenRequested")).num_milliseconds() as f64 / 1000.0
    };
    let expected = (waited(&first) + waited(&second)) / 2.0;
    assert!(
        (average as f64 - expected).abs() <= 1.0,
        "average {average} vs {expected}"
    );
}

#[tokio::test]
async fn the_entity_has_every_property_in_order_and_every_carrier_loaded() {
    let app = sales();
    let links = links_all(&app);
    app.enqueue_with(
        NewSession {
            topic: "Sales".into(),
            customer_name: "Mathias".into(),
            links,
            ..NewSession::default()
        },
        5,
    );
    let body = app
        .send(
            http::Method::POST,
            "/api/v1/ChatSession/Pickup",
            Some(("tje0", crate::helpers::PASSWORD)),
        )
        .await
        .body;
    assert_eq!(crate::helpers::top_level_keys(&body), SPEC_ORDER);

    let session: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(session["Person"]["FullName"], "Mathias Wilderman");
    assert_eq!(session["Contact"]["Name"], "Kuhn <Group> & \"Sons\"");
    assert_eq!(
        session["Contact"]["Address"]["Postal"]["Formatted"],
        "Box 1, 0101 Oslo"
    );
    assert_eq!(session["Project"]["Name"], "Launch");
    assert_eq!(session["Sale"]["WeightedAmount"], 500.0);
    assert_eq!(session["Sale"]["EarningPercent"], 25.0);
    assert_eq!(session["Ticket"]["PersonFullname"], "Mathias Wilderman");
    assert_eq!(session["TransferTo"], Value::Null);
    assert_eq!(session["Flags"], "CustomerIsTyping");
    assert_eq!(session["WhenEnded"], "0001-01-01T00:00:00");
    assert_eq!(session["TableRight"]["Mask"], "Select, Update, Delete");
    assert_eq!(
        session["FieldProperties"]["CustomerName"]["FieldType"],
        "System.String"
    );
    for carrier in ["User", "Person", "Contact", "Project", "Sale", "Ticket"] {
        assert!(session[carrier]["TableRight"].is_object(), "{carrier}");
        assert!(session[carrier]["FieldProperties"].is_object(), "{carrier}");
    }
}

const SPEC_ORDER: [&str; 33] = [
    "ChatSessionId",
    "TopicId",
    "User",
    "Person",
    "CustomerAlias",
    "CustomerHost",
    "CustomerName",
    "CustomerEmail",
    "CustomerPhone",
    "CustomerConsented",
    "CustomerCompanyName",
    "Status",
    "FirstMessage",
    "LastMessage",
    "WhenRequested",
    "WhenStarted",
    "WhenEnded",
    "WhenIdle",
    "WhenFetched",
    "SessionKey",
    "InitialQueuePos",
    "AlertLevel",
    "Rank",
    "Flags",
    "Contact",
    "Project",
    "Sale",
    "Ticket",
    "TransferTo",
    "ChatbotIsActive",
    "Rating",
    "TableRight",
    "FieldProperties",
];
