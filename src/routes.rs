//! Which operation a request names (spec section 1).
//!
//! Both routes are matched case-insensitively, as ASP.NET does. An optional first segment
//! names a tenant: `/{tenant}/api/v1/...`.

use http::Method;

use crate::tenant::Tenant;

/// The two spellings of the one pickup operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Endpoint {
    /// `POST /api/v1/ChatSession/Pickup`: the REST route of the seed.
    ChatSessionPickup,
    /// `POST /api/v1/Agents/Chat/PickUpFirstChatSession`: the RPC route the official client calls.
    AgentsPickUpFirstChatSession,
}

const ROUTES: [(Endpoint, &[&str]); 2] = [
    (
        Endpoint::ChatSessionPickup,
        &["api", "v1", "chatsession", "pickup"],
    ),
    (
        Endpoint::AgentsPickUpFirstChatSession,
        &["api", "v1", "agents", "chat", "pickupfirstchatsession"],
    ),
];

/// The methods the pickup routes answer, for `Allow`.
pub const ALLOW: &str = "POST";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Route {
    pub endpoint: Endpoint,
    pub tenant: Option<Tenant>,
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
    let route = ROUTES.iter().find_map(|(endpoint, pattern)| {
        let (prefix, tail) = segments.split_at(segments.len().checked_sub(pattern.len())?);
        let matches = tail
            .iter()
            .zip(pattern.iter())
            .all(|(segment, want)| segment.eq_ignore_ascii_case(want));
        let tenant = match prefix {
            [] => None,
            [tenant] => Some(Tenant::parse(tenant)),
            _ => return None,
        };
        match (matches, tenant) {
            (true, None) => Some(Some(Route {
                endpoint: *endpoint,
                tenant: None,
            })),
            (true, Some(Some(tenant))) => Some(Some(Route {
                endpoint: *endpoint,
                tenant: Some(tenant),
            })),
            (true, Some(None)) => Some(None),
            (false, _) => None,
        }
    });
    let route = route.flatten().ok_or(RouteError::NotFound)?;
    if method != Method::POST {
        return Err(RouteError::MethodNotAllowed);
    }
    Ok(route)
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

    #[test]
    fn both_routes_any_case_with_or_without_trailing_slash() {
        for path in [
            "/api/v1/ChatSession/Pickup",
            "/API/V1/chatsession/PICKUP",
            "/api/v1/ChatSession/Pickup/",
        ] {
            assert_eq!(
                post(path).unwrap(),
                Route {
                    endpoint: Endpoint::ChatSessionPickup,
                    tenant: None
                },
                "{path}"
            );
        }
        let agents = post("/api/v1/Agents/Chat/PickUpFirstChatSession").unwrap();
        assert_eq!(agents.endpoint, Endpoint::AgentsPickUpFirstChatSession);
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
            assert_eq!(post(path), Err(RouteError::NotFound), "{path}");
        }
    }

    #[test]
    fn other_methods_on_a_pickup_route_are_not_allowed() {
        for method in [Method::GET, Method::PUT, Method::DELETE, Method::HEAD] {
            assert_eq!(
                resolve(&method, "/api/v1/ChatSession/Pickup"),
                Err(RouteError::MethodNotAllowed)
            );
        }
        assert_eq!(resolve(&Method::GET, "/nope"), Err(RouteError::NotFound));
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
