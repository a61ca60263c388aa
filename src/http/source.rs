//! Where a request comes from: the client's address as the platform in front saw it - never
//! a header the client could have written itself.
//!
//! - API Gateway REST APIs: `requestContext.identity.sourceIp`.
//! - HTTP APIs and Lambda Function URLs: `requestContext.http.sourceIp`.
//! - Application Load Balancers: the last `X-Forwarded-For` hop, the one the balancer added.
//! - The local server: the connection's peer, which [`super::server`] puts on each request as
//!   a [`Peer`].
//!
//! Behind a proxy of one's own (a reverse proxy in front of the local server, CloudFront in
//! front of API Gateway) every request seems to come from the proxy. With
//! `--trust-forwarded-for` the last `X-Forwarded-For` hop - the one that proxy added - names
//! the client instead. It is off by default: without such a proxy the header is whatever the
//! client wrote.

use std::net::{IpAddr, SocketAddr};

use http::HeaderMap;
use lambda_http::request::RequestContext;
use lambda_http::{Request, RequestExt};

/// The peer address of a local-server connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Peer(pub SocketAddr);

/// Whether the last `X-Forwarded-For` hop names the client.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Forwarded {
    /// Only the platform says where a request comes from.
    #[default]
    Ignored,
    /// A proxy of the operator's own adds the hop.
    Trusted,
}

/// The client's address, if the request carries one that parses.
pub fn source(request: &Request, forwarded: Forwarded) -> Option<IpAddr> {
    if forwarded == Forwarded::Trusted
        && let Some(client) = last_forwarded_hop(request.headers())
    {
        return Some(client);
    }
    match request.request_context_ref() {
        Some(RequestContext::ApiGatewayV1(context)) => {
            address(context.identity.source_ip.as_deref())
        }
        Some(RequestContext::ApiGatewayV2(context)) => address(context.http.source_ip.as_deref()),
        Some(RequestContext::Alb(_)) => last_forwarded_hop(request.headers()),
        _ => request.extensions().get::<Peer>().map(|peer| peer.0.ip()),
    }
}

/// An address for the log: empty when there is none.
pub fn shown(source: Option<IpAddr>) -> String {
    source
        .map(|address| address.to_string())
        .unwrap_or_default()
}

fn address(text: Option<&str>) -> Option<IpAddr> {
    text?.trim().parse().ok()
}

/// The last address of the last `X-Forwarded-For` header.
fn last_forwarded_hop(headers: &HeaderMap) -> Option<IpAddr> {
    let last = headers.get_all("x-forwarded-for").iter().next_back()?;
    address(last.to_str().ok()?.rsplit(',').next())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(fixture: &str) -> Request {
        let path = format!(
            "{}/tests/fixtures/lambda_http/{fixture}",
            env!("CARGO_MANIFEST_DIR")
        );
        lambda_http::request::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    }

    fn source_of(request: &Request) -> Option<IpAddr> {
        source(request, Forwarded::Ignored)
    }

    fn ip(text: &str) -> Option<IpAddr> {
        Some(text.parse().unwrap())
    }

    #[test]
    fn each_platform_names_the_client_its_own_way() {
        assert_eq!(
            source_of(&event("apigw_proxy_request.json")),
            ip("192.168.100.1")
        );
        assert_eq!(
            source_of(&event("lambda_function_url_request.json")),
            ip("65.78.31.245")
        );
        assert_eq!(source_of(&event("alb_request.json")), ip("72.21.198.66"));
        assert_eq!(
            source_of(&event("apigw_v2_proxy_request.json")),
            None,
            "the fixture's sourceIp is a placeholder, not an address"
        );
    }

    #[test]
    fn behind_a_load_balancer_the_last_hop_counts_not_what_the_client_wrote() {
        let mut request = event("alb_request.json");
        request
            .headers_mut()
            .insert("x-forwarded-for", "6.6.6.6, 72.21.198.66".parse().unwrap());
        assert_eq!(source_of(&request), ip("72.21.198.66"));
    }

    #[test]
    fn locally_the_peer_and_never_a_header() {
        let mut request = http::Request::post("/api/v1/ChatSession/Pickup")
            .header("x-forwarded-for", "6.6.6.6")
            .body(lambda_http::Body::Empty)
            .unwrap();
        assert_eq!(source_of(&request), None);
        request
            .extensions_mut()
            .insert(Peer("127.0.0.2:50000".parse().unwrap()));
        assert_eq!(source_of(&request), ip("127.0.0.2"));
    }

    #[test]
    fn a_trusted_proxy_names_the_client_in_its_hop() {
        let mut request = event("apigw_proxy_request.json");
        request
            .headers_mut()
            .insert("x-forwarded-for", "6.6.6.6, 203.0.113.9".parse().unwrap());
        assert_eq!(source_of(&request), ip("192.168.100.1"), "not trusted");
        assert_eq!(
            source(&request, Forwarded::Trusted),
            ip("203.0.113.9"),
            "the proxy's hop, not what the client wrote before it"
        );
        request.headers_mut().remove("x-forwarded-for");
        assert_eq!(
            source(&request, Forwarded::Trusted),
            ip("192.168.100.1"),
            "no hop: the platform's address"
        );
    }
}
