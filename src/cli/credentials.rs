//! The admin commands that issue and revoke credentials. Secrets are printed once, to
//! standard output, and never stored or logged.

use chrono::Duration;

use super::{AdminCommand, Cli, Failure, Revoke, xsrf_secret};
use crate::auth::password;
use crate::auth::secret::{self, SecretKind};
use crate::store::sqlite::SqliteStore;
use crate::time::Timestamp;

/// Runs `command` if it is a credential command; `false` if it is another one.
pub(super) fn administer(
    store: &SqliteStore,
    command: &AdminCommand,
    cli: &Cli,
) -> Result<bool, Failure> {
    let now = Timestamp::now();
    match command {
        AdminCommand::IssueTicket { user, ttl, xsrf } => {
            let server_secret = match xsrf {
                true => Some(xsrf_secret(cli)?.ok_or("--xsrf needs CHAT_PICKUP_XSRF_SECRET")?),
                false => None,
            };
            let ticket =
                store.issue_secret(user, SecretKind::Ticket, now, Some(after(now, *ttl)?))?;
            println!("{ticket}");
            if let Some(server_secret) = server_secret {
                println!("{}", secret::xsrf_token(&server_secret, &ticket));
            }
        }
        AdminCommand::IssueToken { user, ttl } => {
            let expires = ttl.map(|ttl| after(now, ttl)).transpose()?;
            println!(
                "{}",
                store.issue_secret(user, SecretKind::ApiToken, now, expires)?
            );
        }
        AdminCommand::RevokeTicket(which) => revoke(store, SecretKind::Ticket, which)?,
        AdminCommand::RevokeToken(which) => revoke(store, SecretKind::ApiToken, which)?,
        AdminCommand::AddApp { name } => println!("{}", store.add_app(name, now)?),
        AdminCommand::RevokeApp { name } => {
            store.revoke_app(name)?;
            println!("app {name} revoked");
        }
        AdminCommand::SetPassword {
            user,
            password: secret,
        } => {
            store.set_password(user, &password::hash(secret))?;
            println!("password of {user} replaced");
        }
        AdminCommand::DeleteAssociate { user } => {
            store.delete_associate(user)?;
            println!("{user} deleted");
        }
        _ => return Ok(false),
    }
    Ok(true)
}

fn after(now: Timestamp, ttl: std::time::Duration) -> Result<Timestamp, Failure> {
    let ttl = Duration::from_std(ttl).map_err(|_| "the --ttl is too long")?;
    let expires = now
        .utc()
        .checked_add_signed(ttl)
        .ok_or("the --ttl is too long")?;
    Ok(Timestamp::from_utc(expires))
}

fn revoke(store: &SqliteStore, kind: SecretKind, which: &Revoke) -> Result<(), Failure> {
    let noun = match kind {
        SecretKind::Ticket => "ticket",
        SecretKind::ApiToken => "token",
    };
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
