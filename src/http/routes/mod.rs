//! Which operation a request names (spec section 1): the route table.
//!
//! Routes are matched case-insensitively, as ASP.NET does, with or without a trailing slash.
//! An optional first segment names a tenant: `/{tenant}/api/v1/...`. Adding an operation is
//! a file in [`super::ops`] (and its `pub mod` line there) and its lines in `ROUTES`. A path
//! that is a route's, asked with another method, is a 405 naming the methods it answers.

use http::Method;

use super::error::RouteError;
use super::ops::Audience;
use super::ops::edit::EDIT;
use super::ops::for_current_user::FOR_CURRENT_USER;
use super::ops::get_session::GET_SESSION;
use super::ops::pickup_by_id::PICKUP_BY_ID;
use super::ops::pickup_first::PICKUP_FIRST;
use super::ops::reset::RESET;
use super::ops::transcript::TRANSCRIPT;
use super::ops::{Operation, create, customer, messages, transfer};
use crate::account::tenant::Tenant;

/// Every route: its method, its path (lower case, without the leading slash; [`ID`] stands for
/// a session's id, [`ASSOCIATE`] for an associate) and the operation it names. Each
/// operation has SuperOffice's REST route and the RPC route its official client calls.
const ROUTES: &[(Method, &str, &Operation)] = &[
    (Method::POST, "api/v1/chatsession/pickup", &PICKUP_FIRST),
    (
        Method::POST,
        "api/v1/agents/chat/pickupfirstchatsession",
        &PICKUP_FIRST,
    ),
    (
        Method::POST,
        "api/v1/chatsession/{id}/pickup",
        &PICKUP_BY_ID,
    ),
    (
        Method::POST,
        "api/v1/agents/chat/pickupchatsession",
        &PICKUP_BY_ID,
    ),
    (Method::POST, "api/v1/chatsession/{id}/reset", &RESET),
    (Method::POST, "api/v1/agents/chat/resetchatsession", &RESET),
    (
        Method::GET,
        "api/v1/chatsession/forcurrentuser",
        &FOR_CURRENT_USER,
    ),
    (
        Method::POST,
        "api/v1/agents/chat/chatsessionsforuser",
        &FOR_CURRENT_USER,
    ),
    (
        Method::POST,
        "api/v1/chatsession/{id}/transferto/{toAssociate}",
        &transfer::OFFER,
    ),
    (
        Method::POST,
        "api/v1/agents/chat/transferchatsession",
        &transfer::OFFER,
    ),
    (
        Method::POST,
        "api/v1/chatsession/{id}/accepttransfer",
        &transfer::ACCEPT,
    ),
    (
        Method::POST,
        "api/v1/agents/chat/acceptchatsessiontransfer",
        &transfer::ACCEPT,
    ),
    (
        Method::POST,
        "api/v1/chatsession/{id}/rejecttransfer",
        &transfer::REJECT,
    ),
    (
        Method::POST,
        "api/v1/agents/chat/rejectchatsessiontransfer",
        &transfer::REJECT,
    ),
    (
        Method::POST,
        "api/v1/chatsession/{id}/messages",
        &messages::ADD,
    ),
    (
        Method::POST,
        "api/v1/agents/chat/addchatmessage",
        &messages::ADD,
    ),
    (
        Method::GET,
        "api/v1/chatsession/{id}/messages",
        &messages::READ,
    ),
    (
        Method::POST,
        "api/v1/agents/chat/getchatmessages",
        &messages::READ,
    ),
    (
        Method::POST,
        "api/v1/chatsession/{id}/transcript",
        &TRANSCRIPT,
    ),
    (
        Method::POST,
        "api/v1/agents/chat/getchattranscript",
        &TRANSCRIPT,
    ),
    (
        Method::POST,
        "api/v1/chattopic/{id}/sessions",
        &create::FOR_TOPIC,
    ),
    (
        Method::POST,
        "api/v1/agents/chat/createchatsessionfortopic",
        &create::FOR_TOPIC,
    ),
    (Method::GET, "api/v1/chatsession/default", &create::DEFAULT),
    (
        Method::POST,
        "api/v1/agents/chat/createdefaultchatsessionentity",
        &create::DEFAULT,
    ),
    (Method::POST, "api/v1/chatsession", &create::SAVE),
    (
        Method::POST,
        "api/v1/agents/chat/savechatsessionentity",
        &create::SAVE,
    ),
    (
        Method::POST,
        "api/v1/customer/chattopic/{id}/sessions",
        &customer::START,
    ),
    (
        Method::GET,
        "api/v1/customer/chatsession/{id}",
        &customer::VIEW,
    ),
    (
        Method::GET,
        "api/v1/customer/chatsession/{id}/messages",
        &customer::MESSAGES,
    ),
    (
        Method::POST,
        "api/v1/customer/chatsession/{id}/messages",
        &customer::SAY,
    ),
    (
        Method::POST,
        "api/v1/customer/chatsession/{id}/end",
        &customer::END,
    ),
    (Method::PATCH, "api/v1/chatsession/{id}", &EDIT),
    (Method::PUT, "api/v1/chatsession/{id}", &EDIT),
    // After the list: a literal segment is matched before an id.
    (Method::GET, "api/v1/chatsession/{id}", &GET_SESSION),
    // The reference documents GET; the official client POSTs.
    (
        Method::GET,
        "api/v1/agents/chat/getchatsessionentity",
        &GET_SESSION,
    ),
    (
        Method::POST,
        "api/v1/agents/chat/getchatsessionentity",
        &GET_SESSION,
    ),
];

/// The segment of a pattern that a path segment of digits fills: the session's id (as
/// ASP.NET's `{id:int}`: anything else there is another path).
const ID: &str = "{id}";

/// The segment of a pattern that names an associate (a login name or an id): any segment,
/// percent-decoded.
const ASSOCIATE: &str = "{toAssociate}";

/// Every method some route answers, for CORS.
pub const METHODS: &str = "GET, POST, PUT, PATCH";

/// A resolved request: the operation, and the tenant whose data it acts on.
#[derive(Clone)]
pub struct Route {
    pub operation: &'static Operation,
    pub tenant: Option<Tenant>,
    /// The path's segment where the pattern has `{id}`, as sent.
    pub id: Option<String>,
    /// The path's segment where the pattern has `{toAssociate}`, percent-decoded.
    pub associate: Option<String>,
}

impl std::fmt::Debug for Route {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Route")
            .field("operation", &self.operation.name)
            .field("tenant", &self.tenant)
            .field("id", &self.id)
            .field("associate", &self.associate)
            .finish()
    }
}

/// Resolves `path` (without any API Gateway stage) and `method` to a route.
pub fn resolve(method: &Method, path: &str) -> Result<Route, RouteError> {
    let found = routes_of(path);
    let allowed = methods(&found)?;
    found
        .into_iter()
        .find_map(|(answers, route)| (answers == method).then_some(route))
        .ok_or(RouteError::MethodNotAllowed(allowed))
}

/// The customers' route at `path`, if it is one (whatever the method: a preflight asks
/// before the call).
pub fn for_customers(path: &str) -> Option<Route> {
    routes_of(path)
        .into_iter()
        .map(|(_, route)| route)
        .find(|route| route.operation.audience != Audience::Agent)
}

/// The methods `path` answers, as `Allow` lists them; a path no route has is not found.
pub fn allowed(path: &str) -> Result<String, RouteError> {
    methods(&routes_of(path))
}

fn methods(found: &[(&Method, Route)]) -> Result<String, RouteError> {
    let mut methods: Vec<&str> = found.iter().map(|(method, _)| method.as_str()).collect();
    methods.sort_unstable();
    methods.dedup();
    match methods.is_empty() {
        true => Err(RouteError::NotFound),
        false => Ok(methods.join(", ")),
    }
}

/// The routes whose path is `path`, with the method each answers.
fn routes_of(path: &str) -> Vec<(&'static Method, Route)> {
    let segments: Vec<&str> = path
        .split('/')
        .filter(|segment| !segment.is_empty())
        .collect();
    ROUTES
        .iter()
        .filter_map(|(method, pattern, operation)| {
            matching(&segments, pattern, operation).map(|route| (method, route))
        })
        .collect()
}

/// The route if `segments` are `pattern`, after at most one valid tenant name.
fn matching(segments: &[&str], pattern: &str, operation: &'static Operation) -> Option<Route> {
    let length = pattern.split('/').count();
    let (prefix, tail) = segments.split_at(segments.len().checked_sub(length)?);
    let pairs = || tail.iter().zip(pattern.split('/'));
    let matches = pairs().all(|(segment, want)| match want {
        ID => !segment.is_empty() && segment.bytes().all(|byte| byte.is_ascii_digit()),
        ASSOCIATE => true,
        want => segment.eq_ignore_ascii_case(want),
    });
    let tenant = match prefix {
        [] => None,
        [tenant] => Some(Tenant::parse(tenant)?),
        _ => return None,
    };
    let filling = |hole: &str| {
        pairs()
            .find(|(_, want)| *want == hole)
            .map(|(segment, _)| *segment)
    };
    let associate = filling(ASSOCIATE).map(|segment| {
        percent_encoding::percent_decode_str(segment)
            .decode_utf8_lossy()
            .into_owned()
    });
    matches.then(|| Route {
        operation,
        tenant,
        id: filling(ID).map(str::to_string),
        associate,
    })
}

/// The path as the application sees it: `raw` with a leading `/{stage}` removed.
pub fn without_stage<'a>(raw: &'a str, stage: Option<&str>) -> &'a str {
    let Some(stage) = stage.filter(|stage| !stage.is_empty() && *stage != "$default") else {
        return raw;
    };
    match raw
        .strip_prefix('/')
        .and_then(|rest| rest.strip_prefix(stage))
    {
        Some(rest) if rest.is_empty() || rest.starts_with('/') => rest,
        _ => raw,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn post(path: &str) -> Result<Route, RouteError> {
        resolve(&Method::POST, path)
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
        let one = resolve(&Method::GET, "/api/v1/ChatSession/7").unwrap();
        assert_eq!(one.operation.name, "session");
        assert_eq!(one.id.as_deref(), Some("7"));
        let list = resolve(&Method::GET, "/api/v1/ChatSession/ForCurrentUser").unwrap();
        assert_eq!(list.operation.name, "sessions-for-user");
        assert_eq!(
            resolve(&Method::GET, "/api/v1/ChatSession/Pickup").unwrap_err(),
            RouteError::MethodNotAllowed("POST".into())
        );
        assert_eq!(
            resolve(&Method::POST, "/api/v1/ChatSession/7").unwrap_err(),
            RouteError::MethodNotAllowed("GET, PATCH, PUT".into())
        );
        let default = resolve(&Method::GET, "/api/v1/ChatSession/default").unwrap();
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
            let route = resolve(&method, path).unwrap();
            assert_eq!(route.operation.name, "sessions-for-user", "{path}");
        }
    }

    #[test]
    fn other_methods_on_a_route_are_not_allowed_and_told_what_is() {
        for method in [Method::GET, Method::PUT, Method::DELETE, Method::HEAD] {
            assert_eq!(
                resolve(&method, "/api/v1/ChatSession/Pickup").unwrap_err(),
                RouteError::MethodNotAllowed("POST".into())
            );
        }
        assert_eq!(
            resolve(&Method::POST, "/api/v1/ChatSession/ForCurrentUser").unwrap_err(),
            RouteError::MethodNotAllowed("GET".into())
        );
        assert_eq!(
            resolve(&Method::GET, "/nope").unwrap_err(),
            RouteError::NotFound
        );
        assert_eq!(
            allowed("/api/v1/chatsession/forcurrentuser").unwrap(),
            "GET"
        );
        assert_eq!(allowed("/nope").unwrap_err(), RouteError::NotFound);
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
            let route = resolve(&method, path).unwrap();
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
}
