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
use super::ops::sign_in::{SIGN_IN, SIGN_OUT};
use super::ops::transcript::TRANSCRIPT;
use super::ops::{Operation, create, customer, messages, transfer};
use crate::account::tenant::Tenant;

/// Every route: its method, its path (lower case, without the leading slash; [`ID`] stands for
/// a session's id, [`ASSOCIATE`] for an associate) and the operation it names. Each
/// operation has SuperOffice's REST route and the RPC route its official client calls - but
/// a page's sign-in and sign-out, which are ours.
const ROUTES: &[(Method, &str, &Operation)] = &[
    (Method::POST, "api/v1/auth/signin", &SIGN_IN),
    (Method::POST, "api/v1/auth/signout", &SIGN_OUT),
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

/// The routes whose path is a request's, each with the method it answers: looked up once a
/// request, and asked what the request needs of them.
pub struct Found(Vec<(&'static Method, Route)>);

/// The routes at `path` (without any API Gateway stage).
pub fn find(path: &str) -> Found {
    Found(routes_of(path))
}

impl Found {
    /// The route `method` takes.
    pub fn resolve(self, method: &Method) -> Result<Route, RouteError> {
        let allowed = self.allowed()?;
        self.0
            .into_iter()
            .find_map(|(answers, route)| (answers == method).then_some(route))
            .ok_or(RouteError::MethodNotAllowed(allowed))
    }

    /// The customers' route, if this is one (whatever the method: a preflight asks before
    /// the call).
    pub fn for_customers(&self) -> Option<&Route> {
        self.0.iter().map(|(_, route)| route).find(|route| {
            matches!(
                route.operation.audience,
                Audience::Customer | Audience::Anyone
            )
        })
    }

    /// The methods the path answers, as `Allow` lists them; a path no route has is not
    /// found.
    pub fn allowed(&self) -> Result<String, RouteError> {
        let mut methods: Vec<&str> = self.0.iter().map(|(method, _)| method.as_str()).collect();
        methods.sort_unstable();
        methods.dedup();
        match methods.is_empty() {
            true => Err(RouteError::NotFound),
            false => Ok(methods.join(", ")),
        }
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
    // Most patterns do not match: nothing is parsed or decoded for them.
    if !matches {
        return None;
    }
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
    Some(Route {
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
mod tests;
