//! The pickup's behaviour (spec section 2), the same test code against SQLite and
//! PostgreSQL: order, eligibility, Rank, status, the welcome message, the topic's counters,
//! credentials, tenants - and concurrent callers.

use std::collections::HashSet;

use chat_pickup::account::secret::SecretKind;
use chat_pickup::store::admin::{NewSession, NewTopic, Rights};
use chat_pickup::time::Timestamp;
use chrono::{Duration, TimeZone, Utc};
use http::StatusCode;
use serde_json::Value;

use test_support::Backend;
use test_support::http::{id, pickup, post};

fn basic(user: &str) -> String {
    test_support::credentials::agent(user)
}
use test_support::on_both;

on_both!(
    oldest_request_first_then_lowest_id,
    only_eligible_sessions_are_picked_and_an_empty_queue_changes_nothing,
    rank_is_the_first_free_one,
    the_welcome_is_posted_in_the_topics_language,
    a_topic_without_welcome_leaves_the_customer_last,
    the_topic_counts_accepts_and_the_average_wait,
    secrets_and_deleted_associates,
    tenants_are_separate_and_never_created_by_a_request,
    concurrent_callers_never_share_a_session_or_a_rank,
    failed_logins_are_counted_forgotten_and_cleared_away,
);

/// An instant in the past, so waits are known and positive.
fn at(minutes_ago: i64) -> Timestamp {
    let anchor = Utc.with_ymd_and_hms(2026, 11, 1, 12, 0, 0).unwrap();
    Timestamp::from_utc(anchor - Duration::minutes(minutes_ago))
}

fn enqueue(backend: &Backend, topic: &str, customer: &str, minutes_ago: i64) -> i64 {
    let session = NewSession {
        topic: topic.into(),
        customer_name: customer.into(),
        ..NewSession::default()
    };
    backend.admin.enqueue(&session, at(minutes_ago)).unwrap()
}

async fn oldest_request_first_then_lowest_id(backend: Backend) {
    backend.agent("tje0");
    backend.topic("Sales", "Hi!", &["tje0"]);
    let app = backend.app(|app| app);
    let newer = enqueue(&backend, "Sales", "newer", 5);
    let tied_low = enqueue(&backend, "Sales", "tied low id", 10);
    let tied_high = enqueue(&backend, "Sales", "tied high id", 10);
    for expected in [tied_low, tied_high, newer] {
        assert_eq!(
            id(&pickup(&app, "tje0").await),
            expected,
            "{}",
            backend.name
        );
    }
    assert_eq!(pickup(&app, "tje0").await, Value::Null);
}

/// What a pickup writes, summed up: equal before and after means nothing changed.
fn footprint(backend: &Backend) -> Vec<i64> {
    backend.ints(
        "SELECT count(*) FROM chat_message UNION ALL \
         SELECT CAST(coalesce(sum(status * 1000 + rank), 0) AS BIGINT) FROM chat_session UNION ALL \
         SELECT CAST(coalesce(sum(accept_count), 0) AS BIGINT) FROM chat_topic UNION ALL \
         SELECT count(*) FROM chat_topic WHERE last_accept IS NOT NULL",
    )
}

async fn only_eligible_sessions_are_picked_and_an_empty_queue_changes_nothing(backend: Backend) {
    backend.agent("tje0");
    backend.agent("other");
    backend.topic("Sales", "Hi!", &["tje0"]);
    backend.topic("Foreign", "", &["other"]);
    backend.topic("ListenOnly", "", &[]);
    let listen = Rights {
        listen: true,
        ..Rights::default()
    };
    backend
        .admin
        .add_member("tje0", "ListenOnly", listen)
        .unwrap();
    let closed = enqueue(&backend, "Sales", "closed", 60);
    let bot = NewSession {
        topic: "Sales".into(),
        chatbot_active: true,
        ..NewSession::default()
    };
    let bot = backend.admin.enqueue(&bot, at(50)).unwrap();
    let transferring = enqueue(&backend, "Sales", "transfer pending", 40);
    enqueue(&backend, "Foreign", "not a member", 30);
    enqueue(&backend, "ListenOnly", "cannot respond", 20);
    let eligible = enqueue(&backend, "Sales", "eligible", 10);
    backend.exec(&format!(
        "UPDATE chat_session SET status = 9 WHERE id = {closed};
         UPDATE chat_session SET transfer_to = 2 WHERE id = {transferring};"
    ));
    let app = backend.app(|app| app);

    assert_eq!(id(&pickup(&app, "tje0").await), eligible);
    let before = footprint(&backend);
    assert_eq!(pickup(&app, "tje0").await, Value::Null);
    assert_eq!(
        footprint(&backend),
        before,
        "an empty queue changes nothing"
    );
    let still_waiting = backend.ints("SELECT id FROM chat_session WHERE status = 4 ORDER BY id");
    assert!(still_waiting.contains(&bot) && still_waiting.contains(&transferring));
}

async fn rank_is_the_first_free_one(backend: Backend) {
    backend.agent("tje0");
    backend.topic("Sales", "Hi!", &["tje0"]);
    for minutes in [4, 3, 2, 1] {
        enqueue(&backend, "Sales", "customer", minutes);
    }
    let app = backend.app(|app| app);
    let first = pickup(&app, "tje0").await;
    let second = pickup(&app, "tje0").await;
    assert_eq!(
        (first["Rank"].as_i64(), second["Rank"].as_i64()),
        (Some(1), Some(2))
    );
    // The first chat ends: its Rank is free again, and taken before a new one.
    backend.exec(&format!(
        "UPDATE chat_session SET status = 7 WHERE id = {}",
        id(&first)
    ));
    assert_eq!(pickup(&app, "tje0").await["Rank"].as_i64(), Some(1));
    assert_eq!(pickup(&app, "tje0").await["Rank"].as_i64(), Some(3));
}

async fn the_welcome_is_posted_in_the_topics_language(backend: Backend) {
    backend.agent("tje0");
    let welcome =
        r#"US:"Hi {customer}, {agent} here";NO:"Hei {customer}, dette er {agent} i {topic}""#;
    let topic = NewTopic {
        agent_first_name: true,
        ..NewTopic::new("Support", welcome).in_language("NO")
    };
    backend.admin.add_topic(&topic).unwrap();
    backend
        .admin
        .add_member("tje0", "Support", test_support::credentials::RESPOND)
        .unwrap();
    let session = enqueue(&backend, "Support", "Kari", 5);
    let app = backend.app(|app| app);

    let picked = pickup(&app, "tje0").await;
    let text = "Hei Kari, dette er tje0 i Support";
    assert_eq!(picked["Status"], "UserLast");
    assert_eq!(picked["LastMessage"], text);
    let messages = backend.texts(&format!(
        "SELECT message FROM chat_message WHERE session_id = {session} AND special_type = 1"
    ));
    assert_eq!(messages, [text]);
    let author = backend.texts(&format!(
        "SELECT author FROM chat_message WHERE session_id = {session}"
    ));
    assert_eq!(author, ["tje0 Fullname"]);
}

async fn a_topic_without_welcome_leaves_the_customer_last(backend: Backend) {
    backend.agent("tje0");
    backend.topic("Billing", "", &["tje0"]);
    let session = enqueue(&backend, "Billing", "Ola", 5);
    let app = backend.app(|app| app);
    let picked = pickup(&app, "tje0").await;
    assert_eq!(picked["Status"], "CustomerLast");
    let messages = format!("SELECT count(*) FROM chat_message WHERE session_id = {session}");
    assert_eq!(backend.int(&messages), 0);
}

async fn the_topic_counts_accepts_and_the_average_wait(backend: Backend) {
    backend.agent("tje0");
    let topic = backend.topic("Sales", "Hi!", &["tje0"]);
    let now = at(0);
    let app = backend.app(|app| app.with_clock(fixed_noon));
    // Waits of 10 and 25 minutes and 1 second: an average of 1,050.5 s, rounded up.
    enqueue(&backend, "Sales", "first", 10);
    backend
        .admin
        .enqueue(
            &NewSession {
                topic: "Sales".into(),
                ..NewSession::default()
            },
            Timestamp::from_utc(now.utc() - Duration::seconds(25 * 60 + 1)),
        )
        .unwrap();
    pickup(&app, "tje0").await;
    pickup(&app, "tje0").await;
    let counters = backend.ints(&format!(
        "SELECT accept_count FROM chat_topic WHERE id = {topic} UNION ALL \
         SELECT seconds_pr_accept FROM chat_topic WHERE id = {topic}"
    ));
    assert_eq!(counters, [2, 1051]);
    let stamped =
        format!("SELECT count(*) FROM chat_topic WHERE id = {topic} AND last_accept IS NOT NULL");
    assert_eq!(backend.int(&stamped), 1);
}

fn fixed_noon() -> Timestamp {
    at(0)
}

async fn secrets_and_deleted_associates(backend: Backend) {
    backend.agent("tje0");
    backend.agent("gone");
    backend.topic("Sales", "Hi!", &["tje0", "gone"]);
    for minutes in [3, 2, 1] {
        enqueue(&backend, "Sales", "customer", minutes);
    }
    let token = backend
        .admin
        .issue_secret("tje0", SecretKind::ApiToken, Timestamp::now(), None)
        .unwrap();
    let app = backend.app(|app| app);
    let path = "/api/v1/ChatSession/Pickup";
    let bearer = format!("Bearer {token}");
    let reply = post(&app, path, &[("authorization", &bearer)]).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);

    assert!(
        backend
            .admin
            .revoke_secret(SecretKind::ApiToken, &token)
            .unwrap()
    );
    let reply = post(&app, path, &[("authorization", &bearer)]).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);

    backend.admin.delete_associate("gone").unwrap();
    let reply = post(&app, path, &[("authorization", &basic("gone"))]).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    // The Basic login is case-insensitive, as in SuperOffice.
    let reply = post(&app, path, &[("authorization", &basic("TJE0"))]).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
}

async fn tenants_are_separate_and_never_created_by_a_request(backend: Backend) {
    backend.agent("tje0");
    backend.topic("Sales", "Hi!", &["tje0"]);
    enqueue(&backend, "Sales", "default customer", 5);
    let tenant = backend.tenant("acme");
    tenant
        .add_associate(
            "tje0",
            "",
            &chat_pickup::auth::password::hash(test_support::credentials::PASSWORD),
        )
        .unwrap();
    tenant.add_topic(&NewTopic::new("Support", "Hei!")).unwrap();
    tenant
        .add_member("tje0", "Support", test_support::credentials::RESPOND)
        .unwrap();
    let new = NewSession {
        topic: "Support".into(),
        customer_name: "tenant customer".into(),
        ..NewSession::default()
    };
    tenant.enqueue(&new, at(1)).unwrap();
    let app = backend.app(|app| app);
    let auth = basic("tje0");
    let reply = post(
        &app,
        "/acme/api/v1/ChatSession/Pickup",
        &[("authorization", &auth)],
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let picked: Value = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(picked["CustomerName"], "tenant customer");
    assert_eq!(picked["LastMessage"], "Hei!");

    // Neither a tenant nobody made nor the default schema's name (PostgreSQL's `public`).
    for nobody in ["nobody", "public"] {
        let path = format!("/{nobody}/api/v1/ChatSession/Pickup");
        let reply = post(&app, &path, &[("authorization", &auth)]).await;
        assert_eq!(
            reply.status,
            StatusCode::NOT_FOUND,
            "{nobody}: {}",
            reply.body
        );
    }
    assert_eq!(
        pickup(&app, "tje0").await["CustomerName"],
        "default customer"
    );
}

/// Eight agents, two callers each, drain 200 sessions: every session handed out once, with
/// one welcome message, and no agent given one Rank twice.
async fn concurrent_callers_never_share_a_session_or_a_rank(backend: Backend) {
    let agents: Vec<String> = (1..=8).map(|n| format!("agent{n}")).collect();
    for agent in &agents {
        backend.agent(agent);
    }
    let members: Vec<&str> = agents.iter().map(String::as_str).collect();
    backend.topic("Sales", "Hi {customer}!", &members);
    for n in 0..200 {
        enqueue(&backend, "Sales", &format!("customer {n}"), 1000 - n);
    }
    let app = backend.app(|app| app);
    let mut callers = Vec::new();
    for agent in agents.iter().chain(agents.iter()) {
        let (app, agent) = (app.clone(), agent.clone());
        callers.push(tokio::spawn(async move {
            let mut picked = Vec::new();
            loop {
                match pickup(&app, &agent).await {
                    Value::Null => return picked,
                    session => picked.push(id(&session)),
                }
            }
        }));
    }
    let mut all = Vec::new();
    for caller in callers {
        all.extend(caller.await.unwrap());
    }
    let distinct: HashSet<i64> = all.iter().copied().collect();
    assert_eq!((all.len(), distinct.len()), (200, 200), "{}", backend.name);
    let welcomes = "SELECT count(*) FROM chat_session s WHERE \
        (SELECT count(*) FROM chat_message m WHERE m.session_id = s.id AND m.special_type = 1) <> 1";
    assert_eq!(backend.int(welcomes), 0);
    let shared = "SELECT count(*) FROM (SELECT user_id, rank FROM chat_session \
        GROUP BY user_id, rank HAVING count(*) > 1) AS shared";
    assert_eq!(backend.int(shared), 0);
}

/// The store's half of login throttling: a count per name that grows, restarts once its
/// last failure is older than the forget instant, and takes stale names away with it.
async fn failed_logins_are_counted_forgotten_and_cleared_away(backend: Backend) {
    use chat_pickup::store::LoginFailures;
    let store = backend.stores.store(None).unwrap();
    let count = |name: &str| store.login_failures(name).unwrap();
    assert_eq!(count("a"), None);
    for minutes_ago in [30, 20, 10] {
        store
            .record_login_failure("a", at(minutes_ago), at(60))
            .unwrap();
    }
    store.record_login_failure("b", at(50), at(60)).unwrap();
    assert_eq!(
        count("a"),
        Some(LoginFailures {
            failures: 3,
            last: at(10),
        })
    );
    store.record_login_failure("a", at(0), at(15)).unwrap();
    assert_eq!(
        count("a"),
        Some(LoginFailures {
            failures: 4,
            last: at(0),
        }),
        "last failed 10 minutes ago, within the forget window"
    );
    store.record_login_failure("a", at(-60), at(-5)).unwrap();
    assert_eq!(
        count("a"),
        Some(LoginFailures {
            failures: 1,
            last: at(-60),
        }),
        "forgotten: starts again"
    );
    assert_eq!(count("b"), None, "stale: taken away");
}
