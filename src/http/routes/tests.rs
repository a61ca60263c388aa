//! The route table's tests: each route in any case, with or without a trailing slash, a
//! tenant's segment or a stage, and the 404s and 405s around them.

use super::*;

fn post(path: &str) -> Result<Route, RouteError> {
    find(path).resolve(&Method::POST)
}

fn operation(path: &str) -> &'static str {
    post(path).unwrap().operation.name
}

#[test]
fn both_routes_any_case_with_or_without_trailing_slash() {
    for path in [
        "/api/v1/ChatSession/Pickup",
        "/API/V1/chatsession/PICKUP",
        "/api/v1/ChatSession/Pickup/",
        "/api/v1/Agents/Chat/PickUpFirstChatSession",
    ] {
        assert_eq!(operation(path), "pickup-first", "{path}");
        assert_eq!(post(path).unwrap().tenant, None, "{path}");
    }
}

#[test]
fn a_first_segment_names_the_tenant() {
    let route = post("/Cust12345/api/v1/ChatSession/Pickup").unwrap();
    assert_eq!(route.tenant, Tenant::parse("Cust12345"));
}

#[test]
fn anything_else_is_not_found() {
    for path in [
        "/",
        "/api/v1/ChatSessions",
        "/api/v1/ChatSession/Pickups",
        "/a/b/api/v1/ChatSession/Pickup",
        "/a.b/api/v1/ChatSession/Pickup",
        "/api/v2/ChatSession/Pickup",
    ] {
        assert_eq!(post(path).unwrap_err(), RouteError::NotFound, "{path}");
    }
}

#[test]
fn a_pickup_by_id_takes_the_id_from_the_path_or_none_on_its_rpc_route() {
    let route = post("/Cust1/api/v1/ChatSession/42/Pickup").unwrap();
    assert_eq!(route.operation.name, "pickup-by-id");
    assert_eq!(route.id.as_deref(), Some("42"));
    let rpc = post("/api/v1/Agents/Chat/PickUpChatSession").unwrap();
    assert_eq!(rpc.operation.name, "pickup-by-id");
    assert_eq!(rpc.id, None);
    assert_eq!(post("/api/v1/ChatSession/Pickup").unwrap().id, None);
    assert_eq!(
        post("/api/v1/ChatSession/abc/Pickup").unwrap_err(),
        RouteError::NotFound,
        "an id is digits"
    );
}

#[test]
fn one_session_by_id_and_the_list_share_a_prefix_and_literal_segments_win() {
    let one = find("/api/v1/ChatSession/7").resolve(&Method::GET).unwrap();
    assert_eq!(one.operation.name, "session");
    assert_eq!(one.id.as_deref(), Some("7"));
    let list = find("/api/v1/ChatSession/ForCurrentUser")
        .resolve(&Method::GET)
        .unwrap();
    assert_eq!(list.operation.name, "sessions-for-user");
    assert_eq!(
        find("/api/v1/ChatSession/Pickup")
            .resolve(&Method::GET)
            .unwrap_err(),
        RouteError::MethodNotAllowed("POST".into())
    );
    assert_eq!(
        find("/api/v1/ChatSession/7")
            .resolve(&Method::POST)
            .unwrap_err(),
        RouteError::MethodNotAllowed("GET, PATCH, PUT".into())
    );
    let default = find("/api/v1/ChatSession/default")
        .resolve(&Method::GET)
        .unwrap();
    assert_eq!(default.operation.name, "default-session");
}

#[test]
fn a_transfer_takes_its_session_and_its_agent_from_the_path_the_agent_decoded() {
    let offer = post("/Cust1/api/v1/chatsession/5/TransferTo/kari%40example.no").unwrap();
    assert_eq!(offer.operation.name, "transfer");
    assert_eq!(offer.id.as_deref(), Some("5"));
    assert_eq!(offer.associate.as_deref(), Some("kari@example.no"));
    for (path, name) in [
        ("/api/v1/Agents/Chat/TransferChatSession", "transfer"),
        ("/api/v1/ChatSession/5/AcceptTransfer", "accept-transfer"),
        (
            "/api/v1/Agents/Chat/AcceptChatSessionTransfer",
            "accept-transfer",
        ),
        ("/api/v1/ChatSession/5/RejectTransfer", "reject-transfer"),
        (
            "/api/v1/Agents/Chat/RejectChatSessionTransfer",
            "reject-transfer",
        ),
    ] {
        let route = post(path).unwrap();
        assert_eq!(
            (route.operation.name, route.associate),
            (name, None),
            "{path}"
        );
    }
    assert_eq!(
        post("/api/v1/ChatSession/5/TransferTo").unwrap_err(),
        RouteError::NotFound,
        "an offer names its agent"
    );
}

#[test]
fn the_sessions_list_answers_get_on_its_rest_route_and_post_on_its_rpc_route() {
    for (method, path) in [
        (Method::GET, "/api/v1/ChatSession/ForCurrentUser"),
        (
            Method::POST,
            "/Cust1/api/v1/Agents/Chat/ChatSessionsForUser/",
        ),
    ] {
        let route = find(path).resolve(&method).unwrap();
        assert_eq!(route.operation.name, "sessions-for-user", "{path}");
    }
}

#[test]
fn other_methods_on_a_route_are_not_allowed_and_told_what_is() {
    for method in [Method::GET, Method::PUT, Method::DELETE, Method::HEAD] {
        assert_eq!(
            find("/api/v1/ChatSession/Pickup")
                .resolve(&method)
                .unwrap_err(),
            RouteError::MethodNotAllowed("POST".into())
        );
    }
    assert_eq!(
        find("/api/v1/ChatSession/ForCurrentUser")
            .resolve(&Method::POST)
            .unwrap_err(),
        RouteError::MethodNotAllowed("GET".into())
    );
    assert_eq!(
        find("/nope").resolve(&Method::GET).unwrap_err(),
        RouteError::NotFound
    );
    assert_eq!(
        find("/api/v1/chatsession/forcurrentuser")
            .allowed()
            .unwrap(),
        "GET"
    );
    assert_eq!(find("/nope").allowed().unwrap_err(), RouteError::NotFound);
}

#[test]
fn the_conversation_has_its_rest_routes_and_rpc_twins() {
    for (method, path, name) in [
        (
            Method::POST,
            "/api/v1/ChatSession/5/Messages",
            "add-message",
        ),
        (
            Method::POST,
            "/api/v1/Agents/Chat/AddChatMessage",
            "add-message",
        ),
        (Method::GET, "/api/v1/ChatSession/5/Messages", "messages"),
        (
            Method::POST,
            "/api/v1/Agents/Chat/GetChatMessages",
            "messages",
        ),
        (
            Method::POST,
            "/api/v1/ChatSession/5/Transcript",
            "transcript",
        ),
        (
            Method::POST,
            "/api/v1/Agents/Chat/GetChatTranscript",
            "transcript",
        ),
        (
            Method::POST,
            "/api/v1/ChatTopic/2/Sessions",
            "create-session",
        ),
        (
            Method::POST,
            "/api/v1/Agents/Chat/CreateChatSessionForTopic",
            "create-session",
        ),
        (
            Method::POST,
            "/api/v1/Agents/Chat/CreateDefaultChatSessionEntity",
            "default-session",
        ),
        (Method::POST, "/Cust1/api/v1/ChatSession", "save-session"),
        (
            Method::POST,
            "/api/v1/Agents/Chat/SaveChatSessionEntity",
            "save-session",
        ),
        (Method::PATCH, "/api/v1/ChatSession/5", "edit-session"),
        (Method::PUT, "/api/v1/ChatSession/5", "edit-session"),
    ] {
        let route = find(path).resolve(&method).unwrap();
        assert_eq!(route.operation.name, name, "{method} {path}");
    }
    let topic = post("/api/v1/ChatTopic/2/Sessions").unwrap();
    assert_eq!(topic.id.as_deref(), Some("2"));
}

#[test]
fn strips_a_named_stage_only() {
    assert_eq!(without_stage("/prod/api/v1/x", Some("prod")), "/api/v1/x");
    assert_eq!(without_stage("/api/v1/x", Some("prod")), "/api/v1/x");
    assert_eq!(
        without_stage("/production/api", Some("prod")),
        "/production/api"
    );
    assert_eq!(without_stage("/api/v1/x", Some("$default")), "/api/v1/x");
    assert_eq!(without_stage("/api/v1/x", None), "/api/v1/x");
}

#[test]
fn a_page_signs_in_and_out_on_its_own_routes_with_or_without_a_tenant() {
    assert_eq!(operation("/api/v1/Auth/SignIn"), "sign-in");
    assert_eq!(operation("/api/v1/auth/signout/"), "sign-out");
    let route = post("/Cust12345/api/v1/Auth/SignIn").unwrap();
    assert_eq!(route.tenant, Tenant::parse("Cust12345"));
    assert_eq!(
        find("/api/v1/Auth/SignIn")
            .resolve(&Method::GET)
            .unwrap_err(),
        RouteError::MethodNotAllowed("POST".into())
    );
    assert!(
        find("/api/v1/Auth/SignIn").for_customers().is_none(),
        "an agent's page, not a customer's"
    );
}
