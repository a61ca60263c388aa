//! What a pickup does (spec section 2), observed through the handler and the database file.

use chat_pickup::store::admin::{NewSession, NewTopic, Rights};
use serde_json::Value;
use test_support::app::{TestApp, links_all};
use test_support::given;

/// One agent `tje0` responding in topic "Sales" (welcome "Hi!").
fn sales() -> Option<TestApp> {
    let app = TestApp::new(crate::KIND)?;
    app.agent("tje0");
    app.topic("Sales", "Hi!");
    app.member("tje0", "Sales");
    Some(app)
}

fn id(session: &Value) -> i64 {
    session["ChatSessionId"]
        .as_i64()
        .unwrap_or_else(|| panic!("not a session: {session}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn oldest_request_first_then_lowest_id() {
    let app = given!(sales());
    let newer = app.enqueue("Sales", "newer", 5);
    let tied_low = app.enqueue("Sales", "tied low id", 10);
    let tied_high = app.enqueue("Sales", "tied high id", 10);
    for expected in [tied_low, tied_high, newer] {
        assert_eq!(id(&app.pickup("tje0").await), expected);
    }
    assert_eq!(app.pickup("tje0").await, Value::Null);
}

#[tokio::test(flavor = "multi_thread")]
async fn only_eligible_sessions_are_picked() {
    let app = given!(sales());
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
    app.exec(&format!(
        "UPDATE chat_session SET status = 9 WHERE id = {closed}"
    ));
    app.exec(&format!(
        "UPDATE chat_session SET transfer_to = 2 WHERE id = {transferring}"
    ));

    assert_eq!(id(&app.pickup("tje0").await), eligible);
    let before = app.snapshot();
    assert_eq!(app.pickup("tje0").await, Value::Null);
    assert_eq!(app.snapshot(), before, "an empty queue changes nothing");
    assert_eq!(
        app.int(&format!("SELECT status FROM chat_session WHERE id = {bot}")),
        4
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn rank_is_the_lowest_number_free_among_active_sessions() {
    let app = given!(sales());
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
    app.exec(&format!(
        "UPDATE chat_session SET status = 7 WHERE id = {}",
        id(&first[1])
    ));
    app.exec(&format!(
        "UPDATE chat_session SET status = 5 WHERE id = {}",
        id(&first[2])
    ));
    assert_eq!(app.pickup("tje0").await["Rank"], 2);
    assert_eq!(app.pickup("tje0").await["Rank"], 4);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_welcome_message_is_posted_and_copied_to_the_session() {
    let app = given!(sales());
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
    let message = app.backend.ints(&format!(
        "SELECT m.type FROM chat_message m WHERE m.session_id = {session} UNION ALL \
         SELECT m.special_type FROM chat_message m WHERE m.session_id = {session} UNION ALL \
         SELECT m.created_by FROM chat_message m WHERE m.session_id = {session} UNION ALL \
         SELECT CASE WHEN m.read_by_customer THEN 1 ELSE 0 END FROM chat_message m \
           WHERE m.session_id = {session} UNION ALL \
         SELECT CASE WHEN m.when_posted = s.when_started THEN 1 ELSE 0 END \
           FROM chat_message m JOIN chat_session s ON s.id = m.session_id WHERE m.session_id = {session}"
    ));
    assert_eq!(
        message,
        [1, 1, 1, 0, 1],
        "type, special, author id, unread, posted at the start"
    );
    let author = app.text(&format!(
        "SELECT author FROM chat_message WHERE session_id = {session}"
    ));
    assert_eq!(author, "tje0 Fullname");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_customers_first_message_is_kept() {
    let app = given!(sales());
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

#[tokio::test(flavor = "multi_thread")]
async fn without_a_welcome_message_nothing_is_posted_and_the_customer_spoke_last() {
    let app = given!(sales());
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

#[tokio::test(flavor = "multi_thread")]
async fn a_multi_language_welcome_speaks_the_topics_language() {
    let app = given!(TestApp::new(crate::KIND));
    app.agent("tje0");
    let welcome = r#"US:"Welcome!";NO:"Velkommen!""#;
    app.admin
        .add_topic(&NewTopic::new("Norsk", welcome).in_language("NO"))
        .unwrap();
    app.admin
        .add_topic(&NewTopic::new("Deutsch", welcome).in_language("GE"))
        .unwrap();
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

#[tokio::test(flavor = "multi_thread")]
async fn the_topic_counts_accepts_and_averages_the_wait() {
    let app = given!(sales());
    app.enqueue("Sales", "waited longer", 20);
    app.enqueue("Sales", "waited less", 10);
    let first = app.pickup("tje0").await;
    let second = app.pickup("tje0").await;
    let counters = app.backend.ints(&format!(
        "SELECT CASE WHEN t.last_accept = s.when_started THEN 1 ELSE 0 END \
           FROM chat_topic t JOIN chat_session s ON s.id = {} WHERE t.name = 'Sales' UNION ALL \
         SELECT seconds_pr_accept FROM chat_topic WHERE name = 'Sales' UNION ALL \
         SELECT accept_count FROM chat_topic WHERE name = 'Sales'",
        id(&second)
    ));
    let [last_accept_is_second, average, count] = counters[..] else {
        panic!("{counters:?}");
    };
    assert_eq!(count, 2);
    assert_eq!(
        last_accept_is_second, 1,
        "last_accept is the second pickup's moment"
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

#[tokio::test(flavor = "multi_thread")]
async fn the_entity_has_every_property_in_order_and_every_carrier_loaded() {
    let app = given!(sales());
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
            Some(("tje0", test_support::credentials::PASSWORD)),
        )
        .await
        .body;
    assert_eq!(test_support::app::top_level_keys(&body), SPEC_ORDER);

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
