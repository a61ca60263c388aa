//! The settings of `serve` (and of the Lambda runtime): where to listen, tenants, CORS, the
//! default zone, and authentication - checked now, so that a bad JWKS or secret stops
//! start-up.

use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, ValueEnum};

use super::env::given;
use super::{Failure, Settings};
use crate::auth::jwt::JwtConfig;
use crate::auth::{AuthConfig, Scheme};
use crate::http::cors::Cors;
use crate::http::limits::CustomerLimits;
use crate::http::source::Forwarded;
use crate::locale::Zone;

#[derive(Args)]
pub struct ServeArgs {
    #[arg(long, env = "CHAT_PICKUP_ADDR", default_value = "127.0.0.1:9000")]
    pub addr: SocketAddr,
    /// Serve the metrics (Prometheus text, GET /metrics) on this address - an operator's, never
    /// the chat's own. Off when not given. (On Lambda the metrics are CloudWatch EMF lines.)
    #[arg(long, env = "CHAT_PICKUP_METRICS_ADDR")]
    pub metrics_addr: Option<SocketAddr>,
    /// Directory of per-tenant databases: /{tenant}/api/... uses {dir}/{tenant}.db.
    #[arg(long, env = "CHAT_PICKUP_TENANTS_DIR")]
    pub tenants_dir: Option<PathBuf>,
    /// Seed demo data first if the default database is new or empty, and serve the demo's
    /// page (/chat/demo). The local server then needs no CHAT_PICKUP_XSRF_SECRET for pages
    /// to sign in: without one it draws one for the run.
    #[arg(long, env = "CHAT_PICKUP_DEMO")]
    pub demo: bool,
    /// Web origins whose pages may call the API (CORS with credentials), comma-separated:
    /// https://agents.example.com,http://localhost:5173. Empty: CORS off. Pages from any
    /// other origin (except the API's own host) are refused with 403.
    #[arg(long, env = "CHAT_PICKUP_CORS_ORIGINS", default_value = "")]
    pub cors_origins: Cors,
    /// The time zone (an IANA name such as Europe/Oslo) for callers who name none in
    /// SO-TimeZone and send no SO-Browser-TZ-Offset, and whose associate has none.
    #[arg(long, env = "CHAT_PICKUP_DEFAULT_TZ", default_value = "UTC")]
    pub default_tz: Zone,
    /// Enabled authentication schemes, comma-separated: basic, soticket, bearer, cookie.
    #[arg(
        long,
        env = "CHAT_PICKUP_AUTH_SCHEMES",
        value_enum,
        value_delimiter = ',',
        default_value = "basic,soticket,bearer,cookie"
    )]
    pub auth_schemes: Vec<SchemeName>,
    /// Trusted JWT keys: a JWKS document inline (`{"keys":[...]}`) or a file path. Without
    /// it, Bearer accepts API tokens (8A:...) only.
    #[arg(long, env = "CHAT_PICKUP_JWKS")]
    pub jwks: Option<String>,
    /// The `iss` every JWT must carry.
    #[arg(long, env = "CHAT_PICKUP_JWT_ISSUER")]
    pub jwt_issuer: Option<String>,
    /// The `aud` every JWT must carry.
    #[arg(long, env = "CHAT_PICKUP_JWT_AUDIENCE")]
    pub jwt_audience: Option<String>,
    /// The JWT claim that holds the associate's login name.
    #[arg(long, env = "CHAT_PICKUP_JWT_CLAIM", default_value = "sub")]
    pub jwt_claim: String,
    /// Serve only registered partner apps: every request must carry a valid SO-AppToken.
    #[arg(long, env = "CHAT_PICKUP_REQUIRE_APP_TOKEN")]
    pub require_app_token: bool,
    /// Take the client's address from the last X-Forwarded-For hop: only behind a proxy of
    /// your own that adds it (a reverse proxy, CloudFront). Failed sign-ins are counted per
    /// address; without such a proxy the header is whatever the client wrote.
    #[arg(long, env = "CHAT_PICKUP_TRUST_FORWARDED_FOR")]
    pub trust_forwarded_for: bool,
    /// How long (hours, at least 1) an Idempotency-Key is remembered: a retry with it within
    /// that time gets the first attempt's outcome.
    #[arg(
        long,
        env = "CHAT_PICKUP_IDEMPOTENCY_KEY_HOURS",
        default_value = "24",
        value_parser = clap::value_parser!(u64).range(1..=8760)
    )]
    pub idempotency_key_hours: u64,
    /// How long (seconds) a customer's chat stays alive without a fetch: past it the chat is
    /// dead - no pickup hands it out, and it is closed (the local server sweeps every 30 s;
    /// elsewhere `admin sweep`).
    #[arg(
        long,
        env = "CHAT_PICKUP_CUSTOMER_IDLE_SECONDS",
        default_value = "120",
        value_parser = clap::value_parser!(u64).range(10..=86_400)
    )]
    pub customer_idle_seconds: u64,
    /// The most customers a topic's queue holds (SuperOffice's "offline form queue length"):
    /// past it a customer's start is a 503 a widget shows as "leave a message". None: no cap.
    #[arg(long, env = "CHAT_PICKUP_MAX_QUEUE", value_parser = clap::value_parser!(i64).range(1..))]
    pub max_queue: Option<i64>,
    /// Chats one address may start a minute (a burst of as many at once); past it a 429
    /// with Retry-After. Counted per process.
    #[arg(long, env = "CHAT_PICKUP_STARTS_PER_SOURCE", default_value = "10")]
    pub starts_per_source: NonZeroU32,
    /// Chats a topic takes a minute, from every address together.
    #[arg(long, env = "CHAT_PICKUP_STARTS_PER_TOPIC", default_value = "120")]
    pub starts_per_topic: NonZeroU32,
    /// Messages a customer may send a minute in one chat.
    #[arg(
        long,
        env = "CHAT_PICKUP_CUSTOMER_MESSAGES_PER_MINUTE",
        default_value = "30"
    )]
    pub customer_messages_per_minute: NonZeroU32,
}

/// `--auth-schemes`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SchemeName {
    Basic,
    #[value(name = "soticket")]
    SoTicket,
    Bearer,
    /// The `SoTicket` cookie with the XSRF double-submit check.
    Cookie,
}

impl From<SchemeName> for Scheme {
    fn from(name: SchemeName) -> Self {
        match name {
            SchemeName::Basic => Scheme::Basic,
            SchemeName::SoTicket => Scheme::SoTicket,
            SchemeName::Bearer => Scheme::Bearer,
            SchemeName::Cookie => Scheme::Cookie,
        }
    }
}

impl ServeArgs {
    pub fn key_lifetime(&self) -> Duration {
        Duration::from_secs(self.idempotency_key_hours * 60 * 60)
    }

    pub fn customer_limits(&self) -> CustomerLimits {
        CustomerLimits {
            starts_per_source: self.starts_per_source,
            starts_per_topic: self.starts_per_topic,
            messages_per_session: self.customer_messages_per_minute,
        }
    }

    pub fn customer_idle(&self) -> Duration {
        Duration::from_secs(self.customer_idle_seconds)
    }

    pub fn forwarded(&self) -> Forwarded {
        if self.trust_forwarded_for {
            Forwarded::Trusted
        } else {
            Forwarded::Ignored
        }
    }

    /// Authentication as configured. An empty setting is no setting.
    pub fn auth_config(&self, settings: &Settings) -> Result<AuthConfig, Failure> {
        Ok(AuthConfig {
            schemes: self
                .auth_schemes
                .iter()
                .copied()
                .map(Scheme::from)
                .collect(),
            jwt: self.jwt_config()?,
            xsrf_secret: settings.xsrf_secret()?,
            require_app_token: self.require_app_token,
        })
    }

    /// Authentication for the local server: as configured, except that `--demo` without an
    /// XSRF secret draws one for the run, so that the demo's pages sign in with nothing else
    /// set (their cookies end with the run). Not on Lambda, whose every instance would draw
    /// its own: a page's XSRF token would fail on the next instance.
    pub fn local_auth_config(&self, settings: &Settings) -> Result<AuthConfig, Failure> {
        let mut config = self.auth_config(settings)?;
        if self.demo && config.xsrf_secret.is_none() {
            config.xsrf_secret = Some(crate::account::random::hex::<32>().into_bytes());
            tracing::info!(
                "CHAT_PICKUP_XSRF_SECRET is not set: the demo signs pages in with a random XSRF secret for this run"
            );
        }
        Ok(config)
    }

    fn jwt_config(&self) -> Result<Option<JwtConfig>, Failure> {
        let Some(jwks) = given(&self.jwks) else {
            return Ok(None);
        };
        let document = if jwks.trim_start().starts_with('{') {
            jwks.to_string()
        } else {
            std::fs::read_to_string(jwks)
                .map_err(|error| format!("CHAT_PICKUP_JWKS {jwks}: {error}"))?
        };
        let config = JwtConfig::from_jwks(
            &document,
            given(&self.jwt_issuer).map(str::to_string),
            given(&self.jwt_audience).map(str::to_string),
            self.jwt_claim.clone(),
        )
        .map_err(|error| format!("CHAT_PICKUP_JWKS: {error}"))?;
        Ok(Some(config))
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use crate::config::LambdaSettings;

    fn xsrf_secret(args: &[&str]) -> Option<Vec<u8>> {
        let command_line = ["chat-pickup"].iter().chain(args);
        let parsed = LambdaSettings::try_parse_from(command_line).unwrap();
        let config = parsed.serve.local_auth_config(&parsed.settings).unwrap();
        config.xsrf_secret
    }

    #[test]
    fn the_demo_draws_an_xsrf_secret_for_the_run_where_none_is_set() {
        let drawn = xsrf_secret(&["--demo"]).expect("a secret drawn");
        assert!(drawn.len() >= 32);
        assert_ne!(Some(drawn), xsrf_secret(&["--demo"]), "drawn anew each run");
        let given = "a given secret of at least 32 characters";
        assert_eq!(
            xsrf_secret(&["--demo", "--xsrf-secret", given]),
            Some(given.as_bytes().to_vec())
        );
        assert_eq!(xsrf_secret(&[]), None, "nothing changes without --demo");
    }
}
