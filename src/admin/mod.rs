//! The `admin` commands, one file per group: each defines its subcommands and runs them
//! against the [`Admin`] trait, so every command works on either backend. Secrets are
//! printed once, to standard output, and never stored or logged.

mod associates;
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
pub fn run(store: &dyn Admin, command: &AdminCommand, context: &Context) -> Result<(), Failure> {
    match command {
        AdminCommand::Associates(command) => associates::run(store, command),
        AdminCommand::Topics(command) => topics::run(store, command),
        AdminCommand::Credentials(command) => credentials::run(store, command, context),
        AdminCommand::Queue(command) => queue::run(store, command),
        AdminCommand::Webhook { command } => webhooks::run(store, command),
    }
}
