//! Command line and environment: what the binary does when it is not on Lambda, and the
//! settings both share.

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};

mod credentials;

use crate::auth::jwt::JwtConfig;
use crate::auth::{AuthConfig, Scheme, password};
use crate::cors::Cors;
use crate::handler::App;
use crate::locale::Zone;
use crate::store::Stores;
use crate::store::admin::{Admin, NewSession, Rights};
use crate::store::postgres::{PgOptions, PgStores, PgTarget};
use crate::store::sqlite::{Journal, SqliteOptions, SqliteStore, SqliteStores, Synchronous};
use crate::tenant::Tenant;
use crate::time::Timestamp;
use crate::{demo, server};

type Failure = Box<dyn std::error::Error>;

#[derive(Debug, Parser)]
#[command(
    name = "chat-pickup",
    version,
    about = "SuperOffice-compatible chat-queue pickup service"
)]
pub struct Cli {
    /// The default database: a SQLite file, created (with its schema) if missing, or a
    /// PostgreSQL URL (postgres://user:password@host:port/dbname?sslmode=require), whose
    /// schema is applied at start-up.
    #[arg(
        long,
        global = true,
        env = "CHAT_PICKUP_DB",
        default_value = "chat-pickup.db"
    )]
    pub db: Database,
    /// PostgreSQL: the most connections this process opens. Default: 1 on Lambda (one per
    /// instance), 8 for the local server.
    #[arg(long, global = true, env = "CHAT_PICKUP_PG_CONNECTIONS",
          value_parser = clap::value_parser!(u16).range(1..))]
    pub pg_connections: Option<u16>,
    /// PostgreSQL: `demo` and `admin` act on this tenant's schema, creating it if missing.
    /// (With SQLite a tenant is a file: name it with --db.)
    #[arg(long, global = true, env = "CHAT_PICKUP_TENANT", value_parser = tenant)]
    pub tenant: Option<Tenant>,
    /// Journal mode: wal on local disks, delete on network file systems such as EFS.
    #[arg(
        long,
        global = true,
        env = "CHAT_PICKUP_JOURNAL",
        value_enum,
        default_value = "wal"
    )]
    pub journal: Journal,
    /// full: every pickup is on disk before it is answered; normal: faster under WAL, but a
    /// power cut can lose (and so re-issue) the last pickups.
    #[arg(
        long,
        global = true,
        env = "CHAT_PICKUP_SYNCHRONOUS",
        value_enum,
        default_value = "full"
    )]
    pub synchronous: Synchronous,
    /// How long a pickup waits for another writer's lock (PostgreSQL: for a statement, or a
    /// free connection) before answering 503.
    #[arg(
        long,
        global = true,
        env = "CHAT_PICKUP_BUSY_TIMEOUT_MS",
        default_value_t = 5000
    )]
    pub busy_timeout_ms: u64,
    /// A ceiling on each database file's size in MiB (SQLite's max_page_count; its journal
    /// or write-ahead log comes on top): a tenant reaching it gets 503s, as on a full disk.
    /// Unset: no ceiling.
    #[arg(long, global = true, env = "CHAT_PICKUP_MAX_DB_MB",
          value_parser = clap::value_parser!(u64).range(1..))]
    pub max_db_mb: Option<u64>,
    /// The server secret (at least 32 characters) that binds XSRF tokens to tickets; needed
    /// for the cookie scheme and for `admin issue-ticket --xsrf`.
    #[arg(
        long,
        global = true,
        env = "CHAT_PICKUP_XSRF_SECRET",
        hide_env_values = true
    )]
    pub xsrf_secret: Option<String>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the API over local HTTP.
    Serve(ServeArgs),
    /// Seed demo data into a new or empty database.
    Demo,
    /// Manage associates, topics and the queue.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[arg(long, env = "CHAT_PICKUP_ADDR", default_value = "127.0.0.1:9000")]
    pub addr: SocketAddr,
    /// Directory of per-tenant databases: /{tenant}/api/... uses {dir}/{tenant}.db.
    #[arg(long, env = "CHAT_PICKUP_TENANTS_DIR")]
    pub tenants_dir: Option<PathBuf>,
    /// Seed demo data first if the default database is new or empty.
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
    pub auth_schemes: Vec<Scheme>,
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
}

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Add a user agent that can log in with Basic authentication.
    AddAssociate {
        /// Login name.
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "")]
        full_name: String,
        /// Stored only as an argon2id hash.
        #[arg(long, env = "CHAT_PICKUP_PASSWORD", hide_env_values = true)]
        password: String,
    },
    /// Add a chat topic.
    AddTopic {
        #[arg(long)]
        name: String,
        /// Plain text or multi-language: US:"Welcome!";NO:"Velkommen!". Empty: no welcome.
        #[arg(long, default_value = "")]
        welcome: String,
        /// The customers' language, a SuperOffice prefix: US, NO, GE, SW, DA, NL, FR, FI,
        /// SP, IT, CZ, PL.
        #[arg(long)]
        language: Option<String>,
        /// {agent} in the welcome message is the agent's first name, not the full name.
        #[arg(long)]
        agent_first_name: bool,
    },
    #[command(flatten)]
    Credentials(credentials::CredentialCommand),
    /// Set the time zone a user agent reads times in when a request names none.
    SetTimeZone {
        #[arg(long)]
        user: String,
        /// A location code (NO, US-NY) or its id; empty to clear.
        #[arg(long)]
        zone: String,
    },
    /// Give a user agent rights in a topic.
    AddMember {
        #[arg(long)]
        user: String,
        #[arg(long)]
        topic: String,
        /// Comma-separated: listen, respond, manage, notify.
        #[arg(long, value_delimiter = ',', default_value = "listen,respond")]
        rights: Vec<RightName>,
    },
    /// Put a customer in a topic's queue.
    Enqueue {
        #[arg(long)]
        topic: String,
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "")]
        email: String,
        #[arg(long, default_value = "")]
        message: String,
    },
    /// List the sessions waiting in the queue, in pickup order.
    Queue,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum RightName {
    Listen,
    Respond,
    Manage,
    Notify,
}

/// Where the data lives: a SQLite file, or a PostgreSQL database named by URL.
#[derive(Clone, Debug)]
pub enum Database {
    Sqlite(PathBuf),
    Postgres(Box<PgTarget>),
}

impl FromStr for Database {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        if PgTarget::is_url(text) {
            Ok(Database::Postgres(Box::new(text.parse()?)))
        } else {
            Ok(Database::Sqlite(PathBuf::from(text)))
        }
    }
}

impl fmt::Display for Database {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Database::Sqlite(path) => path.display().fmt(f),
            Database::Postgres(target) => target.fmt(f),
        }
    }
}

fn tenant(name: &str) -> Result<Tenant, String> {
    Tenant::parse(name).ok_or_else(|| "a tenant name is 1-64 of A-Z, a-z, 0-9, _ and -".into())
}

impl Cli {
    pub fn pg_options(&self, on_lambda: bool) -> PgOptions {
        let default = if on_lambda { 1 } else { 8 };
        PgOptions {
            connections: self.pg_connections.map_or(default, usize::from),
            timeout: Duration::from_millis(self.busy_timeout_ms),
        }
    }

    pub fn sqlite_options(&self) -> SqliteOptions {
        SqliteOptions {
            journal: self.journal,
            synchronous: self.synchronous,
            busy_timeout: Duration::from_millis(self.busy_timeout_ms),
            max_size_bytes: self.max_db_mb.map(|mib| mib.saturating_mul(1 << 20)),
        }
    }
}

/// Runs the command (or the Lambda runtime, when `on_lambda`).
pub async fn run(cli: Cli, on_lambda: bool) -> Result<(), Failure> {
    match cli.command {
        Some(Command::Serve(ref args)) if on_lambda => run_lambda(&cli, args).await,
        Some(Command::Serve(ref args)) => run_server(&cli, args).await,
        Some(Command::Demo) => seed_demo(open(&cli)?.as_ref()),
        Some(Command::Admin { ref command }) => administer(open(&cli)?.as_ref(), command, &cli),
        None => Err("no command given; try --help".into()),
    }
}

/// The database the `demo` and `admin` commands change.
fn open(cli: &Cli) -> Result<Arc<dyn Admin>, Failure> {
    match &cli.db {
        Database::Sqlite(_) if cli.tenant.is_some() => Err(
            "with SQLite a tenant is a file: name it with --db {tenants dir}/{tenant}.db".into(),
        ),
        Database::Sqlite(path) => Ok(Arc::new(SqliteStore::create(path, &cli.sqlite_options())?)),
        Database::Postgres(target) => {
            let stores = PgStores::new(target, cli.pg_options(false))?;
            Ok(stores.open(cli.tenant.as_ref(), true)?)
        }
    }
}

/// The stores behind the handler.
fn stores(cli: &Cli, args: &ServeArgs, on_lambda: bool) -> Result<Arc<dyn Stores>, Failure> {
    Ok(match &cli.db {
        Database::Sqlite(path) => Arc::new(SqliteStores::new(
            path.clone(),
            args.tenants_dir.clone(),
            cli.sqlite_options(),
        )),
        Database::Postgres(target) => Arc::new(PgStores::new(target, cli.pg_options(on_lambda))?),
    })
}

fn app(cli: &Cli, args: &ServeArgs, on_lambda: bool) -> Result<Arc<App>, Failure> {
    if args.demo {
        seed_demo(open(cli)?.as_ref())?;
    }
    let stores = stores(cli, args, on_lambda)?;
    // Open the default database now, so a bad configuration shows at start-up.
    if let Err(error) = stores.store(None) {
        tracing::warn!(%error, "the default database is not available yet");
    }
    Ok(Arc::new(
        App::new(stores)
            .with_cors(args.cors_origins.clone())
            .with_default_zone(args.default_tz.clone())
            .with_auth(auth_config(cli, args)?),
    ))
}

async fn run_server(cli: &Cli, args: &ServeArgs) -> Result<(), Failure> {
    let app = app(cli, args, false)?;
    let listener = tokio::net::TcpListener::bind(args.addr).await?;
    tracing::info!(addr = %listener.local_addr()?, db = %cli.db, "serving");
    server::serve(listener, app).await?;
    Ok(())
}

async fn run_lambda(cli: &Cli, args: &ServeArgs) -> Result<(), Failure> {
    let app = app(cli, args, true)?;
    lambda_http::run(lambda_http::service_fn(move |request| {
        let app = app.clone();
        async move { Ok::<_, lambda_http::Error>(app.handle(request).await) }
    }))
    .await
    .map_err(|error| -> Failure { error.to_string().into() })
}

/// Authentication settings, checked now so that a bad JWKS or secret stops start-up. An
/// empty setting is no setting (a SAM parameter left empty arrives as an empty variable).
fn auth_config(cli: &Cli, args: &ServeArgs) -> Result<AuthConfig, Failure> {
    let jwt = match given(&args.jwks) {
        None => None,
        Some(jwks) => {
            let document = if jwks.trim_start().starts_with('{') {
                jwks.to_string()
            } else {
                std::fs::read_to_string(jwks)
                    .map_err(|error| format!("CHAT_PICKUP_JWKS {jwks}: {error}"))?
            };
            let config = JwtConfig::from_jwks(
                &document,
                given(&args.jwt_issuer).map(str::to_string),
                given(&args.jwt_audience).map(str::to_string),
                args.jwt_claim.clone(),
            )
            .map_err(|error| format!("CHAT_PICKUP_JWKS: {error}"))?;
            Some(config)
        }
    };
    Ok(AuthConfig {
        schemes: args.auth_schemes.clone(),
        jwt,
        xsrf_secret: xsrf_secret(cli)?,
        require_app_token: args.require_app_token,
    })
}

/// The XSRF secret's bytes; too short a secret is refused rather than used.
pub(crate) fn xsrf_secret(cli: &Cli) -> Result<Option<Vec<u8>>, Failure> {
    match given(&cli.xsrf_secret) {
        None => Ok(None),
        Some(text) if text.len() >= 32 => Ok(Some(text.as_bytes().to_vec())),
        Some(_) => Err("CHAT_PICKUP_XSRF_SECRET must be at least 32 characters".into()),
    }
}

/// Removes every `CHAT_PICKUP_*` variable that is empty: a SAM parameter left empty arrives
/// as an empty variable, and empty means unset for every setting - numbers and choices too,
/// which the parser would otherwise refuse.
///
/// # Safety
///
/// Changes the environment: call it before any other thread exists.
pub unsafe fn unset_empty_settings() {
    let empty: Vec<_> = std::env::vars_os()
        .filter(|(name, value)| {
            name.to_string_lossy().starts_with("CHAT_PICKUP_")
                && value.to_string_lossy().trim().is_empty()
        })
        .map(|(name, _)| name)
        .collect();
    for name in empty {
        // SAFETY: the caller guarantees no other thread reads the environment meanwhile.
        unsafe { std::env::remove_var(name) };
    }
}

fn given(setting: &Option<String>) -> Option<&str> {
    setting.as_deref().filter(|value| !value.trim().is_empty())
}

fn seed_demo(store: &dyn Admin) -> Result<(), Failure> {
    if demo::seed(store)? {
        tracing::info!("seeded demo data: log in as tje0 / Tje0");
    } else {
        tracing::info!("the database has associates already; demo data not added");
    }
    Ok(())
}

fn administer(store: &dyn Admin, command: &AdminCommand, cli: &Cli) -> Result<(), Failure> {
    match command {
        AdminCommand::AddAssociate {
            name,
            full_name,
            password: secret,
        } => {
            let id = store.add_associate(name, full_name, &password::hash(secret))?;
            println!("associate {id}: {name}");
        }
        AdminCommand::AddTopic {
            name,
            welcome,
            language,
            agent_first_name,
        } => {
            let id = store.add_topic(name, welcome, language.as_deref())?;
            if *agent_first_name {
                store.use_agent_first_name(name)?;
            }
            println!("topic {id}: {name}");
        }
        AdminCommand::SetTimeZone { user, zone } => match store.set_time_zone(user, zone)? {
            Some(iana) => println!("{user} reads times in {zone} ({iana})"),
            None => println!("{user} has no time zone of their own"),
        },
        AdminCommand::AddMember {
            user,
            topic,
            rights,
        } => {
            store.add_member(user, topic, rights_from(rights))?;
            println!("{user} in {topic}: {rights:?}");
        }
        AdminCommand::Enqueue {
            topic,
            name,
            email,
            message,
        } => {
            let new = NewSession {
                topic: topic.clone(),
                customer_name: name.clone(),
                email: email.clone(),
                first_message: message.clone(),
                ..NewSession::default()
            };
            let id = store.enqueue(&new, Timestamp::now())?;
            println!("session {id} queued in {topic}");
        }
        AdminCommand::Queue => print_queue(store)?,
        AdminCommand::Credentials(command) => credentials::administer(store, command, cli)?,
    }
    Ok(())
}

fn rights_from(names: &[RightName]) -> Rights {
    let has = |wanted: fn(&RightName) -> bool| names.iter().any(wanted);
    Rights {
        listen: has(|name| matches!(name, RightName::Listen)),
        respond: has(|name| matches!(name, RightName::Respond)),
        manage: has(|name| matches!(name, RightName::Manage)),
        notify: has(|name| matches!(name, RightName::Notify)),
    }
}

fn print_queue(store: &dyn Admin) -> Result<(), Failure> {
    println!(
        "{:>6}  {:<12}  {:<24}  {:<27}  {:>4}  bot",
        "id", "topic", "customer", "requested (UTC)", "pos"
    );
    for waiting in store.queue()? {
        println!(
            "{:>6}  {:<12}  {:<24}  {:<27}  {:>4}  {}",
            waiting.session_id,
            waiting.topic,
            waiting.customer_name,
            waiting.when_requested.to_dotnet(),
            waiting.initial_queue_pos,
            if waiting.chatbot_active { "yes" } else { "" }
        );
    }
    Ok(())
}
