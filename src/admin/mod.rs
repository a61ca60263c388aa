//! The `admin` commands, one file per group: each defines its subcommands and runs them
//! against the [`Admin`] trait, so every command works on either backend - but `copy-from`,
//! which moves a SQLite database's rows into PostgreSQL and so needs one of each (`copy.rs`).
//! Secrets are printed once, to standard output, and never stored or logged.

mod associates;
pub mod copy;
mod credentials;
pub mod demo;
mod queue;
mod topics;
mod webhooks;

use clap::Subcommand;

use crate::store::admin::Admin;

pub type Failure = Box<dyn std::error::Error>;

/// No `Debug`: its commands carry passwords and secrets.
#[derive(Subcommand)]
pub enum AdminCommand {
    #[command(flatten)]
    Store(StoreCommand),
    /// Copy every row of a SQLite database into the PostgreSQL schema --db (and --tenant)
    /// names, in one transaction; the schema must hold no data yet.
    CopyFrom(copy::Args),
}

/// The commands that act on one database, either backend's.
#[derive(Subcommand)]
pub enum StoreCommand {
    #[command(flatten)]
    Associates(associates::Command),
    #[command(flatten)]
    Topics(topics::Command),
    #[command(flatten)]
    Credentials(credentials::Command),
    #[command(flatten)]
    Queue(queue::Command),
    /// Webhooks: where the chat's events are sent (add, list, remove, resume, test).
    Webhook {
        #[command(subcommand)]
        command: webhooks::Command,
    },
}

/// What the commands need beyond the store.
pub struct Context {
    /// The server secret XSRF tokens are bound with, if one is configured - or why the
    /// configured one cannot be used, which only `issue-ticket --xsrf` reports.
    pub xsrf_secret: Result<Option<Vec<u8>>, String>,
}

/// A capacity on the command line: a whole number, or `none`.
fn limit(text: &str) -> Result<Option<i64>, String> {
    if text.eq_ignore_ascii_case("none") {
        return Ok(None);
    }
    text.parse::<u32>()
        .map(|limit| Some(i64::from(limit)))
        .map_err(|_| format!("{text:?} is neither a whole number nor `none`"))
}

/// Runs `command` against `store`.
pub fn run(store: &dyn Admin, command: &StoreCommand, context: &Context) -> Result<(), Failure> {
    match command {
        StoreCommand::Associates(command) => associates::run(store, command),
        StoreCommand::Topics(command) => topics::run(store, command),
        StoreCommand::Credentials(command) => credentials::run(store, command, context),
        StoreCommand::Queue(command) => queue::run(store, command),
        StoreCommand::Webhook { command } => webhooks::run(store, command),
    }
}
