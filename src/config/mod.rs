//! Configuration: the command line and the environment (clap), read and checked once.
//! Besides this module only the `admin` commands' own subcommands know clap; no layer below
//! does: choices arrive as the types of the layer that uses them (a [`Journal`], a [`crate::auth::Scheme`], a [`crate::locale::Zone`]), and a bad setting stops start-up
//! with a message that names it.
//!
//! [`Cli`] is the binary's command line; on Lambda there is none, and [`LambdaSettings`]
//! reads the same settings from the environment alone (after `env::unset_empty_settings`,
//! which `main` calls first, has dropped the empty ones).

pub mod env;
mod serve;

use std::fmt;
use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::account::tenant::Tenant;
use crate::admin::AdminCommand;
use crate::store::postgres::{PgOptions, PgTarget};
use crate::store::sqlite::{Journal, SqliteOptions, Synchronous};
pub use serve::{SchemeName, ServeArgs};

pub type Failure = Box<dyn std::error::Error>;

#[derive(Parser)]
#[command(
    name = "chat-pickup",
    version,
    about = "SuperOffice-compatible chat-queue pickup service"
)]
pub struct Cli {
    #[command(flatten)]
    pub settings: Settings,
    #[command(subcommand)]
    pub command: Option<Command>,
}

impl Cli {
    /// The process's command line (and environment); `--help`, `--version` and a bad
    /// setting end the process with clap's message.
    pub fn from_command_line() -> Self {
        Self::parse()
    }
}

/// What the Lambda runtime serves with: the settings and the server's, from the environment.
#[derive(Parser)]
#[command(name = "chat-pickup")]
pub struct LambdaSettings {
    #[command(flatten)]
    pub settings: Settings,
    #[command(flatten)]
    pub serve: ServeArgs,
}

impl LambdaSettings {
    /// The settings from the environment alone: on Lambda there are no arguments.
    pub fn from_environment() -> Self {
        Self::parse_from(["chat-pickup"])
    }
}

#[derive(Subcommand)]
pub enum Command {
    /// Serve the API over local HTTP.
    Serve(Box<ServeArgs>),
    /// Seed demo data into a new or empty database.
    Demo,
    /// Manage associates, topics and the queue.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
}

/// The settings every command shares. No `Debug`, here or in the commands around it: they
/// hold the XSRF secret, passwords and webhook secrets, which no debug print may show.
#[derive(Args)]
pub struct Settings {
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
    pub journal: JournalName,
    /// full: every pickup is on disk before it is answered; normal: faster under WAL, but a
    /// power cut can lose (and so re-issue) the last pickups.
    #[arg(
        long,
        global = true,
        env = "CHAT_PICKUP_SYNCHRONOUS",
        value_enum,
        default_value = "full"
    )]
    pub synchronous: SynchronousName,
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
    /// How many tenants' databases (SQLite files, PostgreSQL schemas) stay open at once; the
    /// least recently used is closed beyond it. Default: as many as the descriptor limit
    /// leaves room for (three each) and a 32 MiB memory budget allows (about 85).
    #[arg(long, global = true, env = "CHAT_PICKUP_MAX_OPEN_TENANTS")]
    pub max_open_tenants: Option<NonZeroUsize>,
    /// The server secret (at least 32 characters) that binds XSRF tokens to tickets; needed
    /// for the cookie scheme and for `admin issue-ticket --xsrf`.
    #[arg(
        long,
        global = true,
        env = "CHAT_PICKUP_XSRF_SECRET",
        hide_env_values = true
    )]
    pub xsrf_secret: Option<String>,
}

/// `--journal`.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum JournalName {
    /// Write-ahead log: readers never block the writer. Local disks only.
    Wal,
    /// Rollback journal: works on network file systems (EFS), where WAL's shared memory
    /// does not.
    Delete,
}

/// `--synchronous`.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum SynchronousName {
    /// Every commit reaches the disk before the caller is answered: a picked-up session
    /// survives a power cut.
    Full,
    /// Faster commits under WAL; after a power cut (not a crash of this process) the last
    /// pickups can be lost - and then handed out again to someone else.
    Normal,
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

impl Settings {
    pub fn pg_options(&self, on_lambda: bool) -> PgOptions {
        let default = if on_lambda { 1 } else { 8 };
        PgOptions {
            connections: self.pg_connections.map_or(default, usize::from),
            timeout: Duration::from_millis(self.busy_timeout_ms),
            open_tenants: self.open_tenants(),
        }
    }

    pub fn sqlite_options(&self) -> SqliteOptions {
        SqliteOptions {
            journal: match self.journal {
                JournalName::Wal => Journal::Wal,
                JournalName::Delete => Journal::Delete,
            },
            synchronous: match self.synchronous {
                SynchronousName::Full => Synchronous::Full,
                SynchronousName::Normal => Synchronous::Normal,
            },
            busy_timeout: Duration::from_millis(self.busy_timeout_ms),
            max_size_bytes: self.max_db_mb.map(|mib| mib.saturating_mul(1 << 20)),
            open_tenants: self.open_tenants(),
            ..SqliteOptions::default()
        }
    }

    /// The bound on open tenants, for either backend.
    pub fn open_tenants(&self) -> NonZeroUsize {
        self.max_open_tenants
            .unwrap_or_else(crate::store::open::default_capacity)
    }

    /// The XSRF secret's bytes; too short a secret is refused rather than used.
    pub fn xsrf_secret(&self) -> Result<Option<Vec<u8>>, Failure> {
        match env::given(&self.xsrf_secret) {
            None => Ok(None),
            Some(text) if text.len() >= 32 => Ok(Some(text.as_bytes().to_vec())),
            Some(_) => Err("CHAT_PICKUP_XSRF_SECRET must be at least 32 characters".into()),
        }
    }
}
