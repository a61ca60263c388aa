//! Routes, 404/405 and tenant selection (spec section 1).

use chat_pickup::store::admin::NewTopic;
use http::header::ALLOW;
use http::{Method, StatusCode};
use serde_json::Value;
use test_support::app::{TestApp, add_agent};
use test_support::credentials::PASSWORD;
use test_support::given;

fn app() -> Option<TestApp> {
    let app = TestApp::new(crate::KIND)?;
    app.agent("tje0");
    app.topic("Sales", "Hi!");
    app.member("tje0", "Sales");
    Some(app)
}

#[tokio::test(flavor = "multi_thread")]
async fn both_routes_pick_up_in_any_case() {
    let app = given!(app());
    let paths = [
        "/api/v1/ChatSession/Pickup",
        "/api/v1/Agents/Chat/PickUpFirstChatSession",
        "/API/V1/chatsession/pickup",
    ];
    for (minutes, path) in (1..).zip(paths) {
        let id = app.enqueue("Sales", "customer", minutes);
        let response = app.send(Method::POST, path, Some(("tje0", PASSWORD))).await;
        assert_eq!(response.status, StatusCode::OK, "{path}: {}", response.body);
        assert_eq!(response.json()["ChatSessionId"], id, "{path}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn unknown_paths_are_404_and_other_methods_405() {
    let app = given!(app());
    for path in [
        "/",
        "/api/v1/ChatSessions",
        "/api/v1/ChatSession/Pickupx",
        "/x/y/api/v1/ChatSession/Pickup",
    ] {
        let response = app.send(Method::POST, path, Some(("tje0", PASSWORD))).await;
        assert_eq!(response.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(response.json()["status"], 404);
    }
    for method in [Method::GET, Method::PUT, Method::DELETE, Method::PATCH] {
        let response = app
            .send(
                method.clone(),
                "/api/v1/ChatSession/Pickup",
                Some(("tje0", PASSWORD)),
            )
            .await;
        assert_eq!(response.status, StatusCode::METHOD_NOT_ALLOWED, "{method}");
        assert_eq!(response.headers[ALLOW], "POST");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_tenant_prefix_selects_the_tenants_database() {
    let app = given!(app());
    let default_session = app.enqueue("Sales", "default customer", 5);
    let tenant = app.tenant("Cust12345");
    add_agent(tenant.as_ref(), "tje0");
    tenant.add_topic(&NewTopic::new("Support", "Hei!")).unwrap();
    tenant
        .add_member("tje0", "Support", test_support::credentials::RESPOND)
        .unwrap();
    let new = chat_pickup::store::admin::NewSession {
        topic: "Support".into(),
        customer_name: "tenant customer".into(),
        ..Default::default()
    };
    tenant
        .enqueue(&new, chat_pickup::time::Timestamp::now())
        .unwrap();

    let picked = app
        .send(
            Method::POST,
            "/Cust12345/api/v1/ChatSession/Pickup",
            Some(("tje0", PASSWORD)),
        )
        .await
        .json();
    assert_eq!(picked["CustomerName"], "tenant customer");
    assert_eq!(picked["LastMessage"], "Hei!");
    let picked = app
        .send(
            Method::POST,
            "/Cust12345/api/v1/Agents/Chat/PickUpFirstChatSession",
            Some(("tje0", PASSWORD)),
        )
        .await;
    assert_eq!(picked.json(), Value::Null);
    assert_eq!(
        app.int(&format!(
            "SELECT status FROM chat_session WHERE id = {default_session}"
        )),
        4,
        "default untouched"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unknown_tenant_is_404_and_no_database_is_created() {
    let app = given!(app());
    for tenant in ["nosuch", "NOSUCH2"] {
        let response = app
            .send(
                Method::POST,
                &format!("/{tenant}/api/v1/ChatSession/Pickup"),
                Some(("tje0", PASSWORD)),
            )
            .await;
        assert_eq!(response.status, StatusCode::NOT_FOUND);
        assert!(response.json()["detail"].as_str().unwrap().contains(tenant));
    }
    assert_eq!(tenants(&app), 0, "no tenant database is created");
}

/// How many tenant databases there are: files in the tenants directory, or schemas besides
/// the default one.
fn tenants(app: &TestApp) -> usize {
    if app.is_postgres() {
        let sql = "SELECT count(*) FROM information_schema.schemata \
                   WHERE schema_name NOT IN ('public', 'information_schema') \
                   AND schema_name NOT LIKE 'pg\\_%'";
        return app.int(sql) as usize;
    }
    std::fs::read_dir(app.backend.dir().join("tenants"))
        .unwrap()
        .count()
}
