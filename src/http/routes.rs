//! Which operation a request names (spec section 1): the route table.
//!
//! Routes are matched case-insensitively, as ASP.NET does, with or without a trailing slash.
//! An optional first segment names a tenant: `/{tenant}/api/v1/...`. Adding an operation is
//! a file in [`super::ops`] (and its `pub mod` line there) and a line in `ROUTES`.

use http::Method;

use super::ops::{Operation, pickup_first};
use crate::tenant::Tenant;

/// Every route: its path segments (lower case) and the operation it names.
const ROUTES: &[(&[&str], &dyn Operation)] = &[
    // The REST route of the seed.
    (
        &["api", "v1", "chatsession", "pickup"],
        &pickup_first::PickupFirst,
    ),
    // The RPC route the official client calls.
    (
        &["api", "v1", "agents", "chat", "pickupfirstchatsession"],
        &pickup_first::PickupFirst,
    ),
];

/// The methods every route answers, for `Allow`.
pub const ALLOW: &str = "POST";

/// The largest body accepted. No operation takes a body; a client may still send `{}`.
pub const MAX_BODY: usize = 1024;

/// A resolved request: the operation, and the tenant whose data it acts on.
#[derive(Clone)]
pub struct Route {
    pub operation: &'static dyn Operation,
    pub tenant: Option<Tenant>,
}

impl std::fmt::Debug for Route {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Route")
            .field("operation", &self.operation.name())
            .field("tenant", &self.tenant)
            .finish()
    }
}

#[derive(Debug, PartialEq, Eq)]
pub enum RouteError {
    NotFound,
    MethodNotAllowed,
}

/// Resolves `path` (without any API Gateway stage) and `method` to a route.
pub fn resolve(method: &Method, path: &str) -> Result<Route, RouteError> {
    let segments: Vec<&str> = path
        .split('/')
        .filter(|segment| !segment.is_empty())
        .collect();
    let route = ROUTES
        .iter()
        .find_map(|(pattern, operation)| matching(&segments, pattern, *operation))
        .ok_or(RouteError::NotFound)?;
    if method != Method::POST {
        return Err(RouteError::MethodNotAllowed);
    }
    Ok(route)
}

/// The route if `segments` are `pattern`, after at most one valid tenant name.
fn matching(
    segments: &[&str],
    pattern: &[&str],
    operation: &'static dyn Operation,
) -> Option<Route> {
    let (prefix, tail) = segments.split_at(segments.len().checked_sub(pattern.len())?);
    let matches = tail
        .iter()
        .zip(pattern)
        .all(|(segment, want)| segment.eq_ignore_ascii_case(want));
    let tenant = match prefix {
        [] => None,
        [tenant] => Some(Tenant::parse(tenant)?),
        _ => return None,
    };
    matches.then_some(Route { operation, tenant })
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
        post(path).unwrap().operation.name()
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
            "/api/v1/ChatSession",
            "/api/v1/ChatSession/Pickups",
            "/a/b/api/v1/ChatSession/Pickup",
            "/a.b/api/v1/ChatSession/Pickup",
            "/api/v2/ChatSession/Pickup",
        ] {
            assert_eq!(post(path).unwrap_err(), RouteError::NotFound, "{path}");
        }
    }

    #[test]
    fn other_methods_on_a_route_are_not_allowed() {
        for method in [Method::GET, Method::PUT, Method::DELETE, Method::HEAD] {
            assert_eq!(
                resolve(&method, "/api/v1/ChatSession/Pickup").unwrap_err(),
                RouteError::MethodNotAllowed
            );
        }
        assert_eq!(
            resolve(&Method::GET, "/nope").unwrap_err(),
            RouteError::NotFound
        );
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
