//! How an [`App`] is made: [`App::new`] and a builder for each setting, its default named.

use std::sync::{Arc, Once};
use std::time::Duration;

use super::{App, KEY_LIFETIME};
use crate::auth::{AuthConfig, Authenticator};
use crate::chat::customer;
use crate::http::cors::Cors;
use crate::http::limits::{CustomerLimits, Limiter};
use crate::http::source::Forwarded;
use crate::locale::Zone;
use crate::store::Stores;
use crate::time::Timestamp;
use crate::webhook::Sender;

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
            sender: None,
            demo: false,
        }
    }

    /// Serves the demo's page, `/chat/demo` (default: not).
    pub fn with_demo(self, demo: bool) -> Self {
        Self { demo, ..self }
    }

    /// Tells `sender` of every committed change (default: nobody).
    pub fn with_sender(self, sender: Arc<Sender>) -> Self {
        Self {
            sender: Some(sender),
            ..self
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
}
