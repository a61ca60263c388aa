//! The one request handler, shared by the Lambda runtime and the local server.
//!
//! Refuse foreign pages, answer preflights, route, check the body size, `Accept`, the
//! language and time-zone headers and `$select` - all before anything changes - refuse a
//! caller whose failed sign-ins say to wait, then choose the tenant's store, authenticate, resolve the zone and string resources, run the route's
//! operation ([`super::ops`]), render.
//! Every failure, a panic included, is an ordinary problem response (a `lambda_http` handler
//! returning `Err` would become an opaque 502, a panic a dead instance).

use std::any::Any;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Once};
use std::time::Duration;

use futures_util::FutureExt;
use http::header::{CONTENT_LANGUAGE, HeaderValue};
use http::{HeaderMap, StatusCode};

use lambda_http::{Body, Request, Response};

use super::bind::bind;
use super::body::MAX_BODY;
use super::cors::{self, Cors, Verdict};
use super::delivery::{Connection, Receipt, Watch};
use super::encoding;
use super::error::ApiError;
use super::exchange::Exchange;
use super::in_flight::InFlight;
use super::limits::{CustomerLimits, Limiter};
use super::long_poll::{self, Poll};
use super::ops::{Answer, Audience, Bound, Call, Content, Run, Who};
use super::render::{self, View};
use super::request::{idempotency_key, path, selection};
use super::routes::{self, Route};
use super::source::Forwarded;
use crate::auth::session_key::{self, KeyRefused};
use crate::auth::{AuthConfig, AuthFailure, Authenticator, Caller, REALM};
use crate::chat::customer;
use crate::chat::idempotency::{IdempotencyKey, Keyed};
use crate::entity::Value;
use crate::locale::{LocaleRequest, Localizer, Zone};
use crate::store::bells::{self, Bells};
use crate::store::{Place, Store, Stores};
use crate::time::Timestamp;

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
}

impl App {
    /// An app with CORS off.
    pub fn new(stores: Arc<dyn Stores>) -> Self {
        Self {
            stores,
            cors: Cors::default(),
            auth: Arc::default(),
            default_zone: Zone::UTC,
            clock: Timestamp::now,
            forwarded: Forwarded::Ignored,
            key_lifetime: KEY_LIFETIME,
            in_flight: Arc::default(),
            customer_idle: customer::IDLE,
            max_queue: None,
            bells: Arc::default(),
            watching: Once::new(),
            limiter: Arc::default(),
        }
    }

    /// The customers' rates (default: [`CustomerLimits::default`]).
    pub fn with_customer_limits(self, limits: CustomerLimits) -> Self {
        Self {
            limiter: Arc::new(Limiter::new(limits)),
            ..self
        }
    }

    /// The most customers a topic's queue holds (default: no cap).
    pub fn with_max_queue(self, max_queue: Option<i64>) -> Self {
        Self { max_queue, ..self }
    }

    /// How long a customer's chat stays alive without a fetch (default 120 s).
    pub fn with_customer_idle(self, customer_idle: Duration) -> Self {
        Self {
            customer_idle,
            ..self
        }
    }

    /// How long an `Idempotency-Key` is remembered (default 24 h).
    pub fn with_key_lifetime(self, key_lifetime: Duration) -> Self {
        Self {
            key_lifetime,
            ..self
        }
    }

    pub fn with_cors(self, cors: Cors) -> Self {
        Self { cors, ..self }
    }

    /// Authentication as `config` says (default: Basic, SoTicket and API tokens).
    pub fn with_auth(self, config: AuthConfig) -> Self {
        Self {
            auth: Arc::new(Authenticator::new(config)),
            ..self
        }
    }

    /// Whether the last `X-Forwarded-For` hop names the client (default: ignored).
    pub fn with_forwarded(self, forwarded: Forwarded) -> Self {
        Self { forwarded, ..self }
    }

    /// Reads the time from `clock` instead of the system clock.
    pub fn with_clock(self, clock: fn() -> Timestamp) -> Self {
        Self { clock, ..self }
    }

    /// The zone for callers who name none and whose associate has none (default UTC).
    pub fn with_default_zone(self, default_zone: Zone) -> Self {
        Self {
            default_zone,
            ..self
        }
    }

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
            let watch = Watch::new(receipt);
            let exchange = Exchange::of(&request, &self.cors, &self.default_zone, self.forwarded);
            let served = AssertUnwindSafe(self.serve(&request, &exchange, receipt))
                .catch_unwind()
                .await
                .unwrap_or_else(|panic| Err(ApiError::Internal(panic_message(panic.as_ref()))));
            let response = self.finish(&exchange, served);
            watch.disarm();
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
                &self.auth.challenge(REALM),
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
        if let Some(route) = routes::for_customers(path(request)) {
            let judged = Box::pin(self.customer_origin(&route, &exchange.origin)).await?;
            if let Verdict::Foreign(origin) = &judged {
                return Err(ApiError::ForeignPage(origin.clone()));
            }
            let _ = exchange.customer_origin.set(judged);
        }
        if let Verdict::Foreign(origin) = exchange.origin() {
            return Err(ApiError::ForeignOrigin(origin.clone()));
        }
        if exchange.preflight {
            let methods = routes::allowed(path(request))?;
            return Ok(preflight_answer(&methods));
        }
        let route = routes::resolve(request.method(), path(request))?;
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
        let asked = Asked { bound, key };
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
        };
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

    /// The long poll `request` asks for, if its operation waits and it names a `wait`;
    /// listening on the session's bell from here on.
    fn poll(&self, request: &Request, route: &Route) -> Result<Option<Poll>, ApiError> {
        let session = route.id.as_deref().and_then(|id| id.parse().ok());
        let wait = match (route.operation.waits, session) {
            (true, Some(session)) => long_poll::asked(request)?.map(|wait| (wait, session)),
            _ => None,
        };
        let Some((wait, session)) = wait.filter(|(wait, _)| !wait.is_zero()) else {
            return Ok(None);
        };
        self.watching
            .call_once(|| self.stores.clone().watch(Arc::downgrade(&self.bells)));
        let bell = self
            .bells
            .listen(&bells::scope(route.tenant.as_ref()), session);
        Ok(Some(Poll::new(request, wait, self.customer_idle, bell)))
    }

    /// Reads as `asked` until the read finds news ([`long_poll::news`]) or the poll's time is
    /// up; between reads it waits on the session's bell, on no thread.
    async fn wait(
        &self,
        poll: &Poll,
        read: &Read<'_>,
        asked: Asked,
    ) -> Result<(Localizer, Answer), ApiError> {
        let mut asked = Some(asked);
        let mut first_status = None;
        loop {
            // Listening before the read: a change committed after it still wakes the wait.
            let woken = poll.bell.notified();
            tokio::pin!(woken);
            woken.as_mut().enable();
            let asked = match asked.take() {
                Some(asked) => asked,
                None => Asked {
                    bound: bind(read.request, read.route)?,
                    key: None,
                },
            };
            let (localizer, answer) = Box::pin(self.perform(
                read.route.clone(),
                read.request,
                asked,
                read.locale.clone(),
                read.exchange,
                read.receipt.clone(),
            ))
            .await?;
            let first = *first_status.get_or_insert(answer.session_status);
            if long_poll::news(&answer, first) {
                return Ok((localizer, answer));
            }
            // Held boxed while waiting: a waiting customer's future stays small.
            let last = Box::new((localizer, answer));
            if tokio::time::timeout(poll.left(), woken).await.is_err() || hung_up(read.request) {
                return Ok(*last);
            }
        }
    }

    /// Wakes the long polls on the session a change acted on.
    fn ring(&self, route: &Route, answer: &Answer) {
        let session = match &answer.content {
            Content::One(Some(entity)) => entity.get("ChatSessionId"),
            _ => None,
        };
        if let Some(Value::Int(session)) = session {
            self.bells
                .ring(&bells::scope(route.tenant.as_ref()), *session);
        }
    }

    /// In one trip to the blocking pool (each trip costs two thread switches): choose the
    /// store, authenticate, resolve the caller's zone and load their language's string
    /// resources - all before anything changes - then run the operation, its key (if any)
    /// entered as in flight while it runs.
    async fn perform(
        &self,
        route: Route,
        request: &Request,
        asked: Asked,
        locale: LocaleRequest,
        exchange: &Exchange,
        receipt: Receipt,
    ) -> Result<(Localizer, Answer), ApiError> {
        let in_flight = self.in_flight.clone();
        let key_lifetime = self.key_lifetime;
        let customer_idle = self.customer_idle;
        let max_queue = self.max_queue;
        let limiter = self.limiter.clone();
        let stores = self.stores.clone();
        let headers = request.headers().clone();
        let default_zone = self.default_zone.clone();
        let auth = self.auth.clone();
        let clock = self.clock;
        let request_id = exchange.request_id.clone();
        let source = exchange.source;
        let Asked { bound, key } = asked;
        blocking(move || {
            let store = stores.store(route.tenant.as_ref())?;
            let caller = Caller {
                tenant: route.tenant.as_ref(),
                source,
            };
            let who = match route.operation.audience {
                Audience::Agent => {
                    Who::Agent(auth.authenticate(&headers, store.as_ref(), clock(), caller)?)
                }
                Audience::Customer => Who::Customer(customer(&headers, store.as_ref(), &route)?),
                Audience::Anyone => Who::Anyone,
            };
            let own_zone = match &who {
                Who::Agent(principal) => principal.time_zone.as_deref(),
                _ => None,
            };
            let localizer = localizer(&locale, store.as_ref(), own_zone, &default_zone)?;
            let tenant = route.tenant.as_ref();
            let scope = tenant.map_or("", |tenant| tenant.as_str());
            let _entered = match (&key, &who) {
                (Some(key), Who::Agent(principal)) => {
                    Some(in_flight.enter(scope, principal.agent.associate_id, key)?)
                }
                // A customer holds their keys as their session's id negated: associates'
                // ids are positive, so the two never meet.
                (Some(key), Who::Customer(session)) => Some(in_flight.enter(scope, -session, key)?),
                _ => None,
            };
            let now = clock();
            let call = Call {
                operation: route.operation.name,
                store: store.as_ref(),
                who: &who,
                now,
                language: localizer.language(),
                customer_idle,
                max_queue,
                request_id: &request_id,
                source,
                tenant,
                key: key.as_ref().map(|key| Keyed {
                    key,
                    operation: route.operation.name,
                    expired_before: now.before(key_lifetime),
                }),
                receipt: &receipt,
                limiter: &limiter,
            };
            let answer = bound(&call)?;
            Ok((localizer, answer))
        })
        .await?
    }
}

/// What the request asks the operation for besides its caller: the operation with what the
/// request names, and its `Idempotency-Key`, each read before anything changes.
struct Asked {
    bound: Bound,
    key: Option<IdempotencyKey>,
}

/// What a long poll reads again after each wake.
struct Read<'a> {
    route: &'a Route,
    request: &'a Request,
    locale: LocaleRequest,
    exchange: &'a Exchange,
    receipt: &'a Receipt,
}

/// The customer of the session the route names, proven by the session's key.
fn customer(headers: &HeaderMap, store: &dyn Store, route: &Route) -> Result<i64, ApiError> {
    let key = session_key::presented(headers)?;
    let session = route.id.as_deref().and_then(|id| id.parse().ok());
    let stored = session
        .map(|id| store.session_key(id))
        .transpose()?
        .flatten();
    session_key::admits(key, stored.as_deref())?;
    session.ok_or(ApiError::SessionKey(KeyRefused::Wrong))
}

/// How the caller reads the response: their zone (looking up location codes in `store`; an
/// agent's `own_zone` where the request names none) and, with a language, its culture and
/// string resources.
fn localizer(
    locale: &LocaleRequest,
    store: &dyn Store,
    own_zone: Option<&str>,
    default_zone: &Zone,
) -> Result<Localizer, ApiError> {
    let zone = locale.zone(
        |location| store.location(location).map_err(ApiError::from),
        own_zone,
        default_zone,
    )?;
    let localizer = Localizer::new(zone, locale.zone.with_offset);
    Ok(match (&locale.language, locale.culture()) {
        (Some(requested), Some(culture)) => {
            let resources = store.resources(requested.language)?;
            localizer.translating(requested.language, culture, resources)
        }
        _ => localizer,
    })
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

/// What a panic said, for the log.
fn panic_message(panic: &(dyn Any + Send)) -> String {
    let text = panic
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("a panic without a message");
    format!("panic: {text}")
}

/// Whether the client of `request` is gone: a customer who left is not read for - the read
/// would note a fetch and mark messages read that nobody saw.
fn hung_up(request: &Request) -> bool {
    request
        .extensions()
        .get::<Connection>()
        .is_some_and(Connection::hung_up)
}

/// Runs blocking work (SQLite, argon2) off the async workers; a panic there is a 500.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|error| ApiError::Internal(format!("blocking task failed: {error}")))
}
