//! A request's work in one trip to the blocking pool: the store, the caller (an agent
//! authenticated, a customer proven by their session's key), the zone and string resources,
//! then the operation.

use http::HeaderMap;
use lambda_http::Request;

use super::{App, Asked};
use crate::auth::session_key::{self, KeyRefused};
use crate::auth::{AuthError, Caller};
use crate::chat::idempotency::Keyed;
use crate::http::delivery::Receipt;
use crate::http::error::ApiError;
use crate::http::exchange::Exchange;
use crate::http::in_flight::Holder;
use crate::http::ops::{Answer, Audience, Call, Who};
use crate::http::routes::Route;
use crate::locale::{LocaleRequest, Localizer, Zone};
use crate::store::Store;

impl App {
    /// In one trip to the blocking pool (each trip costs two thread switches): choose the
    /// store, authenticate, resolve the caller's zone and load their language's string
    /// resources - all before anything changes - then run the operation, its key (if any)
    /// entered as in flight while it runs.
    pub(super) async fn perform(
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
        let Asked {
            bound,
            key,
            password,
        } = asked;
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
                Audience::SigningIn => {
                    let password = password
                        .as_ref()
                        .ok_or(ApiError::Auth(AuthError::Missing))?;
                    let store = store.as_ref();
                    Who::Agent(auth.sign_in(password, &headers, store, clock(), caller)?)
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
            let holder = match &who {
                Who::Agent(principal) => Some(Holder::Agent(principal.agent.associate_id)),
                Who::Customer(session) => Some(Holder::Customer(*session)),
                Who::Anyone => None,
            };
            let _entered = match (&key, holder) {
                (Some(key), Some(holder)) => Some(in_flight.enter(scope, holder, key)?),
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

/// Runs blocking work (SQLite, argon2) off the async workers; a panic there is a 500.
pub(super) async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|error| ApiError::Internal(format!("blocking task failed: {error}")))
}
