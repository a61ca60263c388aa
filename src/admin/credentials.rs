//! Credentials: tickets, API tokens and partner apps, issued and revoked. Secrets are
//! printed once, to standard output, and never stored or logged.

use chrono::Duration;
use clap::{Args, Subcommand};

use super::{Context, Failure};
use crate::account::secret::SecretKind;
use crate::auth::xsrf_token;
use crate::store::admin::Admin;
use crate::time::Timestamp;

#[derive(Subcommand)]
pub enum Command {
    /// Issue a SoTicket for a user agent; it is printed once and stored only as a hash.
    IssueTicket {
        #[arg(long)]
        user: String,
        /// How long it is valid: 30m, 8h, 7d.
        #[arg(long, default_value = "8h", value_parser = humantime::parse_duration)]
        ttl: std::time::Duration,
        /// Also print the XSRF token for the cookie scheme (needs CHAT_PICKUP_XSRF_SECRET).
        #[arg(long)]
        xsrf: bool,
    },
    /// Revoke one ticket (given as CHAT_PICKUP_SECRET or --secret) or all of a user's.
    RevokeTicket(Revoke),
    /// Issue an API token (Bearer 8A:...) for a user agent; printed once, stored as a hash.
    IssueToken {
        #[arg(long)]
        user: String,
        /// How long it is valid (30d); without it, until revoked.
        #[arg(long, value_parser = humantime::parse_duration)]
        ttl: Option<std::time::Duration>,
    },
    /// Revoke one API token or all of a user's.
    RevokeToken(Revoke),
    /// Register a partner app; its SO-AppToken is printed once and stored as a hash.
    AddApp { name: String },
    /// Revoke a partner app's token.
    RevokeApp { name: String },
}

/// Which secrets `revoke-ticket` / `revoke-token` revoke.
#[derive(Args)]
#[group(required = true, multiple = false)]
pub struct Revoke {
    /// The secret itself (kept out of the process list when given as CHAT_PICKUP_SECRET).
    #[arg(long, env = "CHAT_PICKUP_SECRET", hide_env_values = true)]
    secret: Option<String>,
    /// Every one the user holds.
    #[arg(long)]
    user: Option<String>,
}

pub fn run(store: &dyn Admin, command: &Command, context: &Context) -> Result<(), Failure> {
    let now = Timestamp::now();
    match command {
        Command::IssueTicket { user, ttl, xsrf } => {
            let server_secret = match xsrf {
                true => Some(
                    context
                        .xsrf_secret
                        .clone()?
                        .ok_or("--xsrf needs CHAT_PICKUP_XSRF_SECRET")?,
                ),
                false => None,
            };
            let ticket =
                store.issue_secret(user, SecretKind::Ticket, now, Some(after(now, *ttl)?))?;
            println!("{ticket}");
            if let Some(server_secret) = server_secret {
                println!("{}", xsrf_token(&server_secret, &ticket));
            }
        }
        Command::IssueToken { user, ttl } => {
            let expires = ttl.map(|ttl| after(now, ttl)).transpose()?;
            println!(
                "{}",
                store.issue_secret(user, SecretKind::ApiToken, now, expires)?
            );
        }
        Command::RevokeTicket(which) => revoke(store, SecretKind::Ticket, which)?,
        Command::RevokeToken(which) => revoke(store, SecretKind::ApiToken, which)?,
        Command::AddApp { name } => println!("{}", store.add_app(name, now)?),
        Command::RevokeApp { name } => {
            store.revoke_app(name)?;
            println!("app {name} revoked");
        }
    }
    Ok(())
}

fn after(now: Timestamp, ttl: std::time::Duration) -> Result<Timestamp, Failure> {
    let ttl = Duration::from_std(ttl).map_err(|_| "the --ttl is too long")?;
    let expires = now
        .utc()
        .checked_add_signed(ttl)
        .ok_or("the --ttl is too long")?;
    Ok(Timestamp::from_utc(expires))
}

fn revoke(store: &dyn Admin, kind: SecretKind, which: &Revoke) -> Result<(), Failure> {
    let noun = kind.column();
    match (&which.secret, &which.user) {
        (Some(value), _) if store.revoke_secret(kind, value)? => println!("{noun} revoked"),
        (Some(_), _) => return Err(format!("no live {noun} matches").into()),
        (None, Some(user)) => {
            let count = store.revoke_secrets_of(user, kind)?;
            println!("{count} {noun}(s) of {user} revoked");
        }
        (None, None) => return Err("name the --secret or the --user".into()),
    }
    Ok(())
}
