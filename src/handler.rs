//! The one request handler, shared by the Lambda runtime and the local server.
//!
//! Route, choose the tenant's store, authenticate, pick up, render. Every failure is an
//! ordinary response (a `lambda_http` handler returning `Err` would become an opaque 502).

use std::sync::Arc;

use lambda_http::request::RequestContext;
use lambda_http::{Body, Request, RequestExt, Response};

use crate::auth::{self, Principal};
use crate::entity::CHAT_SESSION_ENTITY;
use crate::error::ApiError;
use crate::negotiate::{self, Format, NegotiationError};
use crate::render;
use crate::routes::{self, Route};
use crate::select::{SelectError, Selection};
use crate::store::{Pickup, Store, Stores};
use crate::time::Timestamp;

/// The realm named in `WWW-Authenticate`.
pub const REALM: &str = "chat-pickup";

pub struct App {
    stores: Arc<dyn Stores>,
}

impl App {
    pub fn new(stores: Arc<dyn Stores>) -> Self {
        Self { stores }
    }

    pub async fn handle(&self, request: Request) -> Response<Body> {
        let request_id = request_id(&request);
        let negotiated = negotiate::negotiate(request.headers());
        let error_format = match &negotiated {
            Ok(format) => *format,
            Err(_) => negotiate::fallback(request.headers()),
        };
        match self.serve(request, &request_id, negotiated).await {
            Ok(response) => response,
            Err(error) => {
                let status = error.status();
                if status.is_server_error() {
                    tracing::error!(
                        request_id,
                        status = status.as_u16(),
                        error = error.log_detail(),
                        "request failed"
                    );
                } else {
                    tracing::info!(
                        request_id,
                        status = status.as_u16(),
                        error = error.log_detail(),
                        "request refused"
                    );
                }
                error.into_response(error_format, &request_id, REALM)
            }
        }
    }

    async fn serve(
        &self,
        request: Request,
        request_id: &str,
        negotiated: Result<Format, NegotiationError>,
    ) -> Result<Response<Body>, ApiError> {
        let route = routes::resolve(request.method(), path(&request))?;
        // Before anything changes: a pickup whose answer cannot be sent must not happen.
        let format = negotiated?;
        let selection = selection(&request)?;
        let (store, principal) = self.authenticate(&route, &request).await?;
        let agent = principal.agent.clone();
        let now = Timestamp::now();
        let picked = blocking(move || store.pickup(&agent, now)).await??;
        log_pickup(request_id, &route, &principal, picked.as_ref());
        Ok(render::entity(
            format,
            picked.as_ref().map(|pickup| &pickup.session),
            &selection,
        ))
    }

    async fn authenticate(
        &self,
        route: &Route,
        request: &Request,
    ) -> Result<(Arc<dyn Store>, Principal), ApiError> {
        let stores = self.stores.clone();
        let tenant = route.tenant.clone();
        let headers = request.headers().clone();
        blocking(move || {
            let store = stores.store(tenant.as_ref())?;
            let principal = auth::authenticate(&headers, store.as_ref())?;
            Ok((store, principal))
        })
        .await?
    }
}

/// Runs blocking work (SQLite, argon2) off the async workers; a panic there is a 500.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|error| ApiError::Internal(format!("blocking task failed: {error}")))
}

/// The `$select` query parameters (the name matched case-insensitively, as ASP.NET does).
fn selection(request: &Request) -> Result<Selection, SelectError> {
    let lists: Vec<&str> = request
        .query_string_parameters_ref()
        .into_iter()
        .flat_map(|query| query.iter())
        .filter(|(name, _)| name.eq_ignore_ascii_case("$select"))
        .map(|(_, value)| value)
        .collect();
    Selection::parse(lists, &CHAT_SESSION_ENTITY)
}

/// The request path as the application sees it, without an API Gateway stage.
fn path(request: &Request) -> &str {
    let raw = match request.raw_http_path() {
        "" => request.uri().path(),
        raw => raw,
    };
    let stage = match request.request_context_ref() {
        Some(RequestContext::ApiGatewayV2(context)) => context.stage.as_deref(),
        _ => None,
    };
    routes::without_stage(raw, stage)
}

/// Lambda's request id, API Gateway's, or a fresh one for local runs.
fn request_id(request: &Request) -> String {
    if let Some(context) = request.lambda_context_ref() {
        return context.request_id.clone();
    }
    let gateway = match request.request_context_ref() {
        Some(RequestContext::ApiGatewayV1(context)) => context.request_id.clone(),
        Some(RequestContext::ApiGatewayV2(context)) => context.request_id.clone(),
        _ => None,
    };
    gateway.unwrap_or_else(local_request_id)
}

fn local_request_id() -> String {
    format!("local-{}", crate::random::hex::<8>())
}

fn log_pickup(request_id: &str, route: &Route, principal: &Principal, picked: Option<&Pickup>) {
    let tenant = route.tenant.as_ref().map_or("", |tenant| tenant.as_str());
    let user = principal.agent.name.as_str();
    match picked {
        Some(pickup) => tracing::info!(
            request_id,
            tenant,
            user,
            session_id = pickup.session_id,
            topic_id = pickup.topic_id,
            wait_ms = pickup.waited_ms,
            "picked up session"
        ),
        None => tracing::info!(request_id, tenant, user, "queue empty"),
    }
}
