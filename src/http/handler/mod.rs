//! The one request handler, shared by the Lambda runtime and the local server.
//!
//! Refuse foreign pages, answer preflights, route, check the body size, `Accept`, the
//! language and time-zone headers and `$select` - all before anything changes - refuse a
//! caller whose failed sign-ins say to wait, then choose the tenant's store, authenticate, resolve the zone and string resources, run the route's
//! operation ([`super::ops`]), render.
//! Every failure, a panic included, is an ordinary problem response (a `lambda_http` handler
//! returning `Err` would become an opaque 502, a panic a dead instance).
//!
//! Here: the [`App`] and the way from request to response; its builders are in `build.rs`,
//! the long poll
//! (`poll`, `wait`, `ring`) is in `wait.rs`, the trip to the blocking pool that authenticates
//! and runs the operation (`perform`) in `perform.rs`, a page's sign-in and its cookies in
//! `sign_in.rs`. The service's own pages (`pages`) are answered before any of it.

use std::any::Any;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Once};
use std::time::{Duration, Instant};

use futures_util::FutureExt;
use http::header::{CONTENT_LANGUAGE, HeaderValue};
use http::{HeaderMap, StatusCode};

use lambda_http::{Body, Request, Response};

use super::bind::bind;
use super::body::MAX_BODY;
use super::cors::{self, Cors, Verdict};
use super::delivery::{Receipt, Watch};
use super::encoding;
use super::error::ApiError;
use super::exchange::Exchange;
use super::in_flight::InFlight;
use super::limits::Limiter;
use super::ops::{Audience, Bound, Content, Run};
use super::pages;
use super::render::{self, View};
use super::request::{idempotency_key, path, selection};
use super::routes::{self, Route};
use super::source::Forwarded;
use crate::auth::credentials::BasicCredentials;
use crate::auth::{AuthFailure, Authenticator, Caller, REALM};
use crate::chat::idempotency::IdempotencyKey;
use crate::locale::Zone;
use crate::store::bells::Bells;
use crate::store::{Place, Stores};
use crate::telemetry;
use crate::time::Timestamp;
use crate::webhook::Sender;
use perform::blocking;
use wait::Read;

mod build;
mod perform;
mod sign_in;
mod wait;

/// The response header naming the zone instants are printed in.
pub const SO_TIMEZONE: &str = "SO-TimeZone";

/// The response header of an answer replayed for a repeated `Idempotency-Key`.
pub const IDEMPOTENT_REPLAYED: &str = "Idempotent-Replayed";

/// How long an `Idempotency-Key` is remembered by default.
pub const KEY_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);

pub struct App {
    stores: Arc<dyn Stores>,
    cors: Cors,
    auth: Arc<Authenticator>,
    /// The zone when neither the request nor the associate names one.
    default_zone: Zone,
    /// What time it is; tests set it to see a pickup in winter and in summer.
    clock: fn() -> Timestamp,
    /// Whether a proxy's `X-Forwarded-For` hop names the client.
    forwarded: Forwarded,
    /// How long an `Idempotency-Key` is remembered.
    key_lifetime: Duration,
    /// The keys of the requests being answered.
    in_flight: Arc<InFlight>,
    /// How long a customer's chat stays alive without a fetch.
    customer_idle: Duration,
    /// The most customers a topic's queue holds; `None`: no cap.
    max_queue: Option<i64>,
    /// The sessions customers wait on in long polls.
    bells: Arc<Bells>,
    /// Whether the stores watch for changes committed elsewhere: from the first long poll.
    watching: Once,
    /// The customers' rates.
    limiter: Arc<Limiter>,
    /// Told of every committed change, so its events go out at once; `None`: the events
    /// wait in the outbox for whoever sends them.
    sender: Option<Arc<Sender>>,
    /// Whether the demo's page is served (`--demo`).
    demo: bool,
}

impl App {
    /// Answers `request`; never fails. Every failure is a problem response in the caller's
    /// format - a panic while serving too. (What runs before, reading the headers into an
    /// `Exchange`, is property-tested parsing.)
    pub async fn handle(&self, request: Request) -> Response<Body> {
        let receipt = Receipt::default();
        let response = self.answer(request, &receipt).await;
        receipt.delivered();
        response
    }

    /// As [`App::handle`], leaving it to the caller to say on `receipt` whether the answer
    /// was delivered (the local server knows only once the body is written). Dropped before
    /// it is done, the answer counts as lost: a pickup it committed is logged as undelivered.
    ///
    /// (An `async` block rather than an `async fn`: an `async fn` keeps its arguments twice,
    /// and a waiting customer holds this future for up to 25 s.)
    #[expect(
        clippy::manual_async_fn,
        reason = "an async fn keeps its arguments twice"
    )]
    pub fn answer<'a>(
        &'a self,
        request: Request,
        receipt: &'a Receipt,
    ) -> impl Future<Output = Response<Body>> + Send + 'a {
        async move {
            let started = Instant::now();
            let watch = Watch::new(receipt);
            let exchange = Exchange::of(&request, &self.cors, &self.default_zone, self.forwarded);
            let served = AssertUnwindSafe(self.serve(&request, &exchange, receipt))
                .catch_unwind()
                .await
                .unwrap_or_else(|panic| Err(ApiError::Internal(panic_message(panic.as_ref()))));
            let response = self.finish(&exchange, served);
            watch.disarm();
            let operation = exchange.operation.get().copied().unwrap_or("unrouted");
            telemetry::request(operation, response.status().as_u16(), started.elapsed());
            response
        }
    }

    fn finish(
        &self,
        exchange: &Exchange,
        served: Result<Response<Body>, ApiError>,
    ) -> Response<Body> {
        let mut response = served.unwrap_or_else(|error| {
            exchange.log_failure(&error);
            error.into_response(
                exchange.error_format,
                &exchange.request_id,
                &self.auth.challenge(REALM, exchange.script),
            )
        });
        cors::decorate(
            response.headers_mut(),
            exchange.origin(),
            exchange.preflight,
        );
        if !response.headers().contains_key(SO_TIMEZONE) {
            name_zone(response.headers_mut(), &exchange.early_zone);
        }
        encoding::apply(&mut response, exchange.coding);
        response
    }

    async fn serve(
        &self,
        request: &Request,
        exchange: &Exchange,
        receipt: &Receipt,
    ) -> Result<Response<Body>, ApiError> {
        // The same files for everyone, whatever page asks: before CORS and credentials.
        if let Some(page) = pages::answer(
            request.method(),
            path(request),
            request.headers(),
            self.demo,
        ) {
            let _ = exchange.operation.set("page");
            return page;
        }
        let found = routes::find(path(request));
        if let Some(route) = found.for_customers() {
            let judged = Box::pin(self.customer_origin(route, &exchange.origin)).await?;
            if let Verdict::Foreign(origin) = &judged {
                return Err(ApiError::ForeignPage(origin.clone()));
            }
            let _ = exchange.customer_origin.set(judged);
        }
        if let Verdict::Foreign(origin) = exchange.origin() {
            return Err(ApiError::ForeignOrigin(origin.clone()));
        }
        if exchange.preflight {
            let methods = found.allowed()?;
            return Ok(preflight_answer(&methods));
        }
        let route = found.resolve(request.method())?;
        let _ = exchange.operation.set(route.operation.name);
        if request.body().len() > MAX_BODY {
            return Err(ApiError::BodyTooLarge);
        }
        // Everything the caller can get wrong is checked before anything changes. (Rendering
        // follows the commit and cannot fail short of a bug; the log line names the session.)
        let format = exchange.negotiated.clone()?;
        let locale = exchange.locale.clone()?;
        let shape = route.operation.entity;
        let selection =
            selection(request, shape).map_err(|error| ApiError::Select(error, shape))?;
        // A read is safe to repeat as it is: a key means nothing to it, and is not read.
        // Keys are an agent's (recorded per associate) or a customer's (per session); a
        // start has nobody yet to record it for.
        let agents = route.operation.audience == Audience::Agent;
        let keyed = route.operation.audience != Audience::Anyone;
        let key = match route.operation.changes && keyed {
            true => idempotency_key(request)?,
            false => None,
        };
        let bound = bind(request, &route)?;
        let poll = self.poll(request, &route)?;
        let caller = Caller {
            tenant: route.tenant.as_ref(),
            source: exchange.source,
        };
        if agents {
            let screened = self.auth.screen(request.headers(), caller, (self.clock)());
            screened.map_err(AuthFailure::from)?;
        }
        let password = self.signing_in(request, &route, exchange, caller)?;
        let asked = Asked {
            bound,
            key,
            password,
        };
        let (localizer, answer) = match poll {
            // Boxed: its state outweighs a waiting poll's, and lives only while it runs.
            None => {
                Box::pin(self.perform(
                    route.clone(),
                    request,
                    asked,
                    locale,
                    exchange,
                    receipt.clone(),
                ))
                .await?
            }
            Some(poll) => {
                let read = Read {
                    route: &route,
                    request,
                    locale,
                    exchange,
                    receipt,
                };
                self.wait(&poll, &read, asked).await?
            }
        };
        if route.operation.changes {
            self.ring(&route, &answer);
            if let Some(sender) = &self.sender {
                sender.changed(route.tenant.as_ref());
            }
        }
        let view = View {
            selection: &selection,
            localizer: &localizer,
        };
        let mut response = match &answer.content {
            Content::One(entity) => render::entity(format, shape, entity.as_ref(), view),
            Content::List(entities) => render::list(format, shape, entities, view),
            Content::Transcript { messages, html } => {
                render::text_of(format, messages, *html, view)
            }
            Content::Nothing => no_content(),
        };
        self.set_cookies(response.headers_mut(), request, &route, &answer);
        if let Some(location) = &answer.created {
            *response.status_mut() = StatusCode::CREATED;
            if let Ok(location) = HeaderValue::from_str(location) {
                response
                    .headers_mut()
                    .insert(http::header::LOCATION, location);
            }
        }
        if answer.replayed {
            let replayed = HeaderValue::from_static("true");
            response.headers_mut().insert(IDEMPOTENT_REPLAYED, replayed);
        }
        name_zone(response.headers_mut(), localizer.zone());
        if let Some(language) = localizer.language() {
            response
                .headers_mut()
                .insert(CONTENT_LANGUAGE, HeaderValue::from_static(language.iso()));
        }
        Ok(response)
    }

    /// Where a request to a customer route comes from, as the topic it acts in judges it:
    /// the origins the topic allows ([`Verdict::for_customers`]).
    async fn customer_origin(&self, route: &Route, sent: &Verdict) -> Result<Verdict, ApiError> {
        if matches!(sent, Verdict::NoOrigin | Verdict::SameOrigin) {
            return Ok(sent.clone());
        }
        let Some(id) = route.id.as_deref().and_then(|id| id.parse().ok()) else {
            return Ok(sent.for_customers(""));
        };
        let place = match route.operation.run {
            Run::Start(_) => Place::Topic(id),
            _ => Place::Session(id),
        };
        let (stores, tenant) = (self.stores.clone(), route.tenant.clone());
        let allowed = blocking(move || stores.store(tenant.as_ref())?.customer_origins(place));
        Ok(sent.for_customers(&allowed.await??.unwrap_or_default()))
    }
}

/// What the request asks the operation for besides its caller: the operation with what the
/// request names, its `Idempotency-Key`, and a sign-in's credentials, each read before
/// anything changes.
struct Asked {
    bound: Bound,
    key: Option<IdempotencyKey>,
    password: Option<BasicCredentials>,
}

fn name_zone(headers: &mut HeaderMap, zone: &Zone) {
    if let Ok(value) = HeaderValue::from_str(zone.label()) {
        headers.insert(SO_TIMEZONE, value);
    }
}

/// The answer to an allowed preflight, naming the path's methods; [`cors::decorate`] adds
/// the grant.
fn preflight_answer(methods: &str) -> Response<Body> {
    Response::builder()
        .status(StatusCode::NO_CONTENT)
        .header(http::header::ALLOW, methods)
        .body(Body::Empty)
        .expect("a bare response is valid")
}

/// The answer with nothing to say: a sign-out.
fn no_content() -> Response<Body> {
    Response::builder()
        .status(StatusCode::NO_CONTENT)
        .body(Body::Empty)
        .expect("a bare response is valid")
}

/// What a panic said, for the log.
fn panic_message(panic: &(dyn Any + Send)) -> String {
    let text = panic
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("a panic without a message");
    format!("panic: {text}")
}
